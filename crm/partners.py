"""ChannelPartner: a union, housing association or business network that brings leads."""

from __future__ import annotations

from eventsourcing.domain import event

from crm.aggregate import CrmAggregate


class ChannelPartner(CrmAggregate):
    class Registered(CrmAggregate.Created):
        name: str
        kind: str
        note: str | None

    @event(Registered)
    def __init__(self, name: str, kind: str, note: str | None) -> None:
        self.name = name
        self.kind = kind
        self.note = note
        self.archived = False

    class Renamed(CrmAggregate.Event):
        name: str

    @event(Renamed)
    def _renamed(self, name: str) -> None:
        self.name = name

    def rename(self, name: str) -> None:
        if name != self.name:
            self._renamed(name)

    class Archived(CrmAggregate.Event):
        """No longer offered for new leads, attempts and companies; still named wherever it was chosen."""

    @event(Archived)
    def _archived(self) -> None:
        self.archived = True

    def archive(self) -> None:
        if not self.archived:  # archived already: no change, no event
            self._archived()
