"""The SQLAlchemy persistence of eventsourcing_sqlalchemy, with the hash-chained application recorder.

crm/persistence.py names `crm.audit.factory:Factory` as the PERSISTENCE_MODULE topic;
InfrastructureFactory.construct() resolves a topic that names a class directly.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing_sqlalchemy.factory import SQLAlchemyFactory
from eventsourcing_sqlalchemy.recorders import SQLAlchemyAggregateRecorder

from crm.audit.chain import ChainedApplicationRecorder, create_library_tables
from storage.datastore import CrmDatastore
from storage.selecting import CoreEventSelection


class SnapshotRecorder(CoreEventSelection, SQLAlchemyAggregateRecorder):
    """The library's snapshot recorder, creating its table safely when several processes start at once."""

    def create_table(self) -> None:
        create_library_tables(self)

    def delete_snapshots(self, originator_id: UUID) -> None:
        """Snapshots are a cache of the events: dropped when a text they copied is redacted."""
        table = self.events_record_cls.__table__
        with self.transaction(commit=True) as session:
            session.execute(table.delete().where(table.c.originator_id == originator_id))


class Factory(SQLAlchemyFactory):
    datastore_class = CrmDatastore
    aggregate_recorder_class = SnapshotRecorder
    application_recorder_class = ChainedApplicationRecorder
