"""Importing companies, workplaces and contacts from the spreadsheets people keep.

`reading` turns a CSV or XLSX file into rows of text (bounded in size), `columns` guesses
which column holds what from Danish and English headers and maps the words people use
to the domain's slugs, `plan` validates every row with crm/validation.py and decides,
against the companies that exist, what each row will create, update or skip. Nothing
is stored until the plan is committed row by row through `CrmApplication.import_row`,
one command (and one transaction) per row, with the importing user as actor and the
file's name as reason.
"""

from __future__ import annotations

from crm.imports.commit import ImportResult, commit_plan
from crm.imports.plan import ImportPlan, PlannedRow, plan_import
from crm.imports.reading import MAX_BYTES, MAX_ROWS, FileTooLarge, read_table

__all__ = [
    "MAX_BYTES",
    "MAX_ROWS",
    "FileTooLarge",
    "ImportPlan",
    "ImportResult",
    "PlannedRow",
    "commit_plan",
    "plan_import",
    "read_table",
]
