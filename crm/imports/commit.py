"""Committing a previewed import: in batches through `import_rows`, each row all or nothing.

A row that fails now (someone registered the same CVR number since the preview) is reported
and changes nothing; the rows after it go on, except those that build on a row that failed.
A batch is cut before a row that builds on a row of the batch or changes the same company,
contact or CVR number, so every row is checked against what the rows before it stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from crm.commands.imports import ImportRowInput
from crm.errors import CrmError, InvalidInput
from crm.imports.plan import ImportPlan, PlannedRow

# Rows saved in one transaction: a 50,000-row file commits in minutes instead of an hour, and the write
# lock is held for a fraction of a second at a time, so the recruiters' own saves barely wait.
BATCH_ROWS = 100


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
    batch_size: int = BATCH_ROWS,
) -> ImportResult:
    """Import the plan's create and update rows as `actor_id`, with the file's name as the reason."""
    reason = f"Import: {plan.file_name}"[:500]
    companies: dict[int, UUID] = {}
    contacts: dict[int, UUID] = {}
    result = ImportResult()
    rows = plan.to_commit()

    def answer(row: PlannedRow, made: tuple[UUID, UUID | None] | CrmError) -> None:
        if isinstance(made, CrmError):
            result.failed[row.number] = made
        else:
            companies[row.number] = made[0]
            if made[1] is not None:
                contacts[row.number] = made[1]
            if row.action == "create":
                result.created += 1
            else:
                result.updated += 1
        if on_row is not None:
            on_row(result.created + result.updated + len(result.failed), len(rows))

    for batch in _batches(rows, batch_size):
        inputs: list[ImportRowInput | CrmError] = [_input(row, companies, contacts) for row in batch]
        ready = [given for given in inputs if not isinstance(given, CrmError)]
        try:
            made = app.import_rows(actor_id, ready, reason=reason) if ready else []
        except CrmError:
            # Nothing of the batch was stored (someone changed one of its companies meanwhile): row by row,
            # so that each row is answered on its own.
            made = []
            for row_input in ready:
                try:
                    made.append(app.import_row(actor_id, *row_input, reason=reason))
                except CrmError as error:
                    made.append(error)
        answers = iter(made)
        for row, given in zip(batch, inputs, strict=True):
            answer(row, given if isinstance(given, CrmError) else next(answers))
    return result


def _input(row: PlannedRow, companies: dict[int, UUID], contacts: dict[int, UUID]) -> ImportRowInput | CrmError:
    """The row as the command takes it, with the ids its earlier rows were given; or why it cannot go in."""
    try:
        company_id = row.company_id
        if company_id is None and row.company_row is not None:
            company_id = _earlier(companies, row.company_row)
        contact_id = row.contact_id
        if contact_id is None and row.contact_row is not None:
            contact_id = _earlier(contacts, row.contact_row)
    except CrmError as error:
        return error
    return ImportRowInput(company_id, row.company, row.workplace, row.contact, contact_id)


def _batches(rows: list[PlannedRow], size: int) -> Iterator[list[PlannedRow]]:
    """Runs of at most `size` rows in which no row builds on, or changes the company of, another of the run."""
    batch: list[PlannedRow] = []
    touched: set[object] = set()
    for row in rows:
        keys = {
            ("row", row.company_row if row.company_row is not None else row.number),
            ("company", row.company_id),
            ("contact", row.contact_id),
            ("contact row", row.contact_row),
            ("cvr", row.company.get("cvr")),
        } - {("company", None), ("contact", None), ("contact row", None), ("cvr", None)}
        builds_on_batch = any(r.number in (row.company_row, row.contact_row) for r in batch)
        if batch and (len(batch) >= size or keys & touched or builds_on_batch):
            yield batch
            batch, touched = [], set()
        batch.append(row)
        touched |= keys
    if batch:
        yield batch


def _earlier(made: dict[int, UUID], number: int) -> UUID:
    if number not in made:
        raise InvalidInput(field="row", problem="builds on row %(row)s, which was not imported", row=number)
    return made[number]
