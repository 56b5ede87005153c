"""Small SQL helpers for the tables beside the event store."""

from __future__ import annotations

from typing import Any

from eventsourcing_sqlalchemy.datastore import SQLAlchemyDatastore
from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from storage import migrations


def upsert(table: Table, dialect: str) -> Any:
    """An INSERT that takes ON CONFLICT clauses: SQLite and PostgreSQL spell them alike."""
    return (postgresql if dialect == "postgresql" else sqlite).insert(table)


def memory_datastore() -> SQLAlchemyDatastore:
    """A private in-memory SQLite database with the tables beside the event store, for an in-memory store.

    The tables then have one implementation, in SQL, whatever the event store.
    """
    datastore = SQLAlchemyDatastore(url="sqlite:///:memory:")
    if not isinstance(datastore.engine, Engine):
        raise RuntimeError("an in-memory SQLite datastore without an engine")
    migrations.upgrade(datastore.engine)
    return datastore
