"""The preview of an import: every row validated and matched, and what committing it would do.

A row's company is found by CVR number, then by its normalised name and address, among
the companies that exist (given by the caller, who reads them from the read side) and
those earlier rows of the same file create. Each row is then one of:

- ``create``: a new company (with its workplace and contact, if given);
- ``update``: an existing company (or one an earlier row creates) gets changed details,
  a new workplace, a new contact or a contact's new phone or e-mail;
- ``unchanged``: everything the row says is already recorded (a second import of a file);
- ``duplicate``: it repeats what an earlier row of the file already brings in;
- ``error``: a value fails the write side's bounds; the row changes nothing.

Only values the file gives are compared: an empty cell never erases what is recorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from crm.errors import CrmError, InvalidInput
from crm.imports.columns import (
    contact_role_from,
    guess_columns,
    industry_from,
    match_key,
    sector_from,
    size_band_from,
)
from crm.validation import (
    ADDRESS_LENGTH,
    PERSON_NAME_LENGTH,
    normalise_cvr,
    normalise_email,
    normalise_p_number,
    normalise_phone,
    optional_text,
    required_text,
)
from crm.vocabulary import INDUSTRIES

ACTIONS = ("create", "update", "unchanged", "duplicate", "error")
COMPANY_FIELDS = ("name", "cvr", "industry", "size_band", "address", "sector")


@dataclass
class PlannedRow:
    number: int  # the row's line in the file; the header is line 1
    action: str
    name: str
    errors: list[CrmError] = field(default_factory=list)
    company_id: UUID | None = None  # an existing company
    company_row: int | None = None  # or the earlier row of the file that creates it
    company: dict[str, Any] = field(default_factory=dict)  # create: every value; update: what changes
    workplace: dict[str, Any] | None = None  # a workplace to add
    contact: dict[str, Any] | None = None  # a new contact, or what changes on contact_id / contact_row's
    contact_id: UUID | None = None
    contact_row: int | None = None
    duplicate_of: int | None = None


@dataclass
class ImportPlan:
    file_name: str
    header: list[str]
    columns: dict[str, int]
    rows: list[PlannedRow]

    def counts(self) -> dict[str, int]:
        found = dict.fromkeys(ACTIONS, 0)
        for row in self.rows:
            found[row.action] += 1
        return found

    def to_commit(self) -> list[PlannedRow]:
        return [row for row in self.rows if row.action in ("create", "update")]


@dataclass
class _Known:
    """A company as it will stand after the rows planned so far."""

    values: dict[str, Any]
    company_id: UUID | None = None
    created_by: int | None = None
    touched_by: int | None = None
    contacts: dict[str, dict[str, Any]] = field(default_factory=dict)
    workplaces: set[str] = field(default_factory=set)


def plan_import(
    file_name: str,
    header: list[str],
    body: list[list[str]],
    existing: Iterable[Mapping[str, Any]] = (),
) -> ImportPlan:
    """The plan for `body`'s rows against `existing` companies.

    Each existing company is a mapping with company_id, name, cvr, address, industry, size_band,
    sector, contacts (mappings with contact_id, name, phone, email) and workplaces (p_number, name).
    """
    columns = guess_columns(header)
    if "name" not in columns:
        raise InvalidInput(field="file", problem="has no column with the company's name")
    by_cvr: dict[str, _Known] = {}
    by_name: dict[tuple[str, str], _Known] = {}
    for company in existing:
        known = _Known(
            values={f: company.get(f) for f in COMPANY_FIELDS},
            company_id=company["company_id"],
            contacts={
                match_key(c["name"]): {"contact_id": c["contact_id"], "phone": c.get("phone"), "email": c.get("email")}
                for c in company.get("contacts", ())
            },
            workplaces={_workplace_key(w.get("p_number"), w.get("name")) for w in company.get("workplaces", ())},
        )
        _index(known, by_cvr, by_name)
    rows = [_plan_row(number, cells, columns, by_cvr, by_name) for number, cells in enumerate(body, start=2)]
    return ImportPlan(file_name, header, columns, rows)


def _plan_row(
    number: int,
    cells: list[str],
    columns: dict[str, int],
    by_cvr: dict[str, _Known],
    by_name: dict[tuple[str, str], _Known],
) -> PlannedRow:
    def cell(name: str) -> str:
        return cells[columns[name]] if name in columns else ""

    values, errors = _clean(cell)
    row = PlannedRow(number, "error", cell("name")[:200])
    if errors:
        row.errors = errors
        return row
    company, workplace, contact = values["company"], values["workplace"], values["contact"]
    row.name = company["name"]
    known = by_cvr.get(company["cvr"] or "") or _by_name(by_name, company)
    if known is None:
        if "industry" not in company:
            company["industry"] = "other"
        known = _Known(values=dict(company), created_by=number)
        row.action, row.company = "create", dict(company)
    else:
        row.company_id, row.company_row = known.company_id, known.created_by
        row.company = {f: v for f, v in company.items() if v is not None and not _same(f, known.values.get(f), v)}
        known.values.update(row.company)
    if workplace and _workplace_key(workplace["p_number"], workplace["name"]) not in known.workplaces:
        row.workplace = workplace
        known.workplaces.add(_workplace_key(workplace["p_number"], workplace["name"]))
    if contact:
        _plan_contact(row, known, contact)
    if row.action != "create":
        if row.company or row.workplace or row.contact:
            row.action = "update"
        else:
            row.action = "duplicate" if known.touched_by else "unchanged"
            row.duplicate_of = known.touched_by
            return row
    known.touched_by = number
    _index(known, by_cvr, by_name)
    return row


def _plan_contact(row: PlannedRow, known: _Known, contact: dict[str, Any]) -> None:
    key = match_key(contact["name"])
    recorded = known.contacts.get(key)
    if recorded is None:
        row.contact = contact
        known.contacts[key] = {
            "contact_id": None,
            "row": row.number,
            "phone": contact["phone"],
            "email": contact["email"],
        }
        return
    changes = {f: contact[f] for f in ("phone", "email") if contact[f] and contact[f] != recorded.get(f)}
    if changes:
        row.contact, row.contact_id, row.contact_row = changes, recorded["contact_id"], recorded.get("row")
        recorded.update(changes)


def _clean(cell: Any) -> tuple[dict[str, Any], list[CrmError]]:
    """The row's values through the write side's bounds; every failing field is reported, not just the first."""
    errors: list[CrmError] = []

    def check(parse: Any, *args: Any) -> Any:
        try:
            return parse(*args)
        except CrmError as error:
            errors.append(error)
            return None

    address = ", ".join(p for p in (cell("address"), " ".join(filter(None, (cell("postcode"), cell("city"))))) if p)
    company: dict[str, Any] = {
        "name": check(required_text, "name", cell("name")),
        "cvr": check(normalise_cvr, cell("cvr")),
        "address": check(optional_text, "address", address, ADDRESS_LENGTH),
        "size_band": size_band_from(cell("employees")) if cell("employees") else None,
        "sector": sector_from(cell("sector")) if cell("sector") else None,
    }
    if cell("industry"):
        company["industry"] = industry_from(cell("industry"), INDUSTRIES) or "other"
    workplace = None
    if cell("p_number") or cell("workplace"):
        p_number = check(normalise_p_number, cell("p_number")) if cell("p_number") else None
        name = check(optional_text, "workplace", cell("workplace"), 200) or company["name"]
        workplace = {"p_number": p_number, "name": name, "address": company["address"]}
    contact = None
    if cell("contact") or cell("phone") or cell("email"):
        contact = {
            "name": check(required_text, "contact", cell("contact"), PERSON_NAME_LENGTH),
            "role": contact_role_from(cell("role")),
            "phone": check(normalise_phone, cell("phone")),
            "email": check(normalise_email, cell("email")),
        }
    if company["sector"] is None:
        del company["sector"]
    return {"company": company, "workplace": workplace, "contact": contact}, errors


def _same(field: str, recorded: Any, given: Any) -> bool:
    """Names and addresses that differ only in case, punctuation or spacing are the same: nothing to change."""
    if field in ("name", "address") and recorded is not None:
        return bool(match_key(recorded) == match_key(given))
    return bool(recorded == given)


def _by_name(by_name: dict[tuple[str, str], _Known], company: dict[str, Any]) -> _Known | None:
    found = by_name.get((match_key(company["name"]), match_key(company["address"])))
    if found is not None and company["cvr"] and found.values.get("cvr") not in (None, company["cvr"]):
        return None  # the same name and address, but another CVR number: another company
    return found


def _index(known: _Known, by_cvr: dict[str, _Known], by_name: dict[tuple[str, str], _Known]) -> None:
    if known.values.get("cvr"):
        by_cvr[known.values["cvr"]] = known
    by_name[(match_key(known.values.get("name")), match_key(known.values.get("address")))] = known


def _workplace_key(p_number: str | None, name: str | None) -> str:
    return f"p:{p_number}" if p_number else f"n:{match_key(name)}"
