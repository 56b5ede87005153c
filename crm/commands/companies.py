"""Use cases: companies, their workplaces and their path."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid4

from crm.companies import Company
from crm.cvr_index import CvrIndex
from crm.errors import AlreadyExists, InvalidInput, NotFound
from crm.partners import ChannelPartner
from crm.service import CrmService, command
from crm.users import User
from crm.validation import (
    ADDRESS_LENGTH,
    MAX_REASSIGNED,
    NOTE_LENGTH,
    choice,
    normalise_cvr,
    normalise_p_number,
    optional_choice,
    optional_text,
    required_text,
)
from crm.vocabulary import ARENAS, INDUSTRIES, SECTORS, SIZE_BANDS, STAGES, STRATEGIES


class CompanyCommands(CrmService):
    @command("outreach")
    def register_company(
        self,
        name: str,
        industry: str,
        sector: str = "private",
        cvr: str | None = None,
        size_band: str | None = None,
        address: str | None = None,
        target_group_note: str | None = None,
        owner_id: UUID | None = None,
        arena: str | None = None,
        strategy: str | None = None,
        source_partner_id: UUID | None = None,
    ) -> UUID:
        """Record a company as identified: the first step of its path."""
        company, index = self._new_company(
            name=name,
            industry=industry,
            sector=sector,
            cvr=cvr,
            size_band=size_band,
            address=address,
            target_group_note=target_group_note,
            owner_id=owner_id,
            arena=arena,
            strategy=strategy,
            source_partner_id=source_partner_id,
        )
        self.save(company, *index)
        return company.id

    @command("outreach")
    def add_company_note(self, company_id: UUID, note: str) -> None:
        """Note something about a company outside an attempt; it shows on the company's timeline."""
        company = self.load(Company, company_id)
        company.add_note(required_text("note", note, NOTE_LENGTH))
        self.save(company)

    @command("outreach")
    def change_company_details(self, company_id: UUID, expected_version: int | None = None, **values: Any) -> None:
        """Correct a company's name, CVR, industry, size, address, sector or target-group note."""
        company = self.load(Company, company_id, expected_version)
        values = self._clean_details(values)
        index_changes: list[CvrIndex] = []
        if "cvr" in values and values["cvr"] != company.cvr:
            index_changes = self._cvr_claim(values["cvr"], company.id)
            if company.cvr:
                old_index = self.load(CvrIndex, CvrIndex.create_id(company.cvr))
                old_index.release()
                index_changes.append(old_index)
        company.change_details(**values)
        self.save(company, *index_changes)

    @command("outreach")
    def assign_company_owner(self, company_id: UUID, owner_id: UUID | None) -> None:
        """Make a recruiter responsible for the company."""
        self._check_refs(owner_id=owner_id)
        company = self.load(Company, company_id)
        company.assign_owner(owner_id)
        self.save(company)

    @command("outreach")
    def reassign_companies(self, company_ids: list[UUID], owner_id: UUID | None) -> int:
        """Give several companies to one owner at once: all of them or, on any error, none. Says how many changed."""
        self._check_refs(owner_id=owner_id)
        wanted = list(dict.fromkeys(company_ids))
        if not wanted:
            raise InvalidInput(field="company", problem="choose at least one company")
        if len(wanted) > MAX_REASSIGNED:
            raise InvalidInput(field="company", problem="at most %(limit)s at a time", limit=MAX_REASSIGNED)
        changed = [company for company in (self.load(Company, i) for i in wanted) if company.owner_id != owner_id]
        for company in changed:
            company.assign_owner(owner_id)
        self.save(*changed)
        return len(changed)

    @command("outreach")
    def add_workplace(
        self, company_id: UUID, name: str, p_number: str | None = None, address: str | None = None
    ) -> str:
        """Add a site (production unit) where conversations can take place."""
        company = self.load(Company, company_id)
        workplace_id = uuid4().hex
        company.add_workplace(
            workplace_id,
            normalise_p_number(p_number) if p_number else None,
            required_text("name", name),
            optional_text("address", address, ADDRESS_LENGTH),
        )
        self.save(company)
        return workplace_id

    @command("outreach", reason_required=True)
    def remove_workplace(self, company_id: UUID, workplace_id: str) -> None:
        """Remove a site recorded in error or closed."""
        company = self.load(Company, company_id)
        company.remove_workplace(workplace_id)
        self.save(company)

    @command("outreach")
    def move_company(self, company_id: UUID, stage: str, expected_version: int | None = None) -> None:
        """Move a company one plain step on its path (the board's drag and drop)."""
        company = self.load(Company, company_id, expected_version)
        company.move_to(choice("stage", stage, STAGES))
        self.save(company)

    @command("outreach", reason_required=True)
    def decline_company(self, company_id: UUID, approach_again_after: date | None = None) -> None:
        """The company said no; it may be approached again after the date."""
        company = self.load(Company, company_id)
        company.decline(self.current_reason() or "", self._approach_again_after(approach_again_after))
        self.save(company)

    @command("outreach", reason_required=True)
    def park_company(self, company_id: UUID, approach_again_after: date | None = None) -> None:
        """Pause outreach (e.g. the company is busy until autumn)."""
        company = self.load(Company, company_id)
        company.park(self.current_reason() or "", self._approach_again_after(approach_again_after))
        self.save(company)

    @command("outreach")
    def reapproach_company(self, company_id: UUID) -> None:
        """Start a new round with a company whose last round closed."""
        company = self.load(Company, company_id)
        company.reapproach(self.today())
        self.save(company)

    # --- helpers -------------------------------------------------------------
    def _approach_again_after(self, day: date | None) -> date | None:
        return self.planned_day("approach_again_after", day, earliest=self.today())

    def _new_company(
        self,
        name: str,
        industry: str,
        sector: str = "private",
        cvr: str | None = None,
        size_band: str | None = None,
        address: str | None = None,
        target_group_note: str | None = None,
        owner_id: UUID | None = None,
        arena: str | None = None,
        strategy: str | None = None,
        source_partner_id: UUID | None = None,
    ) -> tuple[Company, list[CvrIndex]]:
        """A new company and the claim on its CVR number, checked, for a command to save with what else it does."""
        self._check_refs(owner_id=owner_id, source_partner_id=source_partner_id)
        company = Company(
            name=required_text("name", name),
            cvr=normalise_cvr(cvr),
            industry=choice("industry", industry, INDUSTRIES),
            size_band=optional_choice("size_band", size_band, SIZE_BANDS),
            address=optional_text("address", address, ADDRESS_LENGTH),
            sector=choice("sector", sector, SECTORS),
            target_group_note=optional_text("target_group_note", target_group_note),
            owner_id=owner_id,
            arena=optional_choice("arena", arena, ARENAS),
            strategy=optional_choice("strategy", strategy, STRATEGIES),
            source_partner_id=source_partner_id,
        )
        return company, self._cvr_claim(company.cvr, company.id)

    def _cvr_claim(self, cvr: str | None, company_id: UUID) -> list[CvrIndex]:
        if cvr is None:
            return []
        try:
            index = self.load(CvrIndex, CvrIndex.create_id(cvr))
        except NotFound:
            return [CvrIndex(cvr=cvr, company_id=company_id)]
        if index.company_id is not None and index.company_id != company_id:
            raise AlreadyExists(kind="company", key=cvr, existing_id=str(index.company_id))
        index.reclaim(company_id)
        return [index]

    def _clean_details(self, values: dict[str, Any]) -> dict[str, Any]:
        cleaners = {
            "name": lambda v: required_text("name", v),
            "cvr": normalise_cvr,
            "industry": lambda v: choice("industry", v, INDUSTRIES),
            "size_band": lambda v: optional_choice("size_band", v, SIZE_BANDS),
            "address": lambda v: optional_text("address", v, ADDRESS_LENGTH),
            "sector": lambda v: choice("sector", v, SECTORS),
            "target_group_note": lambda v: optional_text("target_group_note", v),
        }
        unknown = set(values) - set(cleaners)
        if unknown:
            raise InvalidInput(field=", ".join(sorted(unknown)), problem="is not a company detail")
        return {field: cleaners[field](value) for field, value in values.items()}

    def _check_refs(self, owner_id: UUID | None = None, source_partner_id: UUID | None = None) -> None:
        if owner_id is not None and not self.exists(User, owner_id):
            raise InvalidInput(field="owner", problem="no such user")
        if source_partner_id is not None and not self.exists(ChannelPartner, source_partner_id):
            raise InvalidInput(field="source_partner", problem="no such channel partner")
