"""Use cases: the cooperation agreement, from buy-in to follow-up."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from uuid import UUID, uuid4

from crm.agreements import SPONSOR, PartnershipAgreement
from crm.companies import Company
from crm.contacts import Contact
from crm.errors import InvalidInput
from crm.service import CrmService, command
from crm.validation import (
    DESCRIPTION_LENGTH,
    LABEL_LENGTH,
    MAX_EXTRA_REQUIREMENTS,
    choice,
    optional_text,
    required_text,
    text_list,
)
from crm.vocabulary import COMMITMENT_KINDS, COMPLETED, ENDED, STANDARD_REQUIREMENTS

DANISH_LETTERS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})


def requirement_key(label: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", label.lower().translate(DANISH_LETTERS)).strip("_")
    # A label with no Latin letters still gets a key that is the same on every run.
    return "custom_" + (slug or hashlib.sha1(label.encode(), usedforsecurity=False).hexdigest()[:8])


class AgreementCommands(CrmService):
    @command("negotiate")
    def open_agreement(self, company_id: UUID, extra_requirements: list[str] | None = None) -> UUID:
        """Start negotiating a cooperation agreement: the buy-in checklist opens."""
        company = self.load(Company, company_id)
        requirements = [{"key": key, "label": None} for key in STANDARD_REQUIREMENTS]
        for label in text_list("requirement", extra_requirements, MAX_EXTRA_REQUIREMENTS, LABEL_LENGTH):
            requirements.append({"key": requirement_key(label), "label": label})
        agreement = PartnershipAgreement(company_id=company_id, requirements=requirements)
        company.open_negotiation(agreement.id)
        self.save(agreement, company)
        return agreement.id

    @command("negotiate")
    def add_requirement(self, agreement_id: UUID, label: str) -> str:
        """Add the municipality's own buy-in requirement."""
        agreement = self.load(PartnershipAgreement, agreement_id)
        label = required_text("requirement", label, LABEL_LENGTH)
        key = requirement_key(label)
        agreement.add_requirement(key, label)
        self.save(agreement)
        return key

    @command("negotiate")
    def confirm_requirement(
        self,
        agreement_id: UUID,
        key: str,
        contact_id: UUID | None = None,
        confirmed_on: date | None = None,
        expected_version: int | None = None,
    ) -> None:
        """Record that top management has committed to one requirement (the sponsor is a named contact)."""
        agreement = self.load(PartnershipAgreement, agreement_id, expected_version)
        self.check_contact_at(contact_id, agreement.company_id)
        if key == SPONSOR and contact_id is not None and self.load(Contact, contact_id).role != "top_management":
            raise InvalidInput(field="contact", problem="the sponsor must be in top management")
        confirmed_on = self.day_not_in_future("confirmed_on", confirmed_on)
        agreement.confirm_requirement(key, self.current_actor(), confirmed_on, contact_id)
        self.save(agreement)

    @command("negotiate", reason_required=True)
    def withdraw_requirement(self, agreement_id: UUID, key: str, expected_version: int | None = None) -> None:
        """Top management took back a commitment: the requirement is unmet again."""
        agreement = self.load(PartnershipAgreement, agreement_id, expected_version)
        agreement.withdraw_requirement(key)
        self.save(agreement)

    @command("sign")
    def sign_agreement(self, agreement_id: UUID, signed_on: date | None = None) -> None:
        """Sign the agreement; refused while any buy-in requirement is unmet."""
        agreement = self.load(PartnershipAgreement, agreement_id)
        company = self.load(Company, agreement.company_id)
        agreement.sign(self.day_not_in_future("signed_on", signed_on))
        company.become_partner(agreement.id)
        self.save(agreement, company)

    @command("deliver")
    def plan_services(
        self, agreement_id: UUID, health_checks: int, conversations: int, expected_version: int | None = None
    ) -> None:
        """Set how many health checks and conversations the municipality will deliver."""
        agreement = self.load(PartnershipAgreement, agreement_id, expected_version)
        agreement.plan_services(health_checks, conversations)
        self.save(agreement)

    @command("deliver")
    def record_delivery(
        self,
        agreement_id: UUID,
        health_checks: int = 0,
        conversations: int = 0,
        referrals: int = 0,
        delivered_on: date | None = None,
        expected_version: int | None = None,
    ) -> None:
        """Count checks, conversations and referrals delivered on a day on site."""
        agreement = self.load(PartnershipAgreement, agreement_id, expected_version)
        agreement.record_delivery(
            self.day_not_in_future("delivered_on", delivered_on), health_checks, conversations, referrals
        )
        self.save(agreement)

    @command("deliver")
    def deliver_feedback(
        self, agreement_id: UUID, focus_points: str | None = None, delivered_on: date | None = None
    ) -> None:
        """Record the written feedback given to the company after the conversations."""
        agreement = self.load(PartnershipAgreement, agreement_id)
        agreement.deliver_feedback(
            self.day_not_in_future("delivered_on", delivered_on), optional_text("focus_points", focus_points)
        )
        self.save(agreement)

    @command("deliver")
    def hold_follow_up(self, agreement_id: UUID, note: str | None = None, held_on: date | None = None) -> None:
        """Record the follow-up about a month after the conversations."""
        agreement = self.load(PartnershipAgreement, agreement_id)
        agreement.hold_follow_up(self.day_not_in_future("held_on", held_on), optional_text("note", note))
        self.save(agreement)

    @command("negotiate")
    def add_commitment(
        self,
        agreement_id: UUID,
        kind: str,
        description: str,
        owner_contact_id: UUID | None = None,
        due_on: date | None = None,
    ) -> str:
        """Record a structural change the company commits to, with an owner and a due date."""
        agreement = self.load(PartnershipAgreement, agreement_id)
        self.check_contact_at(owner_contact_id, agreement.company_id)
        commitment_id = uuid4().hex
        agreement.add_commitment(
            commitment_id,
            choice("kind", kind, COMMITMENT_KINDS),
            required_text("description", description, DESCRIPTION_LENGTH),
            owner_contact_id,
            self.planned_day("due_on", due_on),
        )
        self.save(agreement)
        return commitment_id

    @command("negotiate")
    def fulfil_commitment(self, agreement_id: UUID, commitment_id: str, fulfilled_on: date | None = None) -> None:
        """The company made the change it committed to."""
        agreement = self.load(PartnershipAgreement, agreement_id)
        agreement.fulfil_commitment(commitment_id, self.day_not_in_future("fulfilled_on", fulfilled_on))
        self.save(agreement)

    @command("negotiate", reason_required=True)
    def abandon_commitment(self, agreement_id: UUID, commitment_id: str) -> None:
        """The company gave up a commitment; the reason is kept."""
        agreement = self.load(PartnershipAgreement, agreement_id)
        agreement.abandon_commitment(commitment_id, self.today())
        self.save(agreement)

    @command("sign")
    def complete_agreement(self, agreement_id: UUID) -> None:
        """Close a delivered agreement after feedback and follow-up."""
        agreement = self.load(PartnershipAgreement, agreement_id)
        company = self.load(Company, agreement.company_id)
        agreement.complete(self.today())
        company.close_partnership(agreement.id, COMPLETED, None)
        self.save(agreement, company)

    @command("sign", reason_required=True)
    def terminate_agreement(self, agreement_id: UUID) -> None:
        """End the cooperation early, with the reason."""
        agreement = self.load(PartnershipAgreement, agreement_id)
        company = self.load(Company, agreement.company_id)
        reason = self.current_reason() or ""
        agreement.terminate(self.today(), reason)
        company.close_partnership(agreement.id, ENDED, reason)
        self.save(agreement, company)
