"""What a report is asked for (a period and filters), and the companies it covers with their dimensions."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy import select

from projections.base import View
from projections.leads import leads
from projections.outreach_tables import companies
from projections.reading import fetch
from projections.users import users

T = TypeVar("T")

# What the figures of one page have read, while `read_once` is in force: (what, view, criteria) -> rows.
_read: ContextVar[dict[tuple[str, int, ReportCriteria], Any] | None] = ContextVar("report_reads", default=None)

# The dimensions a report may be split by, and filtered on (with the recruiter and the department).
DIMENSIONS = ("arena", "strategy", "industry", "source")
NO_VALUE = "none"


@dataclass(frozen=True)
class ReportCriteria:
    """A period (both days included), the day the report is read on, and optional filters.

    `recruiter` and `department` select companies by their owner (and attempts by who made them);
    `source` is "consultant:<user id>", "partner:<partner id>" or "none" (see `source_of`).
    """

    start: date
    end: date
    today: date
    recruiter: UUID | None = None
    department: str | None = None
    arena: str | None = None
    strategy: str | None = None
    industry: str | None = None
    source: str | None = None

    def within(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end


@dataclass(frozen=True)
class CompanyFacts:
    company_id: UUID
    owner_id: UUID | None
    department: str | None
    arena: str
    strategy: str
    industry: str
    size_band: str
    source: str
    stage: str
    next_follow_up: date | None


@dataclass(frozen=True)
class Spread:
    """A distribution of day counts or attempt counts: how many, the median and the quartiles, the extremes."""

    count: int
    median: float
    lower_quartile: float
    upper_quartile: float
    minimum: int
    maximum: int


def spread(values: list[int]) -> Spread | None:
    """The spread of the values (quartiles by the inclusive method), or None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    # One value has no quartiles of its own: they are the value.
    single = len(ordered) == 1
    quartiles = [float(ordered[0])] * 3 if single else statistics.quantiles(ordered, n=4, method="inclusive")
    return Spread(len(ordered), statistics.median(ordered), quartiles[0], quartiles[2], ordered[0], ordered[-1])


def source_of(first_lead_by: UUID | None, source_partner_id: UUID | None) -> str:
    """Where a company came from: the consultant who first shared it as a lead, else its channel partner."""
    if first_lead_by is not None:
        return f"consultant:{first_lead_by}"
    if source_partner_id is not None:
        return f"partner:{source_partner_id}"
    return NO_VALUE


@contextmanager
def read_once() -> Iterator[None]:
    """Within this block the figures share what they read (the companies in scope, their rounds, their
    attempts), so a page of a dozen figures reads each once; outside it every figure reads afresh."""
    token = _read.set({})
    try:
        yield
    finally:
        _read.reset(token)


def shared(what: str, view: View, criteria: ReportCriteria, read: Callable[[], T]) -> T:
    """`read()`, or what it gave for the same view and criteria earlier in this `read_once` block. The
    view object is alive for the whole block, so its id() names it; what is shared is never changed."""
    memo = _read.get()
    if memo is None:
        return read()
    key = (what, id(view), criteria)
    if key not in memo:
        memo[key] = read()
    result: T = memo[key]
    return result


def companies_in_scope(view: View, criteria: ReportCriteria) -> dict[UUID, CompanyFacts]:
    """Every company the filters select, with the values of its dimensions (None read as "none")."""
    return shared("companies", view, criteria, lambda: _companies_in_scope(view, criteria))


def _companies_in_scope(view: View, criteria: ReportCriteria) -> dict[UUID, CompanyFacts]:
    query = select(
        companies.c.company_id,
        companies.c.owner_id,
        users.c.department,
        companies.c.arena,
        companies.c.strategy,
        companies.c.industry,
        companies.c.size_band,
        companies.c.source_partner_id,
        companies.c.stage,
        companies.c.next_follow_up,
    ).select_from(companies.outerjoin(users, users.c.user_id == companies.c.owner_id))
    first_lead: dict[UUID, UUID] = {}
    for lead in fetch(view, select(leads.c.company_id, leads.c.shared_by).order_by(leads.c.shared_at.desc())):
        first_lead[lead["company_id"]] = lead["shared_by"]  # the earliest is written last
    found = {}
    for row in fetch(view, query):
        facts = CompanyFacts(
            company_id=row["company_id"],
            owner_id=row["owner_id"],
            department=row["department"],
            arena=row["arena"] or NO_VALUE,
            strategy=row["strategy"] or NO_VALUE,
            industry=row["industry"],
            size_band=row["size_band"] or NO_VALUE,
            source=source_of(first_lead.get(row["company_id"]), row["source_partner_id"]),
            stage=row["stage"],
            next_follow_up=row["next_follow_up"],
        )
        if selected(facts, criteria):
            found[facts.company_id] = facts
    return found


def selected(facts: CompanyFacts, criteria: ReportCriteria) -> bool:
    wanted: dict[str, Any] = {
        "owner_id": criteria.recruiter,
        "department": criteria.department,
        "arena": criteria.arena,
        "strategy": criteria.strategy,
        "industry": criteria.industry,
        "source": criteria.source,
    }
    return all(value is None or getattr(facts, name) == value for name, value in wanted.items())
