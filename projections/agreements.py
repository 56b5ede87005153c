"""Agreements read model: the buy-in tracker, the commitment tracker and each cooperation agreement.

The tables are in projections/agreement_tables.py and the queries in agreement_queries.py;
this module holds what each event changes.
"""

from __future__ import annotations

from functools import singledispatchmethod
from typing import Any

from eventsourcing.persistence import Tracking
from eventsourcing.utils import get_topic
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.agreements import PartnershipAgreement as Agreement
from projections.agreement_queries import AgreementQueries
from projections.agreement_tables import agreements, commitments, requirements
from projections.base import CrmProjection
from projections.schema import utc_naive


class AgreementsView(AgreementQueries):
    name = "agreements"
    view_tables = (agreements, requirements, commitments)
    reads_also = ("outreach",)  # the company and the contacts beside each agreement

    # --- writes ------------------------------------------------------------------------
    def add_agreement(self, event: Agreement.Drafted) -> None:
        with self.transaction(commit=True) as session:
            session.execute(
                agreements.insert().values(
                    agreement_id=event.originator_id,
                    company_id=event.company_id,
                    version=event.originator_version,
                    status="negotiating",
                    opened_at=utc_naive(event.timestamp),
                    planned_health_checks=0,
                    planned_conversations=0,
                    delivered_health_checks=0,
                    delivered_conversations=0,
                    delivered_referrals=0,
                )
            )
            for position, requirement in enumerate(event.requirements):
                self._insert_requirement(session, event, requirement["key"], requirement.get("label"), position)

    def add_requirement(self, event: Agreement.RequirementAdded) -> None:
        with self.transaction(commit=True) as session:
            last = session.execute(
                select(func.max(requirements.c.position)).where(requirements.c.agreement_id == event.originator_id)
            ).scalar()
            self._insert_requirement(session, event, event.key, event.label, 0 if last is None else last + 1)
            self.update_agreement(event)

    def _insert_requirement(self, session: Session, event: Any, key: str, label: str | None, position: int) -> None:
        session.execute(
            requirements.insert().values(
                agreement_id=event.originator_id,
                key=key,
                label=label,
                met=False,
                position=position,
            )
        )

    def update_requirement(self, event: Any, **values: Any) -> None:
        with self.transaction(commit=True) as session:
            session.execute(
                requirements.update()
                .where(requirements.c.agreement_id == event.originator_id, requirements.c.key == event.key)
                .values(**values)
            )
            self.update_agreement(event)

    def update_agreement(self, event: Any, **values: Any) -> None:
        """Apply changed columns and the agreement's new version (forms send it back as expected_version)."""
        with self.transaction(commit=True) as session:
            session.execute(
                agreements.update()
                .where(agreements.c.agreement_id == event.originator_id)
                .values(version=event.originator_version, **values)
            )

    def add_delivery(self, event: Agreement.DeliveryRecorded) -> None:
        c = agreements.c
        self.update_agreement(
            event,
            delivered_health_checks=c.delivered_health_checks + event.health_checks,
            delivered_conversations=c.delivered_conversations + event.conversations,
            delivered_referrals=c.delivered_referrals + event.referrals,
        )

    def add_commitment(self, event: Agreement.CommitmentAdded) -> None:
        company_id = select(agreements.c.company_id).where(agreements.c.agreement_id == event.originator_id)
        with self.transaction(commit=True) as session:
            session.execute(
                commitments.insert().values(
                    agreement_id=event.originator_id,
                    commitment_id=event.commitment_id,
                    company_id=company_id.scalar_subquery(),
                    kind=event.kind,
                    description=event.description,
                    owner_contact_id=event.owner_contact_id,
                    due_on=event.due_on,
                    state="open",
                )
            )
            self.update_agreement(event)

    def close_commitment(self, event: Any, **values: Any) -> None:
        with self.transaction(commit=True) as session:
            session.execute(
                commitments.update()
                .where(
                    commitments.c.agreement_id == event.originator_id,
                    commitments.c.commitment_id == event.commitment_id,
                )
                .values(**values)
            )
            self.update_agreement(event)


CONSUMED = (
    Agreement.Drafted,
    Agreement.RequirementAdded,
    Agreement.RequirementConfirmed,
    Agreement.RequirementWithdrawn,
    Agreement.Signed,
    Agreement.ServicesPlanned,
    Agreement.DeliveryRecorded,
    Agreement.FeedbackDelivered,
    Agreement.FollowUpHeld,
    Agreement.CommitmentAdded,
    Agreement.CommitmentFulfilled,
    Agreement.CommitmentAbandoned,
    Agreement.Completed,
    Agreement.Terminated,
)


class AgreementsProjection(CrmProjection[AgreementsView]):
    name = "agreements"
    view_class = AgreementsView
    topics = tuple(get_topic(cls) for cls in CONSUMED)

    @singledispatchmethod
    def process_event(self, event: Any, tracking: Tracking) -> None:
        """Not ours: the runner advances the position."""

    @process_event.register
    def drafted(self, event: Agreement.Drafted, tracking: Tracking) -> None:
        self.view.add_agreement(event)

    @process_event.register
    def requirement_added(self, event: Agreement.RequirementAdded, tracking: Tracking) -> None:
        self.view.add_requirement(event)

    @process_event.register
    def requirement_confirmed(self, event: Agreement.RequirementConfirmed, tracking: Tracking) -> None:
        self.view.update_requirement(
            event,
            met=True,
            confirmed_by=event.confirmed_by,
            confirmed_on=event.confirmed_on,
            contact_id=event.contact_id,
        )

    @process_event.register
    def requirement_withdrawn(self, event: Agreement.RequirementWithdrawn, tracking: Tracking) -> None:
        self.view.update_requirement(event, met=False, confirmed_by=None, confirmed_on=None, contact_id=None)

    @process_event.register
    def signed(self, event: Agreement.Signed, tracking: Tracking) -> None:
        self.view.update_agreement(event, status="signed", signed_on=event.signed_on)

    @process_event.register
    def services_planned(self, event: Agreement.ServicesPlanned, tracking: Tracking) -> None:
        self.view.update_agreement(
            event, planned_health_checks=event.health_checks, planned_conversations=event.conversations
        )

    @process_event.register
    def delivery_recorded(self, event: Agreement.DeliveryRecorded, tracking: Tracking) -> None:
        self.view.add_delivery(event)

    @process_event.register
    def feedback_delivered(self, event: Agreement.FeedbackDelivered, tracking: Tracking) -> None:
        self.view.update_agreement(event, feedback_on=event.delivered_on, focus_points=event.focus_points)

    @process_event.register
    def follow_up_held(self, event: Agreement.FollowUpHeld, tracking: Tracking) -> None:
        self.view.update_agreement(event, follow_up_on=event.held_on, follow_up_note=event.note)

    @process_event.register
    def commitment_added(self, event: Agreement.CommitmentAdded, tracking: Tracking) -> None:
        self.view.add_commitment(event)

    @process_event.register
    def commitment_fulfilled(self, event: Agreement.CommitmentFulfilled, tracking: Tracking) -> None:
        self.view.close_commitment(event, state="fulfilled", closed_on=event.fulfilled_on)

    @process_event.register
    def commitment_abandoned(self, event: Agreement.CommitmentAbandoned, tracking: Tracking) -> None:
        self.view.close_commitment(event, state="abandoned", closed_on=event.abandoned_on, abandon_reason=event.reason)

    @process_event.register
    def completed(self, event: Agreement.Completed, tracking: Tracking) -> None:
        self.view.update_agreement(event, status="completed", closed_on=event.completed_on)

    @process_event.register
    def terminated(self, event: Agreement.Terminated, tracking: Tracking) -> None:
        self.view.update_agreement(
            event, status="terminated", closed_on=event.terminated_on, termination_reason=event.termination_reason
        )
