"""Use cases fed from outside: a row of an imported spreadsheet, what the CVR register says of a company."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple
from uuid import UUID, uuid4

from crm.commands.companies import CompanyCommands
from crm.commands.contacts import ContactCommands
from crm.companies import Company
from crm.contacts import Contact
from crm.cvr_index import CvrIndex
from crm.errors import CrmError, InvalidInput
from crm.service import command
from crm.validation import (
    ADDRESS_LENGTH,
    normalise_email,
    normalise_p_number,
    normalise_phone,
    optional_text,
    required_text,
)


class ImportRowInput(NamedTuple):
    """One row for `import_rows`: the arguments of `import_row`, in its order."""

    company_id: UUID | None
    company: dict[str, Any]
    workplace: dict[str, Any] | None = None
    contact: dict[str, Any] | None = None
    contact_id: UUID | None = None


class ImportCommands(CompanyCommands, ContactCommands):
    @command("outreach")
    def import_row(
        self,
        company_id: UUID | None,
        company: dict[str, Any],
        workplace: dict[str, Any] | None = None,
        contact: dict[str, Any] | None = None,
        contact_id: UUID | None = None,
    ) -> tuple[UUID, UUID | None]:
        """Create or update a company, add its workplace, add or correct its contact: all saved together or nothing.

        Returns the company's id and the contact's (new or changed) id.
        """
        changed, made = self._row_changes(ImportRowInput(company_id, company, workplace, contact, contact_id))
        self.save(*changed)
        return made

    @command("outreach")
    def import_rows(self, rows: Sequence[ImportRowInput]) -> list[tuple[UUID, UUID | None] | CrmError]:
        """Several rows in one transaction: each row is checked alone, and a bad one is answered with its error
        while the good ones are saved together; the answers are in the rows' order.

        No two rows may change the same record (the second would not see the first's changes): such a batch
        is refused whole with InvalidInput, and nothing of it is stored.
        """
        changed: list[Any] = []
        answers: list[tuple[UUID, UUID | None] | CrmError] = []
        for row in rows:
            try:
                row_changed, made = self._row_changes(row)
            except CrmError as error:
                answers.append(error)
                continue
            changed += row_changed
            answers.append(made)
        if len({aggregate.id for aggregate in changed}) < len(changed):
            raise InvalidInput(field="rows", problem="two rows of one batch change the same record")
        if changed:
            self.save(*changed)
        return answers

    def _row_changes(self, row: ImportRowInput) -> tuple[list[Any], tuple[UUID, UUID | None]]:
        """A row's changed aggregates, checked, not saved; and the company's and the contact's ids."""
        company_id, company, workplace, contact, contact_id = row
        changed: list[Any] = []
        if company_id is None:
            target, claims = self._new_company(**company)
            changed += [target, *claims]
        else:
            target = self.load(Company, company_id)
            values = self._clean_details(company)
            if "cvr" in values and values["cvr"] != target.cvr:
                changed += self._cvr_claim(values["cvr"], target.id)
                if target.cvr:
                    released = self.load(CvrIndex, CvrIndex.create_id(target.cvr))
                    released.release()
                    changed.append(released)
            target.change_details(**values)
            changed.append(target)
        if workplace:
            target.add_workplace(
                uuid4().hex,
                normalise_p_number(workplace["p_number"]) if workplace.get("p_number") else None,
                required_text("workplace", workplace.get("name")),
                optional_text("address", workplace.get("address"), ADDRESS_LENGTH),
            )
        person: Contact | None = None
        if contact and contact_id is None:
            person = self._new_contact(target.id, **contact)
        elif contact and contact_id is not None:
            person = self.load(Contact, contact_id)
            if person.company_id != target.id:
                raise InvalidInput(field="contact", problem="the contact is not at this company")
            person.change_details(
                **{
                    name: clean(contact[name])
                    for name, clean in (("phone", normalise_phone), ("email", normalise_email))
                    if name in contact
                }
            )
        return [*changed, *([person] if person else [])], (target.id, person.id if person else None)

    @command("outreach")
    def note_register_status(self, company_id: UUID, ceased: bool, protected: bool) -> None:
        """Record that the CVR register shows the company as ceased or protected against marketing."""
        company = self.load(Company, company_id)
        company.note_register_status(bool(ceased), bool(protected))
        self.save(company)
