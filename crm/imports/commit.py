"""Committing a previewed import: row by row through `import_row`, each row all or nothing.

A row that fails now (someone registered the same CVR number since the preview) is reported
and changes nothing; the rows after it go on, except those that build on a row that failed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from crm.errors import CrmError, InvalidInput
from crm.imports.plan import ImportPlan


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    failed: dict[int, CrmError] = field(default_factory=dict)  # row number -> why


def commit_plan(
    app: Any,
    actor_id: UUID,
    plan: ImportPlan,
    on_row: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Import the plan's create and update rows as `actor_id`, with the file's name as the reason."""
    reason = f"Import: {plan.file_name}"[:500]
    companies: dict[int, UUID] = {}
    contacts: dict[int, UUID] = {}
    result = ImportResult()
    rows = plan.to_commit()
    for done, row in enumerate(rows, start=1):
        try:
            company_id = row.company_id
            if company_id is None and row.company_row is not None:
                company_id = _earlier(companies, row.company_row)
            contact_id = row.contact_id
            if contact_id is None and row.contact_row is not None:
                contact_id = _earlier(contacts, row.contact_row)
            new_company, new_contact = app.import_row(
                actor_id,
                company_id,
                row.company,
                workplace=row.workplace,
                contact=row.contact,
                contact_id=contact_id,
                reason=reason,
            )
        except CrmError as error:
            result.failed[row.number] = error
        else:
            companies[row.number] = new_company
            if new_contact is not None:
                contacts[row.number] = new_contact
            if row.action == "create":
                result.created += 1
            else:
                result.updated += 1
        if on_row is not None:
            on_row(done, len(rows))
    return result


def _earlier(made: dict[int, UUID], number: int) -> UUID:
    if number not in made:
        raise InvalidInput(field="row", problem="builds on row %(row)s, which was not imported", row=number)
    return made[number]
