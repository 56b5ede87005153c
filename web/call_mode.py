"""Call mode: the call list one company at a time, logged from the keyboard (web/static/call_mode.js).

The next company is the first on the user's call list (overdue, due today, no next step) that
nobody called within the last hour, that the user did not skip today, and that no colleague has
on screen: opening a company claims it for a few minutes (crm/call_claims.py), so two recruiters
working through lists that overlap are never offered the same company at once.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

import projections
from crm.errors import CrmError
from web.attempt_form import attempt_values
from web.messages import describe
from web.my_day import attempt_form_options, people_at
from web.services import crm, perform, today, views
from web.translating import gettext as _

bp = Blueprint("call_mode", __name__, url_prefix="/call")

# The latest attempts shown beside the form.
SHOWN_ATTEMPTS = 5
SKIPPED = "call_mode_skipped"


def skipped() -> set[UUID]:
    """The companies the user skipped today (kept in the session, forgotten the next day)."""
    kept = session.get(SKIPPED) or {}
    if kept.get("day") != today().isoformat():
        return set()
    return {UUID(hex_id) for hex_id in kept.get("ids", [])}


def skip(company_id: UUID) -> None:
    session[SKIPPED] = {"day": today().isoformat(), "ids": sorted(i.hex for i in skipped() | {company_id})}


@bp.get("")
def next_call():
    """The next company to call, claimed for the user; or a page saying the list is done."""
    if request.args.get("again"):
        session.pop(SKIPPED, None)
    claims = crm().call_claims
    since = crm().clock.now() - timedelta(minutes=crm().outreach_rules()["min_gap_minutes"])
    leave_out = skipped() | claims.held_by_others(current_user.id)
    for company_id in projections.to_call(views()["outreach"], current_user.id, today(), since, leave_out):
        if claims.claim(company_id, current_user.id):
            return redirect(url_for(".call", company_id=company_id), 303)
    return render_template("call_mode/done.html", skipped=len(skipped()))


def call_context(company_id: UUID, error: str | None = None) -> dict[str, Any]:
    outreach = views()["outreach"]
    row = projections.call_row(outreach, company_id, today())
    if row is None:
        abort(404)
    people = people_at([company_id])[company_id]
    names = {person["contact_id"]: person["name"] for person in people}
    return {
        "row": row,
        "people": people,
        "attempts": projections.attempts_of(outreach, company_id, row["round"])[:SHOWN_ATTEMPTS],
        "names": names,
        "error": error,
        "values": request.form if error else {"contact_id": str(people[0]["contact_id"]) if people else ""},
        **attempt_form_options(company_id),
    }


@bp.get("/<uuid:company_id>")
def call(company_id: UUID):
    """One company: its people, its latest attempts and notes, and the form, keys shown on each choice."""
    if not crm().call_claims.claim(company_id, current_user.id):
        flash(_("A colleague has this company on screen right now; here is the next one."), "info")
        skip(company_id)
        return redirect(url_for(".next_call"), 303)
    return render_template("call_mode/call.html", **call_context(company_id))


@bp.post("/<uuid:company_id>")
def log_call(company_id: UUID):
    """Log the call, give the company back, and open the next one."""
    try:
        answered = projections.answered_lead(views()["outreach"], company_id)
        perform(crm().log_attempt, company_id, **attempt_values(request.form, answered))
    except CrmError as error:
        return render_template("call_mode/call.html", **call_context(company_id, describe(error)))
    crm().call_claims.release(company_id, current_user.id)
    found = projections.company(views()["outreach"], company_id)
    flash(_("Attempt logged for %(name)s.", name=found["name"] if found else ""), "success")
    return redirect(url_for(".next_call"), 303)


@bp.post("/<uuid:company_id>/skip")
def skip_call(company_id: UUID):
    """Not now: the next company, this one left for later today."""
    skip(company_id)
    crm().call_claims.release(company_id, current_user.id)
    return redirect(url_for(".next_call"), 303)
