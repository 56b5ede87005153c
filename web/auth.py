"""Sign-in, sign-out, language, and the role check every state-changing route makes."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import UserMixin, current_user, login_required, login_user, logout_user

from crm.errors import CrmError
from crm.permissions import may
from web.extensions import login_manager
from web.messages import describe
from web.services import crm, perform, views

bp = Blueprint("auth", __name__)


class WebUser(UserMixin):
    """The signed-in person as the read model knows them."""

    def __init__(self, row: dict[str, Any]) -> None:
        self.id: UUID = row["user_id"]
        self.username: str = row["username"]
        self.display_name: str = row["display_name"]
        self.department: str = row["department"]
        self.role: str = row["role"]
        self.language: str | None = row.get("language")

    def get_id(self) -> str:
        return str(self.id)

    def may(self, permission: str) -> bool:
        return may(self.role, permission)


@login_manager.user_loader
def load_user(user_id: str) -> WebUser | None:
    try:
        row = views()["users"].user(UUID(user_id))
    except ValueError:
        return None
    return WebUser(row) if row and row["active"] else None


def requires(permission: str) -> Callable:
    """Refuse (403) a signed-in user whose role lacks the permission; the application checks again."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.may(permission):
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorate


def safe_next(target: str | None) -> str:
    if target and not urlsplit(target).netloc and target.startswith("/"):
        return target
    return url_for("home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with username and password."""
    error = None
    if request.method == "POST":
        username = request.form.get("username", "")
        user_id = crm().verify_password(username, request.form.get("password", ""))
        row = views()["users"].user(user_id) if user_id else None
        if row:
            session.clear()
            login_user(WebUser(row))
            return redirect(safe_next(request.args.get("next")))
        error = _("Wrong username or password.")
    return render_template("auth/login.html", error=error), (401 if error else 200)


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out."""
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/language", methods=["POST"])
@login_required
def language():
    """Switch the interface language for the signed-in user."""
    try:
        perform(crm().choose_language, request.form.get("language", ""))
    except CrmError as error:
        flash(describe(error), "error")
    return redirect(safe_next(request.form.get("next")))
