"""Each user's secret calendar feed address: the token in it, renewable (the old address stops) and revocable.

A calendar program fetches the feed without signing in, so the address itself is the key:
a random 256-bit token. It is kept as it is (not hashed) so that the user and `crm calendar
url` can show the address again; what the feed shows is in the same database anyway.
Beside the event store (a secret has no place in the events), in a table made by migration 0006.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Column, DateTime, MetaData, String, Table, Uuid, delete, insert, select

metadata = MetaData()
calendar_feeds = Table(
    "crm_calendar_feeds",
    metadata,
    Column("user_id", Uuid, primary_key=True),
    Column("token", String(64), nullable=False, unique=True),
    Column("created_at", DateTime, nullable=False),
)
TOKEN_LENGTH = 43  # secrets.token_urlsafe(32)


class CalendarFeeds:
    def __init__(self, datastore: Any) -> None:
        self.datastore = datastore

    def token_of(self, user_id: UUID) -> str | None:
        with self.datastore.transaction(commit=False) as session:
            token: str | None = session.execute(
                select(calendar_feeds.c.token).where(calendar_feeds.c.user_id == user_id)
            ).scalar()
        return token

    def renew(self, user_id: UUID) -> str:
        """A new address for the user's feed; the old one stops working at once."""
        token = secrets.token_urlsafe(32)
        row = {"user_id": user_id, "token": token, "created_at": datetime.now(UTC).replace(tzinfo=None)}
        with self.datastore.transaction(commit=True) as session:
            session.execute(delete(calendar_feeds).where(calendar_feeds.c.user_id == user_id))
            session.execute(insert(calendar_feeds).values(**row))
        return token

    def token_for(self, user_id: UUID) -> str:
        """The user's current token, made on first use."""
        return self.token_of(user_id) or self.renew(user_id)

    def revoke(self, user_id: UUID) -> None:
        with self.datastore.transaction(commit=True) as session:
            session.execute(delete(calendar_feeds).where(calendar_feeds.c.user_id == user_id))

    def user_for(self, token: str) -> UUID | None:
        """Whose feed a token opens, or None (a renewed, revoked or made-up token)."""
        if not token or len(token) != TOKEN_LENGTH:
            return None
        with self.datastore.transaction(commit=False) as session:
            user_id: UUID | None = session.execute(
                select(calendar_feeds.c.user_id).where(calendar_feeds.c.token == token)
            ).scalar()
        return user_id
