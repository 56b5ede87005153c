"""User administration: who may sign in, in which role and department."""

from __future__ import annotations

from uuid import UUID

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user

from crm.errors import CrmError
from web import session_policy
from web.auth import client_address
from web.labels import choices
from web.messages import describe
from web.rendering import page_or_fragment
from web.services import crm, perform, views
from web.translating import gettext as _

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _render(error: str | None = None, status: int = 200, form: dict | None = None):
    return page_or_fragment(
        "admin/users.html",
        "admin/_users.html",
        "user-admin",
        status=status,
        users=views()["users"].all_users(),
        roles=choices("role"),
        departments=choices("department"),
        error=error,
        form=form or {},
    )


@bp.get("/users")
def users():
    """Every user with role, department and whether they may sign in."""
    return _render()


@bp.post("/users")
def add_user():
    """Register a user and give them their first password; both are stored or neither."""
    form = request.form
    try:
        perform(
            crm().register_user,
            form.get("username", ""),
            form.get("display_name", ""),
            form.get("department", ""),
            form.get("role", ""),
            password=form.get("password", ""),
            address=client_address(),
        )
    except CrmError as error:
        return _render(describe(error), form=form)
    flash(_("User %(username)s was created.", username=form.get("username", "").strip().lower()), "success")
    return redirect(url_for("admin.users"), 303)


@bp.post("/users/<uuid:user_id>")
def change_user(user_id: UUID):
    """Change a user's role or department, disable or enable them, or set a new password."""
    form = request.form
    action = form.get("action")
    commands = {
        "role": lambda: perform(crm().change_user_role, user_id, form.get("role", "")),
        "department": lambda: perform(crm().change_user_department, user_id, form.get("department", "")),
        "disable": lambda: perform(crm().disable_user, user_id),
        "enable": lambda: perform(crm().enable_user, user_id),
        "password": lambda: perform(crm().set_password, user_id, form.get("password", ""), address=client_address()),
    }
    if action not in commands:
        return _render(_("Unknown action."), status=400)
    try:
        commands[action]()
    except CrmError as error:
        return _render(describe(error))
    if action == "password" and user_id == current_user.id:
        # Every session of the user ended with the new password; this one, where it was chosen, goes on.
        session_policy.renew(crm().sessions.current(user_id))
    return redirect(url_for("admin.users"), 303) if not request.headers.get("HX-Request") else _render()
