"""The CRM application and its read models, one of each per web process."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, g, has_request_context
from flask_login import current_user

from crm.application import CrmApplication
from crm.clock import Clock, local_date
from projections.runner import Projector


@dataclass
class Services:
    crm: CrmApplication
    projector: Projector


def init_app(app: Flask, clock: Clock | None = None) -> None:
    crm = CrmApplication.for_database(app.config["DATABASE_URL"], clock=clock)
    projector = Projector(crm)
    projector.on_read = _note_read
    app.extensions["crm"] = Services(crm=crm, projector=projector)
    app.context_processor(lambda: {"behind_views": behind_views})


def services() -> Services:
    return current_app.extensions["crm"]


def crm() -> CrmApplication:
    return services().crm


def views() -> Projector:
    """The read models, caught up to the newest event (cheap when nothing is new).

    A catch-up that fails (the database busy, or a bug outside any one event) is logged and the
    screen reads what the views hold: no request, sign-in included, waits on it. An event a view
    cannot apply stops only that view (projections/runner.py); the screens that read it say so.
    """
    projector = services().projector
    try:
        projector.catch_up()
    except Exception:
        current_app.logger.exception("catching up the read models failed; the screens read what the views hold")
    return projector


def _note_read(name: str) -> None:
    if has_request_context():
        g.setdefault("views_read", set()).add(name)


def behind_views() -> list[dict[str, Any]]:
    """The views this request read that stopped at an event they cannot apply, with since when."""
    failures = services().projector.failures
    read = sorted(g.get("views_read", set()) & failures.keys())
    return [{"name": name, "since": failures[name].behind_since} for name in read]


def today():
    return local_date(crm().clock.now())


def perform(command: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run a CrmApplication command as the signed-in user, then bring the read models up to it.

    Read-your-writes: whatever the request renders next already shows the change.
    """
    result = command(current_user.id, *args, **kwargs)
    try:
        services().projector.catch_up()
    except Exception:
        # The command is stored and acknowledged; a failing read model must not turn that into
        # an error page that invites a second, duplicate try. The worker or the next request retries.
        current_app.logger.exception("catch-up after a command failed")
    return result
