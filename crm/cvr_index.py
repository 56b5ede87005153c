"""CvrIndex: one per CVR number, so two companies cannot share one (the event store refuses the second)."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from crm.aggregate import CrmAggregate


class CvrIndex(CrmAggregate):
    class Claimed(CrmAggregate.Created):
        cvr: str
        company_id: UUID

    @staticmethod
    def create_id(cvr: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"workplace-crm:cvr:{cvr}")

    @event(Claimed)
    def __init__(self, cvr: str, company_id: UUID) -> None:
        self.cvr = cvr
        self.company_id: UUID | None = company_id

    class Released(CrmAggregate.Event):
        pass

    @event(Released)
    def _released(self) -> None:
        self.company_id = None

    def release(self) -> None:
        self._released()

    class Reclaimed(CrmAggregate.Event):
        company_id: UUID

    @event(Reclaimed)
    def _reclaimed(self, company_id: UUID) -> None:
        self.company_id = company_id

    def reclaim(self, company_id: UUID) -> None:
        self._reclaimed(company_id)
