"""The audit area: the event log, entity history, the past as it stood, export, the access log, the chain.

Read-only for auditors and project leads: every route is a GET behind the
"audit" permission. Pages that show a person's name, phone or e-mail record it
in the access log, as do exports; the chain status runs `verify` on request.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any
from uuid import UUID

from flask import Blueprint, Response, current_app, request, stream_with_context
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from crm.audit.export import ExportSummary, export_lines, file_names, record_export_access
from crm.audit.history import diff, state_at, versions
from crm.audit.verify import Anchor, verify
from crm.clock import COPENHAGEN, local_date
from projections.as_of import as_of
from projections.event_log import AGGREGATES, EventFilters, EventIndexView, open_index
from projections.outreach import companies, contacts, search_key
from projections.pipeline import board, stage_counts
from projections.queue import my_day
from projections.verify import verify_projections
from web.event_sentences import (
    EVENT_NAMES,
    aggregate_label,
    event_name,
    field_title,
    logged_events,
    names_for,
    raw_json,
    sentence,
    shown_value,
)
from web.rendering import page_or_fragment
from web.services import crm, views

bp = Blueprint("audit", __name__, url_prefix="/audit")

PAGE_SIZE = 50


def use_label(use: str) -> str:
    """How the data was used, as the access log screen says it."""
    return {
        "page": _("viewed on a page"),
        "search": _("found by a search"),
        "export": _("exported"),
        "api": _("read through the API"),
    }.get(use, use)


def event_index() -> EventIndexView:
    """The event log's index, created once per application and caught up on every read."""
    index = current_app.extensions.get("audit_index")
    if index is None:
        index = current_app.extensions["audit_index"] = open_index(crm())
    index.catch_up(crm().recorder)
    return index


def _uuid(text: str | None) -> UUID | None:
    try:
        return UUID(text.strip()) if text and text.strip() else None
    except ValueError:
        return None


def _day(name: str, errors: list[str]) -> date | None:
    text = (request.args.get(name) or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.append(_("%(value)s is not a date (write it as 2026-03-02).", value=text))
        return None


def _int(name: str) -> int | None:
    text = request.args.get(name) or ""
    return int(text) if text.isdigit() else None


def record_shown(contact_ids: set[UUID], use: str = "page", criterion: str | None = None) -> None:
    """The access log: who saw which person's data, where."""
    if contact_ids or use == "search":
        crm().access_log.record(
            current_user.id, use, sorted(contact_ids, key=str), criterion=criterion, place=request.path
        )


# --- the event log -------------------------------------------------------------------------------


def _companies_named(text: str) -> list[dict[str, Any]]:
    view = views()["outreach"]
    with view.transaction(commit=False) as session:
        rows = session.execute(
            select(companies.c.company_id, companies.c.name)
            .where(companies.c.search_name.contains(search_key(text), autoescape=True))
            .order_by(companies.c.search_name)
            .limit(50)
        ).all()
    return [dict(r._mapping) for r in rows]


@bp.get("/")
def index():
    """The event log: every event in notification order, filtered, a page at a time."""
    errors: list[str] = []
    args = request.args
    filters = EventFilters(
        date_from=_day("from", errors),
        date_to=_day("to", errors),
        actor_id=_uuid(args.get("actor")),
        aggregate=args.get("aggregate") or None,
        event_type=args.get("type") or None,
    )
    company_text = (args.get("company") or "").strip()
    matched: list[dict[str, Any]] = []
    if _uuid(args.get("company_id")):
        filters.company_given, filters.company_ids = True, [_uuid(args.get("company_id"))]
    elif company_text:
        matched = _companies_named(company_text)
        filters.company_given, filters.company_ids = True, [m["company_id"] for m in matched]
    if args.get("actor") and filters.actor_id is None:
        errors.append(_("Choose the person from the list."))
    page = event_index().page(
        filters, after=_int("after"), before=_int("before"), last=bool(args.get("last")), limit=PAGE_SIZE
    )
    events, people = logged_events(crm(), views(), page.positions)
    record_shown(people)
    keep = {
        k: v
        for k, v in args.items()
        if k in ("from", "to", "actor", "company", "company_id", "aggregate", "type") and v
    }
    users = views()["users"].all_users()
    return page_or_fragment(
        "audit/index.html",
        "audit/_events.html",
        "audit-events",
        events=events,
        pages=page,
        keep=keep,
        errors=errors,
        users=users,
        company_text=company_text,
        matched=matched,
        aggregates=[(slug, aggregate_label(slug)) for slug in dict.fromkeys(AGGREGATES.values())],
        event_types=sorted(((t, event_name(t)) for t in EVENT_NAMES), key=lambda pair: pair[1]),
    )


# --- entity history ------------------------------------------------------------------------------


@bp.get("/history")
def history():
    """Any company, contact, agreement, attempt or lead at any of its versions, and what changed between two."""
    text = (request.args.get("id") or "").strip()
    errors: list[str] = []
    entity_id = _uuid(text)
    found, changes, kind, a, b = [], [], "", None, None
    if text and entity_id is None:
        errors.append(_("%(value)s is not an id.", value=text))
    elif entity_id is not None:
        found = versions(crm(), entity_id)
        if not found:
            errors.append(_("Nothing has been recorded with this id."))
    if found:
        last = found[-1].number
        b = min(max(_int("b") or last, 1), last)
        a = min(max(_int("a") if _int("a") is not None else b - 1, 0), last)
        kind = AGGREGATES.get(found[0].topic.partition(":")[2].split(".")[0], "")
        names = names_for([v.event for v in found], views())
        if kind == "contact":
            record_shown({entity_id})
        try:
            changes = [
                {"field": field_title(c.field), "old": shown_value(c.old, names), "new": shown_value(c.new, names)}
                for c in diff(state_at(crm(), entity_id, a), state_at(crm(), entity_id, b))
            ]
        except Exception:  # noqa: BLE001 - an edited row may no longer decode; the page says so
            errors.append(_("A stored event of this record can no longer be read; run the chain check."))
        rows = [
            {
                "number": v.number,
                "sentence": sentence(v.event, names),
                "raw": raw_json(v.stored),
                "at": getattr(v.event, "timestamp", None),
                "reason": getattr(v.event, "reason", None),
                "name": event_name(v.topic.partition(":")[2]),
            }
            for v in found
        ]
    else:
        rows = []
    return page_or_fragment(
        "audit/history.html",
        "audit/_history.html",
        "audit-history",
        entity_id=entity_id,
        text=text,
        rows=rows,
        changes=changes,
        a=a,
        b=b,
        kind=aggregate_label(kind) if kind else "",
        errors=errors,
    )


# --- as of ---------------------------------------------------------------------------------------


@bp.get("/as-of")
def past():
    """The pipeline, a user's queue, the buy-in and commitment trackers as they stood at a chosen moment."""
    text = (request.args.get("moment") or "").strip()
    errors: list[str] = []
    moment = None
    if text:
        try:
            moment = datetime.fromisoformat(text).replace(tzinfo=COPENHAGEN)
        except ValueError:
            errors.append(_("%(value)s is not a date and time.", value=text))
        else:
            if moment > crm().clock.now():
                errors.append(_("Choose a moment in the past."))
                moment = None
    users = [u for u in views()["users"].all_users() if u["role"] not in ("auditor", "admin")]
    chosen = _uuid(request.args.get("user"))
    context: dict[str, Any] = {}
    if moment is not None:
        projector = as_of(crm(), moment)
        try:
            context = _the_past(projector, local_date(moment), chosen)
        finally:
            projector.datastore.engine.dispose()
    return page_or_fragment(
        "audit/as_of.html",
        "audit/_as_of.html",
        "audit-as-of",
        text=text,
        moment=moment,
        errors=errors,
        users=users,
        chosen=chosen,
        **context,
    )


def _the_past(projector: Any, day: date, user_id: UUID | None) -> dict[str, Any]:
    outreach, agreements_view = projector["outreach"], projector["agreements"]
    columns = board(outreach, day, per_stage=20)
    buy_in = agreements_view.buy_in_tracker()
    commitments = agreements_view.commitment_tracker(day)
    shown = {r["contact_id"] for a in buy_in for r in a["requirements"] if r.get("contact_id")}
    shown |= {c["owner_contact_id"] for c in commitments if c.get("owner_contact_id")}
    record_shown(shown)
    return {
        "counts": stage_counts(outreach),
        "columns": columns,
        "buy_in": buy_in,
        "commitments": commitments,
        "queue": my_day(outreach, user_id, day) if user_id else None,
        "day": day,
    }


# --- export ----------------------------------------------------------------------------------------


def _range(errors: list[str]) -> tuple[date | None, date | None]:
    first, last = _day("from", errors), _day("to", errors)
    if first and last and last < first:
        errors.append(_("The last day is before the first."))
    return first, last


@bp.get("/export")
def export():
    """Choose a date range and download its events as JSON Lines and the manifest."""
    errors: list[str] = []
    first, last = _range(errors)
    chosen = bool(request.args.get("from") or request.args.get("to")) and not errors
    keep = {k: v for k, v in request.args.items() if k in ("from", "to") and v}
    return page_or_fragment(
        "audit/export.html",
        "audit/_export.html",
        "audit-export",
        errors=errors,
        first=first,
        last=last,
        chosen=chosen,
        keep=keep,
        names=file_names(first, last),
    )


@bp.get("/export/events.jsonl")
def export_events():
    """The events of the range as JSON Lines, streamed; every person exported is in the access log."""
    errors: list[str] = []
    first, last = _range(errors)
    if errors:
        return Response("\n".join(errors), status=400, mimetype="text/plain")
    app, user_id, place = crm(), current_user.id, request.path
    summary = ExportSummary(first, last)

    def lines():
        try:
            yield from export_lines(app, summary)
        finally:
            record_export_access(app, user_id, summary, place)

    response = Response(stream_with_context(lines()), mimetype="application/x-ndjson")
    response.headers["Content-Disposition"] = f'attachment; filename="{file_names(first, last)[0]}"'
    return response


@bp.get("/export/manifest.json")
def export_manifest():
    """The manifest of the same range: count, positions, the links around it, the head, the software version."""
    errors: list[str] = []
    first, last = _range(errors)
    if errors:
        return Response("\n".join(errors), status=400, mimetype="text/plain")
    summary = ExportSummary(first, last)
    for _line in export_lines(crm(), summary):
        pass
    manifest = summary.manifest(file_names(first, last)[0], crm().clock.now())
    response = Response(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{file_names(first, last)[1]}"'
    return response


# --- the access log --------------------------------------------------------------------------------


def _contact_rows(where: Any, limit: int = 50) -> list[dict[str, Any]]:
    view = views()["outreach"]
    query = (
        select(
            contacts.c.contact_id,
            contacts.c.name,
            contacts.c.role,
            companies.c.name.label("company_name"),
            companies.c.company_id,
        )
        .select_from(contacts.outerjoin(companies, companies.c.company_id == contacts.c.company_id))
        .where(where)
        .order_by(contacts.c.search_name)
        .limit(limit)
    )
    with view.transaction(commit=False) as session:
        return [dict(r._mapping) for r in session.execute(query)]


@bp.get("/access-log")
def access_log():
    """Who consulted or exported a person's data, when, how and by what criterion; per person or per user."""
    person_text = (request.args.get("person") or "").strip()
    contact_id, user_id = _uuid(request.args.get("contact")), _uuid(request.args.get("user"))
    before = _int("before")
    found_people: list[dict[str, Any]] = []
    if person_text:
        found_people = _contact_rows(contacts.c.search_name.contains(search_key(person_text), autoescape=True))
        record_shown({p["contact_id"] for p in found_people}, "search", criterion=person_text)
    person = None
    if contact_id:
        rows = _contact_rows(contacts.c.contact_id == contact_id, 1)
        person = rows[0] if rows else {"contact_id": contact_id, "name": str(contact_id), "company_name": None}
        record_shown({contact_id})
    entries = crm().access_log.entries(contact_id=contact_id, user_id=user_id, before_id=before, limit=PAGE_SIZE + 1)
    more = len(entries) > PAGE_SIZE
    entries = entries[:PAGE_SIZE]
    companies_of = {
        r["contact_id"]: r
        for r in _contact_rows(
            contacts.c.contact_id.in_({e["contact_id"] for e in entries if e["contact_id"]}), PAGE_SIZE
        )
    }
    users = views()["users"].all_users()
    user_names = {u["user_id"]: u["display_name"] for u in users}
    keep = {k: v for k, v in request.args.items() if k in ("contact", "user") and v}
    return page_or_fragment(
        "audit/access_log.html",
        "audit/_access_log.html",
        "audit-access",
        entries=[
            {
                **e,
                "user_name": user_names.get(e["user_id"], str(e["user_id"])),
                "how": use_label(e["use"]),
                "where": companies_of.get(e["contact_id"]),
            }
            for e in entries
        ],
        more=more,
        next_before=entries[-1]["id"] if entries else None,
        person=person,
        person_text=person_text,
        found_people=found_people,
        users=users,
        user_id=user_id,
        keep=keep,
        user_name=user_names.get(user_id, str(user_id)) if user_id else None,
    )


# --- the chain ---------------------------------------------------------------------------------------


@bp.get("/chain")
def chain():
    """The chain's head to write down, and a verification on request (with an anchor written down earlier)."""
    recorder = crm().recorder
    head = recorder.head() if hasattr(recorder, "head") else None
    errors: list[str] = []
    anchor_text = (request.args.get("anchor") or "").strip()
    anchor = None
    if anchor_text:
        try:
            anchor = Anchor.parse(anchor_text)
        except ValueError:
            errors.append(_("An anchor is written POSITION:HASH, the hash with 64 hexadecimal digits."))
    report = None
    if request.args.get("verify") and not errors:
        # Replaying every read model takes minutes on millions of events; the chain alone is fast.
        report = verify(crm(), anchor=anchor, read_models=verify_projections if request.args.get("replay") else None)
    read_models = {
        "users": _("Users"),
        "outreach": _("Companies, contacts and attempts"),
        "leads": _("Leads"),
        "agreements": _("Cooperation agreements"),
        "timeline": _("Company timelines"),
    }
    problems = {
        "edited": _("the stored event was edited"),
        "deleted": _("the stored event was deleted"),
        "inserted": _("an event was inserted behind the application's back"),
    }
    return page_or_fragment(
        "audit/chain.html",
        "audit/_chain.html",
        "audit-chain",
        head=head,
        report=report,
        anchor_text=anchor_text,
        errors=errors,
        problems=problems,
        read_models=read_models,
        replay=bool(request.args.get("replay")) or not request.args.get("verify"),
    )
