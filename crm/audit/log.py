"""Reads of the event store itself: the one public way the screens see stored events.

The event log shows the stored events at chosen positions; a record's history
lists every version of one aggregate, its state at any version and what changed
between two; the raw state is shown as stored. Everything here reads through the
application's recorder and repository: callers never touch the recorder's tables.
The API's event feed (`events_after`, crm/audit/feed.py) is published here too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

__all__ = [
    "Change",
    "FeedEvent",
    "RecordedEvent",
    "StoredEvent",
    "Version",
    "chain_head",
    "decode",
    "diff",
    "event_at",
    "events_after",
    "events_at",
    "flatten",
    "raw_json",
    "state_at",
    "versions",
]
from sqlalchemy import select

from crm.audit.chain import ChainedApplicationRecorder, as_bytes
from crm.audit.feed import FeedEvent, events_after

MISSING = object()


@dataclass(frozen=True)
class RecordedEvent:
    """One stored event: where it stands in the log, its row as stored, and the domain event it decodes to."""

    position: int
    stored: StoredEvent
    event: Any  # the decoded domain event, or None when the stored state no longer decodes

    @property
    def topic(self) -> str:
        return self.stored.topic

    @property
    def event_type(self) -> str:
        """crm.attempts:OutreachAttempt.Logged -> OutreachAttempt.Logged"""
        return self.stored.topic.partition(":")[2] or self.stored.topic

    @property
    def occurred_at(self) -> datetime | None:
        return getattr(self.event, "timestamp", None)

    @property
    def raw(self) -> str:
        """The stored state, indented for reading."""
        return raw_json(self.stored)


@dataclass(frozen=True)
class Version:
    number: int
    topic: str
    stored: StoredEvent
    event: Any  # the decoded domain event, or None when the stored state no longer decodes

    @property
    def raw(self) -> str:
        """The stored state, indented for reading."""
        return raw_json(self.stored)


@dataclass(frozen=True)
class Change:
    field: str
    old: Any
    new: Any


def decode(app: Any, stored: StoredEvent | None) -> Any:
    """The domain event, or None when the row is gone or no longer decodes."""
    if stored is None:
        return None
    try:
        return app.mapper.to_domain_event(stored)
    except Exception:  # noqa: BLE001 - a row edited behind the application's back may no longer decode
        return None


def events_at(app: Any, positions: Iterable[int]) -> dict[int, RecordedEvent]:
    """The stored events at these positions, decoded; a position whose row is gone is simply missing."""
    wanted = sorted(set(positions))
    if not wanted:
        return {}
    recorder = app.recorder
    if isinstance(recorder, ChainedApplicationRecorder):
        table = recorder.events_table
        c = table.c
        with recorder.transaction(commit=False) as session:
            rows = session.execute(
                select(c.id, c.originator_id, c.originator_version, c.topic, c.state).where(c.id.in_(wanted))
            ).all()
        stored = {row[0]: StoredEvent(row[1], row[2], row[3], as_bytes(row[4])) for row in rows}
    else:  # the in-memory store keeps no table: read each position from the notification log
        stored = {n.id: n for p in wanted for n in recorder.select_notifications(start=p, limit=1, stop=p) if n.id == p}
    prefetch = getattr(app.mapper, "prefetch", None)  # the page's keys in one query (crm/sealing.py)
    if prefetch is not None:
        prefetch(list(stored.values()))
    return {position: RecordedEvent(position, each, decode(app, each)) for position, each in stored.items()}


def event_at(app: Any, position: int) -> RecordedEvent | None:
    """One stored event, or None when there is none at that position."""
    return events_at(app, [position]).get(position)


def versions(app: Any, originator_id: UUID) -> list[Version]:
    """Every stored event of one aggregate, oldest first."""
    return [
        Version(stored.originator_version, stored.topic, stored, decode(app, stored))
        for stored in app.recorder.select_events(originator_id)
    ]


def state_at(app: Any, originator_id: UUID, version: int) -> dict[str, Any]:
    """The aggregate's attributes as they stood at `version` (nothing before version 1), flattened."""
    if version < 1:
        return {}
    aggregate = app.repository.get(originator_id, version=version)
    return flatten({k: v for k, v in vars(aggregate).items() if not k.startswith("_")})


def flatten(values: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested dicts (workplaces, requirements, commitments) as dotted keys, so a diff names the inner field."""
    flat: dict[str, Any] = {}
    for key, value in values.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """The fields whose value differs, in the order the later version lists them (removed ones last)."""
    changes = [Change(k, before.get(k, MISSING), v) for k, v in after.items() if before.get(k, MISSING) != v]
    changes += [Change(k, v, MISSING) for k, v in before.items() if k not in after]
    return changes


def raw_json(stored: StoredEvent | None) -> str:
    """The stored state, indented for reading (as stored when it is not JSON)."""
    if stored is None:
        return ""
    try:
        return json.dumps(json.loads(stored.state), indent=2, ensure_ascii=False)
    except ValueError:
        return stored.state.decode("utf-8", errors="replace")


def chain_head(app: Any) -> tuple[int, str] | None:
    """The hash chain's last link (position, hex hash) to write down outside the system; None without a chain."""
    recorder = app.recorder
    return recorder.head() if isinstance(recorder, ChainedApplicationRecorder) else None
