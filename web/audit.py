"""The audit area: the event log, entity history, the past as it stood, export, the access log, the chain.

Read-only for auditors and project leads: every route is a GET behind the
"audit" permission. Pages that show a person's name, phone or e-mail record it
in the access log, as do exports; the chain status runs `verify` on request.
The export, the access log and the chain are in web/audit_records.py; record history in
web/audit_history.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any
from uuid import UUID

from flask import Blueprint, request

import projections
from crm.clock import local_date
from crm.vocabulary import AGGREGATE_SLUGS
from web import params
from web.access_record import record_people
from web.event_names import EVENT_NAMES, aggregate_label, event_name
from web.logged_events import logged_events
from web.rendering import page_or_fragment
from web.services import crm, the_past, views
from web.translating import gettext as _

bp = Blueprint("audit", __name__, url_prefix="/audit")

PAGE_SIZE = 50
# Counted exactly up to here, "over 10.000" beyond: the total of millions would cost a scan of the index on
# every page, and the chain page gives the exact number of stored events.
EVENT_COUNT_CAP = 10_000
FILTER_ARGS = ("from", "to", "actor", "company", "company_id", "aggregate", "type")


def record_shown(
    contact_ids: Iterable[UUID], use: str = "page", criterion: str | None = None, purpose: str | None = None
) -> None:
    """The access log: who saw which person's data, where (once per page view, web/access_record.py)."""
    record_people(use, sorted(contact_ids, key=str), criterion=criterion, purpose=purpose, even_nobody=use == "search")


def filter_day(name: str, errors: list[str]) -> date | None:
    """A filter's day; a day that cannot be used is said beside the filter, and does not filter."""
    try:
        return params.day(request.args, name)
    except params.BadParameter as problem:
        errors.append(str(problem.description))
        return None


# --- the event log -------------------------------------------------------------------------------


@bp.get("/")
def index():
    """The event log: every event, newest first, filtered, a page at a time, with how many there are."""
    errors: list[str] = []
    args = request.args
    try:
        actor_id = params.identifier(args, "actor")
    except params.BadParameter:
        actor_id = None
        errors.append(_("Choose the person from the list."))
    filters = projections.EventFilters(
        date_from=filter_day("from", errors),
        date_to=filter_day("to", errors),
        actor_id=actor_id,
        aggregate=params.filter_text(args, "aggregate") or None,
        event_type=params.filter_text(args, "type", limit=80) or None,
    )
    company_text = params.search_text(args, "company")
    company_id = params.identifier(args, "company_id")
    matched: list[projections.CompanyName] = []
    if company_id is not None:
        filters.company_given, filters.company_ids = True, [company_id]
    elif company_text:
        matched = projections.companies_named(views()["outreach"], company_text)
        filters.company_given, filters.company_ids = True, [m["company_id"] for m in matched]
    after, before = params.position(args, "after"), params.position(args, "before")
    index_view = views()["audit_events"]
    # Newest first: without a position or "first", the page is the newest one.
    page = index_view.page(
        filters, after=after, before=before, last=after is None and not args.get("first"), limit=PAGE_SIZE
    )
    total = index_view.count(filters, cap=EVENT_COUNT_CAP)
    events, people = logged_events(crm(), views(), list(reversed(page.positions)))
    record_shown(people)
    return page_or_fragment(
        "audit/index.html",
        "audit/_events.html",
        "audit-events",
        events=events,
        pages=page,
        total=min(total, EVENT_COUNT_CAP),
        total_capped=total > EVENT_COUNT_CAP,
        keep={k: v for k, v in args.items() if k in FILTER_ARGS and v},
        errors=errors,
        users=views()["users"].all_users(),
        company_text=company_text,
        matched=matched,
        aggregates=[(slug, aggregate_label(slug)) for slug in dict.fromkeys(AGGREGATE_SLUGS.values())],
        event_types=sorted(((t, event_name(t)) for t in EVENT_NAMES), key=lambda pair: pair[1]),
    )


# --- as of ---------------------------------------------------------------------------------------


@bp.get("/as-of")
def past():
    """The pipeline, a user's queue, the buy-in and commitment trackers as they stood at a chosen moment."""
    text = params.shown((request.args.get("moment") or "").strip())
    errors: list[str] = []
    try:
        moment = params.moment(request.args, "moment")
    except params.BadParameter as problem:
        errors.append(str(problem.description))
        moment = None
    if moment is not None and moment > crm().clock.now():
        errors.append(_("Choose a moment in the past."))
        moment = None
    chosen = params.identifier(request.args, "user")
    context: dict[str, Any] = {}
    if moment is not None:
        at = moment
        with the_past("every view", at, lambda: projections.as_of(crm(), at)) as projector:
            context = _the_past(projector, local_date(at), chosen)
    return page_or_fragment(
        "audit/as_of.html",
        "audit/_as_of.html",
        "audit-as-of",
        text=text,
        moment=moment,
        errors=errors,
        # Whose queue: anyone who could have had one then, since disabled or not.
        users=views()["users"].owners(include_disabled=True),
        chosen=chosen,
        **context,
    )


def _the_past(projector: projections.Projector, day: date, user_id: UUID | None) -> dict[str, Any]:
    outreach, agreements_view = projector["outreach"], projector["agreements"]
    columns = projections.board(outreach, day, per_stage=20)
    buy_in = agreements_view.buy_in_tracker()
    commitments = agreements_view.commitment_tracker(day)
    shown = {r["contact_id"] for a in buy_in for r in a["requirements"] if r.get("contact_id")}
    shown |= {c["owner_contact_id"] for c in commitments if c.get("owner_contact_id")}
    record_shown(shown)
    return {
        "counts": projections.stage_counts(outreach),
        "columns": columns,
        "buy_in": buy_in,
        "commitments": commitments,
        "queue": projections.my_day(outreach, user_id, day) if user_id else None,
        "day": day,
    }


from web import audit_history, audit_proofs, audit_records  # noqa: E402, F401 - the area's other routes register on `bp`
