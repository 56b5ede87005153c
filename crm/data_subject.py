"""The data subject's copy (GDPR Art. 15): one person's data, where they were named, who consulted it.

One home for what the copy holds, whoever hands it over (`crm contacts copy`, the
project lead's privacy screen). The write side knows the person (their Contact's
state and history) and the access log; what the read models know (the attempts
with them, the agreements naming them, the users' names) comes from the caller
through `SubjectReadSide`, which `projections.SubjectReads` implements, so this
module imports no read model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol
from uuid import UUID

from crm.audit.log import versions
from crm.contacts import Contact

if TYPE_CHECKING:
    from crm.service import CrmService

# Enough for years of a person's access-log rows; the copy is made rarely, one person at a time.
ACCESS_ROWS = 100_000
COPY_CRITERION = "data subject's copy"


class SubjectReadSide(Protocol):
    def company_name(self, company_id: UUID) -> str | None: ...
    def attempts_naming(self, company_id: UUID, contact_id: UUID) -> list[dict[str, Any]]: ...
    def commitments_owned(self, contact_id: UUID) -> list[dict[str, Any]]: ...
    def requirements_naming(self, contact_id: UUID) -> list[dict[str, Any]]: ...
    def user_names(self) -> dict[UUID, str]: ...


def data_subject_copy(app: CrmService, contact_id: UUID, read_side: SubjectReadSide) -> dict[str, Any]:
    """Everything the copy holds, as plain data (raises NotFound for an unknown contact)."""
    contact = app.load(Contact, contact_id)
    users = read_side.user_names()
    return {
        "made_at": app.clock.now().isoformat(),
        "person": {
            "contact_id": contact_id,
            "name": contact.name,
            "phone": contact.phone,
            "email": contact.email,
            "role": contact.role,
            "company": read_side.company_name(contact.company_id),
            "erased": contact.is_erased,
        },
        "history": [
            {"version": v.number, "event": v.topic.partition(":")[2], "at": getattr(v.event, "timestamp", None)}
            for v in versions(app, contact_id)
        ],
        "attempts_naming_them": read_side.attempts_naming(contact.company_id, contact_id),
        "agreement_requirements_naming_them": read_side.requirements_naming(contact_id),
        "commitments_they_own": read_side.commitments_owned(contact_id),
        "who_consulted_their_data": [
            {
                "at": entry["at"],
                "user_id": entry["user_id"],
                "user": users.get(entry["user_id"]),
                "use": entry["use"],
                "place": entry["place"],
                "purpose": entry["purpose"],
            }
            for entry in app.access_log.entries(contact_id=contact_id, limit=ACCESS_ROWS)
        ],
    }


def record_copy_handed_over(app: CrmService, user_id: UUID, contact_id: UUID, place: str) -> None:
    """Making the copy reads all of the person's data: it is itself an export in the access log."""
    app.access_log.record(user_id, "export", [contact_id], criterion=COPY_CRITERION, place=place)
