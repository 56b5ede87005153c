"""The retention review: the project lead's list of people whose data may have outlived its purpose.

Routes of the privacy blueprint (web/privacy.py). The list reads
`projections.retention_review`; after review, the chosen people are erased one
by one with the erase command (legal basis "retention_expired", a reason), each
erasure an event the audit event log tells in plain Danish.
"""

from __future__ import annotations

import os
from typing import Any

from flask import flash, redirect, render_template, request, url_for

import projections
from crm.clock import months_before
from crm.errors import CrmError
from web import params
from web.access_record import record_people
from web.messages import describe
from web.privacy import bp
from web.retention_employees import employees_to_review
from web.services import crm, perform, today, views
from web.translating import gettext as _
from web.translating import ngettext

INACTIVE_VAR = "CRM_RETENTION_REVIEW_MONTHS"
REAPPROACH_VAR = "CRM_RETENTION_REAPPROACH_MONTHS"
# Two years without activity; a declined or parked company a year past its re-approach date.
DEFAULT_INACTIVE_MONTHS = 24
DEFAULT_REAPPROACH_MONTHS = 12
MOST_MONTHS = 240


def configured_months(name: str, default: int) -> int:
    text = os.environ.get(name, "").strip()
    return int(text) if text.isdigit() and 1 <= int(text) <= MOST_MONTHS else default


@bp.get("/retention")
def retention():
    """The people at companies untouched for long, or declined or parked long past the re-approach date."""
    errors: list[str] = []
    try:
        inactive = params.whole_number(request.args, "months", 1, MOST_MONTHS)
        past = params.whole_number(request.args, "past", 1, MOST_MONTHS)
    except params.BadParameter as problem:
        errors.append(str(problem.description))
        inactive = past = None
    inactive = inactive or configured_months(INACTIVE_VAR, DEFAULT_INACTIVE_MONTHS)
    past = past or configured_months(REAPPROACH_VAR, DEFAULT_REAPPROACH_MONTHS)
    now = today()
    rows = projections.retention_review(views()["outreach"], months_before(now, inactive), months_before(now, past))
    record_people("page", [row["contact_id"] for row in rows])
    employee_months, employees = employees_to_review()
    return render_template(
        "privacy/retention.html",
        rows=rows,
        months=inactive,
        past=past,
        errors=errors,
        employees=employees,
        employee_months=employee_months,
    )


@bp.post("/retention/erase")
def erase_reviewed():
    """Erase the people chosen after review, one erase command each (legal basis: retention expired)."""
    reason = request.form.get("reason", "")
    erased, problems = 0, []
    try:
        chosen = [params.form_id({"id": value}, "id", "contact") for value in request.form.getlist("contact")]
    except CrmError as refused:
        chosen, problems = [], [describe(refused)]
    for contact_id in chosen:
        if contact_id is None:
            continue
        try:
            perform(crm().erase_contact, contact_id, "retention_expired", reason=reason)
        except CrmError as failed:
            problems.append(describe(failed))
            break  # the same problem (a missing reason) would stop every other erasure too
        erased += 1
    if erased:
        flash(ngettext("%(num)d person erased.", "%(num)d people erased.", erased), "success")
    for said in dict.fromkeys(problems):
        flash(said, "error")
    if not chosen and not problems:
        flash(_("Choose the people to erase."), "error")
    kept: dict[str, Any] = {k: v for k, v in request.args.items() if k in ("months", "past")}
    return redirect(url_for("privacy.retention", **kept), 303)
