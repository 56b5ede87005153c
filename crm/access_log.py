"""Who consulted a person's data: time, user, type of use, person or search criterion, purpose.

The content of the Danish public-sector access log. Append-only: the module
offers no way to change a row, and deletes only rows whose retention has ended
(`purge`); the database refuses anything else (triggers, created by the
migrations in storage/migrations/: 0010 refuses deleting a row younger than
MINIMUM_RETENTION_DAYS), so a data subject can be told who looked at their data.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
    bindparam,
    delete,
    func,
    or_,
    select,
)
from sqlalchemy.dialects import postgresql

from crm.clock import Clock
from crm.validation import storable

USES = ("page", "search", "export", "api", "refused")
# The uses whose criterion is what a user typed, kept only as a keyed hash (an API search, too).
HASHED_CRITERIA = frozenset({"search", "api"})
DIGEST_PREFIX = "hmac:"
CRITERIA_KEY_ID = "access-log:criteria"

RETENTION_VAR = "CRM_ACCESS_LOG_RETENTION_DAYS"
# Six months, the period the Danish public-sector logging rules keep an access log for.
DEFAULT_RETENTION_DAYS = 183
# The database refuses deleting younger rows whatever the setting (migration 0010 keeps the same number).
MINIMUM_RETENTION_DAYS = 30


def retention_days(env: Mapping[str, str] | None = None) -> int:
    """The configured retention in days; a value under the minimum or not a number is refused."""
    text = (os.environ if env is None else env).get(RETENTION_VAR, "").strip()
    if not text:
        return DEFAULT_RETENTION_DAYS
    if not text.isdigit() or int(text) < MINIMUM_RETENTION_DAYS:
        raise ValueError(f"{RETENTION_VAR} must be a whole number of days, at least {MINIMUM_RETENTION_DAYS}")
    return int(text)


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
    Column("purpose", String(300)),
    Index("crm_access_log_contact", "contact_id", "at"),
    Index("crm_access_log_user", "user_id", "at"),
    Index("crm_access_log_at", "at"),
)
# The people one row showed (migration 0010): a page of fifty names is one row, found under each of them.
access_log_people = Table(
    "crm_access_log_people",
    metadata,
    Column("entry_id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True),
    Column("contact_id", Uuid, primary_key=True),
    Index("crm_access_log_people_contact", "contact_id"),
)


ROW = ("at", "user_id", "use", "contact_id", "criterion", "place", "purpose")


@lru_cache(maxsize=1)
def _row_with_people() -> Any:
    """On PostgreSQL: insert the row and, from the id it was given, its people, in one statement.

    Built once over bound parameters (the row's columns and `people`, an array): every page view that shows a
    person runs it, and building it with the values in costs more than running it."""
    values = {name: bindparam(name, type_=access_log.c[name].type) for name in ROW}
    entry = access_log.insert().values(values).returning(access_log.c.id).cte("entry")
    # unnest in the select list: one row per person, beside the one row the insert returned.
    people_of_entry = select(entry.c.id, func.unnest(bindparam("people", type_=postgresql.ARRAY(Uuid))))
    return access_log_people.insert().from_select(["entry_id", "contact_id"], people_of_entry).add_cte(entry)


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
        purpose: str | None = None,
    ) -> None:
        """One row per use (a page view, a search, an export) listing every person it showed.

        `purpose` is what the user said the export or bulk search is for, as they typed it.
        """
        if use not in USES:
            raise ValueError(f"use must be one of {USES}")
        people = list(dict.fromkeys(c for c in contact_ids if c is not None))
        row = {
            "at": self.clock.now().astimezone(UTC).replace(tzinfo=None),
            "user_id": user_id,
            "use": use,
            # The one person a row is about, as rows from before the list of people said it.
            "contact_id": people[0] if len(people) == 1 else None,
            "criterion": self._stored_criterion(use, criterion),
            "place": storable(place, 300),
            "purpose": storable(purpose, 300),
        }
        if self.datastore is None:
            self._memory.append({"id": (self._memory[-1]["id"] if self._memory else 0) + 1, **row, "people": people})
            return
        with self.datastore.transaction(commit=True) as session:
            if people and session.get_bind().dialect.name == "postgresql":
                # One statement for the row and its people: a page view pays one round trip and the commit.
                session.execute(_row_with_people(), {**row, "people": people})
                return
            entry_id = session.execute(access_log.insert(), row).inserted_primary_key[0]
            if people:
                session.execute(access_log_people.insert(), [{"entry_id": entry_id, "contact_id": c} for c in people])

    def entries(
        self,
        contact_id: UUID | None = None,
        user_id: UUID | None = None,
        since: datetime | None = None,
        limit: int = 200,
        before_id: int | None = None,
    ) -> list[dict[str, Any]]:
        """Newest first, each with `contact_ids`, the people it showed; filter by person (a data subject's
        right of access) or by user."""
        if self.datastore is None:
            rows = [
                {**{k: v for k, v in r.items() if k != "people"}, "contact_ids": list(r["people"])}
                for r in reversed(self._memory)
                if (contact_id is None or contact_id in r["people"])
                and (user_id is None or r["user_id"] == user_id)
                and (before_id is None or r["id"] < before_id)
                and (since is None or r["at"] >= since)
            ]
            return rows[:limit]
        query = select(access_log).order_by(access_log.c.id.desc()).limit(limit)
        if contact_id is not None:
            named = select(access_log_people.c.entry_id).where(access_log_people.c.contact_id == contact_id)
            query = query.where(or_(access_log.c.contact_id == contact_id, access_log.c.id.in_(named)))
        if user_id is not None:
            query = query.where(access_log.c.user_id == user_id)
        if since is not None:
            query = query.where(access_log.c.at >= since)
        if before_id is not None:
            query = query.where(access_log.c.id < before_id)
        with self.datastore.transaction(commit=False) as session:
            rows = [dict(row._mapping) for row in session.execute(query)]
            listed: dict[int, list[UUID]] = {}
            if rows:
                ids = [r["id"] for r in rows]
                for entry_id, person in session.execute(
                    select(access_log_people.c.entry_id, access_log_people.c.contact_id).where(
                        access_log_people.c.entry_id.in_(ids)
                    )
                ):
                    listed.setdefault(entry_id, []).append(person)
        for r in rows:
            r["contact_ids"] = listed.get(r["id"]) or ([r["contact_id"]] if r["contact_id"] else [])
        return rows

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

    def expiry(self, days: int) -> datetime:
        """The moment before which a row's retention has ended, as the rows are stamped (naive UTC)."""
        return self.clock.now().astimezone(UTC).replace(tzinfo=None) - timedelta(days=days)

    def count_before(self, moment: datetime) -> int:
        """How many rows are older than `moment`."""
        if self.datastore is None:
            return sum(1 for row in self._memory if row["at"] < moment)
        with self.datastore.transaction(commit=False) as session:
            return int(session.execute(select(func.count()).where(access_log.c.at < moment)).scalar_one())

    def delete_before(self, moment: datetime) -> int:
        """Delete the rows older than `moment` (the people, search criteria and purposes with them); how many.

        Call it through the command `purge_access_log`, which records that it was done.
        """
        if self.datastore is None:
            kept = [row for row in self._memory if row["at"] >= moment]
            deleted = len(self._memory) - len(kept)
            self._memory[:] = kept
            return deleted
        expired = select(access_log.c.id).where(access_log.c.at < moment)
        with self.datastore.transaction(commit=True) as session:
            session.execute(delete(access_log_people).where(access_log_people.c.entry_id.in_(expired)))
            return int(session.execute(delete(access_log).where(access_log.c.at < moment)).rowcount or 0)
