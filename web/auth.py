"""Sign-in, sign-out and language; the signed-in user of each request, from the event store."""

from __future__ import annotations

from datetime import UTC
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import UserMixin, current_user, login_user, logout_user

from crm.errors import CrmError
from crm.permissions import may
from web import session_policy
from web.extensions import login_manager
from web.messages import describe
from web.services import crm, perform
from web.translating import format_time
from web.translating import gettext as _

bp = Blueprint("auth", __name__)


class WebUser(UserMixin):
    """The signed-in person as the event store knows them."""

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
    """The session's user, while active and while the session is of their current generation.

    Read from the User aggregate, not the users read model: signing in and
    staying signed in must work while a read model is behind or has failed.
    """
    generation = session_policy.generation()
    if generation is None:
        return None
    try:
        row = crm().signed_in_user(UUID(user_id), generation)
    except ValueError:
        return None
    return WebUser(row) if row else None


def client_address() -> str:
    """The client's address; behind the configured HTTPS proxy, as the proxy forwarded it."""
    return request.remote_addr or "unknown"


def safe_next(target: str | None) -> str:
    if target and not urlsplit(target).netloc and target.startswith("/"):
        return target
    return url_for("home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with username and password."""
    if request.method == "GET":
        return render_template("auth/login.html", error=None)
    result = crm().sign_in(request.form.get("username", ""), request.form.get("password", ""), client_address())
    row = crm().signed_in_user(result.user_id, result.generation) if result.user_id else None
    if row:
        session.clear()
        login_user(WebUser(row))
        session_policy.start(result.generation)
        return redirect(safe_next(request.args.get("next")))
    if result.locked is None:
        return render_template("auth/login.html", error=_("Wrong username or password.")), 401
    until = result.locked.until.replace(tzinfo=UTC)
    error = _("Too many failed sign-ins. Try again after %(time)s.", time=format_time(until, "HH:mm"))
    wait = max(1, int((until - crm().clock.now()).total_seconds()))
    return render_template("auth/login.html", error=error), 429, {"Retry-After": str(wait)}


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out, here and in every other session of the same user."""
    if current_user.is_authenticated:
        crm().sign_out(current_user.id, client_address())
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/language", methods=["POST"])
def language():
    """Switch the interface language for the signed-in user."""
    try:
        perform(crm().choose_language, request.form.get("language", ""))
    except CrmError as error:
        flash(describe(error), "error")
    return redirect(safe_next(request.form.get("next")))
