"""Channel partners: the unions, housing associations and networks that bring leads, added, renamed, archived."""

from __future__ import annotations

from uuid import UUID

from flask import Blueprint, flash, redirect, render_template, request, url_for

import projections
from crm.errors import CrmError
from web.labels import choices
from web.messages import describe
from web.services import crm, perform, views
from web.translating import gettext as _

bp = Blueprint("partners", __name__, url_prefix="/partners")


@bp.get("")
def index():
    """Every channel partner, by name, each with a rename form; and a form to add one."""
    return render_template(
        "partners/index.html", partners=projections.partners_list(views()["outreach"]), kinds=choices("partner_kind")
    )


def done(message: str):
    flash(message, "success")
    return redirect(url_for(".index"), 303)


@bp.post("")
def add():
    """Register a channel partner."""
    form = request.form
    try:
        perform(crm().register_partner, form.get("name", ""), form.get("kind", ""), form.get("note"))
    except CrmError as error:
        flash(describe(error), "error")
        return redirect(url_for(".index"), 303)
    return done(_("%(name)s is added.", name=form.get("name", "").strip()))


@bp.post("/<uuid:partner_id>/rename")
def rename(partner_id: UUID):
    """Correct a channel partner's name."""
    try:
        perform(crm().rename_partner, partner_id, request.form.get("name", ""))
    except CrmError as error:
        flash(describe(error), "error")
        return redirect(url_for(".index"), 303)
    return done(_("The name is changed."))


@bp.post("/<uuid:partner_id>/archive")
def archive(partner_id: UUID):
    """No longer offer a channel partner for new choices; where it was chosen, it is still named."""
    try:
        perform(crm().archive_partner, partner_id)
    except CrmError as error:
        flash(describe(error), "error")
        return redirect(url_for(".index"), 303)
    return done(_("The channel partner is archived: no longer offered, still named in the history."))
