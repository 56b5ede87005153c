"""The one MetaData that holds every read model's tables, and the column types they share."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, MetaData, Result

metadata = MetaData()


def utc_naive(moment: datetime) -> datetime:
    """Read models keep instants as naive UTC, so SQLite and PostgreSQL return the same values."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def rows_changed(result: Result[Any]) -> int:
    """The rows an UPDATE or DELETE touched (its result is a cursor result, which the type does not say)."""
    return cast(CursorResult[Any], result).rowcount
