"""Creating and changing tables beside the event store, safely when several processes start at once."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import MetaData, Table, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

# PostgreSQL's CREATE TABLE IF NOT EXISTS and CREATE TRIGGER are not safe against a
# concurrent twin ("tuple concurrently updated"); one advisory lock serialises them.
DDL_LOCK_KEY = 720_514_001


@contextmanager
def schema_lock(engine: Engine) -> Iterator[Connection]:
    """A transaction that changes the schema while no other process does; committed when the block ends.

    Every check-then-create (create_all's checkfirst, a migration's "is the table
    there yet?") runs inside it, so two processes starting at once never both
    decide to create the same table: the second waits, then finds it.
    """
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": DDL_LOCK_KEY})
        elif engine.dialect.name == "sqlite":
            # pysqlite begins only before an INSERT; BEGIN IMMEDIATE takes the database's write lock now,
            # and makes the DDL that follows part of the transaction.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        yield connection
        connection.commit()


def create_tables(engine: Engine, metadata: MetaData, tables: Iterable[Table], statements: Iterable[str] = ()) -> None:
    with schema_lock(engine) as connection:
        metadata.create_all(connection, tables=list(tables))
        for statement in statements:
            connection.execute(text(statement))


def use_wal(engine: Engine, wait: float = 30.0) -> None:
    """Put a SQLite file in WAL mode, waiting (up to `wait` seconds) while another process holds its write lock.

    SQLite answers a switch of journal mode with "database is locked" at once, without its busy timeout,
    while another connection holds the write lock: so a second process starting beside one that migrates
    failed. Once in WAL mode the switch is a no-op that needs no lock, so this runs before anything else.
    """
    deadline = time.monotonic() + wait
    while True:
        try:
            with engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA journal_mode=WAL").all()
            return
        except OperationalError as error:
            if "locked" not in str(error) or time.monotonic() >= deadline:
                raise
            time.sleep(0.05)
