"""How long a session lasts: an idle timeout and an absolute lifetime, checked before anything else.

The session (Flask's signed cookie) names the user's session generation and
when it was opened and last used. A session past either limit is emptied before
the CSRF check and the user loader run, so its CSRF token dies with it; the
generation is compared with the user's own by the user loader (web/auth.py).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, flash, g, request, session

from web.services import crm
from web.translating import gettext as _

SESSION_KEY = "signed_in"
# Writing the cookie anew on every request is not needed to keep a session alive: once a minute is.
TOUCH_EVERY_SECONDS = 60
# Files need no session: fetching them must not keep an idle one alive.
NO_SESSION_ENDPOINTS = frozenset({"static", "favicon"})


def _now() -> int:
    return int(crm().clock.now().timestamp())


def start(generation: int) -> None:
    """Mark the (freshly cleared) session as signed in, in the user's current generation."""
    now = _now()
    session[SESSION_KEY] = {"generation": generation, "since": now, "seen": now}


def renew(generation: int) -> None:
    """Keep this session valid in a new generation (the user changed their own password here)."""
    state = session.get(SESSION_KEY)
    if state is not None:
        session[SESSION_KEY] = {**state, "generation": generation}


def generation() -> Any:
    state = session.get(SESSION_KEY)
    return state.get("generation") if isinstance(state, dict) else None


def ended() -> bool:
    """True when this request's session was ended by a time limit (the form's token went with it)."""
    return bool(g.get("session_ended"))


def init_app(app: Flask) -> None:
    """Register the check; call before CSRFProtect.init_app, so it runs first."""

    @app.before_request
    def end_expired_session() -> None:
        state = session.get(SESSION_KEY)
        if not isinstance(state, dict) or request.endpoint in NO_SESSION_ENDPOINTS:
            return
        now = _now()
        too_old = now - state.get("since", 0) >= app.config["SESSION_HOURS"] * 3600
        idle = now - state.get("seen", 0) >= app.config["IDLE_MINUTES"] * 60
        if too_old or idle:
            session.clear()
            g.session_ended = True
            if too_old:
                message = _(
                    "Your session has ended after %(hours)s hours. Sign in again.", hours=app.config["SESSION_HOURS"]
                )
            else:
                message = _(
                    "You were signed out after %(minutes)s minutes without activity. Sign in again.",
                    minutes=app.config["IDLE_MINUTES"],
                )
            flash(message)
            return
        if now - state.get("seen", 0) >= TOUCH_EVERY_SECONDS:
            session[SESSION_KEY] = {**state, "seen": now}
