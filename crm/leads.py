"""Lead: a business-service consultant's tip about a company, claimed or declined by a recruiter."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import event

from crm.aggregate import CrmAggregate
from crm.errors import LeadAlreadyDecided

OPEN = "open"
CLAIMED = "claimed"
DECLINED = "declined"


class Lead(CrmAggregate):
    class Shared(CrmAggregate.Created):
        company_id: UUID
        shared_by: UUID
        lead_reason: str
        suggested_contact_id: UUID | None
        suggested_role: str | None
        urgency: str
        arena: str | None
        strategy: str | None
        source_partner_id: UUID | None

    @event(Shared)
    def __init__(
        self,
        company_id: UUID,
        shared_by: UUID,
        lead_reason: str,
        suggested_contact_id: UUID | None,
        suggested_role: str | None,
        urgency: str,
        arena: str | None,
        strategy: str | None,
        source_partner_id: UUID | None,
    ) -> None:
        self.company_id = company_id
        self.shared_by = shared_by
        self.lead_reason = lead_reason
        self.suggested_contact_id = suggested_contact_id
        self.suggested_role = suggested_role
        self.urgency = urgency
        self.arena = arena
        self.strategy = strategy
        self.source_partner_id = source_partner_id
        self.status = OPEN
        self.claimed_by: UUID | None = None
        self.started_attempt_id: UUID | None = None

    class Claimed(CrmAggregate.Event):
        company_id: UUID
        claimed_by: UUID

    @event(Claimed)
    def _claimed(self, company_id: UUID, claimed_by: UUID) -> None:
        self.status = CLAIMED
        self.claimed_by = claimed_by

    def claim(self, recruiter_id: UUID) -> None:
        self._require_open()
        self._claimed(self.company_id, recruiter_id)

    class Declined(CrmAggregate.Event):
        company_id: UUID
        decline_reason: str

    @event(Declined)
    def _declined(self, company_id: UUID, decline_reason: str) -> None:
        self.status = DECLINED

    def decline(self, reason: str) -> None:
        self._require_open()
        self._declined(self.company_id, reason)

    class OutreachStarted(CrmAggregate.Event):
        company_id: UUID
        attempt_id: UUID

    @event(OutreachStarted)
    def _outreach_started(self, company_id: UUID, attempt_id: UUID) -> None:
        self.started_attempt_id = attempt_id

    def start_outreach(self, attempt_id: UUID) -> None:
        """The first attempt made on this lead; what came of it is read from the company's path."""
        if self.status == DECLINED:
            raise LeadAlreadyDecided(status=self.status)
        if self.started_attempt_id is None:
            self._outreach_started(self.company_id, attempt_id)

    def _require_open(self) -> None:
        if self.status != OPEN:
            raise LeadAlreadyDecided(status=self.status)
