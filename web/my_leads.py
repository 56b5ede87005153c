"""Mine tip: each lead a consultant shared, told as a story, with what changed since the last visit marked.

The story: shared; taken on by whom, or declined and why; every attempt on the company since
(who, how, what came of it, with whom); a meeting booked; the agreement opened and signed.

The last visit comes from the access log (`AccessLog.last_visit`): the page names people (the
suggested contact, the people called), so it records them there anyway, and a visit that named
nobody records one row with no person, as a search that found nobody does. No event per page view
and no table of its own for a timestamp the log already holds.

The newest STORIES_SHOWN leads make a page, older ones the pages after it: a consultant who has
shared for years does not wait for every story. Only the first page is a visit: the older pages
record the people they show under their own place (`?page=N`), so opening one does not take the
"New" marks off the first.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from flask import render_template, request
from flask_login import current_user

import projections
from crm.clock import local_date
from web import params
from web.access_record import record_people
from web.i18n import as_date
from web.labels import label
from web.leads import bp
from web.services import crm, today, user_names, views
from web.translating import gettext as _

STORIES_SHOWN = 20


@bp.get("/mine")
def mine():
    """The consultant's own leads, newest first, each with its story, what is new since the last visit marked."""
    page = params.page_number(request.args)
    log = crm().access_log
    seen = log.last_visit(current_user.id, request.path)
    projector = views()
    outreach, names = projector["outreach"], user_names()
    leads = projector["leads"].shared_by(
        current_user.id, today(), limit=STORIES_SHOWN + 1, offset=(page - 1) * STORIES_SHOWN
    )
    more, leads = len(leads) > STORIES_SHOWN, leads[:STORIES_SHOWN]
    company_ids = [lead["company_id"] for lead in leads]
    attempts = {company_id: projections.attempts_of(outreach, company_id) for company_id in company_ids}
    wanted = {a["contact_id"] for rows in attempts.values() for a in rows} | {
        lead["suggested_contact_id"] for lead in leads
    }
    people = projections.contacts_by_id(outreach, {c for c in wanted if c is not None})
    stories = [
        _story(lead, attempts[lead["company_id"]], projector["agreements"], names, people, seen) for lead in leads
    ]
    shown = sorted({c for s in stories for c in s["people"]}, key=str)
    if page == 1:
        # Recorded even when it names nobody: the row is the visit that the next one's "Nyt" counts from.
        record_people("page", shown, even_nobody=True)
    else:
        record_people("page", shown, place=f"{request.path}?page={page}")
    return render_template("leads/mine.html", stories=stories, seen=seen, page=page, more=more)


def _is_new(at: datetime | date | None, seen: datetime | None) -> bool:
    if at is None or seen is None:
        return False
    if isinstance(at, datetime):
        return at > seen
    return at >= local_date(seen.replace(tzinfo=UTC))


def _story(
    lead: projections.LeadRow,
    attempts: list[projections.AttemptRow],
    agreements: Any,
    names: dict[UUID, str],
    people: dict[UUID, Any],
    seen: datetime | None,
) -> dict[str, Any]:
    """The lead's events in the order they happened, each marked new when it came after `seen`."""
    items: list[dict[str, Any]] = []
    shown: set[UUID] = set()

    def add(at: datetime | date | None, text: str, milestone: bool = False) -> None:
        items.append({"at": at, "text": text, "new": _is_new(at, seen), "milestone": milestone})

    if lead["status"] == "claimed":
        who = names.get(lead["claimed_by"]) if lead["claimed_by"] else None
        add(lead["decided_at"], _("Taken on by %(who)s", who=who or _("a recruiter")))
    elif lead["status"] == "declined":
        reason = lead["decline_reason"] or _("no reason given")
        add(lead["decided_at"], _("Declined: %(reason)s", reason=reason))
    for attempt in reversed(attempts):  # oldest first, as a story is told
        if attempt["recorded_at"] < lead["shared_at"] or attempt.get("voided"):
            continue
        contact_id = attempt["contact_id"]
        person = people.get(contact_id) if contact_id else None
        text = _(
            "%(day)s %(who)s: %(channel)s, %(outcome)s",
            day=as_date(attempt["occurred_on"]),
            who=names.get(attempt["user_id"], _("a colleague")),
            channel=label("channel", attempt["channel"]).lower(),
            outcome=label("outcome", attempt["outcome"]).lower(),
        )
        if person and contact_id:
            shown.add(contact_id)
            text = _("%(attempt)s (with %(person)s)", attempt=text, person=person["name"])
        add(attempt["recorded_at"], text, milestone=attempt["outcome"] == "meeting_booked")
    agreement = agreements.agreement_for_company(lead["company_id"])
    if agreement is not None and agreement["opened_at"] >= lead["shared_at"]:
        add(agreement["opened_at"], _("Cooperation agreement opened"), milestone=True)
        if agreement["signed_on"]:
            signed = _("Agreement signed %(day)s", day=as_date(agreement["signed_on"]))
            add(agreement["signed_on"], signed, milestone=True)
    suggested_id = lead["suggested_contact_id"]
    suggested = people.get(suggested_id) if suggested_id else None
    if suggested and suggested_id:
        shown.add(suggested_id)
    return {
        "lead": lead,
        "items": items,
        "new": sum(1 for item in items if item["new"]),
        "suggested": suggested,
        "people": shown,
    }
