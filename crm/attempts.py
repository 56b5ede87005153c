"""OutreachAttempt: one call, e-mail, visit... to a company. A fact: corrected by a new event, never edited."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from crm.aggregate import CrmAggregate
from crm.errors import AttemptVoided, InvalidInput

CORRECTABLE = ("channel", "outcome", "note", "occurred_on", "next_follow_up", "contact_id")


class OutreachAttempt(CrmAggregate):
    class Logged(CrmAggregate.Created):
        company_id: UUID
        contact_id: UUID | None
        user_id: UUID
        channel: str
        outcome: str
        note: str | None
        occurred_on: date
        next_follow_up: date | None
        lead_id: UUID | None
        source_partner_id: UUID | None
        arena: str | None
        strategy: str | None
        round: int

    @event(Logged)
    def __init__(
        self,
        company_id: UUID,
        contact_id: UUID | None,
        user_id: UUID,
        channel: str,
        outcome: str,
        note: str | None,
        occurred_on: date,
        next_follow_up: date | None,
        lead_id: UUID | None,
        source_partner_id: UUID | None,
        arena: str | None,
        strategy: str | None,
        round: int,
    ) -> None:
        self.company_id = company_id
        self.contact_id = contact_id
        self.user_id = user_id
        self.channel = channel
        self.outcome = outcome
        self.note = note
        self.occurred_on = occurred_on
        self.next_follow_up = next_follow_up
        self.lead_id = lead_id
        self.source_partner_id = source_partner_id
        self.arena = arena
        self.strategy = strategy
        self.round = round
        self.voided = False

    class Corrected(CrmAggregate.Event):
        company_id: UUID
        changes: dict[str, Any]

    @event(Corrected)
    def _corrected(self, company_id: UUID, changes: dict[str, Any]) -> None:
        for field, value in changes.items():
            setattr(self, field, value)

    def correct(self, **values: Any) -> None:
        self._require_not_voided()
        unknown = set(values) - set(CORRECTABLE)
        if unknown:
            raise InvalidInput(field=", ".join(sorted(unknown)), problem="cannot be corrected")
        changes = self.changed_values(values)
        if changes:
            self._corrected(self.company_id, changes)

    class Voided(CrmAggregate.Event):
        company_id: UUID

    @event(Voided)
    def _voided(self, company_id: UUID) -> None:
        self.voided = True

    def void(self) -> None:
        """Logged in error (e.g. on the wrong company): kept in the history, left out of every count."""
        self._require_not_voided()
        self._voided(self.company_id)

    def _require_not_voided(self) -> None:
        if self.voided:
            raise AttemptVoided()
