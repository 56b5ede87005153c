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
