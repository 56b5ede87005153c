"""Use cases: the access log's retention (its rows are written by crm/access_log.py, never by a command)."""

from __future__ import annotations

from crm.access_log import MINIMUM_RETENTION_DAYS, retention_days
from crm.access_log_retention import AccessLogRetention
from crm.errors import InvalidInput, NotFound
from crm.service import CrmService, command


class AccessLogCommands(CrmService):
    @command("purge_access_log")
    def purge_access_log(self, days: int | None = None) -> int:
        """Delete the access-log rows whose retention has ended; record the purge; return how many rows.

        The purge is recorded first and the rows deleted after it, as an erasure is:
        rows are only ever added with the present time, so the rows counted are the
        rows deleted, and a purge cut short between the two is finished by the next.
        """
        days = retention_days() if days is None else days
        if days < MINIMUM_RETENTION_DAYS:
            raise InvalidInput(field="retention_days", problem=f"must be at least {MINIMUM_RETENTION_DAYS}")
        before = self.access_log.expiry(days)
        rows = self.access_log.count_before(before)
        if rows == 0:
            return 0
        try:
            record = self.load(AccessLogRetention, AccessLogRetention.create_id())
        except NotFound:
            record = AccessLogRetention()
        record.purge(days, before, rows)
        self.save(record)
        return self.access_log.delete_before(before)
