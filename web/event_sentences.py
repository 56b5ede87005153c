"""Each stored event as one plain sentence: who did what to which company, and what comes next.

The one home of events in plain words: the audit's event log and the company
page's timeline both read their sentences here.

"Mette Kjær logged a call to Hansen Transport ApS: no answer; next follow-up 3 March."
Names come from the read models (users, companies, contacts, agreements,
partners); slugs are shown by their labels (web/labels.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from crm.audit.history import MISSING
from crm.clock import COPENHAGEN
from crm.permissions import SYSTEM_ACTOR_ID
from projections.agreements import agreements
from projections.event_log import AGGREGATES
from projections.outreach import companies, contacts, partners
from web.labels import label

EVENT_NAMES = {
    "Company.Registered": _l("Company registered"),
    "Company.DetailsChanged": _l("Company details changed"),
    "Company.OwnerAssigned": _l("Responsible person assigned"),
    "Company.WorkplaceAdded": _l("Workplace added"),
    "Company.WorkplaceRemoved": _l("Workplace removed"),
    "Company.StageChanged": _l("Stage changed"),
    "Company.NegotiationOpened": _l("Negotiation opened"),
    "Company.BecamePartner": _l("Became partner"),
    "Company.PartnershipClosed": _l("Partnership closed"),
    "Company.Declined": _l("Company declined"),
    "Company.Parked": _l("Company parked"),
    "Company.Reapproached": _l("New round started"),
    "Contact.Registered": _l("Contact registered"),
    "Contact.DetailsChanged": _l("Contact details corrected"),
    "Contact.RoleChanged": _l("Contact's role changed"),
    "Contact.Archived": _l("Contact archived"),
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
    "User.Registered": _l("User registered"),
    "User.RoleChanged": _l("User's role changed"),
    "User.DepartmentChanged": _l("User's department changed"),
    "User.Disabled": _l("User disabled"),
    "User.Enabled": _l("User enabled"),
    "User.PasswordSet": _l("Password set"),
    "User.LanguageChosen": _l("Language chosen"),
    "CvrIndex.Claimed": _l("CVR number reserved"),
    "CvrIndex.Released": _l("CVR number released"),
    "CvrIndex.Reclaimed": _l("CVR number reserved again"),
}

AGGREGATE_LABELS = {
    "company": ("kind", "company"),
    "contact": ("kind", "contact"),
    "attempt": ("kind", "attempt"),
    "agreement": ("kind", "agreement"),
    "lead": ("kind", "lead"),
    "partner": ("kind", "partner"),
    "user": ("kind", "user"),
    "cvr": ("field", "cvr"),
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
    vocabulary, slug = AGGREGATE_LABELS.get(aggregate, ("kind", aggregate))
    return label(vocabulary, slug)


def event_name(event_type: str) -> str:
    return str(EVENT_NAMES.get(event_type, event_type))


def day(value: date | None) -> str:
    """3. marts / 3 March: the day as people say it."""
    if value is None:
        return ""
    return format_date(value, "d. MMMM" if get_locale().language == "da" else "d MMMM")


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
        return self.companies.get(company_id) or _("an unknown company")

    def contact(self, contact_id: UUID | None) -> str:
        return self.contacts.get(contact_id) or _("a contact")

    def company_of(self, event: Any) -> UUID | None:
        kind = type(event).__qualname__.split(".")[0]
        if kind == "Company":
            return event.originator_id
        if getattr(event, "company_id", None) is not None:
            return event.company_id
        if kind == "Contact":
            return self.contact_company.get(event.originator_id)
        if kind == "PartnershipAgreement":
            return self.agreement_company.get(event.originator_id)
        return None


def names_for(events: Iterable[Any], projector: Any) -> Names:
    """Look up every person, company and partner the events mention."""
    events = [e for e in events if e is not None]
    names = Names(users=projector["users"].names())
    kinds = {id(e): type(e).__qualname__.split(".")[0] for e in events}
    contact_ids = {e.originator_id for e in events if kinds[id(e)] == "Contact"}
    contact_ids |= {getattr(e, "owner_contact_id", None) for e in events} - {None}
    agreement_ids = {e.originator_id for e in events if kinds[id(e)] == "PartnershipAgreement"}
    partner_ids = {e.originator_id for e in events if kinds[id(e)] == "ChannelPartner"}
    view = projector["outreach"]
    with view.transaction(commit=False) as session:
        for row in session.execute(
            select(contacts.c.contact_id, contacts.c.name, contacts.c.company_id).where(
                contacts.c.contact_id.in_(contact_ids)
            )
        ):
            names.contacts[row.contact_id] = row.name
            names.contact_company[row.contact_id] = row.company_id
        for row in session.execute(
            select(agreements.c.agreement_id, agreements.c.company_id).where(
                agreements.c.agreement_id.in_(agreement_ids)
            )
        ):
            names.agreement_company[row.agreement_id] = row.company_id
        for row in session.execute(
            select(partners.c.partner_id, partners.c.name).where(partners.c.partner_id.in_(partner_ids))
        ):
            names.partners[row.partner_id] = row.name
        company_ids = {names.company_of(e) for e in events} - {None}
        for row in session.execute(
            select(companies.c.company_id, companies.c.name).where(companies.c.company_id.in_(company_ids))
        ):
            names.companies[row.company_id] = row.name
    for e in events:  # the name the person had when registered, if the read model has moved on
        if type(e).__qualname__ == "Contact.Registered":
            names.contacts.setdefault(e.originator_id, e.name)
    return names


def personal_contacts(events: Iterable[Any]) -> set[UUID]:
    """The people whose personal data (name, phone, e-mail) a page of these events shows."""
    return {e.originator_id for e in events if e is not None and type(e).__qualname__.startswith("Contact.")}


def _fields(changes: dict[str, Any]) -> str:
    return ", ".join(label("field", name.removesuffix("_id")).lower() for name in changes)


def _then(text: str, suffix: str) -> str:
    return f"{text}; {suffix}" if suffix else text


Sentence = Callable[[Any, Names, dict[str, str]], str]


def _attempt_logged(e: Any, n: Names, p: dict[str, str]) -> str:
    text = _(
        "%(actor)s logged %(channel)s to %(company)s: %(outcome)s",
        **p,
        channel=str(CHANNELS.get(e.channel, e.channel)),
        outcome=label("outcome", e.outcome).lower(),
    )
    return _then(text, e.next_follow_up and _("next follow-up %(day)s", day=day(e.next_follow_up)))


def _declined(e: Any, n: Names, p: dict[str, str]) -> str:
    if e.closed_reason is None:  # declined in a logged attempt, whose note is the attempt's own
        text = _("%(actor)s recorded in an attempt that %(company)s declined", **p)
    else:
        text = _("%(actor)s recorded that %(company)s declined: %(reason)s", **p, reason=e.closed_reason)
    return _then(
        text, e.approach_again_after and _("may be approached again after %(day)s", day=day(e.approach_again_after))
    )


def _parked(e: Any, n: Names, p: dict[str, str]) -> str:
    text = _("%(actor)s parked %(company)s: %(reason)s", **p, reason=e.closed_reason)
    return _then(
        text, e.approach_again_after and _("may be approached again after %(day)s", day=day(e.approach_again_after))
    )


def _owner(e: Any, n: Names, p: dict[str, str]) -> str:
    if e.owner_id is None:
        return _("%(actor)s removed the responsible person from %(company)s", **p)
    return _("%(actor)s made %(owner)s responsible for %(company)s", **p, owner=n.user(e.owner_id))


def _commitment_added(e: Any, n: Names, p: dict[str, str]) -> str:
    text = _(
        "%(actor)s recorded a structural commitment at %(company)s: %(kind)s, “%(description)s”",
        **p,
        kind=label("commitment_kind", e.kind).lower(),
        description=e.description,
    )
    return _then(text, e.due_on and _("due %(day)s", day=day(e.due_on)))


def _requirement(e: Any) -> str:
    return getattr(e, "label", None) or label("requirement", e.key)


SENTENCES: dict[str, Sentence] = {
    "Company.Registered": lambda e, n, p: _(
        "%(actor)s registered %(company)s (%(industry)s)", **p, industry=label("industry", e.industry).lower()
    ),
    "Company.DetailsChanged": lambda e, n, p: _(
        "%(actor)s changed the details of %(company)s: %(fields)s", **p, fields=_fields(e.changes)
    ),
    "Company.OwnerAssigned": _owner,
    "Company.WorkplaceAdded": lambda e, n, p: _(
        "%(actor)s added the workplace %(workplace)s to %(company)s", **p, workplace=e.name
    ),
    "Company.WorkplaceRemoved": lambda e, n, p: _("%(actor)s removed a workplace from %(company)s", **p),
    "Company.StageChanged": lambda e, n, p: _(
        "%(actor)s moved %(company)s from %(from_stage)s to %(to_stage)s",
        **p,
        from_stage=label("stage", e.from_stage).lower(),
        to_stage=label("stage", e.to_stage).lower(),
    ),
    "Company.NegotiationOpened": lambda e, n, p: _("%(actor)s opened negotiations with %(company)s", **p),
    "Company.BecamePartner": lambda e, n, p: _("%(company)s became a partner", **p),
    "Company.PartnershipClosed": lambda e, n, p: _(
        "%(actor)s closed the partnership with %(company)s: %(outcome)s", **p, outcome=label("stage", e.outcome).lower()
    ),
    "Company.Declined": _declined,
    "Company.Parked": _parked,
    "Company.Reapproached": lambda e, n, p: _("%(actor)s started round %(round)s with %(company)s", **p, round=e.round),
    "Contact.Registered": lambda e, n, p: _(
        "%(actor)s registered %(contact)s (%(role)s) as a contact at %(company)s",
        **p,
        contact=n.contact(e.originator_id),
        role=label("contact_role", e.role).lower(),
    ),
    "Contact.DetailsChanged": lambda e, n, p: _(
        "%(actor)s corrected the contact details of %(contact)s at %(company)s: %(fields)s",
        **p,
        contact=n.contact(e.originator_id),
        fields=_fields(e.changes),
    ),
    "Contact.RoleChanged": lambda e, n, p: _(
        "%(actor)s changed the role of %(contact)s at %(company)s to %(role)s",
        **p,
        contact=n.contact(e.originator_id),
        role=label("contact_role", e.role).lower(),
    ),
    "Contact.Archived": lambda e, n, p: _(
        "%(actor)s archived %(contact)s at %(company)s", **p, contact=n.contact(e.originator_id)
    ),
    "OutreachAttempt.Logged": _attempt_logged,
    "OutreachAttempt.Corrected": lambda e, n, p: _(
        "%(actor)s corrected an attempt to %(company)s: %(fields)s", **p, fields=_fields(e.changes)
    ),
    "OutreachAttempt.Voided": lambda e, n, p: _("%(actor)s voided an attempt to %(company)s", **p),
    "PartnershipAgreement.Drafted": lambda e, n, p: _("%(actor)s opened a cooperation agreement with %(company)s", **p),
    "PartnershipAgreement.RequirementAdded": lambda e, n, p: _(
        "%(actor)s added the buy-in requirement “%(requirement)s” at %(company)s", **p, requirement=_requirement(e)
    ),
    "PartnershipAgreement.RequirementConfirmed": lambda e, n, p: _(
        "%(actor)s confirmed “%(requirement)s” at %(company)s", **p, requirement=_requirement(e)
    ),
    "PartnershipAgreement.RequirementWithdrawn": lambda e, n, p: _(
        "%(actor)s withdrew “%(requirement)s” at %(company)s", **p, requirement=_requirement(e)
    ),
    "PartnershipAgreement.Signed": lambda e, n, p: _(
        "%(actor)s signed the cooperation agreement with %(company)s on %(day)s", **p, day=day(e.signed_on)
    ),
    "PartnershipAgreement.ServicesPlanned": lambda e, n, p: _(
        "%(actor)s planned %(checks)s health checks and %(conversations)s health conversations at %(company)s",
        **p,
        checks=e.health_checks,
        conversations=e.conversations,
    ),
    "PartnershipAgreement.DeliveryRecorded": lambda e, n, p: _(
        "%(actor)s recorded %(checks)s health checks, %(conversations)s health conversations and %(referrals)s "
        "referrals at %(company)s on %(day)s",
        **p,
        checks=e.health_checks,
        conversations=e.conversations,
        referrals=e.referrals,
        day=day(e.delivered_on),
    ),
    "PartnershipAgreement.FeedbackDelivered": lambda e, n, p: _(
        "%(actor)s gave %(company)s the written feedback on %(day)s", **p, day=day(e.delivered_on)
    ),
    "PartnershipAgreement.FollowUpHeld": lambda e, n, p: _(
        "%(actor)s held the follow-up with %(company)s on %(day)s", **p, day=day(e.held_on)
    ),
    "PartnershipAgreement.CommitmentAdded": _commitment_added,
    "PartnershipAgreement.CommitmentFulfilled": lambda e, n, p: _(
        "%(actor)s marked a structural commitment at %(company)s as fulfilled on %(day)s", **p, day=day(e.fulfilled_on)
    ),
    "PartnershipAgreement.CommitmentAbandoned": lambda e, n, p: _(
        "%(actor)s marked a structural commitment at %(company)s as abandoned on %(day)s", **p, day=day(e.abandoned_on)
    ),
    "PartnershipAgreement.Completed": lambda e, n, p: _(
        "%(actor)s completed the cooperation agreement with %(company)s", **p
    ),
    "PartnershipAgreement.Terminated": lambda e, n, p: _(
        "%(actor)s terminated the cooperation agreement with %(company)s: %(reason)s", **p, reason=e.termination_reason
    ),
    "Lead.Shared": lambda e, n, p: _("%(actor)s shared a lead on %(company)s: “%(reason)s”", **p, reason=e.lead_reason),
    "Lead.Claimed": lambda e, n, p: _("%(actor)s took on the lead on %(company)s", **p),
    "Lead.Declined": lambda e, n, p: _(
        "%(actor)s declined the lead on %(company)s: %(reason)s", **p, reason=e.decline_reason
    ),
    "Lead.OutreachStarted": lambda e, n, p: _("%(actor)s made the first attempt on the lead on %(company)s", **p),
    "ChannelPartner.Registered": lambda e, n, p: _(
        "%(actor)s registered the channel partner %(partner)s (%(kind)s)",
        **p,
        partner=e.name,
        kind=label("partner_kind", e.kind).lower(),
    ),
    "ChannelPartner.Renamed": lambda e, n, p: _(
        "%(actor)s renamed a channel partner to %(partner)s", **p, partner=e.name
    ),
    "User.Registered": lambda e, n, p: _(
        "%(actor)s registered the user %(user)s (%(role)s)",
        **p,
        user=e.display_name,
        role=label("role", e.role).lower(),
    ),
    "User.RoleChanged": lambda e, n, p: _(
        "%(actor)s gave %(user)s the role %(role)s",
        **p,
        user=n.user(e.originator_id),
        role=label("role", e.role).lower(),
    ),
    "User.DepartmentChanged": lambda e, n, p: _(
        "%(actor)s moved %(user)s to %(department)s",
        **p,
        user=n.user(e.originator_id),
        department=label("department", e.department).lower(),
    ),
    "User.Disabled": lambda e, n, p: _("%(actor)s disabled the user %(user)s", **p, user=n.user(e.originator_id)),
    "User.Enabled": lambda e, n, p: _("%(actor)s enabled the user %(user)s again", **p, user=n.user(e.originator_id)),
    "User.PasswordSet": lambda e, n, p: _("%(actor)s set a password for %(user)s", **p, user=n.user(e.originator_id)),
    "User.LanguageChosen": lambda e, n, p: _(
        "%(actor)s chose %(language)s as language",
        **p,
        language=str(LANGUAGE_NAMES.get(e.language, e.language)).lower(),
    ),
    "CvrIndex.Claimed": lambda e, n, p: _("%(actor)s reserved CVR number %(cvr)s for %(company)s", **p, cvr=e.cvr),
    "CvrIndex.Released": lambda e, n, p: _("%(actor)s released a CVR number", **p),
    "CvrIndex.Reclaimed": lambda e, n, p: _("%(actor)s reserved a CVR number again for %(company)s", **p),
}


def sentence(event: Any, names: Names) -> str:
    """The event in one sentence in the user's language (the event's name when no sentence is known)."""
    if event is None:
        return _("This stored event can no longer be read.")
    event_type = type(event).__qualname__
    params = {"actor": names.user(getattr(event, "actor_id", None)), "company": names.company(names.company_of(event))}
    write = SENTENCES.get(event_type)
    text = (
        write(event, names, params)
        if write
        else _("%(actor)s: %(event)s", actor=params["actor"], event=event_name(event_type))
    )
    return text[:1].upper() + text[1:]


# --- events as the audit screens show them ----------------------------------------------------


@dataclass
class LoggedEvent:
    position: int
    stored: StoredEvent | None
    event: Any
    sentence: str
    raw: str
    kind: str
    name: str
    occurred_at: datetime | None


def stored_events(app: Any, positions: list[int]) -> dict[int, StoredEvent]:
    """The stored events at these positions (a position whose row is gone is simply missing)."""
    recorder = app.recorder
    table = recorder.events_table
    with recorder.transaction(commit=False) as session:
        rows = session.execute(
            select(table.c.id, table.c.originator_id, table.c.originator_version, table.c.topic, table.c.state).where(
                table.c.id.in_(positions)
            )
        ).all()
    return {r[0]: StoredEvent(r[1], r[2], r[3], bytes(r[4]) if not isinstance(r[4], bytes) else r[4]) for r in rows}


def decode(app: Any, stored: StoredEvent | None) -> Any:
    """The domain event, or None when the row is gone or no longer decodes."""
    if stored is None:
        return None
    try:
        return app.mapper.to_domain_event(stored)
    except Exception:  # noqa: BLE001 - a row edited behind the application's back may no longer decode
        return None


def raw_json(stored: StoredEvent | None) -> str:
    """The stored state, indented for reading."""
    if stored is None:
        return ""
    try:
        return json.dumps(json.loads(stored.state), indent=2, ensure_ascii=False)
    except ValueError:
        return stored.state.decode("utf-8", errors="replace")


def logged_events(app: Any, projector: Any, positions: list[int]) -> tuple[list[LoggedEvent], set[UUID]]:
    """The events at these positions as the event log shows them, and the people whose data they show."""
    stored = stored_events(app, positions)
    decoded = {p: decode(app, stored.get(p)) for p in positions}
    names = names_for(decoded.values(), projector)
    found = []
    for position in positions:
        each, event = stored.get(position), decoded[position]
        event_type = each.topic.partition(":")[2] if each else ""
        found.append(
            LoggedEvent(
                position,
                each,
                event,
                sentence(event, names) if each else _("The stored event at this position is gone."),
                raw_json(each),
                aggregate_label(AGGREGATES.get(event_type.split(".")[0], "")) if each else "",
                event_name(event_type) if each else "",
                getattr(event, "timestamp", None),
            )
        )
    return found, personal_contacts(decoded.values())


def shown_value(value: Any, names: Names) -> str:
    """A field's value in a version diff: names for ids, dates as dates, a dash for nothing."""
    if value is MISSING or value is None:
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, UUID):
        return names.users.get(value) or names.companies.get(value) or names.contacts.get(value) or str(value)
    if isinstance(value, datetime):
        return value.astimezone(COPENHAGEN).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def field_title(name: str) -> str:
    """requirements.rooms_on_site.met -> Requirements › Rooms on site › met, with the labels people know."""
    parts = []
    for part in name.split("."):
        shown = label("field", part.removesuffix("_id"))
        if shown == part.removesuffix("_id"):
            shown = label("requirement", part)
        if shown == part and len(part) >= 16 and all(c in "0123456789abcdef" for c in part):
            shown = part[:8]
        parts.append(shown)
    return " › ".join(parts)
