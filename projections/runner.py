"""Keeps the read models current: catch-up in batches, rebuild, follow new events.

A catch-up batch reads the events after the views' positions, then, in one
transaction of the views' database, locks each view's tracking row, checks the
position is still the one it read from, applies the events and moves the
position. A crash anywhere in the batch rolls back rows and position together;
a second process catching up the same view waits for the lock, finds the
position moved, and reads on from there, so no event is applied twice and none
is skipped.
"""

from __future__ import annotations

import select
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

from eventsourcing.persistence import ApplicationRecorder, IntegrityError, Notification, Tracking
from eventsourcing_sqlalchemy.datastore import SQLAlchemyDatastore

from projections.base import UPSTREAM, CrmProjection
from projections.upstream import Upstream, datastore_of, sql_recorder

Progress = Callable[[int, int], None]


class Recorded(NamedTuple):
    """One notification of a batch, with its domain event when a view of the batch consumes its topic."""

    notification: Notification
    event: Any


class Projector:
    """The read models of one CRM application, and the means to keep them current."""

    def __init__(
        self,
        app: Upstream,
        datastore: SQLAlchemyDatastore | None = None,
        projection_classes: Sequence[type[CrmProjection]] | None = None,
    ) -> None:
        if projection_classes is None:
            from projections.registry import ALL as projection_classes
        self.app = app
        self.recorder: ApplicationRecorder = app.recorder
        self.datastore = datastore or datastore_of(app)
        self.projections: dict[str, CrmProjection] = {}
        for cls in projection_classes:
            projection = cls.on(self.datastore)
            if projection.view.stored_version() != projection.view.version:
                try:
                    projection.view.reset()
                except IntegrityError:
                    # Another process started at the same moment and reset it first.
                    if projection.view.stored_version() != projection.view.version:
                        raise
            self.projections[projection.view.name] = projection

    def view(self, name: str) -> Any:
        return self.projections[name].view

    def __getitem__(self, name: str) -> Any:
        return self.view(name)

    def catch_up(
        self,
        names: Iterable[str] | None = None,
        batch_size: int = 1000,
        progress: Progress | None = None,
        include: Callable[[Any], bool] | None = None,
    ) -> int:
        """Apply every recorded event the named views (all by default) have not applied yet.

        The views are caught up together: one read of the log and one
        transaction per batch for all of them, so the catch-up after a web
        request's command costs one commit, not one per view. `include`
        leaves out the decoded events it refuses (a raw view gets every notification).
        """
        head = self.recorder.max_notification_id() or 0
        group = [self.projections[name] for name in (names or self.projections)]
        applied = 0
        while True:
            # Read and decode outside the lock, so the views' write locks are held only to apply.
            positions = self._positions(group)
            behind = [p for p in group if positions[p.view.name] < head]
            if not behind:
                return applied
            start = min(positions[p.view.name] for p in behind)
            stop = min(head, start + batch_size)
            in_batch = [p for p in behind if positions[p.view.name] < stop]
            decoded = {topic for p in in_batch if not p.raw for topic in p.topics}
            # A raw view (the event log's index) takes every notification: then the batch reads them all.
            topics = () if any(p.raw for p in in_batch) else sorted(decoded)
            notifications = self.recorder.select_notifications(
                start=start + 1, limit=batch_size, stop=stop, topics=topics
            )
            events = [
                Recorded(n, self.app.mapper.to_domain_event(n) if n.topic in decoded else None) for n in notifications
            ]
            with self.datastore.transaction(commit=True) as session:
                if any(p.view.lock_position(session) != positions[p.view.name] for p in in_batch):
                    continue  # another process applied some of this meanwhile: read on from where it stopped
                for projection in in_batch:
                    projection.view.discard_buffer()
                    applied += self._apply(projection, events, positions[projection.view.name], include)
                    projection.view.flush(session)
                    projection.view.move_position(session, stop)
            if progress is not None:
                progress(stop, head)

    def rebuild(self, name: str, batch_size: int = 1000, progress: Progress | None = None) -> int:
        """Empty a view and replay it from the first event."""
        self.projections[name].view.reset()
        return self.catch_up([name], batch_size=batch_size, progress=progress)

    def _positions(self, group: list[CrmProjection]) -> dict[str, int]:
        """Every view's position in one short read (the per-view library call costs a session each)."""
        with self.datastore.transaction(commit=False) as session:
            return {p.view.name: p.view.read_position(session) for p in group}

    @staticmethod
    def _apply(
        projection: CrmProjection, events: list[Recorded], position: int, include: Callable[[Any], bool] | None
    ) -> int:
        """Feed one view the batch's events after its position; a raw view gets every notification as stored."""
        topics = set(projection.topics)
        applied = 0
        for notification, event in events:
            if notification.id <= position:
                continue
            tracking = Tracking(UPSTREAM, notification.id)
            if projection.raw:
                projection.process_event(notification, tracking)
            elif notification.topic in topics and (include is None or include(event)):
                projection.process_event(event, tracking)
            else:
                continue
            applied += 1
        return applied


class NewEventSignal:
    """Wakes a worker when events are recorded: LISTEN/NOTIFY on PostgreSQL, polling on SQLite."""

    def __init__(self, app: Upstream, poll_interval: float = 0.5) -> None:
        self.poll_interval = poll_interval
        self._connection: Any = None
        recorder = sql_recorder(app)
        engine = recorder.datastore.engine
        if engine is not None and engine.dialect.name == "postgresql":
            self._connection = engine.raw_connection()
            self._connection.autocommit = True
            self._connection.cursor().execute(f"LISTEN {recorder.channel_name}")

    def wait(self, timeout: float) -> None:
        if self._connection is None:
            time.sleep(min(timeout, self.poll_interval))
            return
        driver_connection = self._connection.driver_connection
        if select.select([driver_connection], [], [], timeout)[0]:
            for _ in driver_connection.notifies(timeout=0):
                pass

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()


def run_forever(projector: Projector, should_stop: Callable[[], bool], wake_every: float = 5.0) -> None:
    """The `crm projections run` loop: catch up, then sleep until new events are signalled."""
    signal = NewEventSignal(projector.app)
    try:
        while not should_stop():
            if projector.catch_up() == 0:
                signal.wait(wake_every)
    finally:
        signal.close()
