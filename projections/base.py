"""What every read model shares: its tables, its tracking record, and its version.

Why a tracking record and not the event store's own transaction: on PostgreSQL
the event recorder locks the events table until commit, so updating seven read
models inside that transaction would hold every other writer back. Instead each
projection writes its rows and its tracking position in one transaction of its
own; a replayed event is then either fully applied with its position or not at
all, so each event is applied exactly once per projection, also after a crash.
"""

from __future__ import annotations

import warnings
from typing import Any, ClassVar

from eventsourcing.projection import Projection
from eventsourcing_sqlalchemy.datastore import SQLAlchemyDatastore
from eventsourcing_sqlalchemy.recorders import SQLAlchemyTrackingRecorder
from sqlalchemy import Column, Integer, String, Table, delete, select
from sqlalchemy.exc import SAWarning
from sqlalchemy.orm import Session

from projections.schema import metadata
from storage.ddl import create_tables

UPSTREAM = "crm"

# Each view has its own tracking table, and the library names every tracking
# record class alike; SQLAlchemy's warning about the shared name is expected.
warnings.filterwarnings("ignore", message=".*NotificationTrackingRecord.*", category=SAWarning)

versions = Table(
    "projection_versions",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("version", Integer, nullable=False),
)


class View(SQLAlchemyTrackingRecorder):
    """A read model's tables in the event store's database, tracked by the position it has applied."""

    name: ClassVar[str]
    version: ClassVar[int] = 1
    view_tables: ClassVar[tuple[Table, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "tables" in cls.__dict__:
            # The library's recorder keeps its own `tables` list on each instance.
            raise TypeError(f"{cls.__name__}: name the read model's tables `view_tables`, not `tables`")

    def __init__(self, datastore: SQLAlchemyDatastore) -> None:
        super().__init__(datastore, tracking_table_name=f"projection_{self.name}_tracking")
        self._buffered: dict[Table, list[dict[str, Any]]] = {}

    # Rows that nothing reads back within a batch are inserted together at its end, one
    # executemany per table instead of one statement per event (rebuilds are several times faster).
    def buffer(self, table: Table, row: dict[str, Any]) -> None:
        self._buffered.setdefault(table, []).append(row)

    def flush(self, session: Session) -> None:
        """Insert the buffered rows; the runner calls it before it moves the position, in the same transaction."""
        buffered, self._buffered = self._buffered, {}
        for table, rows in buffered.items():
            session.execute(table.insert(), rows)

    def discard_buffer(self) -> None:
        self._buffered = {}

    def create_table(self) -> None:
        assert self.datastore.engine is not None  # nosec B101  # narrows the type; a SQL view has an engine
        create_tables(self.datastore.engine, metadata, [self.tracking_table, versions, *self.view_tables])

    def stored_version(self) -> int | None:
        with self.transaction(commit=False) as session:
            return session.execute(select(versions.c.version).where(versions.c.name == self.name)).scalar()

    def reset(self) -> None:
        """Empty the tables and forget the position, so the next catch-up replays from the start."""
        with self.transaction(commit=True) as session:
            for table in reversed(self.view_tables):
                session.execute(delete(table))
            session.execute(delete(self.tracking_table))
            # The tracking row exists from the start, so concurrent catch-ups lock it rather than race to insert it.
            session.execute(self.tracking_table.insert().values(application_name=UPSTREAM, notification_id=0))
            session.execute(delete(versions).where(versions.c.name == self.name))
            session.execute(versions.insert().values(name=self.name, version=self.version))

    def lock_position(self, session: Session) -> int:
        """Take this view's write lock, then read the position it has applied.

        Writing the tracking row first makes a concurrent catch-up of the same
        view wait (a row lock on PostgreSQL, the database write lock on SQLite)
        until this one commits, and then read the position this one wrote.
        """
        table = self.tracking_table
        updated = session.execute(
            table.update().where(table.c.application_name == UPSTREAM).values(notification_id=table.c.notification_id)
        ).rowcount
        if not updated:
            session.execute(table.insert().values(application_name=UPSTREAM, notification_id=0))
        return session.execute(select(table.c.notification_id).where(table.c.application_name == UPSTREAM)).scalar_one()

    def move_position(self, session: Session, notification_id: int) -> None:
        table = self.tracking_table
        session.execute(
            table.update().where(table.c.application_name == UPSTREAM).values(notification_id=notification_id)
        )

    def position(self) -> int:
        with self.transaction(commit=False) as session:
            return self.read_position(session)

    def read_position(self, session: Session) -> int:
        table = self.tracking_table
        return (
            session.execute(select(table.c.notification_id).where(table.c.application_name == UPSTREAM)).scalar() or 0
        )

    def rows(self, table: Table, order_by: Any = None) -> list[dict[str, Any]]:
        """Every row of one of this view's tables, for comparisons and exports."""
        with self.transaction(commit=False) as session:
            query = select(table)
            query = query.order_by(*(order_by if order_by is not None else table.primary_key.columns))
            return [dict(row._mapping) for row in session.execute(query)]


class CrmProjection(Projection[View]):
    """A projection of the CRM's events into one view; handlers only write, never load aggregates."""

    view_class: ClassVar[type[View]]
    # A raw projection receives every notification as stored, undecoded (the event log's index):
    # it needs no event class, and indexes a row that no longer decodes as well as any other.
    raw: ClassVar[bool] = False

    @classmethod
    def on(cls, datastore: SQLAlchemyDatastore) -> CrmProjection:
        view = cls.view_class(datastore)
        view.create_table()
        return cls(view)
