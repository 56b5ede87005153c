"""What events, and the people and companies they mention, are called on screen.

Event names and slugs in the user's language (labels in web/labels.py), and the
names a page of events mentions, looked up in the read models once per page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

import projections
from crm.permissions import SYSTEM_ACTOR_ID
from crm.vocabulary import aggregate_slug
from web.labels import label
from web.services import user_names
from web.translating import format_date, request_locale
from web.translating import gettext as _
from web.translating import lazy_gettext as _l

EVENT_NAMES = {
    "Company.Registered": _l("Company registered"),
    "Company.DetailsChanged": _l("Company details changed"),
    "Company.OwnerAssigned": _l("Responsible person assigned"),
    "Company.RegisterStatusNoted": _l("CVR register status noted"),
    "Company.WorkplaceAdded": _l("Workplace added"),
    "Company.WorkplaceRemoved": _l("Workplace removed"),
    "Company.StageChanged": _l("Stage changed"),
    "Company.NegotiationOpened": _l("Negotiation opened"),
    "Company.BecamePartner": _l("Became partner"),
    "Company.PartnershipClosed": _l("Partnership closed"),
    "Company.Declined": _l("Company declined"),
    "Company.Parked": _l("Company parked"),
    "Company.NoteAdded": _l("Note about the company"),
    "Company.Reapproached": _l("New round started"),
    "Contact.Registered": _l("Contact registered"),
    "Contact.DetailsChanged": _l("Contact details corrected"),
    "Contact.RoleChanged": _l("Contact's role changed"),
    "Contact.Archived": _l("Contact archived"),
    "Contact.Erased": _l("Person erased"),
    "AccessLogRetention.Purged": _l("Access log purged"),
    "OutreachAttempt.Logged": _l("Attempt logged"),
    "OutreachAttempt.Corrected": _l("Attempt corrected"),
    "OutreachAttempt.Voided": _l("Attempt voided"),
    "PartnershipAgreement.Drafted": _l("Agreement opened"),
    "PartnershipAgreement.RequirementAdded": _l("Buy-in requirement added"),
    "PartnershipAgreement.RequirementConfirmed": _l("Buy-in requirement confirmed"),
    "PartnershipAgreement.RequirementWithdrawn": _l("Buy-in requirement withdrawn"),
    "PartnershipAgreement.Signed": _l("Agreement signed"),
    "PartnershipAgreement.ServicesPlanned": _l("Services planned"),
    "PartnershipAgreement.DeliveryRecorded": _l("Delivery recorded"),
    "PartnershipAgreement.FeedbackDelivered": _l("Written feedback given"),
    "PartnershipAgreement.FollowUpHeld": _l("Follow-up held"),
    "PartnershipAgreement.CommitmentAdded": _l("Structural commitment added"),
    "PartnershipAgreement.CommitmentFulfilled": _l("Structural commitment fulfilled"),
    "PartnershipAgreement.CommitmentAbandoned": _l("Structural commitment abandoned"),
    "PartnershipAgreement.Completed": _l("Agreement completed"),
    "PartnershipAgreement.Terminated": _l("Agreement terminated"),
    "Lead.Shared": _l("Lead shared"),
    "Lead.Claimed": _l("Lead taken on"),
    "Lead.Declined": _l("Lead declined"),
    "Lead.OutreachStarted": _l("Outreach started on a lead"),
    "ChannelPartner.Registered": _l("Channel partner registered"),
    "ChannelPartner.Renamed": _l("Channel partner renamed"),
    "ChannelPartner.Archived": _l("Channel partner archived"),
    "User.Registered": _l("User registered"),
    "User.RoleChanged": _l("User's role changed"),
    "User.DepartmentChanged": _l("User's department changed"),
    "User.Disabled": _l("User disabled"),
    "User.Enabled": _l("User enabled"),
    "User.NameErased": _l("Former employee's name erased"),
    "User.PasswordSet": _l("Password set"),
    "User.LanguageChosen": _l("Language chosen"),
    "User.AbsenceMarked": _l("User's absence marked"),
    "User.AbsenceCancelled": _l("User's absence cancelled"),
    "CvrIndex.Claimed": _l("CVR number reserved"),
    "CvrIndex.Released": _l("CVR number released"),
    "CvrIndex.Reclaimed": _l("CVR number reserved again"),
    # Each aggregate has its own TextRedacted (crm/aggregate.py): a free text's key destroyed on request.
    **{
        f"{aggregate}.TextRedacted": _l("Text redacted")
        for aggregate in ("Company", "Contact", "OutreachAttempt", "PartnershipAgreement", "Lead", "ChannelPartner")
    },
}

CHANNELS = {
    "call": _l("a call"),
    "email": _l("an e-mail"),
    "visit": _l("a visit"),
    "sms": _l("an SMS"),
    "letter": _l("a letter"),
    "network_meeting": _l("a network meeting"),
}
LANGUAGE_NAMES = {"da": _l("Danish"), "en": _l("English")}


def aggregate_label(aggregate: str) -> str:
    """company -> virksomhed: the kind of record an aggregate's slug names."""
    return label("kind", aggregate)


def event_name(event_type: str) -> str:
    return str(EVENT_NAMES.get(event_type, event_type))


def day(value: date | None) -> str:
    """3. marts / 3 March: the day as people say it."""
    if value is None:
        return ""
    return format_date(value, "d. MMMM" if request_locale().language == "da" else "d MMMM")


def kind_of(event: Any) -> str:
    """The slug of the aggregate that recorded the event (company, contact, agreement, ...)."""
    return aggregate_slug(type(event).__qualname__)


@dataclass
class Names:
    """The names a page of events mentions, looked up in the read models once per page."""

    users: dict[UUID, str] = field(default_factory=dict)
    companies: dict[UUID, str] = field(default_factory=dict)
    contacts: dict[UUID, str] = field(default_factory=dict)
    contact_company: dict[UUID, UUID] = field(default_factory=dict)
    agreement_company: dict[UUID, UUID] = field(default_factory=dict)
    partners: dict[UUID, str] = field(default_factory=dict)

    def user(self, user_id: UUID | None) -> str:
        if user_id is None or user_id == SYSTEM_ACTOR_ID:
            return _("The system")
        return self.users.get(user_id) or _("an unknown user")

    def company(self, company_id: UUID | None) -> str:
        return (self.companies.get(company_id) if company_id else None) or _("an unknown company")

    def contact(self, contact_id: UUID | None) -> str:
        return (self.contacts.get(contact_id) if contact_id else None) or _("a contact")

    def company_of(self, event: Any) -> UUID | None:
        kind = kind_of(event)
        if kind == "company":
            return event.originator_id
        if getattr(event, "company_id", None) is not None:
            return event.company_id
        if kind == "contact":
            return self.contact_company.get(event.originator_id)
        if kind == "agreement":
            return self.agreement_company.get(event.originator_id)
        return None


def names_for(events: Iterable[Any], projector: Any) -> Names:
    """Look up every person, company and partner the events mention."""
    events = [e for e in events if e is not None]
    # The request's own views name users once a page; a replay of the past names them as they stood.
    names = Names(users=user_names(projector))
    kinds = {id(e): kind_of(e) for e in events}
    contact_ids = {e.originator_id for e in events if kinds[id(e)] == "contact"}
    for mentioned in ("owner_contact_id", "contact_id", "suggested_contact_id"):
        contact_ids |= {getattr(e, mentioned, None) for e in events} - {None}
    outreach = projector["outreach"]
    for contact_id, person in projections.contacts_by_id(outreach, contact_ids).items():
        names.contacts[contact_id] = person["name"]
        names.contact_company[contact_id] = person["company_id"]
    names.agreement_company = projections.agreement_companies(
        projector["agreements"], {e.originator_id for e in events if kinds[id(e)] == "agreement"}
    )
    partner_ids = {e.originator_id for e in events if kinds[id(e)] == "partner"}
    partner_ids |= {getattr(e, "source_partner_id", None) for e in events} - {None}
    names.partners = projections.partner_names(outreach, partner_ids)
    names.companies = projections.company_names(
        outreach, {company for e in events if (company := names.company_of(e)) is not None}
    )
    for e in events:  # the name the person had when registered, if the read model has moved on
        if type(e).__qualname__ == "Contact.Registered":
            names.contacts.setdefault(e.originator_id, e.name)
    return names


def personal_contacts(events: Iterable[Any]) -> set[UUID]:
    """The people whose personal data (name, phone, e-mail) a page of these events shows."""
    return {e.originator_id for e in events if e is not None and kind_of(e) == "contact"}
