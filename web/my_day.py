"""My day: the signed-in user's call list, with attempts logged in place (the form is fetched per row)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_login import current_user

import projections
from crm.errors import CrmError
from web import params
from web.access_record import record_people
from web.attempt_form import attempt_values, classification, form_options
from web.messages import describe
from web.overlap_warning import overlap_context
from web.rendering import page_or_fragment, wants_fragment
from web.services import crm, perform, today, user_names, views
from web.translating import format_date
from web.translating import gettext as _
from web.workdays import follow_up_due

bp = Blueprint("my_day", __name__, url_prefix="/my-day")

# A day's work, not a backlog: longer sections show their first rows and a link to the rest.
SECTION_LIMIT = 50
STALLED_LIMIT = 20


def record_shown(contact_lists: Iterable[list[projections.ContactRow]]) -> None:
    """The contact selects show names: that is personal data, so it goes in the access log."""
    record_people("page", [c["contact_id"] for people in contact_lists for c in people])


def people_at(company_ids: list[UUID]) -> dict[UUID, list[projections.ContactRow]]:
    """Whom an attempt may be with: each company's current contacts, those who decide first (logged as shown)."""
    people = projections.current_contacts(views()["outreach"], company_ids, current_only=True, order="deciders")
    record_shown(people.values())
    return people


def attempt_form_options(company_id: UUID) -> dict[str, Any]:
    """The log form's choices, and for this company the lead an attempt answers and the evaluation's defaults."""
    projector = views()
    outreach = projector["outreach"]
    lead_id = projections.answered_lead(outreach, company_id)
    lead = projector["leads"].lead(lead_id) if lead_id else None
    partners = list(projections.partner_choices(outreach).items())
    return {
        **form_options(today(), partners),
        "lead": lead,
        "classified": classification(projections.company(outreach, company_id), lead),
        **overlap_context(company_id),
    }


def counts_context(counts: dict[str, int] | None = None) -> dict[str, Any]:
    """The queue's counts (read here unless given) and the attempts a round takes before it is flagged."""
    return {
        "counts": counts
        if counts is not None
        else projections.queue_counts(views()["outreach"], current_user.id, today()),
        "attempts_before_flag": crm().outreach_rules()["attempts_before_flag"],
    }


def due_follow_ups(day: date) -> list[dict[str, Any]]:
    """The user's agreements whose one-month follow-up falls due today or fell due, with its day."""
    waiting = projections.waiting_follow_ups(views()["outreach"], current_user.id, day - timedelta(days=27))
    due = [(follow_up_due(found["feedback_on"]), found) for found in waiting]
    return [{**found, "due_on": due_on} for due_on, found in due if due_on <= day]


def queue_context() -> dict[str, Any]:
    day = today()
    outreach = views()["outreach"]
    sections, counts = projections.counted_call_list(outreach, current_user.id, day, limit=SECTION_LIMIT)
    expanded = params.choice(request.args, "all", projections.QUEUE_SECTIONS)
    if expanded:
        sections.update(projections.call_list(outreach, current_user.id, day, sections=[expanded]))
    stalled_days, overlap_days = current_app.config["STALLED_DAYS"], current_app.config["OVERLAP_DAYS"]
    return {
        "sections": sections,
        "owner_names": user_names(),
        **counts_context(counts),
        "people": people_at([row["company_id"] for rows in sections.values() for row in rows]),
        "overlap": projections.department_overlap(outreach, day, overlap_days, responsible_for=current_user.id),
        "overlap_days": overlap_days,
        "stalled": projections.stalled(outreach, day, stalled_days, owner_id=current_user.id, limit=STALLED_LIMIT),
        "stalled_count": projections.count_stalled(outreach, day, stalled_days, owner_id=current_user.id),
        "stalled_days": stalled_days,
        "day_name": format_date(day, "EEEE d. MMMM yyyy"),
        "follow_ups": due_follow_ups(day),
        "today": day,
    }


@bp.get("")
def index():
    """The queue: overdue, due today, no next step, and companies that may be approached again."""
    return page_or_fragment("my_day/index.html", "my_day/_queue.html", "queue", **queue_context())


def respond_with_row(company_id: UUID, error: str | None = None, logged: str | None = None, open_form: bool = False):
    """The updated row for htmx, with the counters swapped out of band; for a plain form, back to the
    queue (or the queue with this row's form open, and its error)."""
    target = f"queue-row-{company_id}"
    if error is None and not open_form and not wants_fragment(target):
        flash(logged or _("Saved."), "success")
        return redirect(url_for(".index"), 303)
    row = projections.call_row(views()["outreach"], company_id, today())
    if row is None:
        abort(404)
    open_form = open_form or error is not None
    options = attempt_form_options(company_id) if open_form else {}
    context = {
        "owner_names": user_names(),
        "row": row,
        "people": people_at([company_id]),
        "error": error,
        "logged": logged,
        "values": request.form if error else {},
        "open_form": open_form,
        "today": today(),
        **options,
    }
    if wants_fragment(target):
        return page_or_fragment(
            "my_day/index.html", "my_day/_row_update.html", target, **context, **counts_context(), oob=True
        )
    # A plain form with an error: the whole queue, this row's form open with the message
    # (and the message on top too when the company is not among the rows shown).
    queue = queue_context()
    if error and not any(r["company_id"] == company_id for rows in queue["sections"].values() for r in rows):
        flash(error, "error")
    return page_or_fragment(
        "my_day/index.html", "my_day/_queue.html", "queue", **{**queue, **options, "error_row": context}
    )


@bp.get("/<uuid:company_id>/attempts")
def attempt_form(company_id: UUID):
    """The row with its log form open: fetched when asked for, so the list itself stays light."""
    return respond_with_row(company_id, open_form=True)


@bp.post("/<uuid:company_id>/attempts")
def log_attempt(company_id: UUID):
    """Log a call, e-mail or visit from the queue; the row shows its new next step."""
    try:
        answered = projections.answered_lead(views()["outreach"], company_id)
        perform(crm().log_attempt, company_id, **attempt_values(request.form, answered))
    except CrmError as error:
        return respond_with_row(company_id, error=describe(error))
    found = projections.company(views()["outreach"], company_id)
    name = found["name"] if found else ""
    return respond_with_row(company_id, logged=_("Attempt logged for %(name)s.", name=name))


@bp.post("/<uuid:company_id>/reapproach")
def reapproach(company_id: UUID):
    """Start a new round with a declined or parked company whose date has come."""
    try:
        perform(crm().reapproach_company, company_id)
    except CrmError as error:
        return respond_with_row(company_id, error=describe(error))
    return respond_with_row(company_id, logged=_("A new round has started."))
