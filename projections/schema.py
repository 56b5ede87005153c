"""The one MetaData that holds every read model's tables, and the column types they share."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import MetaData

metadata = MetaData()


def utc_naive(moment: datetime) -> datetime:
    """Read models keep instants as naive UTC, so SQLite and PostgreSQL return the same values."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment
