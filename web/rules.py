"""The rules of persistent contact, set by the project lead: what My day, call mode and the log forms follow."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from crm.errors import CrmError
from web import params
from web.labels import choices
from web.messages import describe
from web.services import crm, perform
from web.translating import gettext as _
from web.workdays import QUICK_PICKS

bp = Blueprint("rules", __name__, url_prefix="/rules")


def render(rules: dict, error: str | None = None, status: int = 200):
    outcomes = [(slug, text) for slug, text in choices("outcome") if slug != "declined"]
    picks = [(key, str(label)) for key, label, _pick in QUICK_PICKS] + [("none", _("No next step"))]
    return render_template("rules/index.html", rules=rules, outcomes=outcomes, picks=picks, error=error), status


@bp.get("")
def index():
    """The rules in force, in a form."""
    return render(crm().outreach_rules())


@bp.post("")
def save():
    """Set the rules; a refused value shows its message in the form."""
    form = request.form
    values = {
        "attempts_before_flag": form.get("attempts_before_flag", ""),
        "min_gap_minutes": form.get("min_gap_minutes", ""),
        "default_follow_up": {
            slug: form.get(f"follow_up_{slug}", "") for slug, _text in choices("outcome") if slug != "declined"
        },
    }
    try:
        perform(
            crm().set_outreach_rules,
            params.form_count(form, "attempts_before_flag"),
            params.form_count(form, "min_gap_minutes"),
            values["default_follow_up"],
        )
    except CrmError as error:
        return render(values, describe(error))
    flash(_("The rules are saved."), "success")
    return redirect(url_for(".index"), 303)
