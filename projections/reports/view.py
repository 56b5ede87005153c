"""The reports read model: the stages each company entered, deliveries and commitments, with their days."""

from __future__ import annotations

from functools import singledispatchmethod
from typing import Any

from eventsourcing.persistence import Tracking
from eventsourcing.utils import get_topic

from crm.agreements import PartnershipAgreement
from crm.clock import local_date
from crm.companies import Company
from projections.base import CrmProjection, View
from projections.reports.tables import commitments_made, deliveries, stage_entries
from projections.schema import utc_naive


class ReportsView(View):
    name = "reports"
    version = 1
    view_tables = (stage_entries, deliveries, commitments_made)
    # The figures join the companies, attempts, agreements, leads and users of these views.
    reads_also = ("outreach", "agreements", "leads", "users")

    def enter_stage(self, event: Any, stage: str) -> None:
        # Insert-only rows, so a batch of them is one executemany at its end.
        self.buffer(
            stage_entries,
            dict(
                company_id=event.originator_id,
                version=event.originator_version,
                stage=stage,
                entered_at=utc_naive(event.timestamp),
                entered_on=local_date(event.timestamp),
            ),
        )

    def add_delivery(self, event: PartnershipAgreement.DeliveryRecorded) -> None:
        self.buffer(
            deliveries,
            dict(
                agreement_id=event.originator_id,
                version=event.originator_version,
                delivered_on=event.delivered_on,
                health_checks=event.health_checks,
                conversations=event.conversations,
                referrals=event.referrals,
            ),
        )

    def add_commitment(self, event: PartnershipAgreement.CommitmentAdded) -> None:
        self.buffer(
            commitments_made,
            dict(
                agreement_id=event.originator_id, commitment_id=event.commitment_id, made_on=local_date(event.timestamp)
            ),
        )


CONSUMED = (
    Company.Registered,
    Company.StageChanged,
    Company.NegotiationOpened,
    Company.BecamePartner,
    Company.PartnershipClosed,
    Company.Declined,
    Company.Parked,
    Company.Reapproached,
    PartnershipAgreement.DeliveryRecorded,
    PartnershipAgreement.CommitmentAdded,
)


class ReportsProjection(CrmProjection[ReportsView]):
    """Records each stage a company enters, each delivery and each commitment made, with the day."""

    name = "reports"
    view_class = ReportsView
    topics = tuple(get_topic(cls) for cls in CONSUMED)

    @singledispatchmethod
    def process_event(self, event: Any, tracking: Tracking) -> None:
        """Not ours: the runner advances the position."""

    @process_event.register
    def registered(self, event: Company.Registered, tracking: Tracking) -> None:
        self.view.enter_stage(event, "identified")

    @process_event.register
    def stage_changed(self, event: Company.StageChanged, tracking: Tracking) -> None:
        self.view.enter_stage(event, event.to_stage)

    @process_event.register
    def negotiation_opened(self, event: Company.NegotiationOpened, tracking: Tracking) -> None:
        self.view.enter_stage(event, "negotiating")

    @process_event.register
    def became_partner(self, event: Company.BecamePartner, tracking: Tracking) -> None:
        self.view.enter_stage(event, "partner")

    @process_event.register
    def partnership_closed(self, event: Company.PartnershipClosed, tracking: Tracking) -> None:
        self.view.enter_stage(event, event.outcome)

    @process_event.register
    def declined(self, event: Company.Declined, tracking: Tracking) -> None:
        self.view.enter_stage(event, "declined")

    @process_event.register
    def parked(self, event: Company.Parked, tracking: Tracking) -> None:
        self.view.enter_stage(event, "parked")

    @process_event.register
    def reapproached(self, event: Company.Reapproached, tracking: Tracking) -> None:
        self.view.enter_stage(event, "identified")

    @process_event.register
    def delivery_recorded(self, event: PartnershipAgreement.DeliveryRecorded, tracking: Tracking) -> None:
        self.view.add_delivery(event)

    @process_event.register
    def commitment_added(self, event: PartnershipAgreement.CommitmentAdded, tracking: Tracking) -> None:
        self.view.add_commitment(event)
