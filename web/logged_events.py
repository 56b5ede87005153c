"""Stored events as the audit screens and the timeline show them: sentence, kind, name, raw state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from crm.audit.log import RecordedEvent, StoredEvent, events_at
from crm.vocabulary import aggregate_slug
from web.event_names import aggregate_label, event_name, names_for, personal_contacts
from web.event_sentences import sentence
from web.translating import gettext as _


@dataclass(frozen=True)
class LoggedEvent:
    position: int
    recorded: RecordedEvent | None  # None when the stored row at this position is gone
    sentence: str
    kind: str
    name: str
    occurred_at: datetime | None

    @property
    def raw(self) -> str:
        """The stored state, indented: formatted when read, as only the event log shows it (not the timeline)."""
        return self.recorded.raw if self.recorded else ""

    @property
    def stored(self) -> StoredEvent | None:
        return self.recorded.stored if self.recorded else None

    @property
    def event(self) -> Any:
        return self.recorded.event if self.recorded else None


def logged_events(app: Any, projector: Any, positions: list[int]) -> tuple[list[LoggedEvent], set[UUID]]:
    """The events at these positions as the event log shows them, and the people whose data they show."""
    found = events_at(app, positions)
    events = [each.event for each in found.values()]
    names = names_for(events, projector)
    logged = []
    for position in positions:
        each = found.get(position)
        if each is None:
            logged.append(LoggedEvent(position, None, _("The stored event at this position is gone."), "", "", None))
            continue
        logged.append(
            LoggedEvent(
                position,
                each,
                sentence(each.event, names),
                aggregate_label(aggregate_slug(each.event_type)),
                event_name(each.event_type),
                each.occurred_at,
            )
        )
    return logged, personal_contacts(events)
