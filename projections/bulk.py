"""Inserting a batch's buffered rows: PostgreSQL's COPY, or SQLite's own executemany, for a large batch.

psycopg runs an executemany as one INSERT per row (pipelined): a rebuild of the timeline
spent about a fifth of its time there. COPY sends the rows as one stream, several times
faster. On SQLite, SQLAlchemy's executemany builds each row's parameters in Python before
sqlite3's executemany runs; the rows handed to sqlite3 directly cost a good part less. The
rows are those SQLAlchemy's INSERT would write: each value goes through the column type's
own bind processing first, and a table whose missing columns would take a default computed
in Python (which neither way can apply) is inserted as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Table, bindparam
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from projections.generations import physical_name_now

# Below this many rows SQLAlchemy's executemany costs about what a COPY does (the usual catch-up after a command).
COPY_FROM_ROWS = 100


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows of one shape (the same keys) into the table as the current generation names it."""
    connection = session.connection()
    columns = list(rows[0])
    dialect = connection.dialect.name
    if dialect not in ("postgresql", "sqlite") or len(rows) < COPY_FROM_ROWS or not _copyable(table, columns):
        session.execute(table.insert(), rows)
    elif dialect == "postgresql":
        _copy(connection, table, columns, rows)
    else:
        _executemany(connection, table, columns, rows)


def _copy(connection: Connection, table: Table, columns: list[str], rows: Sequence[dict[str, Any]]) -> None:
    quote = connection.dialect.identifier_preparer.quote
    statement = f"COPY {quote(physical_name_now(table.name))} ({', '.join(quote(c) for c in columns)}) FROM STDIN"  # nosec B608  # our own table and column names
    with _raised_as_sqlalchemy_raises(connection, statement):
        with _driver(connection).cursor() as cursor, cursor.copy(statement) as copy:
            for values in _processed(connection, table, columns, rows):
                copy.write_row(values)


def _executemany(connection: Connection, table: Table, columns: list[str], rows: Sequence[dict[str, Any]]) -> None:
    quote = connection.dialect.identifier_preparer.quote
    names, marks = ", ".join(quote(c) for c in columns), ", ".join("?" for _ in columns)
    statement = f"INSERT INTO {quote(physical_name_now(table.name))} ({names}) VALUES ({marks})"  # noqa: S608  # nosec B608  # our own table and column names
    with _raised_as_sqlalchemy_raises(connection, statement):
        _driver(connection).executemany(statement, _processed(connection, table, columns, rows))


def _processed(connection: Connection, table: Table, columns: list[str], rows: Sequence[dict[str, Any]]) -> Any:
    """Each row's values in column order, as the column types' bind processing makes them for the driver."""
    dialect = connection.dialect
    processors = [(i, p) for i, c in enumerate(columns) if (p := table.c[c].type._cached_bind_processor(dialect))]
    for row in rows:
        values = [row[c] for c in columns]
        for i, process in processors:
            values[i] = process(values[i])
        yield values


def _driver(connection: Connection) -> Any:
    driver = connection.connection.driver_connection
    if driver is None:
        raise RuntimeError("no database connection to insert into")
    return driver


@contextmanager
def _raised_as_sqlalchemy_raises(connection: Connection, statement: str) -> Iterator[None]:
    """The driver's error raised as SQLAlchemy raises it for an INSERT, so a transient one is told from an
    event's fault alike (projections/applying.py)."""
    error_class = connection.dialect.loaded_dbapi.Error
    try:
        yield
    except error_class as error:
        raise DBAPIError.instance(statement, None, error, error_class) from error


def _copyable(table: Table, columns: list[str]) -> bool:
    """False when a column left out of the rows has a default that SQLAlchemy, not the database, computes."""
    given = set(columns)
    return all(c.name in given or c.default is None for c in table.columns)


def update_changed(
    session: Session, table: Table, key: Sequence[str], rows: Iterable[tuple[dict[str, Any], dict[str, Any]]]
) -> None:
    """Update each row (as it now stands, and as it was read) by its key columns, in the columns whose values
    differ from those read: one executemany per set of columns changed, nothing for a row that did not change.
    Cheaper than a delete and an insert of the whole row (and of every index entry) when the rows are few."""
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row, before in rows:
        columns = tuple(name for name, value in row.items() if name not in key and before.get(name) != value)
        if columns:
            by_columns.setdefault(columns, []).append({f"b_{name}": row[name] for name in (*key, *columns)})
    for columns, parameters in by_columns.items():
        statement = (
            table.update()
            .where(*(table.c[name] == bindparam(f"b_{name}") for name in key))
            .values({name: bindparam(f"b_{name}") for name in columns})
        )
        session.execute(statement, parameters)
