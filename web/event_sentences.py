"""Each stored event as one plain sentence: who did what to which company, and what comes next.

The one home of events in plain words: the audit's event log and the company
page's timeline both read their sentences here.

"Mette Kjær logged a call to Hansen Transport ApS: no answer; next follow-up 3 March."
Names come from the read models (web/event_names.py); slugs are shown by their
labels (web/labels.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from web.event_names import CHANNELS, LANGUAGE_NAMES, Names, day, event_name
from web.labels import label
from web.translating import gettext as _


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
    "Company.RegisterStatusNoted": lambda e, n, p: (
        (
            _("%(actor)s noted from the CVR register that %(company)s has ceased", **p)
            if e.ceased
            else _("%(actor)s noted from the CVR register that %(company)s is in business", **p)
        )
        + (_(" and protected against marketing (reklamebeskyttet)") if e.protected else "")
    ),
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
    "Company.NoteAdded": lambda e, n, p: _("%(actor)s wrote a note about %(company)s", **p),
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
    "Contact.Erased": lambda e, n, p: _(
        "%(actor)s erased a person at %(company)s on request (%(basis)s): %(reason)s",
        **p,
        basis=label("legal_basis", e.legal_basis).lower(),
        reason=e.reason or "",
    ),
    "AccessLogRetention.Purged": lambda e, n, p: _(
        "%(actor)s deleted %(rows)d access-log rows older than %(days)d days (their retention had ended)",
        **p,
        rows=e.rows,
        days=e.retention_days,
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
    "ChannelPartner.Archived": lambda e, n, p: _(
        "%(actor)s archived the channel partner %(partner)s: no longer offered for new leads",
        **p,
        partner=n.partners.get(e.originator_id) or _("a channel partner"),
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
    "User.NameErased": lambda e, n, p: _(
        "%(actor)s erased the name of a former employee (%(basis)s): %(reason)s",
        **p,
        basis=label("legal_basis", e.legal_basis).lower(),
        reason=e.reason or "",
    ),
    "User.PasswordSet": lambda e, n, p: _("%(actor)s set a password for %(user)s", **p, user=n.user(e.originator_id)),
    "User.LanguageChosen": lambda e, n, p: _(
        "%(actor)s chose %(language)s as language",
        **p,
        language=str(LANGUAGE_NAMES.get(e.language, e.language)).lower(),
    ),
    "User.AbsenceMarked": lambda e, n, p: (
        _(
            "%(actor)s will be away %(first)s to %(last)s; %(stand_in)s takes the follow-ups due then",
            **p,
            first=day(e.first_day),
            last=day(e.last_day),
            stand_in=n.user(e.stand_in_id),
        )
        if e.stand_in_id
        else _(
            "%(actor)s will be away %(first)s to %(last)s; the follow-ups due then move to %(back)s",
            **p,
            first=day(e.first_day),
            last=day(e.last_day),
            back=day(e.back_on),
        )
    ),
    "User.AbsenceCancelled": lambda e, n, p: _(
        "%(actor)s cancelled the absence from %(first)s", **p, first=day(e.first_day)
    ),
    "CvrIndex.Claimed": lambda e, n, p: _("%(actor)s reserved CVR number %(cvr)s for %(company)s", **p, cvr=e.cvr),
    "CvrIndex.Released": lambda e, n, p: _("%(actor)s released a CVR number", **p),
    "CvrIndex.Reclaimed": lambda e, n, p: _("%(actor)s reserved a CVR number again for %(company)s", **p),
    **{
        f"{aggregate}.TextRedacted": lambda e, n, p: _(
            "%(actor)s redacted a text (%(field)s) on request: %(reason)s",
            **p,
            field=label("field", e.field.rpartition(".")[2]).lower(),
            reason=e.reason or "",
        )
        for aggregate in ("Company", "Contact", "OutreachAttempt", "PartnershipAgreement", "Lead", "ChannelPartner")
    },
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
