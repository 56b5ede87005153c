"""Generations of a read model's tables: built beside the live ones, switched to in one transaction.

Each generation of a view has its own physical tables (``rm_companies__g3``). The
logical name every query uses (``rm_companies``) is a SQL view over the live
generation's table, so no query knows about generations, and a switch (the SQL views
recreated over the new generation's tables, the old tables dropped) is one transaction:
every reader in every process sees either the old generation or the new one, never an
empty or half-built table. A view's version change, or a rebuild, fills a new generation
while the screens keep reading the live one.

The writers name the logical tables as well: while a generation is being written
(``writing``), an engine hook renders each logical table name in a statement as that
generation's physical name, as SQLAlchemy's ``schema_translate_map`` renders schema
names. So the projections' handlers and the queries stay plain SQLAlchemy over the
module-level tables.

``projection_generations`` has one row per view and generation: its version, whether it
is live, the position it has applied, and the failure that stopped it (see runner.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    event,
    inspect,
    text,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.schema import CreateIndex
from sqlalchemy.sql.elements import quoted_name

from storage.ddl import DDL_LOCK_KEY, create_tables, schema_lock

registry_metadata = MetaData()
registry = Table(
    "projection_generations",
    registry_metadata,
    Column("name", String(64), primary_key=True),
    Column("generation", Integer, primary_key=True, autoincrement=False),
    Column("version", Integer, nullable=False),
    Column("live", Boolean, nullable=False),
    Column("position", BigInteger, nullable=False),
    Column("failed_position", BigInteger),
    Column("failed_topic", String(255)),
    Column("failed_error", Text),
    Column("failed_at", DateTime),
    Column("behind_since", DateTime),
)

# The redactions read and the rebuild of every view each owes (projections/redactions.py): beside the registry, as
# it belongs to no generation.
redactions = Table(
    "projection_redactions",
    registry_metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),  # of the TextRedacted event
    Column("noted_at", DateTime, nullable=False),  # naive UTC
    Column("rebuilt_at", DateTime),  # when a rebuild of every view settled it; None while owed
)


@dataclass(frozen=True)
class Failure:
    """The event a generation could not apply: it stopped just before it."""

    position: int
    topic: str
    error: str
    at: datetime  # when it was found (naive UTC)
    behind_since: datetime  # when the event it could not apply happened (naive UTC)


@dataclass(frozen=True)
class Generation:
    name: str
    generation: int
    version: int
    live: bool
    position: int
    failure: Failure | None

    @classmethod
    def from_row(cls, row: Any) -> Generation:
        failure = None
        if row.failed_position is not None:
            failure = Failure(
                row.failed_position, row.failed_topic or "", row.failed_error or "", row.failed_at, row.behind_since
            )
        return cls(row.name, row.generation, row.version, bool(row.live), row.position, failure)


def physical_name(logical: str, generation: int) -> str:
    return f"{logical}__g{generation}"


@lru_cache(maxsize=256)
def physical_tables(tables: tuple[Table, ...], generation: int) -> dict[Table, Table]:
    """The generation's copy of each logical table, indexes renamed so generations can stand side by side."""
    metadata = MetaData()
    copies = {}
    for table in tables:
        copy = table.to_metadata(metadata, name=physical_name(table.name, generation))
        logical_index_names = {index.name for index in table.indexes}
        for index in copy.indexes:
            if index.name in logical_index_names:
                index.name = quoted_name(physical_name(str(index.name), generation), None)
        copies[table] = copy
    return copies


def create_generation_tables(
    engine: Engine, tables: dict[Table, Table], deferred: frozenset[str] = frozenset()
) -> None:
    """Create the generation's tables that are missing, leaving out the indexes named in `deferred` (as the
    generation names them): a generation being built fills faster without them; `create_indexes` adds them."""
    physical = _without(tuple(tables.values()), deferred) if deferred else list(tables.values())
    try:
        create_tables(engine, physical[0].metadata, physical)
    except Exception:
        # SQLite has no DDL lock: a twin process starting at the same moment may have created them first.
        existing = set(inspect(engine).get_table_names())
        if not all(table.name in existing for table in physical):
            raise


@lru_cache(maxsize=64)
def _without(tables: tuple[Table, ...], deferred: frozenset[str]) -> list[Table]:
    """Copies of the tables without the deferred indexes."""
    metadata = MetaData()
    copies = []
    for table in tables:
        copy = table.to_metadata(metadata)
        for index in [i for i in copy.indexes if i.name in deferred]:
            copy.indexes.discard(index)
        copies.append(copy)
    return copies


def create_indexes(engine: Engine, tables: Iterable[Table], names: frozenset[str]) -> None:
    """Create the tables' indexes named in `names` (as the generation names them) where they are missing."""
    with schema_lock(engine) as connection:
        for table in tables:
            for index in table.indexes:
                if index.name in names:
                    connection.execute(CreateIndex(index, if_not_exists=True))


# --- writing a generation ---------------------------------------------------------------------------

_writing: ContextVar[dict[str, str] | None] = ContextVar("projection_writing", default=None)


@contextmanager
def writing(names: dict[str, str]) -> Iterator[None]:
    """Within this block, statements name `names`' keys (logical tables) but touch their values (physical)."""
    token = _writing.set({**(_writing.get() or {}), **names})
    try:
        yield
    finally:
        _writing.reset(token)


def physical_name_now(logical: str) -> str:
    """The table a statement naming `logical` touches here (for SQL the renaming hook does not see: COPY)."""
    return (_writing.get() or {}).get(logical, logical)


@contextmanager
def not_writing() -> Iterator[None]:
    """Within this block logical names mean the SQL views again (the switch's own DDL)."""
    token = _writing.set(None)
    try:
        yield
    finally:
        _writing.reset(token)


def install(engine: Engine | Connection | None) -> None:
    """Register the renaming hook on the engine, once."""
    if isinstance(engine, Engine) and not event.contains(engine, "before_cursor_execute", _rename_tables):
        event.listen(engine, "before_cursor_execute", _rename_tables, retval=True)


def _rename_tables(  # SQLAlchemy's hook
    conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
) -> tuple[str, Any]:
    names = _writing.get()
    if names:
        statement = _renamed(statement, tuple(sorted(names.items())))
    return statement, parameters


@lru_cache(maxsize=4096)
def _renamed(statement: str, names: tuple[tuple[str, str], ...]) -> str:
    mapping = dict(names)
    return _pattern(tuple(mapping)).sub(lambda found: mapping[found.group(0)], statement)


@lru_cache(maxsize=256)
def _pattern(logical: tuple[str, ...]) -> re.Pattern[str]:
    # Whole identifiers only: rm_companies, not rm_companies_1 (an alias) nor rm_companies__g2.
    return re.compile(r"\b(?:" + "|".join(re.escape(name) for name in sorted(logical, key=len, reverse=True)) + r")\b")


# --- the switch ------------------------------------------------------------------------------------------


def point_views_at(connection: Connection, tables: dict[Table, Table]) -> None:
    """(Re)create each logical name as a SQL view over the generation's table; inside the caller's transaction."""
    inspector = inspect(connection)
    views = set(inspector.get_view_names())
    for logical, physical in tables.items():
        if logical.name in views:
            connection.execute(text(f"DROP VIEW {logical.name}"))
        elif inspector.has_table(logical.name):
            # A database from before generations kept the read model in a plain table.
            connection.execute(text(f"DROP TABLE {logical.name}"))
        connection.execute(text(f"CREATE VIEW {logical.name} AS SELECT * FROM {physical.name}"))  # noqa: S608  # nosec B608  # names of our own tables, no input


def analyze(engine: Engine, tables: Iterable[Table], skipped: frozenset[str] = frozenset()) -> None:
    """Gather the planner's statistics of freshly filled tables, as autovacuum would later (or never, where it
    is off): a generation that goes live full of rows would otherwise be read with plans made for an empty
    table (on PostgreSQL an EXISTS over an unanalysed table of 250,000 rows scanned it all: 80 ms, not 0.02).

    PostgreSQL leaves the columns named in `skipped` out: long text that no query compares as it is stored
    (sampling it cost about as much as the rest of the timeline's columns together)."""
    with engine.begin() as connection:
        for table in tables:
            columns = [c.name for c in table.columns if c.name not in skipped]
            if engine.dialect.name == "postgresql" and len(columns) < len(table.columns):
                connection.execute(text(f"ANALYZE {table.name} ({', '.join(columns)})"))
            else:
                connection.execute(text(f"ANALYZE {table.name}"))


def drop_tables(connection: Connection, names: Iterable[str]) -> None:
    for name in names:
        connection.execute(text(f"DROP TABLE IF EXISTS {name}"))


def lock_for_ddl(connection: Connection) -> None:
    """On PostgreSQL: serialise with other DDL, and give up rather than hold readers back for long."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SET LOCAL lock_timeout = '10s'"))
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": DDL_LOCK_KEY})
