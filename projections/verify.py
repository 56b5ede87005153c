"""Every read model against a fresh replay of the whole log: `crm audit verify` and the tamper check use it.

The replay goes into a temporary in-memory SQLite store; each table is compared
by row count and an order-independent digest, so memory stays bounded on any
table size, and the differing keys are listed when the table is small enough.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing_sqlalchemy.datastore import SQLAlchemyDatastore
from sqlalchemy import Table, select
from sqlalchemy.engine import Engine

from projections.registry import READ_MODELS
from projections.runner import Projector
from projections.upstream import Upstream
from storage.datastore import snapshot_read


@dataclass
class TableCheck:
    name: str
    live_rows: int
    replay_rows: int
    equal: bool
    differing_keys: list[str] = field(default_factory=list)


@dataclass
class ProjectionCheck:
    name: str
    position: int
    tables: list[TableCheck] = field(default_factory=list)
    error: str | None = None

    @property
    def equal(self) -> bool:
        return self.error is None and all(t.equal for t in self.tables)


def verify_projections(app: Upstream, live: Projector | None = None) -> list[ProjectionCheck]:
    """Replay the whole log into a temporary in-memory store and compare every table with the live one.

    The read models built from events are compared; the event log's index, a copy of each stored
    row's envelope rather than state derived from events, is not.
    """
    live = live or Projector(app)
    live.catch_up()
    fresh = Projector(app, datastore=SQLAlchemyDatastore(url="sqlite:///:memory:"), projection_classes=READ_MODELS)
    checks = []
    try:
        for name, projection in live.projections.items():
            if name not in fresh.projections:
                continue
            check = ProjectionCheck(name=name, position=projection.view.position())
            try:
                fresh.catch_up([name])
            except Exception as error:  # noqa: BLE001 - a tampered event may not even decode: report it, check the rest
                check.error = f"{type(error).__name__}: {error}"
                checks.append(check)
                continue
            # An event a view cannot apply stops it (projections/runner.py): reported, the other views checked.
            for which, view in (("the live view", projection.view), ("the replay", fresh.projections[name].view)):
                stopped = view.failure()
                if stopped is not None and check.error is None:
                    check.error = (
                        f"{which} stopped before position {stopped.position} ({stopped.topic}): {stopped.error}"
                    )
            if check.error is not None:
                checks.append(check)
                continue
            replayed = fresh.projections[name].view
            for table in projection.view.view_tables:
                check.tables.append(_compare(table, projection.view, replayed))
            checks.append(check)
    finally:
        engine = fresh.datastore.engine
        if isinstance(engine, Engine):
            engine.dispose()
    return checks


def _compare(table: Table, live_view: Any, replayed_view: Any) -> TableCheck:
    live_count, live_sum = _digest(live_view, table)
    replay_count, replay_sum = _digest(replayed_view, table)
    check = TableCheck(table.name, live_count, replay_count, (live_count, live_sum) == (replay_count, replay_sum))
    if not check.equal and max(live_count, replay_count) <= 50_000:
        live_rows, replay_rows = _row_set(live_view, table), _row_set(replayed_view, table)
        keys = sorted({key for key, _ in live_rows ^ replay_rows})
        check.differing_keys = keys[:10]
    return check


def _digest(view: Any, table: Table) -> tuple[int, int]:
    """Row count and an order-independent digest (sum of row hashes): bounded memory on any table size."""
    count, total = 0, 0
    for _, text in _rows(view, table):
        count += 1
        total = (total + int.from_bytes(hashlib.sha256(text.encode()).digest(), "big")) % (1 << 256)
    return count, total


def _row_set(view: Any, table: Table) -> set[tuple[str, str]]:
    return set(_rows(view, table))


def _rows(view: Any, table: Table) -> Iterable[tuple[str, str]]:
    key_columns = [c.name for c in table.primary_key.columns]
    with snapshot_read(view.datastore) as session:
        result = session.execute(select(table).execution_options(yield_per=2000))
        for row in result:
            values = row._mapping
            key = "/".join(_plain(values[name]) for name in key_columns)
            yield key, repr(tuple(_plain(v) for v in row))


def _plain(value: Any) -> str:
    if value is None:
        return "\u2205"
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    if isinstance(value, UUID):
        return value.hex
    return str(value)
