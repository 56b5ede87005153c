"""Inserting a batch's buffered rows: PostgreSQL's COPY for a large batch, else one executemany.

psycopg runs an executemany as one INSERT per row (pipelined): a rebuild of the timeline
spent about a fifth of its time there. COPY sends the rows as one stream, several times
faster. The rows are those SQLAlchemy's INSERT would write: each value goes through the
column type's own bind processing first, and a table whose missing columns would take a
default computed in Python (which COPY cannot apply) is inserted as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from projections.generations import physical_name_now

# Below this many rows an executemany costs about what a COPY does (the usual catch-up after a command).
COPY_FROM_ROWS = 100


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows of one shape (the same keys) into the table as the current generation names it."""
    connection = session.connection()
    columns = list(rows[0])
    if connection.dialect.name != "postgresql" or len(rows) < COPY_FROM_ROWS or not _copyable(table, columns):
        session.execute(table.insert(), rows)
        return
    dialect = connection.dialect
    quote = dialect.identifier_preparer.quote
    processors = [(i, p) for i, c in enumerate(columns) if (p := table.c[c].type._cached_bind_processor(dialect))]
    statement = f"COPY {quote(physical_name_now(table.name))} ({', '.join(quote(c) for c in columns)}) FROM STDIN"  # nosec B608  # our own table and column names
    driver = connection.connection.driver_connection
    if driver is None:
        raise RuntimeError("no database connection to copy into")
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                values = [row[c] for c in columns]
                for i, process in processors:
                    values[i] = process(values[i])
                copy.write_row(values)
    except dialect.loaded_dbapi.Error as error:
        # As SQLAlchemy raises it for an INSERT, so a transient error is told from an event's fault alike.
        raise DBAPIError.instance(statement, None, error, dialect.loaded_dbapi.Error) from error


def _copyable(table: Table, columns: list[str]) -> bool:
    """False when a column left out of the rows has a default that SQLAlchemy, not the database, computes."""
    given = set(columns)
    return all(c.name in given or c.default is None for c in table.columns)
