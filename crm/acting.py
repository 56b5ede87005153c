"""Who is acting, why, and when: stamped on every event in one place.

The application enters an ``Acting`` context around each command; the
aggregate base class reads it when it constructs an event, so no command
method has to pass the actor along.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID


@dataclass(frozen=True)
class Acting:
    actor_id: UUID | None
    reason: str | None
    now: datetime


_current: ContextVar[Acting | None] = ContextVar("crm_acting", default=None)


@contextmanager
def acting(actor_id: UUID | None, reason: str | None, now: datetime) -> Iterator[Acting]:
    token = _current.set(Acting(actor_id, reason or None, now))
    try:
        yield _current.get()  # type: ignore[misc]
    finally:
        _current.reset(token)


def current() -> Acting | None:
    return _current.get()


def stamp_now() -> datetime:
    context = _current.get()
    return context.now if context else datetime.now(UTC)
