"""API tokens: kept beside the event store as hashes, never in an event; shown once when made.

A token is 32 random bytes, so a plain SHA-256 of it is as safe at rest as a slow
password hash would be (nobody can guess 256 bits), and it is found by its hash
in one indexed read: the API checks a token on every request.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypedDict
from uuid import UUID, uuid4

from sqlalchemy import Column, DateTime, MetaData, String, Table, Uuid, select, update

PREFIX = "crm_"
LABEL_LENGTH = 100
# Writing the last use on every request is not needed to show it: once a minute is.
TOUCH_EVERY_SECONDS = 60

# Created by the migrations in storage/migrations/ (0005); this is the shape the queries use.
metadata = MetaData()
api_tokens = Table(
    "crm_api_tokens",
    metadata,
    Column("token_id", Uuid, primary_key=True),
    Column("user_id", Uuid, nullable=False),
    Column("label", String(100), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime, nullable=False),
    Column("created_by", Uuid, nullable=False),
    Column("expires_at", DateTime),
    Column("last_used_at", DateTime),
    Column("revoked_at", DateTime),
)


class TokenRow(TypedDict):
    token_id: UUID
    user_id: UUID
    label: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class NewToken:
    """A token as made: `token` is shown to its owner this once and stored only as a hash."""

    token_id: UUID
    token: str


@dataclass(frozen=True)
class TokenUse:
    """Who a valid token acts for."""

    token_id: UUID
    user_id: UUID


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def utc(moment: datetime) -> datetime:
    """Naive UTC, as stored."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


class ApiTokens:
    """The tokens table of the application's database (an in-memory SQLite one beside a memory store)."""

    def __init__(self, datastore: Any) -> None:
        self.datastore = datastore

    def create(
        self, user_id: UUID, label: str, created_by: UUID, now: datetime, expires_at: datetime | None = None
    ) -> NewToken:
        token = PREFIX + secrets.token_urlsafe(32)
        token_id = uuid4()
        with self.datastore.transaction(commit=True) as session:
            session.execute(
                api_tokens.insert().values(
                    token_id=token_id,
                    user_id=user_id,
                    label=label,
                    token_hash=digest(token),
                    created_at=utc(now),
                    created_by=created_by,
                    expires_at=utc(expires_at) if expires_at else None,
                )
            )
        return NewToken(token_id, token)

    def authenticate(self, token: str, now: datetime) -> TokenUse | None:
        """The token's owner, when the token exists, is not revoked and has not expired; its use is noted."""
        if not token.startswith(PREFIX) or len(token) > 200:
            return None
        at = utc(now)
        column = api_tokens.c
        with self.datastore.transaction(commit=True) as session:
            row = session.execute(
                select(
                    column.token_id, column.user_id, column.expires_at, column.revoked_at, column.last_used_at
                ).where(column.token_hash == digest(token))
            ).first()
            if row is None or row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= at):
                return None
            if row.last_used_at is None or (at - row.last_used_at).total_seconds() >= TOUCH_EVERY_SECONDS:
                session.execute(update(api_tokens).where(column.token_id == row.token_id).values(last_used_at=at))
        return TokenUse(row.token_id, row.user_id)

    def of_user(self, user_id: UUID | None = None, token_id: UUID | None = None) -> list[TokenRow]:
        """A user's tokens (every user's when None), newest first; never the token itself."""
        column = api_tokens.c
        query = select(
            column.token_id,
            column.user_id,
            column.label,
            column.created_at,
            column.expires_at,
            column.last_used_at,
            column.revoked_at,
        ).order_by(column.created_at.desc(), column.token_id)
        if user_id is not None:
            query = query.where(column.user_id == user_id)
        if token_id is not None:
            query = query.where(column.token_id == token_id)
        with self.datastore.transaction(commit=False) as session:
            return [TokenRow(**row._mapping) for row in session.execute(query)]  # type: ignore[typeddict-item]

    def get(self, token_id: UUID) -> TokenRow | None:
        rows = self.of_user(token_id=token_id)
        return rows[0] if rows else None

    def revoke(self, token_id: UUID, now: datetime) -> bool:
        """Stop the token from working; False when there is no such token or it was revoked already."""
        with self.datastore.transaction(commit=True) as session:
            result = session.execute(
                update(api_tokens)
                .where(api_tokens.c.token_id == token_id, api_tokens.c.revoked_at.is_(None))
                .values(revoked_at=utc(now))
            )
        return bool(result.rowcount)
