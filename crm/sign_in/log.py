"""Every sign-in, failed sign-in, refusal, lock-out, sign-out and password change: who, when, from where.

ISO/IEC 27001 A.8.15 asks that event logs record user ids, activities, times and
the device or location, refused attempts included, and that they are protected
against change and deletion: the module offers no way to change or delete a row,
and the database refuses it too (triggers).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import BigInteger, Column, DateTime, Index, Integer, MetaData, String, Table, Uuid, select

SIGNED_IN = "signed_in"
FAILED = "failed"
LOCKED_OUT = "locked_out"  # this failure reached the limit: the account or address is locked now
REFUSED = "refused"  # tried while locked: no password was checked
SIGNED_OUT = "signed_out"
PASSWORD_CHANGED = "password_changed"  # noqa: S105  # nosec B105  # the name of a log event, not a password
EVENTS = (SIGNED_IN, FAILED, LOCKED_OUT, REFUSED, SIGNED_OUT, PASSWORD_CHANGED)

NAME_LENGTH = 256
ADDRESS_LENGTH = 64


def fit_to_store(text: str | None, length: int = NAME_LENGTH) -> str:
    """Text typed or sent by anyone, as the log keeps it: printable only (PostgreSQL refuses NUL), cut to length."""
    return "".join(char for char in (text or "") if char.isprintable())[:length]


def name_tried(username: str | None) -> str:
    """The name the way accounts are looked up and limited: trimmed, lower case, fit to store."""
    return fit_to_store((username or "").strip().lower())


# Created by the migrations in storage/migrations/ (0002); this is the shape the queries use.
metadata = MetaData()
sign_in_log = Table(
    "crm_sign_in_log",
    metadata,
    Column("id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False),
    Column("event", String(24), nullable=False),
    # The name typed (normalised), or the user's name for sign-out and password change.
    Column("username", String(NAME_LENGTH), nullable=False),
    # The user, when the event is about a known one (never set from a failed attempt's name).
    Column("user_id", Uuid),
    Column("address", String(ADDRESS_LENGTH)),
    # "account" or "address" for a lock-out or refusal.
    Column("detail", String(16)),
    # Who changed a password: the user, an administrator, or the command line.
    Column("actor_id", Uuid),
    Index("crm_sign_in_log_username", "username", "at"),
)


class SignInLog:
    """The sign-in log in the application's database."""

    def __init__(self, datastore: Any) -> None:
        self.datastore = datastore

    def record(
        self,
        event: str,
        username: str,
        at: datetime,
        address: str | None = None,
        user_id: UUID | None = None,
        detail: str | None = None,
        actor_id: UUID | None = None,
    ) -> None:
        """Append one row; inside a command's transaction it commits with the command's events."""
        if event not in EVENTS:
            raise ValueError(f"event must be one of {EVENTS}")
        row = {
            "at": at.astimezone(UTC).replace(tzinfo=None),
            "event": event,
            "username": fit_to_store(username),
            "user_id": user_id,
            "address": address and fit_to_store(address, ADDRESS_LENGTH),
            "detail": detail,
            "actor_id": actor_id,
        }
        with self.datastore.transaction(commit=True) as session:
            session.execute(sign_in_log.insert().values(**row))

    def entries(
        self,
        username: str | None = None,
        event: str | None = None,
        limit: int = 100,
        before_id: int | None = None,
    ) -> list[dict[str, Any]]:
        """Newest first, a page at a time; filter by the name tried or by the kind of event."""
        query = select(sign_in_log).order_by(sign_in_log.c.id.desc()).limit(limit)
        if username:
            query = query.where(sign_in_log.c.username == name_tried(username))
        if event:
            query = query.where(sign_in_log.c.event == event)
        if before_id is not None:
            query = query.where(sign_in_log.c.id < before_id)
        with self.datastore.transaction(commit=False) as session:
            return [dict(row._mapping) for row in session.execute(query)]
