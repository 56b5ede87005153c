"""Use cases: persistent contact, one logged attempt at a time."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from crm.attempts import OutreachAttempt
from crm.commands.leads import claim
from crm.companies import Company
from crm.errors import InvalidInput
from crm.leads import Lead
from crm.partners import ChannelPartner
from crm.service import CrmService, command
from crm.validation import choice, not_before, optional_choice, optional_text
from crm.vocabulary import ARENAS, CHANNELS, IN_OUTREACH, OUTCOMES, STRATEGIES


class AttemptCommands(CrmService):
    @command("outreach")
    def log_attempt(
        self,
        company_id: UUID,
        channel: str,
        outcome: str,
        note: str | None = None,
        occurred_on: date | None = None,
        next_follow_up: date | None = None,
        contact_id: UUID | None = None,
        lead_id: UUID | None = None,
        source_partner_id: UUID | None = None,
        arena: str | None = None,
        strategy: str | None = None,
        approach_again_after: date | None = None,
    ) -> UUID:
        """Log one call, e-mail, visit...: the company moves on its path and a lead records what it started."""
        company = self.load(Company, company_id)
        occurred_on = self.day_not_in_future("occurred_on", occurred_on)
        self.check_contact_at(contact_id, company_id)
        if source_partner_id is not None:
            self.load(ChannelPartner, source_partner_id)
        lead = self._lead_of(lead_id, company_id)
        attempt = OutreachAttempt(
            company_id=company_id,
            contact_id=contact_id,
            user_id=self.current_actor(),
            channel=choice("channel", channel, CHANNELS),
            outcome=choice("outcome", outcome, OUTCOMES),
            note=optional_text("note", note),
            occurred_on=occurred_on,
            next_follow_up=not_before("next_follow_up", next_follow_up, occurred_on),
            lead_id=lead_id,
            source_partner_id=source_partner_id,
            arena=optional_choice("arena", arena, ARENAS),
            strategy=optional_choice("strategy", strategy, STRATEGIES),
            round=company.round,
        )
        if company.stage in IN_OUTREACH:
            if outcome == "declined":
                company.decline_in_attempt(
                    attempt.id, not_before("approach_again_after", approach_again_after, self.today())
                )
            else:
                company.note_outreach(outcome)
        changed = [attempt, company]
        if lead is not None:
            if lead.status == "open":
                claim(lead, company, self.current_actor())
            lead.start_outreach(attempt.id)
            changed.append(lead)
        self.save(*changed)
        return attempt.id

    @command("outreach", reason_required=True)
    def correct_attempt(self, attempt_id: UUID, **changes: Any) -> None:
        """Correct a logged attempt; the original stays in the history beside the correction."""
        attempt = self.load(OutreachAttempt, attempt_id)
        cleaned: dict[str, Any] = {}
        for field, value in changes.items():
            if field == "channel":
                value = choice("channel", value, CHANNELS)
            elif field == "outcome":
                value = choice("outcome", value, OUTCOMES)
            elif field == "note":
                value = optional_text("note", value)
            elif field == "contact_id":
                self.check_contact_at(value, attempt.company_id)
            cleaned[field] = value
        occurred_on = self.day_not_in_future("occurred_on", cleaned.get("occurred_on", attempt.occurred_on))
        if "next_follow_up" in cleaned or "occurred_on" in cleaned:
            not_before("next_follow_up", cleaned.get("next_follow_up", attempt.next_follow_up), occurred_on)
        attempt.correct(**cleaned)
        self.save(attempt)

    @command("outreach", reason_required=True)
    def void_attempt(self, attempt_id: UUID) -> None:
        """Mark an attempt logged in error; it stays in the history, out of every count."""
        attempt = self.load(OutreachAttempt, attempt_id)
        attempt.void()
        self.save(attempt)

    # --- helpers -------------------------------------------------------------
    def _lead_of(self, lead_id: UUID | None, company_id: UUID) -> Lead | None:
        if lead_id is None:
            return None
        lead = self.load(Lead, lead_id)
        if lead.company_id != company_id:
            raise InvalidInput(field="lead", problem="the lead is about another company")
        return lead
