"""The retention review's second list: disabled employees whose display name has outlived its period.

Each is erased on its own (crm/commands/employee_names.py): the name's key is destroyed,
and every screen shows "tidligere medarbejder" where it stood. The period is the
application's (CRM_EMPLOYEE_NAME_RETENTION_MONTHS), so the list offers only those the
command will accept.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from flask import flash, redirect, request, url_for

from crm.clock import day_start, months_before
from crm.errors import CrmError
from crm.vocabulary import FORMER_EMPLOYEE
from web.messages import describe
from web.privacy import bp
from web.services import crm, perform, today, views
from web.translating import gettext as _


def employees_to_review() -> tuple[int, list[dict[str, object]]]:
    """(the period in months, the disabled employees whose names it has run out for)."""
    months = crm().name_retention_months()
    # Disabled on the cut-off day itself counts as past: the command compares days the same way.
    before = day_start(months_before(today(), months) + timedelta(days=1))
    return months, [dict(row) for row in views()["users"].erasable_names(before)]


@bp.post("/retention/employees/<uuid:user_id>/erase")
def erase_employee_name(user_id: UUID):
    """Erase one former employee's display name (legal basis: retention expired)."""
    try:
        perform(crm().erase_employee_name, user_id, "retention_expired", reason=request.form.get("reason", ""))
    except CrmError as failed:
        flash(describe(failed), "error")
    else:
        flash(_("The name is erased. Every screen now shows “%(former)s”.", former=FORMER_EMPLOYEE), "success")
    kept: dict[str, Any] = {k: v for k, v in request.args.items() if k in ("months", "past")}
    return redirect(url_for("privacy.retention", **kept), 303)
