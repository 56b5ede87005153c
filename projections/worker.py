"""`crm projections run`: the process that keeps the read models current between requests."""

from __future__ import annotations

import logging
import select
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Engine

from projections.upstream import Upstream, sql_recorder

if TYPE_CHECKING:
    from projections.runner import Projector

logger = logging.getLogger("projections.runner")


class NewEventSignal:
    """Wakes a worker when events are recorded: LISTEN/NOTIFY on PostgreSQL, polling on SQLite."""

    def __init__(self, app: Upstream, poll_interval: float = 0.5) -> None:
        self.poll_interval = poll_interval
        self._connection: Any = None
        recorder = sql_recorder(app)
        engine = recorder.datastore.engine
        if isinstance(engine, Engine) and engine.dialect.name == "postgresql":
            self._connection = engine.raw_connection()
            # On the driver's connection: set on the pool's wrapper it would change nothing, LISTEN would wait in
            # a transaction never committed, and no notification would ever come (the worker woke by its timer only).
            self._connection.driver_connection.autocommit = True
            self._connection.cursor().execute(f"LISTEN {recorder.channel_name}")

    def wait(self, timeout: float) -> bool:
        """Until events are signalled or `timeout` seconds pass; whether a notification came (never on SQLite)."""
        if self._connection is None:
            time.sleep(min(timeout, self.poll_interval))
            return False
        driver_connection = self._connection.driver_connection
        if not select.select([driver_connection], [], [], timeout)[0]:
            return False
        return len(list(driver_connection.notifies(timeout=0))) > 0

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()


@dataclass
class Every:
    """A task the worker runs at start and then every `period` seconds (the checkpoint, the access-log purge)."""

    task: Callable[[], object]
    period: float
    last: float | None = None

    def run_if_due(self) -> None:
        if self.last is not None and time.monotonic() - self.last < self.period:
            return
        self.last = time.monotonic()
        try:
            self.task()
        except Exception:  # a task that fails now is tried again at the next period
            logger.exception("The periodic task failed; trying again in %s s", self.period)


class RedactionRebuild:
    """The rebuild of every view a redaction owes (projections/redactions.py), in a thread of its own so the
    worker keeps the views current meanwhile, on a projector of its own (`make_projector`).

    Looked for at start (one owed before a restart is paid then) and whenever the worker's catch-up has noted a
    redaction; when an event stopped a view's rebuild, tried again after `retry` seconds (the live views keep
    their texts until the cause is fixed, and the log says so)."""

    def __init__(self, make_projector: Callable[[], Projector], retry: float = 3600.0) -> None:
        self.make_projector = make_projector
        self.retry = retry
        self.thread: threading.Thread | None = None
        self._look = True
        self._retry_at: float | None = None

    def start_if_owed(self, projector: Projector) -> None:
        if self.thread is not None and self.thread.is_alive():
            return  # a redaction noted meanwhile stays noted on `projector` until this one is done
        retry_due = self._retry_at is not None and time.monotonic() >= self._retry_at
        if not (self._look or projector.noted_redactions or retry_due):
            return
        self._look, self._retry_at, projector.noted_redactions = False, None, False
        if projector.rebuild_owed() is None:
            return
        self.thread = threading.Thread(target=self._rebuild, name="redaction-rebuild", daemon=True)
        self.thread.start()

    def _rebuild(self) -> None:
        logger.info("Rebuilding every view: a redacted text is still in them")
        try:
            failed = self.make_projector().rebuild_for_redactions()
        except Exception:
            logger.exception("The rebuild for redacted texts failed; trying again in %s s", self.retry)
            self._retry_at = time.monotonic() + self.retry
            return
        for stopped in failed or ():
            logger.error("Redacted texts stay in the %s view until it is fixed and rebuilt: %s", stopped.name, stopped)
        if failed:
            self._retry_at = time.monotonic() + self.retry
        else:
            logger.info("Every view rebuilt: the redacted texts are gone from them")

    def join(self, timeout: float | None = None) -> None:
        if self.thread is not None:
            self.thread.join(timeout)


def run_forever(
    projector: Projector,
    should_stop: Callable[[], bool],
    wake_every: float = 5.0,
    periodic: Callable[[], object] | None = None,
    period: float = 3600.0,
    also: Sequence[Every] = (),
    redaction: RedactionRebuild | None = None,
) -> None:
    """Catch up, then sleep until new events are signalled, until told to stop.

    An event a view cannot apply stops that view only (projections/runner.py); any other
    error is logged and the catch-up tried again after `wake_every` seconds, so the worker
    outlives a database restart. `periodic` (the audit checkpoint, given by the command
    line) runs at start and then every `period` seconds, as does each task in `also`
    with its own period (the access-log purge, daily); a failure is logged, not fatal.
    A rebuild that redactions owe runs beside, in a thread (`redaction`; by default on a
    projector of its own over the same application).
    """
    if redaction is None:
        from projections.runner import Projector as _Projector

        redaction = RedactionRebuild(lambda: _Projector(projector.app, projector.datastore))
    signal = NewEventSignal(projector.app)
    tasks = [*([Every(periodic, period)] if periodic is not None else []), *also]
    try:
        while not should_stop():
            for each in tasks:
                each.run_if_due()
            try:
                applied = projector.catch_up()
            except Exception:  # the worker must outlive a database restart
                logger.exception("Catching up the read models failed; trying again in %s s", wake_every)
                time.sleep(wake_every)
                continue
            try:
                redaction.start_if_owed(projector)
            except Exception:  # the database, again: looked for at the next turn
                logger.exception("Looking for a rebuild that redactions owe failed")
            if applied == 0:
                signal.wait(min([wake_every, *(each.period for each in tasks)]))
    finally:
        signal.close()
