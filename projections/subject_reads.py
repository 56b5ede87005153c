"""What the read side knows of one person for their copy (GDPR Art. 15): crm/data_subject.py asks, this answers."""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol
from uuid import UUID

from projections.companies import attempts_of, company


class Views(Protocol):
    """A projector, or the web's views of this request: a view by name."""

    def __getitem__(self, name: str) -> Any: ...


class SubjectReads:
    """The attempts, agreements and names that the data subject's copy reads, over a projector's views."""

    def __init__(self, views: Views, today: date) -> None:
        self.views = views
        self.today = today

    def company_name(self, company_id: UUID) -> str | None:
        found = company(self.views["outreach"], company_id)
        return found["name"] if found else None

    def attempts_naming(self, company_id: UUID, contact_id: UUID) -> list[dict[str, Any]]:
        return [dict(a) for a in attempts_of(self.views["outreach"], company_id) if a["contact_id"] == contact_id]

    def commitments_owned(self, contact_id: UUID) -> list[dict[str, Any]]:
        tracker = self.views["agreements"].commitment_tracker(self.today, owner_contact_id=contact_id)
        return [dict(c) for c in tracker]

    def requirements_naming(self, contact_id: UUID) -> list[dict[str, Any]]:
        return list(self.views["agreements"].requirements_naming(contact_id))

    def user_names(self) -> dict[UUID, str]:
        return dict(self.views["users"].names())
