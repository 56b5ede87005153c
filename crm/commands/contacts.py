"""Use cases: the people at a company (the only home of personal data)."""

from __future__ import annotations

from uuid import UUID

from crm.companies import Company
from crm.contacts import Contact
from crm.sealing import contact_key
from crm.service import CrmService, command
from crm.validation import PERSON_NAME_LENGTH, choice, normalise_email, normalise_phone, required_text
from crm.vocabulary import CONTACT_ROLES, LEGAL_BASES


class ContactCommands(CrmService):
    @command("outreach")
    def register_contact(
        self,
        company_id: UUID,
        name: str,
        role: str,
        phone: str | None = None,
        email: str | None = None,
        is_decision_maker: bool = False,
    ) -> UUID:
        """Record a person at the company and their role."""
        self.load(Company, company_id)
        contact = self._new_contact(company_id, name, role, phone, email, is_decision_maker)
        self.save(contact)
        return contact.id

    @command("outreach")
    def change_contact_details(
        self,
        contact_id: UUID,
        name: str,
        phone: str | None,
        email: str | None,
        expected_version: int | None = None,
    ) -> None:
        """Correct a contact's name, phone or e-mail."""
        contact = self.load(Contact, contact_id, expected_version)
        contact.change_details(
            name=required_text("name", name, PERSON_NAME_LENGTH),
            phone=normalise_phone(phone),
            email=normalise_email(email),
        )
        self.save(contact)

    @command("outreach")
    def change_contact_role(self, contact_id: UUID, role: str, is_decision_maker: bool) -> None:
        """Record a contact's new role, e.g. promoted to top management."""
        contact = self.load(Contact, contact_id)
        contact.change_role(choice("role", role, CONTACT_ROLES), bool(is_decision_maker))
        self.save(contact)

    @command("outreach")
    def archive_contact(self, contact_id: UUID) -> None:
        """The person left the company; kept for the history."""
        contact = self.load(Contact, contact_id)
        contact.archive()
        self.save(contact)

    @command("erase_personal_data", reason_required=True)
    def erase_contact(self, contact_id: UUID, legal_basis: str = LEGAL_BASES[0]) -> None:
        """Erase a person on request: destroy their key, record who, when, why and on what basis.

        The erasure event is saved first and the key destroyed after it; a repeated
        call on an erased person destroys the key again and records nothing new,
        so an erasure cut short between the two is finished by trying again.
        """
        contact = self.load(Contact, contact_id)
        if not contact.is_erased:
            contact.erase(choice("legal_basis", legal_basis, LEGAL_BASES))
            self.save(contact)
        self.personal_keys.destroy([contact_key(contact_id)])

    # --- helpers -------------------------------------------------------------
    def _new_contact(
        self,
        company_id: UUID,
        name: str,
        role: str,
        phone: str | None = None,
        email: str | None = None,
        is_decision_maker: bool = False,
    ) -> Contact:
        """A new contact at a company the caller has checked, for a command to save with what else it does."""
        return Contact(
            company_id=company_id,
            name=required_text("name", name, PERSON_NAME_LENGTH),
            role=choice("role", role, CONTACT_ROLES),
            phone=normalise_phone(phone),
            email=normalise_email(email),
            is_decision_maker=bool(is_decision_maker),
        )
