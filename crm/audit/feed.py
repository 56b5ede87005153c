"""The event log as a feed for a data warehouse: events after a position, in log order, with their chain links.

A follower keeps the last position it read and asks for the events after it; each
event carries its link in the hash chain (crm/audit/chain.py), so the follower can
check, as `crm audit verify` does, that nothing it holds was changed or left out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from crm.audit.chain import ChainedApplicationRecorder, iter_events, iter_links

CONTACT_TOPIC = "crm.contacts:"


@dataclass(frozen=True)
class FeedEvent:
    position: int
    originator_id: UUID
    originator_version: int
    topic: str
    timestamp: datetime | None
    state: Any
    chain_link: str | None

    @property
    def is_personal(self) -> bool:
        return self.topic.startswith(CONTACT_TOPIC)


def events_after(app: Any, after: int, limit: int) -> list[FeedEvent]:
    """At most `limit` events after the position, in log order (an in-memory store has no chain links)."""
    recorder = app.recorder
    if isinstance(recorder, ChainedApplicationRecorder):
        rows = []
        for row in iter_events(recorder.datastore, recorder.events_table, after=after, batch_size=limit):
            rows.append((row.id, row.originator_id, row.originator_version, row.topic, row.state))
            if len(rows) == limit:
                break
        links: dict[int, str] = {}
        if rows:
            links = dict(iter_links(recorder.datastore, recorder.chain_table, after=after, stop=rows[-1][0]))
    else:
        notifications = recorder.select_notifications(start=after + 1, limit=limit)
        rows = [(n.id, n.originator_id, n.originator_version, n.topic, n.state) for n in notifications]
        links = {}
    return [_event(*row, links.get(row[0])) for row in rows]


def _event(position: int, originator_id: UUID, version: int, topic: str, state: bytes, link: str | None) -> FeedEvent:
    try:
        decoded: Any = json.loads(state)
    except ValueError:
        decoded = {"_stored_hex_": bytes(state).hex()}
    return FeedEvent(position, originator_id, version, topic, _timestamp(decoded), decoded, link)


def _timestamp(state: Any) -> datetime | None:
    found = state.get("timestamp") if isinstance(state, dict) else None
    if isinstance(found, dict) and isinstance(found.get("_data_"), str):
        try:
            moment = datetime.fromisoformat(found["_data_"])
        except ValueError:
            return None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return None
