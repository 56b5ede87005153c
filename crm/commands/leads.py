"""Use cases: consultants' leads, and what recruiters do with them."""

from __future__ import annotations

from uuid import UUID

from crm.companies import Company
from crm.leads import Lead
from crm.partners import ChannelPartner
from crm.service import CrmService, command
from crm.validation import DESCRIPTION_LENGTH, REASON_LENGTH, choice, optional_choice, optional_text, required_text
from crm.vocabulary import ARENAS, CONTACT_ROLES, STRATEGIES, URGENCIES


class LeadCommands(CrmService):
    @command("share_lead")
    def share_lead(
        self,
        company_id: UUID,
        lead_reason: str,
        suggested_contact_id: UUID | None = None,
        suggested_role: str | None = None,
        urgency: str = "normal",
        arena: str | None = None,
        strategy: str | None = None,
        source_partner_id: UUID | None = None,
    ) -> UUID:
        """Share what you know about a company ("high sick leave, talk to the HR manager")."""
        self.load(Company, company_id)
        self.check_contact_at(suggested_contact_id, company_id)
        if source_partner_id is not None:
            self.load(ChannelPartner, source_partner_id)
        lead = Lead(
            company_id=company_id,
            shared_by=self.current_actor(),
            lead_reason=required_text("lead_reason", lead_reason, DESCRIPTION_LENGTH),
            suggested_contact_id=suggested_contact_id,
            suggested_role=optional_choice("suggested_role", suggested_role, CONTACT_ROLES),
            urgency=choice("urgency", urgency, URGENCIES),
            arena=optional_choice("arena", arena, ARENAS),
            strategy=optional_choice("strategy", strategy, STRATEGIES),
            source_partner_id=source_partner_id,
        )
        self.save(lead)
        return lead.id

    @command("decide_lead")
    def claim_lead(self, lead_id: UUID) -> None:
        """Take the lead on: the company is now yours to approach (and yours to own, if nobody does)."""
        lead = self.load(Lead, lead_id)
        company = self.load(Company, lead.company_id)
        lead.claim(self.current_actor())
        if company.owner_id is None:
            company.assign_owner(self.current_actor())
        self.save(lead, company)

    @command("decide_lead", reason_required=True)
    def decline_lead(self, lead_id: UUID) -> None:
        """Turn a lead down, with the reason the consultant will see."""
        lead = self.load(Lead, lead_id)
        lead.decline(optional_text("reason", self.current_reason(), REASON_LENGTH) or "")
        self.save(lead)
