"""The event log's index: one row per stored event with its time, actor, aggregate and event type.

A read model like the others (its own tracking position, caught up and rebuilt
by the projector), built from the notifications as stored rather than from
decoded events, so a row that no longer decodes is indexed too, and the audit
area can filter and page through millions of events by index range scans. The
company filter uses the timeline read model, which files every event of a
company and of its contacts, attempts, agreements and leads under it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification, Tracking
from sqlalchemy import BigInteger, Column, DateTime, Index, String, Table, Uuid, and_, exists, select

from crm.clock import day_start
from crm.vocabulary import aggregate_slug
from projections.base import CrmProjection, View
from projections.reading import capped_count
from projections.schema import metadata, utc_naive
from projections.timeline import timeline
from storage import fastjson

audit_events = Table(
    "rm_audit_events",
    metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("occurred_at", DateTime, nullable=False),
    Column("actor_id", Uuid),
    Column("aggregate", String(16), nullable=False),
    Column("event_type", String(80), nullable=False),
    Index("rm_audit_events_actor", "actor_id", "position"),
    Index("rm_audit_events_aggregate", "aggregate", "position"),
    Index("rm_audit_events_type", "event_type", "position"),
    Index("rm_audit_events_time", "occurred_at", "position"),
)


def event_type_of(topic: str) -> str:
    """crm.attempts:OutreachAttempt.Logged -> OutreachAttempt.Logged"""
    return topic.partition(":")[2] or topic


def _wrapped(value: Any) -> Any:
    return value.get("_data_") if isinstance(value, dict) else value


def index_row(position: int, topic: str, state: bytes) -> dict[str, Any]:
    """What the index keeps of one stored event; a state that does not decode is kept with what is known."""
    try:
        # Only the time and the actor are read, as text: orjson's reading of a large integer elsewhere as a
        # float (storage/fastjson.py) cannot change them, so its value is taken as it is.
        decoded = fastjson.parse(state)
        if decoded is fastjson.NOT_FAST:
            decoded = json.loads(state)
    except ValueError:
        decoded = {}
    stamp = _wrapped(decoded.get("timestamp")) if isinstance(decoded, dict) else None
    actor = _wrapped(decoded.get("actor_id")) if isinstance(decoded, dict) else None
    try:
        occurred_at = utc_naive(datetime.fromisoformat(stamp)) if isinstance(stamp, str) else datetime(1970, 1, 1)
    except ValueError:
        occurred_at = datetime(1970, 1, 1)
    actor_id = _actor_id(actor) if isinstance(actor, str) else None
    return {
        "position": position,
        "occurred_at": occurred_at,
        "actor_id": actor_id,
        "aggregate": aggregate_slug(topic),
        "event_type": event_type_of(topic)[:80],
    }


_ACTORS: dict[str, UUID | None] = {}


def _actor_id(text: str) -> UUID | None:
    """The actor's id, remembered: the same few actors act in event after event, and parsing costs more."""
    if text in _ACTORS:
        return _ACTORS[text]
    try:
        found: UUID | None = UUID(text)
    except ValueError:
        found = None
    if len(_ACTORS) >= 10_000:
        _ACTORS.clear()
    _ACTORS[text] = found
    return found


@dataclass
class EventFilters:
    """What the event log is filtered by; every filter left as None matches every event."""

    date_from: date | None = None
    date_to: date | None = None
    actor_id: UUID | None = None
    company_ids: list[UUID] = field(default_factory=list)
    company_given: bool = False  # a company was asked for, even when no company matched
    aggregate: str | None = None
    event_type: str | None = None


@dataclass(frozen=True)
class PositionPage:
    """One page of the event log: the positions on it, and whether there are pages before and after it."""

    positions: list[int]
    has_previous: bool
    has_next: bool


class EventIndexView(View):
    name = "audit_events"
    view_tables = (audit_events,)
    reads_also = ("timeline",)  # the company filter
    # The filters' indexes: read by the audit screens, never while applying.
    deferred_indexes = frozenset(str(index.name) for index in audit_events.indexes)

    def add(self, notification: Notification) -> None:
        self.buffer(audit_events, index_row(notification.id, notification.topic, notification.state))

    def add_many(self, notifications: Sequence[Notification]) -> None:
        self.buffer_many(audit_events, [index_row(n.id, n.topic, n.state) for n in notifications])

    def page(
        self,
        filters: EventFilters,
        after: int | None = None,
        before: int | None = None,
        last: bool = False,
        limit: int = 50,
    ) -> PositionPage:
        """One page of positions in notification order: after a position, before one, the first or the last page."""
        query, column = self._filtered(filters)
        with self.transaction(commit=False) as session:
            if before is not None or last:
                bound = query.where(column < before) if before is not None else query
                found = list(reversed(session.execute(bound.order_by(column.desc()).limit(limit)).scalars().all()))
            else:
                bound = query.where(column > after) if after is not None else query
                found = list(session.execute(bound.order_by(column).limit(limit)).scalars().all())
            if not found:
                return PositionPage([], False, False)
            has_previous = session.execute(select(exists(query.where(column < found[0])))).scalar()
            has_next = session.execute(select(exists(query.where(column > found[-1])))).scalar()
        return PositionPage(list(found), bool(has_previous), bool(has_next))

    def count(self, filters: EventFilters, cap: int | None = None) -> int:
        """How many events the filters match; with `cap`, at most cap + 1 (more than `cap`), reading no
        further, so the log's page costs the same at a thousand events as at millions."""
        query, _column = self._filtered(filters)
        return capped_count(self, query, cap)

    def _filtered(self, filters: EventFilters) -> tuple[Any, Any]:
        c = audit_events.c
        conditions = []
        if filters.date_from is not None:
            conditions.append(c.occurred_at >= _instant(filters.date_from, datetime.min))
        if filters.date_to is not None and filters.date_to < date.max:
            conditions.append(c.occurred_at < _instant(filters.date_to + timedelta(days=1), datetime.max))
        if filters.actor_id is not None:
            conditions.append(c.actor_id == filters.actor_id)
        if filters.aggregate:
            conditions.append(c.aggregate == filters.aggregate)
        if filters.event_type:
            conditions.append(c.event_type == filters.event_type)
        if filters.company_given:
            # Driven by the timeline's (company, position) index: a company's few events among millions.
            column = timeline.c.notification_id
            query = (
                select(column)
                .select_from(timeline.join(audit_events, c.position == column))
                .where(timeline.c.company_id.in_(filters.company_ids or [UUID(int=0)]), *conditions)
            )
            return query, column
        return select(c.position).where(and_(True, *conditions)), c.position


def _instant(day: date, beyond: datetime) -> datetime:
    """When the Danish day begins, as the index keeps it; a day at the calendar's edge gives `beyond`."""
    try:
        return utc_naive(day_start(day))
    except OverflowError:
        return beyond


class EventIndexProjection(CrmProjection[EventIndexView]):
    """Indexes every stored event, whichever aggregate recorded it."""

    name = "audit_events"
    view_class = EventIndexView
    raw = True
    topics = ()

    def process_event(self, event: Notification, tracking: Tracking) -> None:
        self.view.add(event)

    def process_batch(self, events: Sequence[tuple[int, Notification]]) -> None:
        self.view.add_many([notification for _position, notification in events])
