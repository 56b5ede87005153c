"""Days away: a user marks when they will be away, and whether a colleague takes their follow-ups meanwhile.

Without a stand-in, the follow-ups due then fall due on the first working day after; with one, they
show on the colleague's My day while the absence runs (projections/absences.py).
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

import projections
from crm.errors import CrmError, InvalidInput
from web import params
from web.i18n import as_date
from web.messages import describe
from web.services import crm, perform, today, user_names, views
from web.translating import gettext as _

bp = Blueprint("absence", __name__, url_prefix="/absence")


def render(error: str | None = None, form: dict | None = None):
    projector = views()
    colleagues = [u for u in projector["users"].owners() if u["user_id"] != current_user.id]
    return render_template(
        "absence/index.html",
        absences=projections.absences_of(projector["users"], current_user.id, today()),
        colleagues=colleagues,
        names=user_names(),
        error=error,
        form=form or {},
    )


@bp.get("")
def index():
    """The user's coming absences, and a form to mark one."""
    return render()


@bp.post("")
def mark():
    """Mark days away, with a colleague to stand in or none."""
    form = request.form
    try:
        first = params.form_date(form, "first_day")
        last = params.form_date(form, "last_day") or first
        if first is None or last is None:
            raise InvalidInput(field="first_day", problem="is required")
        back = perform(crm().mark_absence, first, last, stand_in_id=params.form_id(form, "stand_in_id", "stand_in"))
    except CrmError as error:
        return render(describe(error), form)
    flash(_("Your absence is marked. You are back on %(day)s.", day=as_date(back)), "success")
    return redirect(url_for(".index"), 303)


@bp.post("/cancel")
def cancel():
    """Not away after all: the follow-ups fall due where they were planned."""
    try:
        first = params.form_date(request.form, "first_day")
        if first is not None:
            perform(crm().cancel_absence, first)
    except CrmError as error:
        return render(describe(error))
    flash(_("The absence is cancelled."), "success")
    return redirect(url_for(".index"), 303)
