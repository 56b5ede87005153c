"""Webhook subscribers and their deliveries: kept beside the event store, as the tokens are.

An administrator registers a URL for chosen event types; each subscriber has its
own secret (to sign with; shown once when registered) and its own position in the
event log: the position of the last event it was sent or did not ask for. The
position is stored with each delivery, so a restarted worker carries on from it
and nothing is lost (crm/webhook_delivery.py sends them).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict, cast
from uuid import UUID, uuid4

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
    select,
    update,
)

from crm.api_tokens import utc
from crm.errors import InvalidInput

URL_LENGTH = 2000
MAX_TYPES = 50
# Every event, or events by type as the audit log names them: Company.Declined, Contact.*
EVENT_TYPE = re.compile(r"^(\*|[A-Za-z][A-Za-z0-9_]*\.(\*|[A-Za-z][A-Za-z0-9_]*))$")

# Created by the migrations in storage/migrations/ (0005); this is the shape the queries use.
metadata = MetaData()
webhooks = Table(
    "crm_webhooks",
    metadata,
    Column("webhook_id", Uuid, primary_key=True),
    Column("url", String(URL_LENGTH), nullable=False),
    Column("event_types", Text, nullable=False),
    Column("secret", String(100), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("created_by", Uuid, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("position", BigInteger, nullable=False),
    Column("failures", Integer, nullable=False),
    Column("next_try_at", DateTime),
)
webhook_deliveries = Table(
    "crm_webhook_deliveries",
    metadata,
    Column("id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True),
    Column("webhook_id", Uuid, nullable=False),
    Column("position", BigInteger, nullable=False),
    Column("event_type", String(100), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("status", Integer),
    Column("error", String(300)),
    Column("delivered", Boolean, nullable=False),
)


class WebhookRow(TypedDict):
    webhook_id: UUID
    url: str
    event_types: list[str]
    created_at: datetime
    active: bool
    position: int
    failures: int
    next_try_at: datetime | None


@dataclass(frozen=True)
class NewWebhook:
    webhook_id: UUID
    secret: str


def check_url(url: str) -> str:
    url = (url or "").strip()
    if not re.match(r"^https?://[^\s/]+", url) or len(url) > URL_LENGTH:
        raise InvalidInput(field="url", problem="must be an http or https address")
    return url


def check_event_types(event_types: list[str] | None) -> list[str]:
    found = [each.strip() for each in event_types or []]
    if not found or len(found) > MAX_TYPES or not all(EVENT_TYPE.match(each) for each in found):
        raise InvalidInput(field="event_types", problem="must be event types such as Company.Declined, or *")
    return found


def matches(event_types: list[str], event_type: str) -> bool:
    aggregate = event_type.partition(".")[0]
    return any(each in ("*", event_type, f"{aggregate}.*") for each in event_types)


def _row(row: Any) -> WebhookRow:
    values = dict(row._mapping)
    values.pop("secret", None)
    values.pop("created_by", None)
    values["event_types"] = values["event_types"].split(",")
    return cast(WebhookRow, values)


class Webhooks:
    def __init__(self, datastore: Any) -> None:
        self.datastore = datastore

    def register(self, url: str, event_types: list[str], created_by: UUID, now: datetime, position: int) -> NewWebhook:
        """A subscriber from the event after `position` on (the log's end: no history is replayed to it)."""
        new = NewWebhook(uuid4(), secrets.token_urlsafe(32))
        with self.datastore.transaction(commit=True) as session:
            session.execute(
                webhooks.insert().values(
                    webhook_id=new.webhook_id,
                    url=check_url(url),
                    event_types=",".join(check_event_types(event_types)),
                    secret=new.secret,
                    created_at=utc(now),
                    created_by=created_by,
                    active=True,
                    position=position,
                    failures=0,
                )
            )
        return new

    def all(self, active_only: bool = False) -> list[WebhookRow]:
        query = select(webhooks).order_by(webhooks.c.created_at, webhooks.c.webhook_id)
        if active_only:
            query = query.where(webhooks.c.active.is_(True))
        with self.datastore.transaction(commit=False) as session:
            return [_row(row) for row in session.execute(query)]

    def get(self, webhook_id: UUID) -> WebhookRow | None:
        with self.datastore.transaction(commit=False) as session:
            row = session.execute(select(webhooks).where(webhooks.c.webhook_id == webhook_id)).first()
        return _row(row) if row else None

    def secret(self, webhook_id: UUID) -> str:
        with self.datastore.transaction(commit=False) as session:
            return str(session.execute(select(webhooks.c.secret).where(webhooks.c.webhook_id == webhook_id)).scalar())

    def deactivate(self, webhook_id: UUID) -> bool:
        with self.datastore.transaction(commit=True) as session:
            result = session.execute(update(webhooks).where(webhooks.c.webhook_id == webhook_id).values(active=False))
        return bool(result.rowcount)

    def deliveries(self, webhook_id: UUID, limit: int = 100, before_id: int | None = None) -> list[dict[str, Any]]:
        """The delivery attempts, newest first."""
        column = webhook_deliveries.c
        query = select(webhook_deliveries).where(column.webhook_id == webhook_id)
        if before_id is not None:
            query = query.where(column.id < before_id)
        with self.datastore.transaction(commit=False) as session:
            return [dict(row._mapping) for row in session.execute(query.order_by(column.id.desc()).limit(limit))]

    def passed(self, webhook_id: UUID, position: int) -> None:
        """Events up to the position are not for this subscriber: move on without sending them."""
        with self.datastore.transaction(commit=True) as session:
            session.execute(
                update(webhooks)
                .where(webhooks.c.webhook_id == webhook_id, webhooks.c.position < position)
                .values(position=position)
            )

    def attempted(
        self,
        webhook_id: UUID,
        position: int,
        event_type: str,
        now: datetime,
        status: int | None,
        error: str | None,
        retry_at: datetime | None,
    ) -> None:
        """One delivery attempt, and (when it was accepted) the subscriber's position, in one transaction."""
        delivered = retry_at is None
        with self.datastore.transaction(commit=True) as session:
            session.execute(
                webhook_deliveries.insert().values(
                    webhook_id=webhook_id,
                    position=position,
                    event_type=event_type[:100],
                    at=utc(now),
                    status=status,
                    error=(error or None) and error[:300],
                    delivered=delivered,
                )
            )
            values: dict[str, Any] = (
                {"position": position, "failures": 0, "next_try_at": None}
                if delivered
                else {"failures": webhooks.c.failures + 1, "next_try_at": utc(retry_at) if retry_at else None}
            )
            session.execute(update(webhooks).where(webhooks.c.webhook_id == webhook_id).values(**values))
