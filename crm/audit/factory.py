"""The SQLAlchemy persistence of eventsourcing_sqlalchemy, with the hash-chained application recorder.

crm/persistence.py names `crm.audit.factory:Factory` as the PERSISTENCE_MODULE topic;
InfrastructureFactory.construct() resolves a topic that names a class directly.
"""

from __future__ import annotations

from eventsourcing_sqlalchemy.factory import SQLAlchemyFactory

from crm.audit.chain import ChainedApplicationRecorder


class Factory(SQLAlchemyFactory):
    application_recorder_class = ChainedApplicationRecorder
