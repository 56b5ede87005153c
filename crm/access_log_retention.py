"""AccessLogRetention: the record of the access log's purges (one per installation).

The access log itself sits beside the event store (crm/access_log.py); deleting
its expired rows changes what can be told to a data subject, so each purge is
an event: when, by whom, the retention applied and how many rows it deleted.
"""

from __future__ import annotations

from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from crm.aggregate import CrmAggregate


class AccessLogRetention(CrmAggregate):
    @staticmethod
    def create_id() -> UUID:
        return uuid5(NAMESPACE_URL, "workplace-crm:access-log-retention")

    class Started(CrmAggregate.Created):
        pass

    @event(Started)
    def __init__(self) -> None:
        self.rows_purged = 0

    class Purged(CrmAggregate.Event):
        retention_days: int
        before: datetime
        rows: int

    @event(Purged)
    def _purged(self, retention_days: int, before: datetime, rows: int) -> None:
        self.rows_purged += rows

    def purge(self, retention_days: int, before: datetime, rows: int) -> None:
        """Record a purge that deletes rows; a purge that finds nothing to delete is not recorded."""
        if rows > 0:
            self._purged(retention_days, before, rows)
