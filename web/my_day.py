"""My day: the signed-in user's persistent-contact queue, with attempts logged in place."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from uuid import UUID

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from crm.companies import IN_OUTREACH
from crm.errors import CrmError, InvalidInput
from projections.outreach import companies, contacts
from projections.overlap import department_overlap
from projections.pipeline import stalled
from projections.queue import my_day, queue_row, responsible
from web.labels import choices
from web.messages import describe
from web.rendering import page_or_fragment, wants_fragment
from web.services import crm, perform, today, views
from web.workdays import quick_picks

bp = Blueprint("my_day", __name__, url_prefix="/my-day")

SECTIONS = ("overdue", "due_today", "no_next_step", "reapproach")
# A day's work, not a backlog: longer sections show their first rows and a link to the rest.
SECTION_LIMIT = 50
STALLED_LIMIT = 20


# --- the log-attempt form (the company page uses it too) ---------------------------------
def parse_date(field: str, text: str | None) -> date | None:
    if not text or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(field=field, problem="is not a date") from None


def parse_id(field: str, text: str | None) -> UUID | None:
    if not text:
        return None
    try:
        return UUID(text)
    except ValueError:
        raise InvalidInput(field=field, problem="is not one of the choices") from None


def attempt_values(form: Mapping[str, str]) -> dict[str, Any]:
    """The log-attempt form as keyword arguments of crm.log_attempt; a typed date beats a quick pick."""
    declined = form.get("outcome") == "declined"
    return {
        "channel": form.get("channel", ""),
        "outcome": form.get("outcome", ""),
        "note": form.get("note"),
        "contact_id": parse_id("contact", form.get("contact_id")),
        "next_follow_up": None
        if declined
        else parse_date("next_follow_up", form.get("next_follow_up_on") or form.get("next_follow_up")),
        "approach_again_after": parse_date("approach_again_after", form.get("approach_again_after"))
        if declined
        else None,
    }


def form_options(day: date) -> dict[str, Any]:
    """What every log-attempt form offers: outcomes, channels and the quick picks as (key, label, iso, shown)."""
    return {
        "outcomes": choices("outcome"),
        "channels": choices("channel"),
        "picks": [
            (key, str(label), pick.isoformat(), format_date(pick, "EEE d. MMM"))
            for key, label, pick in quick_picks(day)
        ],
        "today": day,
    }


def contacts_by_company(company_ids: list[UUID]) -> dict[UUID, list[dict[str, Any]]]:
    """The current (not archived) contacts of each company, decision makers first."""
    found: dict[UUID, list[dict[str, Any]]] = {company_id: [] for company_id in company_ids}
    if not company_ids:
        return found
    query = (
        select(contacts.c.contact_id, contacts.c.company_id, contacts.c.name, contacts.c.role)
        .where(contacts.c.company_id.in_(company_ids), contacts.c.archived.is_(False))
        .order_by(contacts.c.is_decision_maker.desc(), contacts.c.name)
    )
    with views()["outreach"].transaction(commit=False) as session:
        for row in session.execute(query):
            found[row.company_id].append(dict(row._mapping))
    return found


def record_shown(contact_lists: Any) -> None:
    """The contact selects show names: that is personal data, so it goes in the access log."""
    shown = [c["contact_id"] for people in contact_lists for c in people]
    if shown:
        crm().access_log.record(current_user.id, "page", shown, place=request.path)


# --- the queue -------------------------------------------------------------------------------
def section_of(row: dict[str, Any], day: date) -> str:
    """Where a company stands now: a queue section, "later" (next step planned) or "closed"."""
    if row["stage"] in ("declined", "parked"):
        again = row["approach_again_after"]
        return "reapproach" if again is not None and again <= day else "closed"
    if row["stage"] not in IN_OUTREACH:
        return "closed"
    follow_up = row["next_follow_up"]
    if follow_up is None:
        return "no_next_step"
    return "overdue" if follow_up < day else "due_today" if follow_up == day else "later"


def decorate(row: dict[str, Any], day: date) -> dict[str, Any]:
    row["section"] = section_of(row, day)
    row["days_overdue"] = (day - row["next_follow_up"]).days if row["section"] == "overdue" else 0
    return row


def my_companies_in_overlap(day: date) -> list[dict[str, Any]]:
    """Department overlap, narrowed to the companies this user is responsible for."""
    view = views()["outreach"]
    crowded = department_overlap(view, day, current_app.config["OVERLAP_DAYS"])
    if not crowded:
        return []
    with view.transaction(commit=False) as session:
        mine = set(
            session.execute(
                select(companies.c.company_id).where(
                    responsible(current_user.id),
                    companies.c.company_id.in_([c["company_id"] for c in crowded]),
                )
            ).scalars()
        )
    return [entry for entry in crowded if entry["company_id"] in mine]


def queue_context() -> dict[str, Any]:
    day = today()
    view = views()["outreach"]
    everything = my_day(view, current_user.id, day)
    expanded = request.args.get("all")
    sections = {name: rows if name == expanded else rows[:SECTION_LIMIT] for name, rows in everything.items()}
    for rows in sections.values():
        for row in rows:
            decorate(row, day)
    people = contacts_by_company([row["company_id"] for rows in sections.values() for row in rows])
    record_shown(people.values())
    stalled_rows = stalled(view, day, current_app.config["STALLED_DAYS"], owner_id=current_user.id)
    return {
        "sections": sections,
        "counts": {name: len(rows) for name, rows in everything.items()},
        "people": people,
        "overlap": my_companies_in_overlap(day),
        "overlap_days": current_app.config["OVERLAP_DAYS"],
        "stalled": stalled_rows[:STALLED_LIMIT],
        "stalled_count": len(stalled_rows),
        "stalled_days": current_app.config["STALLED_DAYS"],
        "day_name": format_date(day, "EEEE d. MMMM yyyy"),
        **form_options(day),
    }


@bp.get("")
def index():
    """The queue: overdue, due today, no next step, and companies that may be approached again."""
    return page_or_fragment("my_day/index.html", "my_day/_queue.html", "queue", **queue_context())


def respond_with_row(company_id: UUID, error: str | None = None, logged: str | None = None):
    """The updated row for htmx; for a plain form, back to the queue (or the queue with the error)."""
    target = f"queue-row-{company_id}"
    if error is None and not wants_fragment(target):
        flash(logged or _("Saved."), "success")
        return redirect(url_for(".index"), 303)
    row = queue_row(views()["outreach"], company_id)
    if row is None:
        abort(404)
    day = today()
    people = contacts_by_company([company_id])
    record_shown(people.values())
    context = {
        "row": decorate(row, day),
        "people": people,
        "error": error,
        "logged": logged,
        "values": request.form if error else {},
        "open_form": error is not None,
        **form_options(day),
    }
    if wants_fragment(target):
        return page_or_fragment("my_day/index.html", "my_day/_row.html", target, **context)
    # A plain form with an error: the whole queue, this row's form open with the message
    # (and the message on top too when the company is not among the rows shown).
    queue = queue_context()
    if not any(r["company_id"] == company_id for rows in queue["sections"].values() for r in rows):
        flash(error, "error")
    return page_or_fragment("my_day/index.html", "my_day/_queue.html", "queue", **{**queue, "error_row": context})


@bp.post("/<uuid:company_id>/attempts")
def log_attempt(company_id: UUID):
    """Log a call, e-mail or visit from the queue; the row shows its new next step."""
    try:
        values = attempt_values(request.form)
        perform(crm().log_attempt, company_id, **values)
    except CrmError as error:
        return respond_with_row(company_id, error=describe(error))
    row = queue_row(views()["outreach"], company_id)
    name = row["name"] if row else ""
    return respond_with_row(company_id, logged=_("Attempt logged for %(name)s.", name=name))


@bp.post("/<uuid:company_id>/reapproach")
def reapproach(company_id: UUID):
    """Start a new round with a declined or parked company whose date has come."""
    try:
        perform(crm().reapproach_company, company_id)
    except CrmError as error:
        return respond_with_row(company_id, error=describe(error))
    return respond_with_row(company_id, logged=_("A new round has started."))
