"""Idempotency keys: a retried request gets the first answer, and nothing is recorded twice.

The keys live in the application's database, so a retry reaching another server
process, or the same one after a restart, finds the first request's answer. A
request claims its key with one INSERT before it runs (the primary key lets one
claim win, whatever the number of processes), and stores its answer when done.

A retry of a request still running, or whose process died after running it and
before storing the answer, is told to wait (`busy`) rather than run a second time:
that is the one case where a duplicate could otherwise be recorded. A key is kept
for `KEPT`; after that it can be used afresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, Uuid, and_, delete, select, update

from crm.api_tokens import utc
from storage.sql import upsert

KEY_LENGTH = 255
KEPT = timedelta(hours=24)

# Created by the migrations in storage/migrations/ (0005); this is the shape the queries use.
metadata = MetaData()
idempotency_keys = Table(
    "crm_idempotency_keys",
    metadata,
    Column("user_id", Uuid, primary_key=True),
    Column("key", String(KEY_LENGTH), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("status", Integer),
    Column("body", Text),
    Column("location", String(300)),
)


@dataclass(frozen=True)
class Claim:
    """What a request with a key does: `run` it (the key is now its own), `replay` the stored answer,
    wait while the first is `busy`, or refuse a key `reused` for a different request."""

    outcome: str
    status: int | None = None
    body: str | None = None
    location: str | None = None


class IdempotencyKeys:
    def __init__(self, datastore: Any) -> None:
        self.datastore = datastore
        self.dialect = datastore.engine.dialect.name

    def claim(self, user_id: UUID, key: str, fingerprint: str, now: datetime) -> Claim:
        at = utc(now)
        column = idempotency_keys.c
        row_of = and_(column.user_id == user_id, column.key == key)
        with self.datastore.transaction(commit=True) as session:
            session.execute(delete(idempotency_keys).where(row_of, column.created_at < at - KEPT))
            inserted = session.execute(
                upsert(idempotency_keys, self.dialect)
                .values(user_id=user_id, key=key, fingerprint=fingerprint, created_at=at)
                .on_conflict_do_nothing()
                .returning(column.key)
            ).first()
            if inserted is not None:  # (rowcount is not reliable for ON CONFLICT DO NOTHING on every driver)
                return Claim("run")
            row = session.execute(
                select(column.fingerprint, column.status, column.body, column.location).where(row_of)
            ).one()
        if row.fingerprint != fingerprint:
            return Claim("reused")
        if row.status is None:
            return Claim("busy")
        return Claim("replay", row.status, row.body, row.location)

    def answer(self, user_id: UUID, key: str, status: int, body: str, location: str | None) -> None:
        """Keep the answer for the retries."""
        column = idempotency_keys.c
        with self.datastore.transaction(commit=True) as session:
            session.execute(
                update(idempotency_keys)
                .where(column.user_id == user_id, column.key == key)
                .values(status=status, body=body, location=location)
            )

    def release(self, user_id: UUID, key: str) -> None:
        """Free the key of a request that recorded nothing (it failed before any command ran to the end)."""
        column = idempotency_keys.c
        with self.datastore.transaction(commit=True) as session:
            session.execute(
                delete(idempotency_keys).where(column.user_id == user_id, column.key == key, column.status.is_(None))
            )
