"""The CRM application and its read models, one of each per web process."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import Flask, current_app, g, has_request_context, request, session
from flask_login import current_user

import projections
from crm.application import CrmApplication
from crm.clock import Clock, local_date
from projections import Replays, head_position
from projections.runner import Projector
from storage.datastore import shared_reads


@dataclass
class Services:
    crm: CrmApplication
    projector: Projector
    replays: Replays = field(default_factory=Replays)  # the past, kept per moment (projections/replays.py)


def init_app(app: Flask, clock: Clock | None = None) -> None:
    crm = CrmApplication.for_database(app.config["DATABASE_URL"], clock=clock)
    projector = Projector(crm)
    projector.on_read = _note_read
    app.extensions["crm"] = Services(crm=crm, projector=projector)
    app.config.setdefault("PROJECTION_WORKER", os.environ.get("CRM_PROJECTION_WORKER", "") in ("1", "true", "yes"))
    app.config.setdefault("PROJECTION_WAIT_SECONDS", float(os.environ.get("CRM_PROJECTION_WAIT_SECONDS", "2")))
    app.after_request(_learn_reads)
    app.wsgi_app = _reading_together(app.wsgi_app)  # type: ignore[method-assign]
    app.context_processor(lambda: {"behind_views": behind_views})


def _reading_together(wsgi_app: Callable[..., Any]) -> Callable[..., Any]:
    """A request's reads share one database session (storage/datastore.py, `shared_reads`): a screen reads
    through a dozen or more statements, each of which otherwise checked a connection out of the pool."""

    def app(environ: Any, start_response: Any) -> Any:
        with shared_reads():
            return wsgi_app(environ, start_response)

    return app


def services() -> Services:
    return current_app.extensions["crm"]


def crm() -> CrmApplication:
    return services().crm


@contextmanager
def the_past(kind: str, moment: datetime, replay: Callable[[], Projector]) -> Iterator[Projector]:
    """A replay of the read models to `moment`, kept for the next look at the same moment until an erasure."""
    generation = crm().personal_keys.last_destroyed()
    with services().replays.of(kind, moment, generation, replay) as projector:
        yield projector


class RequestViews:
    """The read models as one request reads them: brought up to date once, and only the views it reads.

    Nothing is caught up until a view is first read. Then, without a projection worker, the
    views this endpoint reads (learned from its earlier requests, plus the one asked for) are
    caught up together, once; a view the endpoint had not read before is caught up on its own
    when it is first read. With a worker (`crm projections run`, CRM_PROJECTION_WORKER=1) a
    read never catches up: after a command of this session, it waits (bounded by
    PROJECTION_WAIT_SECONDS) for the worker to pass the command's position, and catches up
    those views itself only when the worker has not (stopped, or far behind).

    A catch-up that fails (the database busy, or a bug outside any one event) is logged and the
    screen reads what the views hold: no request, sign-in included, waits on it. An event a view
    cannot apply stops only that view (projections/runner.py); the screens that read it say so.
    """

    def __init__(self, projector: Projector, endpoint: str | None) -> None:
        self.projector = projector
        self.endpoint = endpoint
        self.current: set[str] = set()
        # One wait per request: once the worker has made it wait its whole bound, the rest catches up at once.
        self.deadline: float | None = None

    def view(self, name: str) -> Any:
        if name not in self.current:
            self._bring_up_to_date(name)
        return self.projector.view(name)

    def __getitem__(self, name: str) -> Any:
        return self.view(name)

    def _bring_up_to_date(self, name: str) -> None:
        learned = READS.get(self.endpoint, set()) if not self.current else set()
        names = [n for n in self.projector.read_by(learned | {name}) if n not in self.current]
        self.current.update(names)
        try:
            if not current_app.config["PROJECTION_WORKER"]:
                self.projector.catch_up(names)
                return
            written = max(g.get("written_position", 0), session.get(WRITTEN_KEY, 0))
            if self.deadline is None:
                self.deadline = time.monotonic() + current_app.config["PROJECTION_WAIT_SECONDS"]
            if not self.projector.wait_for(names, written, max(0.0, self.deadline - time.monotonic())):
                current_app.logger.warning("the projection worker is behind; this request catches up %s", names)
                self.projector.catch_up(names)
        except Exception:
            current_app.logger.exception("catching up the read models failed; the screens read what the views hold")


# The views each endpoint read in this process's earlier requests: its next request catches them up at once.
READS: dict[str | None, set[str]] = {}
# The position of the last event this session stored (kept only when a worker does the catch-up).
WRITTEN_KEY = "written_position"


def views() -> RequestViews:
    """The read models for this request (see RequestViews: caught up once, only the views read)."""
    found = g.get("request_views")
    if found is None:
        endpoint = request.endpoint if has_request_context() else None
        found = g.request_views = RequestViews(services().projector, endpoint)
    return found


@dataclass
class _UsersRead:
    view: Any  # kept, so that its id names no other view while the request lasts
    rows: list[Any]
    names: dict[Any, str]


def _users_read(projector: Any) -> _UsersRead:
    """Every user as the views hold them (`projector`'s, by default the request's own), read once per request:
    a page names users in several of its parts and offers the owners in its forms."""
    view = (projector if projector is not None else views())["users"]
    read = g.setdefault("users_read", {})
    found = read.get(id(view))
    if found is None:
        rows = view.all_users()
        found = read[id(view)] = _UsersRead(view, rows, {user["user_id"]: user["display_name"] for user in rows})
    return found


def owners(projector: Any = None, include_disabled: bool = False) -> list[Any]:
    """The users who may own a company (projections.owners_among), read once per request."""
    return projections.owners_among(_users_read(projector).rows, include_disabled)


def user_names(projector: Any = None) -> dict[Any, str]:  # keyed by UUID; looked up with an owner that may be None
    """Every user's display name by id, read once per request."""
    return _users_read(projector).names


def _learn_reads(response: Any) -> Any:
    read = g.get("views_read")
    if read:
        READS.setdefault(request.endpoint, set()).update(read)
    return response


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
    """Run a CrmApplication command as the signed-in user; what the request renders next shows the change.

    Read-your-writes: the command's position is noted, and the views this request (or, with a
    projection worker, this session's next request) reads are brought up to it before they
    are read: caught up in the request without a worker, waited for with one. Only the views
    read are caught up, when read, so a command costs one catch-up of what its page shows.
    """
    result = command(current_user.id, *args, **kwargs)
    # The command is stored and acknowledged: whatever happens to the read models now must not
    # turn that into an error page that invites a second, duplicate try.
    try:
        position = head_position(services().crm)
    except Exception:
        current_app.logger.exception("reading the position of a stored command failed")
        position = 0
    g.written_position = position
    views().current.clear()  # the views read before the command are read again after it
    if current_app.config["PROJECTION_WORKER"]:
        session[WRITTEN_KEY] = position
    return result
