"""Queries over the agreements read model: the buy-in tracker, the commitment tracker, one agreement.

Company and contact names come from rm_companies and rm_contacts (the outreach
read model) by outer joins, so an agreement still shows while the outreach view
lags behind, and a person's name is read where it is kept, by contact id.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any, TypedDict, cast
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from projections.agreement_tables import agreements, commitments, requirements
from projections.base import View
from projections.outreach_tables import companies, contacts
from projections.reading import fetch


class RequirementRow(TypedDict):
    agreement_id: UUID
    key: str
    label: str | None
    met: bool
    confirmed_by: UUID | None
    confirmed_on: date | None
    contact_id: UUID | None
    position: int
    contact_name: str | None


class CommitmentRow(TypedDict):
    """A structural commitment; `status` is overdue, due_soon, open, fulfilled or abandoned when a day was given."""

    agreement_id: UUID
    commitment_id: str
    company_id: UUID
    kind: str
    description: str
    owner_contact_id: UUID | None
    due_on: date | None
    state: str
    closed_on: date | None
    abandon_reason: str | None
    company_name: str | None
    owner_name: str | None
    agreement_status: str
    status: str


class AgreementRow(TypedDict):
    """A cooperation agreement with its checklist (`missing`: how many requirements are unmet)."""

    agreement_id: UUID
    company_id: UUID
    version: int
    status: str
    opened_at: datetime
    signed_on: date | None
    planned_health_checks: int
    planned_conversations: int
    delivered_health_checks: int
    delivered_conversations: int
    delivered_referrals: int
    feedback_on: date | None
    focus_points: str | None
    follow_up_on: date | None
    follow_up_note: str | None
    closed_on: date | None
    termination_reason: str | None
    company_name: str | None
    requirements: list[RequirementRow]
    commitments: list[CommitmentRow]
    missing: int


STATUS_ORDER = ("overdue", "due_soon", "open", "fulfilled", "abandoned")


def commitment_status(state: str, due_on: date | None, today: date, due_soon_days: int) -> str:
    """fulfilled, abandoned, overdue (open, due before today), due_soon (open, due within the days) or open."""
    if state != "open":
        return state
    if due_on is not None and due_on < today:
        return "overdue"
    if due_on is not None and due_on <= today + timedelta(days=due_soon_days):
        return "due_soon"
    return "open"


class AgreementQueries(View):
    """The queries of the agreements view (projections/agreements.py holds its writes)."""

    def buy_in_tracker(self) -> list[AgreementRow]:
        """Agreements in negotiation, longest open first, each with its requirements met or missing."""
        query = (
            self._with_company()
            .where(agreements.c.status == "negotiating")
            .order_by(agreements.c.opened_at, agreements.c.agreement_id)
        )
        with self.transaction(commit=False) as session:
            found = [dict(row._mapping) for row in session.execute(query)]
            checklists = self._requirements(session, [a["agreement_id"] for a in found])
        for agreement in found:
            agreement["requirements"] = checklists.get(agreement["agreement_id"], [])
            agreement["missing"] = sum(not r["met"] for r in agreement["requirements"])
        return cast(list[AgreementRow], found)

    def commitment_tracker(
        self,
        today: date,
        due_soon_days: int = 30,
        state: str | None = None,
        kind: str | None = None,
        owner_contact_id: UUID | None = None,
    ) -> list[CommitmentRow]:
        """Structural commitments with company and owner, overdue first, then due soon, open, fulfilled, abandoned."""
        query = self._commitments_query()
        if state is not None:
            query = query.where(commitments.c.state == state)
        if kind is not None:
            query = query.where(commitments.c.kind == kind)
        if owner_contact_id is not None:
            query = query.where(commitments.c.owner_contact_id == owner_contact_id)
        with self.transaction(commit=False) as session:
            rows = [dict(row._mapping) for row in session.execute(query)]
        for row in rows:
            row["status"] = commitment_status(row["state"], row["due_on"], today, due_soon_days)
        rows.sort(
            key=lambda r: (
                STATUS_ORDER.index(r["status"]),
                r["due_on"] or date.max,
                r["company_name"] or "",
                r["description"],
                r["commitment_id"],
            )
        )
        return cast(list[CommitmentRow], rows)

    def agreement(self, agreement_id: UUID, today: date | None = None, due_soon_days: int = 30) -> AgreementRow | None:
        """One agreement with its requirements and commitments (with a status when `today` is given), or None."""
        with self.transaction(commit=False) as session:
            row = session.execute(self._with_company().where(agreements.c.agreement_id == agreement_id)).first()
            if row is None:
                return None
            found = dict(row._mapping)
            found["requirements"] = self._requirements(session, [agreement_id]).get(agreement_id, [])
            found["commitments"] = [
                dict(c._mapping)
                for c in session.execute(
                    self._commitments_query()
                    .where(commitments.c.agreement_id == agreement_id)
                    .order_by(commitments.c.due_on.is_(None), commitments.c.due_on, commitments.c.description)
                )
            ]
        found["missing"] = sum(not r["met"] for r in found["requirements"])
        for commitment in found["commitments"]:
            commitment["status"] = (
                commitment["state"]
                if today is None
                else commitment_status(commitment["state"], commitment["due_on"], today, due_soon_days)
            )
        return cast(AgreementRow, found)

    def agreement_for_company(self, company_id: UUID, today: date | None = None) -> AgreementRow | None:
        """The company's latest agreement, or None if it never had one."""
        with self.transaction(commit=False) as session:
            latest = session.execute(
                select(agreements.c.agreement_id)
                .where(agreements.c.company_id == company_id)
                .order_by(agreements.c.opened_at.desc(), agreements.c.agreement_id)
                .limit(1)
            ).scalar()
        return self.agreement(latest, today) if latest is not None else None

    def _with_company(self) -> Any:
        return select(agreements, companies.c.name.label("company_name")).select_from(
            agreements.outerjoin(companies, companies.c.company_id == agreements.c.company_id)
        )

    def requirements_naming(self, contact_id: UUID) -> list[dict[str, Any]]:
        """The buy-in requirements confirmed with this person, with their agreement's company."""
        query = (
            select(requirements, companies.c.name.label("company_name"))
            .select_from(
                requirements.join(agreements, agreements.c.agreement_id == requirements.c.agreement_id).outerjoin(
                    companies, companies.c.company_id == agreements.c.company_id
                )
            )
            .where(requirements.c.contact_id == contact_id)
            .order_by(requirements.c.agreement_id, requirements.c.position)
        )
        with self.transaction(commit=False) as session:
            return [dict(row._mapping) for row in session.execute(query)]

    def _commitments_query(self) -> Any:
        return select(
            commitments,
            companies.c.name.label("company_name"),
            contacts.c.name.label("owner_name"),
            agreements.c.status.label("agreement_status"),
        ).select_from(
            commitments.join(agreements, agreements.c.agreement_id == commitments.c.agreement_id)
            .outerjoin(companies, companies.c.company_id == commitments.c.company_id)
            .outerjoin(contacts, contacts.c.contact_id == commitments.c.owner_contact_id)
        )

    def _requirements(self, session: Session, agreement_ids: list[UUID]) -> dict[UUID, list[dict[str, Any]]]:
        query = (
            select(requirements, contacts.c.name.label("contact_name"))
            .select_from(requirements.outerjoin(contacts, contacts.c.contact_id == requirements.c.contact_id))
            .where(requirements.c.agreement_id.in_(agreement_ids))
            .order_by(requirements.c.agreement_id, requirements.c.position)
        )
        checklists: dict[UUID, list[dict[str, Any]]] = {}
        for row in session.execute(query):
            checklists.setdefault(row.agreement_id, []).append(dict(row._mapping))
        return checklists


def agreement_companies(view: View, agreement_ids: Iterable[UUID]) -> dict[UUID, UUID]:
    """The company of each of these agreements (an unknown id is simply missing)."""
    wanted = list(agreement_ids)
    if not wanted:
        return {}  # no round trip for a page that names no agreement
    query = select(agreements.c.agreement_id, agreements.c.company_id).where(agreements.c.agreement_id.in_(wanted))
    return {row["agreement_id"]: row["company_id"] for row in fetch(view, query)}
