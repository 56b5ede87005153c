"""Keeps the read models current: catch-up in batches, rebuild beside the live view, follow new events.

Exactly once. A catch-up batch reads the events after the views' positions, then, in one
transaction of the views' database, locks each view's position, checks it is still the
one it read from, applies the events and moves the position. A crash anywhere in the
batch rolls back rows and position together; a second process catching up the same view
waits for the lock, finds the position moved, and reads on from there, so no event is
applied twice and none is skipped.

No single event stops the application. An event a view cannot apply (a bug in a handler,
an upcasting mistake, a row written by an older version, a value its column cannot hold)
is found and contained:

- The batch that met it is rolled back and applied again view by view, event by event, so
  the failing view and the event are known; every other view goes on.
- The failing view applies everything before that event and stops there: its position is
  the one before the event, and its generation records the failure (the event's position
  and topic, the error's first line, when it was found and when the event happened).
- A failed view is not tried again by later catch-ups (a deterministic bug would fail every
  request); it keeps serving what it has. Screens that read it say so ("Denne oversigt er
  bagud siden ..."); screens that do not are untouched; sign-in reads the users view and
  never waits on a catch-up (the web swallows a catch-up's errors and reads on).
- `crm projections status` and `/health/ready` name the view, the position, the topic and
  the error. After a fix, `crm projections resume NAME` retries from the position, or
  `crm projections rebuild NAME` builds the view anew beside the live one.
- A transient error (the database unreachable, locked, a deadlock) is not an event's fault:
  it is raised, nothing is marked, and the next catch-up (the next request, the worker's
  next round) tries again.
- A new generation built for a version change that fails goes live anyway at the event it
  cannot apply, marked failed: the new code reads the new shape, behind, rather than the
  old shape; a rebuild beside a live generation of the same version that fails is dropped
  and the live one kept.

Generations (projections/generations.py): a view's version change or a rebuild fills a new
generation of its tables beside the live one, and the switch happens in one transaction
once it has caught up, so no screen goes empty.
"""

from __future__ import annotations

import logging
import select
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy.exc
from eventsourcing import persistence
from eventsourcing.persistence import ApplicationRecorder, Tracking
from eventsourcing_sqlalchemy.datastore import SQLAlchemyDatastore
from sqlalchemy import select as sql_select

from crm.application import CrmApplication
from projections.base import UPSTREAM, CrmProjection, View
from projections.generations import Failure, Generation, registry, writing
from projections.schema import utc_naive

Progress = Callable[[int, int], None]
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivery:
    """One stored event for the views: decoded, or with the error that kept it from decoding."""

    id: int
    topic: str
    event: Any
    error: Exception | None = None


@dataclass(frozen=True)
class ViewStatus:
    """One generation of a view, as `crm projections status` and the readiness endpoint show it."""

    name: str
    generation: int
    version: int
    live: bool
    position: int
    head: int
    failure: Failure | None

    @property
    def behind(self) -> int:
        return max(0, self.head - self.position)


class RebuildFailed(Exception):
    """Raised when a rebuild met an event it cannot apply; the live view was kept."""

    def __init__(self, name: str, failure: Failure) -> None:
        super().__init__(f"{name}: stopped before position {failure.position} ({failure.topic}): {failure.error}")
        self.name = name
        self.failure = failure


def is_transient(error: BaseException) -> bool:
    """True for errors of the database or the connection, which say nothing about an event."""
    if isinstance(
        error, (sqlalchemy.exc.DisconnectionError, sqlalchemy.exc.TimeoutError, sqlalchemy.exc.InterfaceError)
    ):
        return True
    if isinstance(error, (persistence.OperationalError, persistence.InterfaceError)):
        return True
    if isinstance(error, sqlalchemy.exc.OperationalError):
        original = getattr(error, "orig", None)
        if isinstance(original, sqlite3.OperationalError):
            # SQLite raises OperationalError for a missing column too: only these say "try again".
            message = str(original).lower()
            return any(word in message for word in ("locked", "busy", "disk i/o", "unable to open", "interrupt"))
        return True
    return False


def describe(error: BaseException) -> str:
    """The error's kind and first line: never the statement or its parameters, which may hold personal data."""
    original = getattr(error, "orig", None)
    shown = original if isinstance(original, BaseException) else error
    first_line = (str(shown).strip().splitlines() or [""])[0]
    return f"{type(shown).__name__}: {first_line}"[:500]


class Projector:
    """The read models of one CRM application, and the means to keep them current."""

    def __init__(
        self,
        app: CrmApplication,
        datastore: SQLAlchemyDatastore | None = None,
        projection_classes: Sequence[type[CrmProjection]] | None = None,
    ) -> None:
        if projection_classes is None:
            from projections.registry import ALL as projection_classes
        self.app = app
        self.recorder: ApplicationRecorder = app.recorder
        self.datastore = datastore or app.factory.datastore
        self.projections: dict[str, CrmProjection] = {}
        # Called with a view's name whenever one is read (the web marks the screen as behind).
        self.on_read: Callable[[str], None] | None = None
        # The failed views as the last catch-up found them, by name.
        self.failures: dict[str, Failure] = {}
        for cls in projection_classes:
            projection = cls.on(self.datastore)
            self.projections[projection.view.name] = projection
        # A new generation with nothing to catch up goes live at once (a new database, no events yet).
        self._go_live_when_ready(list(self.projections.values()), self.recorder.max_notification_id() or 0)

    def view(self, name: str) -> Any:
        if self.on_read is not None:
            self.on_read(name)
        return self.projections[name].view

    def __getitem__(self, name: str) -> Any:
        return self.view(name)

    def catch_up(
        self,
        names: Iterable[str] | None = None,
        batch_size: int = 1000,
        progress: Progress | None = None,
        include: Callable[[object], bool] | None = None,
    ) -> int:
        """Apply every recorded event the named views (all by default) have not applied yet.

        The views are caught up together: one read of the log and one
        transaction per batch for all of them, so the catch-up after a web
        request's command costs one commit, not one per view.
        """
        group = [self.projections[name] for name in (names or self.projections)]
        return self._catch_up(group, batch_size, progress, include)

    def rebuild(self, name: str, batch_size: int = 1000, progress: Progress | None = None) -> int:
        """Replay a view from the first event into a new generation beside the live one, then switch to it.

        Screens read the live generation until the new one has caught up. Raises
        RebuildFailed when an event stops the new generation.
        """
        fresh = self.projections[name].fresh()
        applied = self._catch_up([fresh], batch_size, progress, None)
        state = fresh.view.state()
        if state is None:
            return applied  # another process switched to a newer generation meanwhile: rebuilt all the same
        if state.live:
            self.projections[name] = fresh
            if state.failure is not None:
                raise RebuildFailed(name, state.failure)
            return applied
        failure = state.failure
        fresh.view.discard()
        if failure is None:
            raise RuntimeError(f"the rebuild of {name} neither caught up nor stopped at an event")
        raise RebuildFailed(name, failure)

    def resume(self, name: str, batch_size: int = 1000, progress: Progress | None = None) -> int:
        """Forget a view's failure and catch it up from where it stopped (after the cause was fixed)."""
        self.projections[name].view.clear_failure()
        self.failures.pop(name, None)
        return self.catch_up([name], batch_size=batch_size, progress=progress)

    def status(self) -> list[ViewStatus]:
        """Every generation of every view: live or being built, its position against the head, its failure."""
        head = self.recorder.max_notification_id() or 0
        with self.datastore.transaction(commit=False) as session:
            rows = session.execute(
                sql_select(registry)
                .where(registry.c.name.in_(list(self.projections)))
                .order_by(registry.c.name, registry.c.generation)
            )
            found = [Generation.from_row(row) for row in rows]
        return [ViewStatus(g.name, g.generation, g.version, g.live, g.position, head, g.failure) for g in found]

    # --- the catch-up ----------------------------------------------------------------------------
    def _catch_up(
        self,
        group: list[CrmProjection],
        batch_size: int,
        progress: Progress | None,
        include: Callable[[object], bool] | None,
    ) -> int:
        head = self.recorder.max_notification_id() or 0
        applied = 0
        while True:
            # Read and decode outside the lock, so the views' write locks are held only to apply.
            group, states = self._states(group)
            working = [p for p in group if states[p].failure is None]
            behind = [p for p in working if states[p].position < head]
            if not behind:
                self._go_live_when_ready(group, head, states)
                return applied
            start = min(states[p].position for p in behind)
            stop = min(head, start + batch_size)
            in_batch = [p for p in behind if states[p].position < stop]
            topics = sorted({topic for p in in_batch for topic in p.topics})
            notifications = self.recorder.select_notifications(
                start=start + 1, limit=batch_size, stop=stop, topics=topics
            )
            deliveries = [self._decode(n) for n in notifications]
            positions = {p: states[p].position for p in in_batch}
            applied += self._apply_batch(in_batch, deliveries, positions, stop, include)
            if progress is not None:
                progress(stop, head)

    def _states(self, group: list[CrmProjection]) -> tuple[list[CrmProjection], dict[CrmProjection, Generation]]:
        """Every view's generation in one short read.

        A view whose generation another process dropped (it switched to a newer one) is
        replaced by a new view object on the live generation; the old object keeps its
        generation, so a thread still writing with it finds its position gone and stops.
        """
        names = sorted({p.view.name for p in group})
        for _ in range(3):
            with self.datastore.transaction(commit=False) as session:
                rows = session.execute(sql_select(registry).where(registry.c.name.in_(names)))
                found = {(g.name, g.generation): g for g in map(Generation.from_row, rows)}
            missing = [p for p in group if (p.view.name, p.view.generation) not in found]
            if not missing:
                break
            group = [self._rebound(p) if p in missing else p for p in group]
        else:
            raise RuntimeError("the views' generations keep changing under this catch-up")
        states = {p: found[(p.view.name, p.view.generation)] for p in group}
        for projection, state in states.items():
            if state.failure is not None:
                self.failures[projection.view.name] = state.failure
            else:
                self.failures.pop(projection.view.name, None)
        return group, states

    def _rebound(self, projection: CrmProjection) -> CrmProjection:
        rebound = type(projection).on(self.datastore)
        if self.projections.get(projection.view.name) is projection:
            self.projections[projection.view.name] = rebound
        return rebound

    def _decode(self, notification: Any) -> Delivery:
        try:
            return Delivery(notification.id, notification.topic, self.app.mapper.to_domain_event(notification))
        except Exception as error:  # noqa: BLE001 - an event that does not decode stops only the views that read it
            return Delivery(notification.id, notification.topic, None, error)

    def _apply_batch(
        self,
        in_batch: list[CrmProjection],
        deliveries: list[Delivery],
        positions: dict[CrmProjection, int],
        stop: int,
        include: Callable[[object], bool] | None,
    ) -> int:
        try:
            with self._writing(in_batch), self.datastore.transaction(commit=True) as session:
                if any(p.view.lock_position(session) != positions[p] for p in in_batch):
                    return 0  # another process applied some of this meanwhile: read on from where it stopped
                applied = 0
                for projection in in_batch:
                    projection.view.discard_buffer()
                    applied += self._apply(projection, deliveries, positions[projection], include)
                    projection.view.flush(session)
                    projection.view.move_position(session, stop)
            return applied
        except Exception as error:
            if is_transient(error):
                raise
        # Some view cannot apply some event: view by view, the others go on and that one stops before it.
        return sum(self._apply_alone(p, deliveries, positions[p], stop, include) for p in in_batch)

    def _apply_alone(
        self,
        projection: CrmProjection,
        deliveries: list[Delivery],
        position: int,
        stop: int,
        include: Callable[[object], bool] | None,
    ) -> int:
        view = projection.view
        culprit: tuple[Delivery, Exception] | None = None
        try:
            with self._writing([projection]), self.datastore.transaction(commit=True) as session:
                if view.lock_position(session) != position:
                    return 0
                view.discard_buffer()
                applied = 0
                for delivery in self._relevant(projection, deliveries, position, include):
                    try:
                        self._apply_one(projection, delivery)
                        view.flush(session)
                    except Exception as error:
                        if not is_transient(error):
                            culprit = (delivery, error)
                        raise
                    applied += 1
                view.move_position(session, stop)
            return applied
        except Exception:
            if culprit is None:
                raise
        delivery, error = culprit
        with self._writing([projection]), self.datastore.transaction(commit=True) as session:
            if view.lock_position(session) != position:
                return 0
            view.discard_buffer()
            before = [d for d in deliveries if d.id < delivery.id]
            applied = self._apply(projection, before, position, include)
            view.flush(session)
            view.move_position(session, delivery.id - 1)
            now = utc_naive(datetime.now(UTC))
            happened = getattr(delivery.event, "timestamp", None)
            view.mark_failed(
                session, delivery.id, delivery.topic, describe(error), now, utc_naive(happened) if happened else now
            )
        failure = view.failure()
        if failure is not None:
            self.failures[view.name] = failure
        logger.error(
            "The %s view stopped before position %s (%s): %s",
            view.name,
            delivery.id,
            delivery.topic,
            describe(error),
            exc_info=error,
        )
        return applied

    @classmethod
    def _apply(
        cls,
        projection: CrmProjection,
        deliveries: list[Delivery],
        position: int,
        include: Callable[[object], bool] | None,
    ) -> int:
        applied = 0
        for delivery in cls._relevant(projection, deliveries, position, include):
            cls._apply_one(projection, delivery)
            applied += 1
        return applied

    @staticmethod
    def _relevant(
        projection: CrmProjection,
        deliveries: list[Delivery],
        position: int,
        include: Callable[[object], bool] | None,
    ) -> Iterable[Delivery]:
        topics = set(projection.topics)
        for delivery in deliveries:
            if delivery.id <= position or delivery.topic not in topics:
                continue
            if delivery.error is None and include is not None and not include(delivery.event):
                continue
            yield delivery

    @staticmethod
    def _apply_one(projection: CrmProjection, delivery: Delivery) -> None:
        if delivery.error is not None:
            raise delivery.error
        projection.process_event(delivery.event, Tracking(UPSTREAM, delivery.id))

    @staticmethod
    def _writing(projections: Iterable[CrmProjection]) -> Any:
        names: dict[str, str] = {}
        for projection in projections:
            names.update({t.name: p.name for t, p in projection.view.tables_of_generation.items()})
        return writing(names)

    def _go_live_when_ready(
        self, group: list[CrmProjection], head: int, states: dict[CrmProjection, Generation] | None = None
    ) -> None:
        """A generation built beside the live one goes live when it has caught up (or, for a new shape, stopped)."""
        if states is None:
            group, states = self._states(group)
        for projection in group:
            state = states[projection]
            if state.live:
                continue
            caught_up = state.failure is None and state.position >= head
            # A new shape that stopped at an event still serves the new code better than the old shape.
            new_shape_stopped = state.failure is not None and self._live_version(projection.view) != state.version
            if caught_up or new_shape_stopped:
                projection.view.go_live()

    @staticmethod
    def _live_version(view: View) -> int | None:
        return next((g.version for g in view.generations() if g.live), None)


class NewEventSignal:
    """Wakes a worker when events are recorded: LISTEN/NOTIFY on PostgreSQL, polling on SQLite."""

    def __init__(self, app: CrmApplication, poll_interval: float = 0.5) -> None:
        self.poll_interval = poll_interval
        self._connection = None
        engine = app.factory.datastore.engine
        if engine is not None and engine.dialect.name == "postgresql":
            self._connection = engine.raw_connection()
            self._connection.autocommit = True  # type: ignore[union-attr]
            self._connection.cursor().execute(f"LISTEN {app.recorder.channel_name}")  # type: ignore[attr-defined]

    def wait(self, timeout: float) -> None:
        if self._connection is None:
            time.sleep(min(timeout, self.poll_interval))
            return
        driver_connection = self._connection.driver_connection  # type: ignore[attr-defined]
        if select.select([driver_connection], [], [], timeout)[0]:
            for _ in driver_connection.notifies(timeout=0):
                pass

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()


def run_forever(projector: Projector, should_stop: Callable[[], bool], wake_every: float = 5.0) -> None:
    """The `crm projections run` loop: catch up, then sleep until new events are signalled.

    An event a view cannot apply stops that view only (see the module's docstring); any
    other error is logged and the catch-up tried again after `wake_every` seconds, so the
    worker outlives a database restart.
    """
    signal = NewEventSignal(projector.app)
    try:
        while not should_stop():
            try:
                applied = projector.catch_up()
            except Exception:  # the worker must outlive a database restart
                logger.exception("Catching up the read models failed; trying again in %s s", wake_every)
                time.sleep(wake_every)
                continue
            if applied == 0:
                signal.wait(wake_every)
    finally:
        signal.close()
