"""Outreach read model: companies with their stage and next step, contacts, attempts, partners, live leads.

The tables are in projections/outreach_tables.py, the writes in outreach_view.py; the
pipeline, the recruiter's queue, the company list and the department overlap are
queries over them (projections/pipeline.py, queue.py, company_list.py, overlap.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import singledispatchmethod
from typing import Any

from eventsourcing.persistence import Tracking
from eventsourcing.utils import get_topic

from crm.attempts import OutreachAttempt
from crm.companies import Company
from crm.contacts import Contact
from crm.leads import Lead
from crm.partners import ChannelPartner
from projections.base import UPSTREAM, CrmProjection
from projections.outreach_view import OutreachView

CONSUMED = (
    Company.Registered,
    Company.DetailsChanged,
    Company.OwnerAssigned,
    Company.RegisterStatusNoted,
    Company.WorkplaceAdded,
    Company.WorkplaceRemoved,
    Company.StageChanged,
    Company.NegotiationOpened,
    Company.BecamePartner,
    Company.PartnershipClosed,
    Company.Declined,
    Company.Parked,
    Company.Reapproached,
    Contact.Registered,
    Contact.DetailsChanged,
    Contact.RoleChanged,
    Contact.Archived,
    Contact.Erased,
    OutreachAttempt.Logged,
    OutreachAttempt.Corrected,
    OutreachAttempt.Voided,
    Lead.Shared,
    Lead.Declined,
    ChannelPartner.Registered,
    ChannelPartner.Renamed,
    ChannelPartner.Archived,
)


class OutreachProjection(CrmProjection[OutreachView]):
    name = "outreach"
    view_class = OutreachView
    topics = tuple(get_topic(cls) for cls in CONSUMED)

    def process_batch(self, events: Sequence[tuple[int, Any]]) -> None:
        """The rows the batch's events change are read first, one statement per table; the view writes them
        back when the runner flushes it at the batch's end."""
        self.view.read_rows_for(event for _, event in events)
        apply = self.apply  # a singledispatchmethod makes its bound dispatcher anew on each access
        for position, event in events:
            apply(event, Tracking(UPSTREAM, position))

    def process_event(self, event: Any, tracking: Tracking) -> None:
        self.view.read_rows_for([event])
        self.apply(event, tracking)

    @singledispatchmethod
    def apply(self, event: Any, tracking: Tracking) -> None:
        """Not ours: the runner advances the position."""

    @apply.register
    def company_registered(self, event: Company.Registered, tracking: Tracking) -> None:
        self.view.add_company(event)

    @apply.register
    def details_changed(self, event: Company.DetailsChanged, tracking: Tracking) -> None:
        self.view.update_company(event, **event.changes)

    @apply.register
    def owner_assigned(self, event: Company.OwnerAssigned, tracking: Tracking) -> None:
        self.view.update_company(event, owner_id=event.owner_id)

    @apply.register
    def register_status_noted(self, event: Company.RegisterStatusNoted, tracking: Tracking) -> None:
        self.view.update_company(event, register_ceased=event.ceased, register_protected=event.protected)

    @apply.register
    def workplace_added(self, event: Company.WorkplaceAdded, tracking: Tracking) -> None:
        self.view.add_workplace(event)

    @apply.register
    def workplace_removed(self, event: Company.WorkplaceRemoved, tracking: Tracking) -> None:
        self.view.remove_workplace(event)

    @apply.register
    def stage_changed(self, event: Company.StageChanged, tracking: Tracking) -> None:
        self.view.change_stage(event, event.to_stage)

    @apply.register
    def negotiation_opened(self, event: Company.NegotiationOpened, tracking: Tracking) -> None:
        self.view.change_stage(event, "negotiating", agreement_id=event.agreement_id)

    @apply.register
    def became_partner(self, event: Company.BecamePartner, tracking: Tracking) -> None:
        self.view.change_stage(event, "partner")

    @apply.register
    def partnership_closed(self, event: Company.PartnershipClosed, tracking: Tracking) -> None:
        self.view.change_stage(
            event, event.outcome, closed_reason=event.closed_reason, closed_attempt_id=None, approach_again_after=None
        )

    @apply.register
    def declined(self, event: Company.Declined, tracking: Tracking) -> None:
        self.view.change_stage(
            event,
            "declined",
            closed_reason=event.closed_reason,
            closed_attempt_id=event.attempt_id,
            approach_again_after=event.approach_again_after,
        )

    @apply.register
    def parked(self, event: Company.Parked, tracking: Tracking) -> None:
        self.view.change_stage(
            event,
            "parked",
            closed_reason=event.closed_reason,
            closed_attempt_id=None,
            approach_again_after=event.approach_again_after,
        )

    @apply.register
    def reapproached(self, event: Company.Reapproached, tracking: Tracking) -> None:
        self.view.start_round(event)

    @apply.register
    def contact_registered(self, event: Contact.Registered, tracking: Tracking) -> None:
        self.view.add_contact(event)

    @apply.register
    def contact_changed(self, event: Contact.DetailsChanged, tracking: Tracking) -> None:
        self.view.update_contact(event, **event.changes)

    @apply.register
    def contact_role_changed(self, event: Contact.RoleChanged, tracking: Tracking) -> None:
        self.view.update_contact(event, role=event.role, is_decision_maker=event.is_decision_maker)

    @apply.register
    def contact_archived(self, event: Contact.Archived, tracking: Tracking) -> None:
        self.view.update_contact(event, archived=True)

    @apply.register
    def contact_erased(self, event: Contact.Erased, tracking: Tracking) -> None:
        self.view.erase_contact(event)

    @apply.register
    def attempt_logged(self, event: OutreachAttempt.Logged, tracking: Tracking) -> None:
        self.view.add_attempt(event)

    @apply.register
    def attempt_corrected(self, event: OutreachAttempt.Corrected, tracking: Tracking) -> None:
        self.view.update_attempt(event, corrected=True, **event.changes)

    @apply.register
    def attempt_voided(self, event: OutreachAttempt.Voided, tracking: Tracking) -> None:
        self.view.update_attempt(event, voided=True)

    @apply.register
    def lead_shared(self, event: Lead.Shared, tracking: Tracking) -> None:
        self.view.share_lead(event)

    @apply.register
    def lead_declined(self, event: Lead.Declined, tracking: Tracking) -> None:
        self.view.decline_lead(event)

    @apply.register
    def partner_registered(self, event: ChannelPartner.Registered, tracking: Tracking) -> None:
        self.view.add_partner(event)

    @apply.register
    def partner_renamed(self, event: ChannelPartner.Renamed, tracking: Tracking) -> None:
        self.view.rename_partner(event)

    @apply.register
    def partner_archived(self, event: ChannelPartner.Archived, tracking: Tracking) -> None:
        self.view.archive_partner(event)
