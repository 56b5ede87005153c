"""The CRM application and its read models, one of each per web process."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
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
    app.extensions["crm"] = Services(crm=crm, projector=Projector(crm))


def services() -> Services:
    return current_app.extensions["crm"]


def crm() -> CrmApplication:
    return services().crm


def views() -> Projector:
    """The read models, caught up to the newest event (cheap when nothing is new)."""
    projector = services().projector
    projector.catch_up()
    return projector


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
