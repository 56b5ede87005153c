"""Who consulted a person's data: time, user, type of use, person or search criterion.

The content of the Danish public-sector access log. Append-only: the module
offers no way to change or delete a row, and the database refuses it too
(a trigger, created by the migrations in storage/migrations/), so a data
subject can be told who looked at their data.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import BigInteger, Column, DateTime, Index, Integer, MetaData, String, Table, Text, Uuid, func, select

from crm.clock import Clock
from crm.validation import storable

USES = ("page", "search", "export", "api")
# The uses whose criterion is what a user typed, kept only as a keyed hash (an API search, too).
HASHED_CRITERIA = frozenset({"search", "api"})
DIGEST_PREFIX = "hmac:"
CRITERIA_KEY_ID = "access-log:criteria"

# Created and changed by the migrations in storage/migrations/; this is the shape the queries use.
metadata = MetaData()
access_log = Table(
    "crm_access_log",
    metadata,
    Column("id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False),
    Column("user_id", Uuid, nullable=False),
    Column("use", String(16), nullable=False),
    Column("contact_id", Uuid),
    Column("criterion", Text),
    Column("place", String(300)),
    Index("crm_access_log_contact", "contact_id", "at"),
    Index("crm_access_log_user", "user_id", "at"),
)


class AccessLog:
    """The access log in the application's database, or in memory for the in-memory store."""

    def __init__(self, datastore: Any, clock: Clock, criteria_key: Callable[[], bytes]) -> None:
        self.datastore = datastore
        self.clock = clock
        self._criteria_key = criteria_key
        self._memory: list[dict[str, Any]] = []

    def criterion_digest(self, text: str) -> str:
        """How a search for `text` is stored: a keyed hash of the text, case-folded, spaces collapsed."""
        normal = " ".join((storable(text, 500) or "").casefold().split())
        digest = hmac.new(self._criteria_key(), normal.encode("utf-8"), hashlib.sha256).hexdigest()
        return DIGEST_PREFIX + digest[:32]

    def _stored_criterion(self, use: str, criterion: str | None) -> str | None:
        if criterion is None:
            return None
        if use in HASHED_CRITERIA:
            return self.criterion_digest(criterion)
        # Kept as given (it names nobody), except what no database can store.
        return storable(criterion, 500)

    def record(
        self,
        user_id: UUID,
        use: str,
        contact_ids: Iterable[UUID | None] = (None,),
        criterion: str | None = None,
        place: str | None = None,
    ) -> None:
        """One row per person shown (or one row with no person for a search that found nobody)."""
        if use not in USES:
            raise ValueError(f"use must be one of {USES}")
        at = self.clock.now().astimezone(UTC).replace(tzinfo=None)
        rows = [
            {
                "at": at,
                "user_id": user_id,
                "use": use,
                "contact_id": contact_id,
                "criterion": self._stored_criterion(use, criterion),
                "place": storable(place, 300),
            }
            for contact_id in (list(contact_ids) or [None])
        ]
        if self.datastore is None:
            self._memory.extend({"id": len(self._memory) + i + 1, **row} for i, row in enumerate(rows))
            return
        with self.datastore.transaction(commit=True) as session:
            session.execute(access_log.insert(), rows)

    def entries(
        self,
        contact_id: UUID | None = None,
        user_id: UUID | None = None,
        since: datetime | None = None,
        limit: int = 200,
        before_id: int | None = None,
    ) -> list[dict[str, Any]]:
        """Newest first; filter by person (a data subject's right of access) or by user."""
        if self.datastore is None:
            rows = [
                r
                for r in reversed(self._memory)
                if (contact_id is None or r["contact_id"] == contact_id)
                and (user_id is None or r["user_id"] == user_id)
                and (before_id is None or r["id"] < before_id)
                and (since is None or r["at"] >= since)
            ]
            return rows[:limit]
        query = select(access_log).order_by(access_log.c.id.desc()).limit(limit)
        if contact_id is not None:
            query = query.where(access_log.c.contact_id == contact_id)
        if user_id is not None:
            query = query.where(access_log.c.user_id == user_id)
        if since is not None:
            query = query.where(access_log.c.at >= since)
        if before_id is not None:
            query = query.where(access_log.c.id < before_id)
        with self.datastore.transaction(commit=False) as session:
            return [dict(row._mapping) for row in session.execute(query)]

    def last_visit(self, user_id: UUID, place: str) -> datetime | None:
        """When the user last opened the page at `place` (naive UTC), as its rows in the log say; None if never.

        A page that shows people records them here anyway, so "what changed since your last visit"
        needs no table of its own (Mine tip, web/my_leads.py). Served by the (user_id, at) index.
        """
        if self.datastore is None:
            found = [r["at"] for r in self._memory if r["user_id"] == user_id and r["place"] == place]
            return max(found, default=None)
        query = select(func.max(access_log.c.at)).where(access_log.c.user_id == user_id, access_log.c.place == place)
        with self.datastore.transaction(commit=False) as session:
            last: datetime | None = session.execute(query).scalar()
        return last
