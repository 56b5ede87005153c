"""Creating and changing tables beside the event store, safely when several processes start at once."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import MetaData, Table, text
from sqlalchemy.engine import Connection, Engine

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
