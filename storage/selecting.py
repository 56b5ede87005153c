"""An aggregate's stored events read with SQLAlchemy Core: the library's select_events, with less Python.

The library's recorder reads them through an ORM query, building its statement and a record object per
row each time. Every request loads its user and most screens the outreach rules; the aggregate cache
fast-forwards each with this read of the events after the cached version, so it runs several times a
request, usually finding nothing. Here the statement of each shape (which bounds, which order, a limit
or not) is built once, over bound parameters, and rows become StoredEvents directly.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from sqlalchemy import Integer, Select, Table, bindparam, select


class CoreEventSelection:
    """Mixed into a recorder of eventsourcing_sqlalchemy (one with `events_record_cls` and `transaction`)."""

    events_record_cls: Any

    def select_events(
        self,
        originator_id: UUID | str,
        gt: int | None = None,
        lte: int | None = None,
        desc: bool = False,
        limit: int | None = None,
    ) -> list[StoredEvent]:
        query = _statement(self.events_record_cls.__table__, gt is not None, lte is not None, desc, limit is not None)
        values: dict[str, Any] = {"originator_id": originator_id}
        for name, value in (("gt", gt), ("lte", lte), ("limit", limit)):
            if value is not None:
                values[name] = value
        with self.transaction(commit=False) as session:  # type: ignore[attr-defined]  # the recorder's own
            rows = session.execute(query, values).all()
        return [
            StoredEvent(
                originator_id=row[0],
                originator_version=row[1],
                topic=row[2],
                state=bytes(row[3]) if isinstance(row[3], (memoryview, bytearray)) else row[3],
            )
            for row in rows
        ]


@lru_cache(maxsize=64)
def _statement(table: Table, gt: bool, lte: bool, desc: bool, limit: bool) -> Select[Any]:
    c = table.c
    query = select(c.originator_id, c.originator_version, c.topic, c.state).where(
        c.originator_id == bindparam("originator_id")
    )
    if gt:
        query = query.where(c.originator_version > bindparam("gt", type_=Integer))
    if lte:
        query = query.where(c.originator_version <= bindparam("lte", type_=Integer))
    query = query.order_by(c.originator_version.desc() if desc else c.originator_version)
    if limit:
        query = query.limit(bindparam("limit", type_=Integer))
    return query
