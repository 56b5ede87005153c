"""Leads read model: the recruiters' inbox of shared leads, and each consultant's leads with what came of them.

The company's stage and attempts come from rm_companies (projections/outreach.py)
by an outer join, so a lead still shows while the outreach view lags behind.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import singledispatchmethod
from typing import Any, TypedDict, cast
from uuid import UUID

from eventsourcing.persistence import Tracking
from eventsourcing.utils import get_topic
from sqlalchemy import Column, DateTime, Index, Integer, String, Table, Text, Uuid, case, func, select

from crm.clock import local_date
from crm.leads import Lead
from projections.base import CrmProjection, View
from projections.outreach_tables import companies
from projections.reading import fetch
from projections.schema import metadata, utc_naive

leads = Table(
    "rm_leads",
    metadata,
    Column("lead_id", Uuid, primary_key=True),
    Column("company_id", Uuid, nullable=False),
    Column("shared_by", Uuid, nullable=False),
    Column("shared_at", DateTime, nullable=False),
    Column("lead_reason", Text, nullable=False),
    Column("suggested_contact_id", Uuid),
    Column("suggested_role", String(40)),
    Column("urgency", String(16), nullable=False),
    Column("arena", String(32)),
    Column("strategy", String(16)),
    Column("source_partner_id", Uuid),
    Column("status", String(16), nullable=False),
    Column("claimed_by", Uuid),
    Column("decided_at", DateTime),
    Column("decline_reason", Text),
    Column("started_attempt_id", Uuid),
    Column("version", Integer, nullable=False),
    Index("rm_leads_status", "status", "urgency", "shared_at"),
    Index("rm_leads_shared_by", "shared_by", "shared_at"),
    Index("rm_leads_company", "company_id"),
)

URGENCY_RANK = {"high": 0, "normal": 1, "low": 2}


class LeadRow(TypedDict):
    """A lead with its company's name, stage and attempts (None while the outreach view lags behind).

    `shared_on` is the Danish day it was shared; `age_days` the days since then, when a day was given.
    """

    lead_id: UUID
    company_id: UUID
    shared_by: UUID
    shared_at: datetime
    lead_reason: str
    suggested_contact_id: UUID | None
    suggested_role: str | None
    urgency: str
    arena: str | None
    strategy: str | None
    source_partner_id: UUID | None
    status: str
    claimed_by: UUID | None
    decided_at: datetime | None
    decline_reason: str | None
    started_attempt_id: UUID | None
    version: int
    company_name: str | None
    stage: str | None
    attempts_in_round: int | None
    agreement_id: UUID | None
    shared_on: date
    age_days: int | None


def shared_on(shared_at: datetime) -> date:
    """The Danish calendar day a lead was shared on (shared_at is naive UTC)."""
    return local_date(shared_at.replace(tzinfo=UTC))


class LeadsView(View):
    name = "leads"
    view_tables = (leads,)
    reads_also = ("outreach",)  # the company's stage and attempts beside each lead

    def add_lead(self, event: Lead.Shared) -> None:
        with self.transaction(commit=True) as session:
            session.execute(
                leads.insert().values(
                    lead_id=event.originator_id,
                    company_id=event.company_id,
                    shared_by=event.shared_by,
                    shared_at=utc_naive(event.timestamp),
                    lead_reason=event.lead_reason,
                    suggested_contact_id=event.suggested_contact_id,
                    suggested_role=event.suggested_role,
                    urgency=event.urgency,
                    arena=event.arena,
                    strategy=event.strategy,
                    source_partner_id=event.source_partner_id,
                    status="open",
                    version=event.originator_version,
                )
            )

    def update_lead(self, event: Any, **values: Any) -> None:
        """Apply changed columns and the lead's new version."""
        with self.transaction(commit=True) as session:
            session.execute(
                leads.update()
                .where(leads.c.lead_id == event.originator_id)
                .values(version=event.originator_version, **values)
            )

    def inbox(self, today: date, status: str | None = "open", limit: int | None = None) -> list[LeadRow]:
        """Leads for the recruiters: open ones first, most urgent and then oldest first, so none waits forever.

        Decided leads (when `status` is None, "claimed" or "declined") follow, latest decision first.
        Each row carries `age_days`, the days from the Danish day it was shared until `today`;
        `limit` gives the first ones only (`count_inbox` says how many there are).
        """
        is_open = leads.c.status == "open"
        query = self._with_company().order_by(
            case((is_open, 0), else_=1),
            case((is_open, case(URGENCY_RANK, value=leads.c.urgency, else_=len(URGENCY_RANK))), else_=0),
            case((is_open, leads.c.shared_at)),
            leads.c.decided_at.desc(),
            leads.c.shared_at.desc(),
            leads.c.lead_id,
        )
        if status is not None:
            query = query.where(leads.c.status == status)
        return self._fetch(query.limit(limit), today)

    def count_inbox(self, status: str | None = "open") -> int:
        """How many leads `inbox` lists for the status (None: every lead)."""
        query = select(func.count().label("count")).select_from(leads)
        if status is not None:
            query = query.where(leads.c.status == status)
        return int(fetch(self, query)[0]["count"])

    def shared_by(
        self, user_id: UUID, today: date | None = None, limit: int | None = None, offset: int = 0
    ) -> list[LeadRow]:
        """One consultant's leads, newest first, with the company's current stage and attempts; with `limit`,
        that many from `offset` (`count_shared_by` says how many there are)."""
        query = (
            self._with_company().where(leads.c.shared_by == user_id).order_by(leads.c.shared_at.desc(), leads.c.lead_id)
        )
        return self._fetch(query.limit(limit).offset(offset or None), today)

    def count_shared_by(self, user_id: UUID) -> int:
        """How many leads the consultant has shared."""
        query = select(func.count().label("count")).select_from(leads).where(leads.c.shared_by == user_id)
        return int(fetch(self, query)[0]["count"])

    def lead(self, lead_id: UUID, today: date | None = None) -> LeadRow | None:
        """One lead with its company's current stage, or None."""
        found = self._fetch(self._with_company().where(leads.c.lead_id == lead_id), today)
        return found[0] if found else None

    def of_company(self, company_id: UUID, today: date | None = None) -> list[LeadRow]:
        """The leads shared about one company, newest first."""
        query = (
            self._with_company()
            .where(leads.c.company_id == company_id)
            .order_by(leads.c.shared_at.desc(), leads.c.lead_id)
        )
        return self._fetch(query, today)

    def _with_company(self) -> Any:
        return select(
            leads,
            companies.c.name.label("company_name"),
            companies.c.stage,
            companies.c.attempts_in_round,
            companies.c.agreement_id,
        ).select_from(leads.outerjoin(companies, companies.c.company_id == leads.c.company_id))

    def _fetch(self, query: Any, today: date | None) -> list[LeadRow]:
        rows = fetch(self, query)
        for row in rows:
            row["shared_on"] = shared_on(row["shared_at"])
            row["age_days"] = (today - row["shared_on"]).days if today is not None else None
        return cast(list[LeadRow], rows)


class LeadsProjection(CrmProjection[LeadsView]):
    name = "leads"
    view_class = LeadsView
    topics = tuple(get_topic(cls) for cls in (Lead.Shared, Lead.Claimed, Lead.Declined, Lead.OutreachStarted))

    @singledispatchmethod
    def process_event(self, event: Any, tracking: Tracking) -> None:
        """Not ours: the runner advances the position."""

    @process_event.register
    def shared(self, event: Lead.Shared, tracking: Tracking) -> None:
        self.view.add_lead(event)

    @process_event.register
    def claimed(self, event: Lead.Claimed, tracking: Tracking) -> None:
        self.view.update_lead(
            event, status="claimed", claimed_by=event.claimed_by, decided_at=utc_naive(event.timestamp)
        )

    @process_event.register
    def declined(self, event: Lead.Declined, tracking: Tracking) -> None:
        self.view.update_lead(
            event, status="declined", decline_reason=event.decline_reason, decided_at=utc_naive(event.timestamp)
        )

    @process_event.register
    def outreach_started(self, event: Lead.OutreachStarted, tracking: Tracking) -> None:
        self.view.update_lead(event, started_attempt_id=event.attempt_id)
