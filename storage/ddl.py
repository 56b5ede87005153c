"""Creating tables beside the event store, safely when several processes start at once."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import MetaData, Table, text
from sqlalchemy.engine import Engine

# PostgreSQL's CREATE TABLE IF NOT EXISTS and CREATE TRIGGER are not safe against a
# concurrent twin ("tuple concurrently updated"); one advisory lock serialises them.
DDL_LOCK_KEY = 720_514_001


def create_tables(engine: Engine, metadata: MetaData, tables: Iterable[Table], statements: Iterable[str] = ()) -> None:
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": DDL_LOCK_KEY})
        metadata.create_all(connection, tables=list(tables))
        for statement in statements:
            connection.execute(text(statement))


def append_only(table: str, dialect: str) -> list[str]:
    """Triggers that make the database itself refuse to change or delete a row of `table` (a log)."""
    message = f"{table} is append-only"
    if dialect == "sqlite":
        return [
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
        ]
    if dialect == "postgresql":
        return [
            f"CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{message}'; END $$",
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()",
        ]
    return []
