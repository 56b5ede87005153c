"""The base of every CRM aggregate: events stamped with actor, reason and clock time."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from crm import acting


def _stamp(kwargs: dict[str, Any]) -> dict[str, Any]:
    context = acting.current()
    kwargs.setdefault("actor_id", context.actor_id if context else None)
    kwargs.setdefault("reason", context.reason if context else None)
    return kwargs


class CrmAggregate(Aggregate):
    class Event(Aggregate.Event):
        actor_id: UUID | None
        reason: str | None

        @classmethod
        def create_timestamp(cls) -> datetime:
            return acting.stamp_now()

    class Created(Event, Aggregate.Created):
        pass

    class TextRedacted(Event):
        """A free text of this record was redacted on request: its own key is destroyed (crm/sealing.py).

        `position` and `field` name the stored event and the field whose text can no longer be read.
        """

        position: int
        field: str

    def record_redaction(self, position: int, field: str) -> None:
        self.trigger_event(type(self).TextRedacted, position=position, field=field)

    @classmethod
    def _create(cls, event_class: Any, **kwargs: Any) -> Any:
        return super()._create(event_class, **_stamp(kwargs))

    def trigger_event(self, event_class: Any, **kwargs: Any) -> None:
        super().trigger_event(event_class, **_stamp(kwargs))

    def changed_values(self, values: dict[str, Any]) -> dict[str, Any]:
        """The values that differ from the aggregate's: no change, no event."""
        return {field: value for field, value in values.items() if getattr(self, field) != value}
