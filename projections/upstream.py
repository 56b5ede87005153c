"""What the read side needs of the write side's application: its notification log and the mapper that decodes it.

Typed here rather than imported from crm.application, so projections/ takes from crm/ only event
classes, the clock and the vocabulary; the CrmApplication (or anything with a recorder and a
mapper) is passed in by the composition roots (cli/, web/).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from eventsourcing.persistence import ApplicationRecorder, Notification, StoredEvent
from eventsourcing_sqlalchemy.datastore import SQLAlchemyDatastore
from eventsourcing_sqlalchemy.recorders import SQLAlchemyApplicationRecorder
from sqlalchemy import Table, func, select


class EventMapper(Protocol):
    def to_domain_event(self, stored_event: StoredEvent) -> Any: ...


class Upstream(Protocol):
    """The application whose events the read models follow."""

    @property
    def recorder(self) -> ApplicationRecorder: ...

    @property
    def mapper(self) -> EventMapper: ...


def sql_recorder(app: Upstream) -> SQLAlchemyApplicationRecorder:
    """The application's recorder, which must keep its events in SQL (the read models live beside them)."""
    recorder = app.recorder
    if not isinstance(recorder, SQLAlchemyApplicationRecorder):
        raise TypeError(
            f"the read models live in the event store's SQL database; this application records with "
            f"{type(recorder).__name__} (pass a datastore for the read models)"
        )
    return recorder


def datastore_of(app: Upstream) -> SQLAlchemyDatastore:
    """The database of the application's events, where the read models live beside them."""
    return sql_recorder(app).datastore


def read_notifications(
    app: Upstream, start: int, stop: int, limit: int, topics: Sequence[str] = ()
) -> list[Notification]:
    """The stored events from position `start` to `stop` (of `topics`, all when empty), at most `limit`.

    As the library's select_notifications, read with SQLAlchemy Core rather than ORM objects (several
    times faster; a rebuild reads the whole log this way), in one short read transaction.
    """
    recorder = app.recorder
    if not isinstance(recorder, SQLAlchemyApplicationRecorder):
        return list(recorder.select_notifications(start=start, limit=limit, stop=stop, topics=topics))
    events: Table = recorder.events_record_cls.__table__
    c = events.c
    query = select(c.id, c.originator_id, c.originator_version, c.topic, c.state).where(c.id >= start, c.id <= stop)
    if topics:
        query = query.where(c.topic.in_(topics))
    with recorder.datastore.transaction(commit=False) as session:
        rows = session.execute(query.order_by(c.id).limit(limit)).all()
    return [
        Notification(
            id=row[0],
            originator_id=row[1],
            originator_version=row[2],
            topic=row[3],
            state=bytes(row[4]) if isinstance(row[4], (memoryview, bytearray)) else row[4],
        )
        for row in rows
    ]


def head_subquery(app: Upstream, datastore: SQLAlchemyDatastore) -> Any | None:
    """The last recorded position (0 for an empty log) as a scalar subquery, to be read in the same statement
    as the views' positions; None when the events are not kept in that database."""
    recorder = app.recorder
    if not isinstance(recorder, SQLAlchemyApplicationRecorder) or recorder.datastore is not datastore:
        return None
    events: Table = recorder.events_record_cls.__table__
    return select(func.coalesce(func.max(events.c.id), 0)).scalar_subquery()


def head_position(app: Upstream) -> int:
    """The last recorded position (0 for an empty log): one `max(id)` read, where the library's
    max_notification_id loads the whole last event as an ORM object to read its id."""
    recorder = app.recorder
    if not isinstance(recorder, SQLAlchemyApplicationRecorder):
        return recorder.max_notification_id() or 0
    events: Table = recorder.events_record_cls.__table__
    with recorder.datastore.transaction(commit=False) as session:
        return int(session.execute(select(func.max(events.c.id))).scalar() or 0)
