"""Use cases: consultants' leads, and what recruiters do with them."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from eventsourcing.domain import Aggregate

from crm.commands.companies import CompanyCommands
from crm.commands.contacts import ContactCommands
from crm.companies import Company
from crm.errors import InvalidInput
from crm.leads import Lead
from crm.partners import ChannelPartner
from crm.service import command
from crm.validation import DESCRIPTION_LENGTH, REASON_LENGTH, choice, optional_choice, optional_text, required_text
from crm.vocabulary import ARENAS, CONTACT_ROLES, STRATEGIES, URGENCIES


@dataclass(frozen=True)
class NewCompany:
    """A company the consultant names while sharing the lead; registered with it."""

    name: str
    industry: str
    cvr: str | None = None


@dataclass(frozen=True)
class NewContact:
    """A person the consultant names while sharing the lead; the role defaults to the suggested one."""

    name: str
    role: str | None = None
    phone: str | None = None
    email: str | None = None


def claim(lead: Lead, company: Company, recruiter_id: UUID) -> None:
    """A recruiter takes the lead on: the company is now theirs to approach, and theirs to own if nobody does."""
    lead.claim(recruiter_id)
    if company.owner_id is None:
        company.assign_owner(recruiter_id)


class LeadCommands(CompanyCommands, ContactCommands):
    @command("share_lead")
    def share_lead(
        self,
        company_id: UUID | None,
        lead_reason: str,
        suggested_contact_id: UUID | None = None,
        suggested_role: str | None = None,
        urgency: str = "normal",
        arena: str | None = None,
        strategy: str | None = None,
        source_partner_id: UUID | None = None,
        *,
        new_company: NewCompany | None = None,
        new_contact: NewContact | None = None,
    ) -> UUID:
        """Share what you know about a company ("high sick leave, talk to the HR manager").

        The company and the suggested contact are existing ones (by id) or new
        ones named on the spot; new ones are stored with the lead, or nothing is.
        """
        if (company_id is None) == (new_company is None):
            raise InvalidInput(field="company", problem="choose the company or name a new one")
        if suggested_contact_id is not None and new_contact is not None:
            raise InvalidInput(field="contact", problem="choose the contact or name a new one")
        if source_partner_id is not None:
            self.load(ChannelPartner, source_partner_id)
        lead_reason = required_text("lead_reason", lead_reason, DESCRIPTION_LENGTH)
        suggested_role = optional_choice("suggested_role", suggested_role, CONTACT_ROLES)
        arena = optional_choice("arena", arena, ARENAS)
        strategy = optional_choice("strategy", strategy, STRATEGIES)
        new: list[Aggregate] = []
        if new_company is not None:
            company, index = self._new_company(
                name=new_company.name,
                industry=new_company.industry,
                cvr=new_company.cvr,
                arena=arena,
                strategy=strategy,
                source_partner_id=source_partner_id,
            )
            new += [company, *index]
        else:
            assert company_id is not None  # nosec B101  # narrows the type: the first check requires one of the two
            company = self.load(Company, company_id)
            self.check_contact_at(suggested_contact_id, company.id)
        if new_contact is not None:
            contact = self._new_contact(
                company.id,
                new_contact.name,
                new_contact.role or suggested_role or "other",
                new_contact.phone,
                new_contact.email,
            )
            new.append(contact)
            suggested_contact_id = contact.id
        lead = Lead(
            company_id=company.id,
            shared_by=self.current_actor(),
            lead_reason=lead_reason,
            suggested_contact_id=suggested_contact_id,
            suggested_role=suggested_role,
            urgency=choice("urgency", urgency, URGENCIES),
            arena=arena,
            strategy=strategy,
            source_partner_id=source_partner_id,
        )
        self.save(*new, lead)
        return lead.id

    @command("decide_lead")
    def claim_lead(self, lead_id: UUID) -> None:
        """Take the lead on: the company is now yours to approach (and yours to own, if nobody does)."""
        lead = self.load(Lead, lead_id)
        company = self.load(Company, lead.company_id)
        claim(lead, company, self.current_actor())
        self.save(lead, company)

    @command("decide_lead", reason_required=True)
    def decline_lead(self, lead_id: UUID) -> None:
        """Turn a lead down, with the reason the consultant will see."""
        lead = self.load(Lead, lead_id)
        lead.decline(optional_text("reason", self.current_reason(), REASON_LENGTH) or "")
        self.save(lead)
