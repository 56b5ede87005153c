"""What the read side needs of the write side's application: its notification log and the mapper that decodes it.

Typed here rather than imported from crm.application, so projections/ takes from crm/ only event
classes, the clock and the vocabulary; the CrmApplication (or anything with a recorder and a
mapper) is passed in by the composition roots (cli/, web/).
"""

from __future__ import annotations

from typing import Any, Protocol

from eventsourcing.persistence import ApplicationRecorder, StoredEvent
from eventsourcing_sqlalchemy.datastore import SQLAlchemyDatastore
from eventsourcing_sqlalchemy.recorders import SQLAlchemyApplicationRecorder


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
