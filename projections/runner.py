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

import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import ApplicationRecorder, Notification
from eventsourcing_sqlalchemy.datastore import SQLAlchemyDatastore
from sqlalchemy import select
from sqlalchemy.engine import Engine

from projections import redactions
from projections.applying import Delivery, Include, apply_batch, decode
from projections.base import CrmProjection, View
from projections.generations import Failure, Generation, registry
from projections.upstream import Upstream, datastore_of, head_position, head_subquery, read_notifications

Progress = Callable[[int, int], None]


def _forget_keys(app: Upstream) -> None:
    """Open sealed values only with keys read from now on (crm/sealing.py's mapper; other mappers seal nothing)."""
    forget = getattr(app.mapper, "forget_keys", None)
    if forget is not None:
        forget()


def _topics(projections: Iterable[CrmProjection]) -> set[str]:
    """The topics of the events the views take decoded."""
    return {topic for p in projections if not p.raw for topic in p.topics}


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


class Projector:
    """The read models of one CRM application, and the means to keep them current."""

    def __init__(
        self,
        app: Upstream,
        datastore: SQLAlchemyDatastore | None = None,
        projection_classes: Sequence[type[CrmProjection]] | None = None,
    ) -> None:
        if projection_classes is None:
            from projections.registry import ALL

            projection_classes = ALL
        self.app = app
        self.recorder: ApplicationRecorder = app.recorder
        self.datastore = datastore or datastore_of(app)
        self.projections: dict[str, CrmProjection] = {}
        # Called with a view's name whenever one is read (the web marks the screen as behind).
        self.on_read: Callable[[str], None] | None = None
        # The failed views as the last catch-up found them, by name.
        self.failures: dict[str, Failure] = {}
        # Set when a catch-up of this projector noted a redaction (redactions.py); the worker takes it.
        self.noted_redactions = False
        # Where this process last left each live view (see `_catch_up_from_last_claim`).
        self._left_at: dict[CrmProjection, int] = {}
        for cls in projection_classes:
            projection = cls.on(self.datastore)
            self.projections[projection.view.name] = projection
        # A new generation with nothing to catch up goes live at once (a new database, no events yet).
        self._go_live_when_ready(list(self.projections.values()), head_position(self.app))

    def view(self, name: str) -> Any:
        if self.on_read is not None:
            self.on_read(name)
        return self.projections[name].view

    def __getitem__(self, name: str) -> Any:
        return self.view(name)

    def close(self) -> None:
        """Let go of the database connections of a projector that owns its store (an as-of replay)."""
        engine = self.datastore.engine
        if isinstance(engine, Engine):
            engine.dispose()

    def read_by(self, names: Iterable[str]) -> list[str]:
        """The named views and every view their queries join (`View.reads_also`), in catch-up order."""
        wanted: set[str] = set()
        pending = list(names)
        while pending:
            name = pending.pop()
            if name not in wanted:
                wanted.add(name)
                pending.extend(self.projections[name].view.reads_also)
        return [name for name in self.projections if name in wanted]

    def catch_up(
        self,
        names: Iterable[str] | None = None,
        batch_size: int = 1000,
        progress: Progress | None = None,
        include: Include = None,
    ) -> int:
        """Apply every recorded event the named views (all by default) have not applied yet.

        The views are caught up together: one read of the log and one
        transaction per batch for all of them, so the catch-up after a web
        request's command costs one commit, not one per view. `include`
        leaves out the decoded events it refuses (a raw view gets every notification).
        """
        group = [self.projections[name] for name in (names or self.projections)]
        return self._catch_up(group, batch_size, progress, include)

    def wait_for(self, names: Iterable[str], position: int, timeout: float, poll: float = 0.02) -> bool:
        """Wait (at most `timeout` seconds) until the named views have applied `position`.

        For processes that leave the catch-up to a worker (`crm projections run`): a request
        that stored an event waits for the worker to pass it, so the page after a command
        shows it (read-your-writes). Reads the views' positions in one statement per look, and
        notes their failures as a catch-up would; a view stopped at an event counts as passed
        (waiting would not move it). False when the time ran out.
        """
        group = [self.projections[name] for name in names]
        deadline = time.monotonic() + timeout
        while True:
            group, states = self._states(group)
            if all(s.failure is not None or s.position >= position for s in states.values()):
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(poll)

    def rebuild(self, name: str, batch_size: int = 5000, progress: Progress | None = None) -> int:
        """Replay a view from the first event into a new generation beside the live one, then switch to it.

        Screens read the live generation until the new one has caught up. Raises
        RebuildFailed when an event stops the new generation.
        """
        fresh = self.projections[name].fresh()
        _forget_keys(self.app)  # a text redacted moments ago in another process is read as redacted
        applied = self._catch_up([fresh], batch_size, progress, None)
        self._switch_to(name, fresh)
        return applied

    def rebuild_together(
        self, names: Iterable[str] | None = None, batch_size: int = 5000, progress: Progress | None = None
    ) -> list[RebuildFailed]:
        """Replay the named views (all by default) as `rebuild` does, but together: the log is read and decoded
        once for all of them, where one rebuild after another reads and decodes it for each.

        Each view switches to its new generation, or, when an event stopped that generation, keeps its live one
        (the others switch all the same); returns those stopped, in the order named.
        """
        every_view = names is None or set(names) >= set(self.projections)
        began_after = head_position(self.app)
        # Keys read afresh: one this process cached before another destroyed it would copy the text again.
        _forget_keys(self.app)
        fresh = {name: self.projections[name].fresh() for name in (names or list(self.projections))}
        self._catch_up(list(fresh.values()), batch_size, progress, None)
        failed = []
        for name, projection in fresh.items():
            try:
                self._switch_to(name, projection)
            except RebuildFailed as error:
                failed.append(error)
        if every_view and not failed:
            # Every view was replayed after these redactions were stored: their texts are gone from the screens.
            redactions.settle(self.datastore, began_after)
        return failed

    def rebuild_owed(self) -> int | None:
        """The position of the latest redaction whose texts some view may still show (redactions.py), or None."""
        return redactions.owed(self.datastore)

    def rebuild_for_redactions(self, batch_size: int = 5000) -> list[RebuildFailed] | None:
        """Rebuild every view together when a redaction owes it (redactions.py): None when none does, else the
        views an event stopped (which keep their live generation, and the rebuild stays owed)."""
        self.catch_up()  # notes the redactions stored since the last catch-up
        if self.rebuild_owed() is None:
            return None
        return self.rebuild_together(batch_size=batch_size)

    def _switch_to(self, name: str, fresh: CrmProjection) -> None:
        """After a rebuild's catch-up: serve the new generation when it went live, else drop it and keep the live
        one. Raises RebuildFailed when an event stopped the new generation."""
        state = fresh.view.state()
        if state is None:
            return  # another process switched to a newer generation meanwhile: rebuilt all the same
        if state.live:
            self.projections[name] = fresh
            if state.failure is not None:
                raise RebuildFailed(name, state.failure)
            return
        failure = state.failure
        fresh.view.discard()
        self._states([self.projections[name]])  # the failures known are the live view's again
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
        head = head_position(self.app)
        with self.datastore.transaction(commit=False) as session:
            rows = session.execute(
                select(registry)
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
        include: Include,
    ) -> int:
        if progress is None and include is None:
            done = self._catch_up_from_last_claim(group, batch_size)
            if done is not None:
                return done
        applied = 0
        # The head as it stands now: a catch-up applies what was recorded before it began, and ends.
        group, states, head = self._states_and_head(group)
        while True:
            # Read and decode outside the lock, so the views' write locks are held only to apply.
            working = [p for p in group if states[p].failure is None]
            behind = [p for p in working if states[p].position < head]
            if not behind:
                self._go_live_when_ready(group, head, states)
                self._remember({p: states[p].position for p in group}, states)
                return applied
            start = min(states[p].position for p in behind)
            stop = min(head, start + batch_size)
            in_batch = [p for p in behind if states[p].position < stop]
            # A raw view (the event log's index) takes every notification: then the batch reads them all.
            # The redactions too, whichever views take them, to note them (redactions.py).
            topics = () if any(p.raw for p in in_batch) else sorted(_topics(in_batch) | redactions.REDACTION_TOPICS)
            notifications = read_notifications(self.app, start + 1, stop, batch_size, topics)
            self._note_redactions(notifications)
            deliveries = self._deliveries(in_batch, notifications)
            positions = {p: states[p].position for p in in_batch}
            applied_now, all_at_stop = apply_batch(self.datastore, in_batch, deliveries, positions, stop, include)
            applied += applied_now
            if progress is not None:
                progress(stop, head)
            # The usual catch-up after a command: one batch took every view to the head, none is being built.
            if all_at_stop and stop == head and in_batch == behind and all(s.live for s in states.values()):
                self._remember({p: stop if p in positions else states[p].position for p in group}, states)
                return applied
            group, states = self._states(group)

    def _catch_up_from_last_claim(self, group: list[CrmProjection], batch_size: int) -> int | None:
        """The usual catch-up of a single process (the web without a worker): every view of the group is where
        this process last left it, so the events after that are read at once, every topic (the last one read is
        then the head), and the claim of those positions proves them. None, and nothing applied, when that does
        not hold: a view unknown here, more events than one batch, or a claim another process overtook (or a
        view that failed or was rebuilt meanwhile); the caller then reads the views' positions as usual."""
        left_at = self._left_at
        if not group or any(p not in left_at for p in group):
            return None
        positions = {p: left_at[p] for p in group}
        start = min(positions.values())
        notifications = read_notifications(self.app, start + 1, sys.maxsize, batch_size)
        if not notifications:
            return 0  # nothing recorded since: every view is still at least where this process left it
        if len(notifications) >= batch_size:
            return None
        stop = notifications[-1].id
        in_batch = [p for p in group if positions[p] < stop]
        self._note_redactions(notifications)
        deliveries = self._deliveries(in_batch, notifications)
        claimed = {p: positions[p] for p in in_batch}
        applied, all_at_stop = apply_batch(self.datastore, in_batch, deliveries, claimed, stop, None)
        for projection in in_batch:
            left_at.pop(projection, None)
        if not all_at_stop:
            # Overtaken (nothing applied), or a view stopped at an event: the rest as usual, with its failure.
            return None if applied == 0 else applied + self._catch_up(group, batch_size, None, None)
        left_at.update(dict.fromkeys(in_batch, stop))
        return applied

    def _note_redactions(self, notifications: list[Notification]) -> None:
        """Before the views apply a batch: the redactions in it owe a rebuild of every view (redactions.py)."""
        if redactions.note(self.datastore, notifications):
            self.noted_redactions = True

    def _deliveries(self, in_batch: list[CrmProjection], notifications: list[Notification]) -> list[Delivery]:
        """The notifications the batch's views read, decoded where a view takes decoded events (a raw view takes
        every one as stored), with the keys of their sealed values read first, in one query."""
        decoded = _topics(in_batch)
        if not any(p.raw for p in in_batch):
            notifications = [n for n in notifications if n.topic in decoded]
        prefetch = getattr(self.app.mapper, "prefetch", None)
        if prefetch is not None:
            prefetch([n for n in notifications if n.topic in decoded])
        return [decode(self.app.mapper, n, n.topic in decoded) for n in notifications]

    def _remember(self, positions: dict[CrmProjection, int], states: dict[CrmProjection, Generation]) -> None:
        """Where a catch-up left the views, for the next one (only of live views that have not failed)."""
        for projection, position in positions.items():
            state = states.get(projection)
            if state is not None and state.live and state.failure is None:
                self._left_at[projection] = position
            else:
                self._left_at.pop(projection, None)

    def _states(self, group: list[CrmProjection]) -> tuple[list[CrmProjection], dict[CrmProjection, Generation]]:
        """Every view's generation in one short read."""
        group, states, _head = self._read_states(group, None)
        return group, states

    def _states_and_head(
        self, group: list[CrmProjection]
    ) -> tuple[list[CrmProjection], dict[CrmProjection, Generation], int]:
        """Every view's generation and the log's head, in one statement where the events live beside the views
        (the catch-up after a command then reads once before its batch, not twice)."""
        group, states, head = self._read_states(group, head_subquery(self.app, self.datastore))
        return group, states, head_position(self.app) if head is None else head

    def _read_states(
        self, group: list[CrmProjection], head_column: Any | None
    ) -> tuple[list[CrmProjection], dict[CrmProjection, Generation], int | None]:
        """Every view's generation (and `head_column`'s value, when given and a view has a generation).

        A view whose generation another process dropped (it switched to a newer one) is
        replaced by a new view object on the live generation; the old object keeps its
        generation, so a thread still writing with it finds its position gone and stops.
        """
        names = sorted({p.view.name for p in group})
        query = select(registry).where(registry.c.name.in_(names))
        if head_column is not None:
            query = query.add_columns(head_column.label("head"))
        for _ in range(3):
            with self.datastore.transaction(commit=False) as session:
                rows = session.execute(query).all()
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
        head = int(rows[0].head) if head_column is not None and rows else None
        return group, states, head

    def _rebound(self, projection: CrmProjection) -> CrmProjection:
        rebound = type(projection).on(self.datastore)
        if self.projections.get(projection.view.name) is projection:
            self.projections[projection.view.name] = rebound
        return rebound

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
