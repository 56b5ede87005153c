"""`crm projections run`: the process that keeps the read models current between requests."""

from __future__ import annotations

import logging
import select
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


def run_forever(
    projector: Projector,
    should_stop: Callable[[], bool],
    wake_every: float = 5.0,
    periodic: Callable[[], object] | None = None,
    period: float = 3600.0,
    also: Sequence[Every] = (),
) -> None:
    """Catch up, then sleep until new events are signalled, until told to stop.

    An event a view cannot apply stops that view only (projections/runner.py); any other
    error is logged and the catch-up tried again after `wake_every` seconds, so the worker
    outlives a database restart. `periodic` (the audit checkpoint, given by the command
    line) runs at start and then every `period` seconds, as does each task in `also`
    with its own period (the access-log purge, daily); a failure is logged, not fatal.
    """
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
            if applied == 0:
                signal.wait(min([wake_every, *(each.period for each in tasks)]))
    finally:
        signal.close()
