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

from sqlalchemy import ColumnElement, FromClause, Select, Subquery, Table, and_, false, func, null, select, true

from projections.base import View
from projections.leads import leads
from projections.outreach_tables import companies, company_counts
from projections.reading import fetch_rows
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
    """Within this block the figures share what they read (the companies in scope, the funnel), so a page
    of a dozen figures reads each once; outside it every figure reads afresh."""
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
    first_by, joined = _with_first_lead()
    query = (
        select(
            companies.c.company_id,
            companies.c.owner_id,
            users.c.department,
            companies.c.arena,
            companies.c.strategy,
            companies.c.industry,
            companies.c.size_band,
            first_by,
            companies.c.source_partner_id,
            companies.c.stage,
            companies.c.next_follow_up,
        )
        .select_from(joined)
        .where(*_conditions(criteria, first_by))
    )
    found = {}
    for company_id, owner, department, arena, strategy, industry, size, lead_by, partner, stage, due in fetch_rows(
        view, query
    ):
        found[company_id] = CompanyFacts(
            company_id=company_id,
            owner_id=owner,
            department=department,
            arena=arena or NO_VALUE,
            strategy=strategy or NO_VALUE,
            industry=industry,
            size_band=size or NO_VALUE,
            source=source_of(lead_by, partner),
            stage=stage,
            next_follow_up=due,
        )
    return found


def filtered(criteria: ReportCriteria) -> bool:
    """True when the criteria select companies (by owner, department or a dimension), not every one."""
    return any(getattr(criteria, name) is not None for name in ("recruiter", "department", *DIMENSIONS))


def scope_ids(criteria: ReportCriteria) -> Select[Any]:
    """The ids of the companies the filters select, as a subquery: the figures over attempts and stage
    entries filter on it in the database instead of reading every row and testing it here."""
    first_by, joined = _joined(criteria)
    return select(companies.c.company_id).select_from(joined).where(*_conditions(criteria, first_by))


def within_scope(company_id: ColumnElement[Any], criteria: ReportCriteria) -> ColumnElement[bool]:
    """The condition that the company is one the filters select: none without filters, so a figure over
    the period's rows reads those rows and not every company as well."""
    return company_id.in_(scope_ids(criteria)) if filtered(criteria) else true()


def in_scope(criteria: ReportCriteria, dimension: str | None = None) -> Subquery:
    """The companies the filters select, as a subquery: company_id and, with a dimension (or "size_band"),
    the columns its value is made of: `value`, or for the source `lead_by` and `partner` (see `value_of`)."""
    first_by, joined = _joined(criteria, first_lead=dimension == "source")
    values: dict[str, list[ColumnElement[Any]]] = {
        "arena": [_or_none(companies.c.arena).label("value")],
        "strategy": [_or_none(companies.c.strategy).label("value")],
        "industry": [companies.c.industry.label("value")],
        "size_band": [_or_none(companies.c.size_band).label("value")],
        "source": [first_by.label("lead_by"), companies.c.source_partner_id.label("partner")],
    }
    columns = values[dimension] if dimension is not None else []
    return (
        select(companies.c.company_id, *columns)
        .select_from(joined)
        .where(*_conditions(criteria, first_by))
        .subquery("in_scope")
    )


def value_of(dimension: str | None, columns: tuple[Any, ...]) -> str:
    """A dimension's value from the columns `in_scope` gives for it ("" for no dimension)."""
    if dimension is None:
        return ""
    if dimension == "source":
        return source_of(*columns)
    value: str = columns[0]
    return value


def _or_none(column: ColumnElement[Any]) -> ColumnElement[Any]:
    """The column as `CompanyFacts` reads it: no value (or an empty one) is "none"."""
    return func.coalesce(func.nullif(column, ""), NO_VALUE)


def _joined(criteria: ReportCriteria, first_lead: bool = False) -> tuple[ColumnElement[Any], FromClause]:
    """The companies, with their owner's department when filtered by it, and with who first shared each as
    a lead when `first_lead` or filtered by source (ranking every lead costs what the leads are)."""
    if first_lead or criteria.source is not None:
        return _with_first_lead()
    joined = companies.outerjoin(users, users.c.user_id == companies.c.owner_id)
    return null(), joined if criteria.department is not None else companies


def _with_first_lead() -> tuple[ColumnElement[Any], FromClause]:
    """Who first shared each company as a lead (NULL for none), beside its owner's department."""
    ranked = select(
        leads.c.company_id,
        leads.c.shared_by,
        func.row_number()
        .over(partition_by=leads.c.company_id, order_by=(leads.c.shared_at, leads.c.lead_id))
        .label("n"),
    ).subquery("ranked_leads")
    first = select(ranked.c.company_id, ranked.c.shared_by).where(ranked.c.n == 1).subquery("first_leads")
    joined = companies.outerjoin(users, users.c.user_id == companies.c.owner_id).outerjoin(
        first, first.c.company_id == companies.c.company_id
    )
    return first.c.shared_by, joined


def counted_scope(criteria: ReportCriteria) -> tuple[FromClause, list[ColumnElement[bool]]] | None:
    """The outreach view's counters of companies (rm_company_counts) the filters select, and the conditions
    that select them: a figure over where the companies stand now reads a few hundred counters instead of
    every company. None when filtered by source, which the counters do not keep."""
    if criteria.source is not None:
        return None
    joined: FromClause = company_counts
    if criteria.department is not None:
        joined = company_counts.outerjoin(users, users.c.user_id == company_counts.c.owner_id)
    return joined, _conditions(criteria, null(), company_counts)


def values_in_scope(view: View, criteria: ReportCriteria, dimension: str | None) -> set[str]:
    """The values of the dimension that the companies in scope have ("" for no dimension)."""
    if dimension is None:
        return {""}
    counted = counted_scope(criteria)
    if counted is not None and dimension != "source":
        joined, conditions = counted
        column = company_counts.c[dimension]
        value = column if dimension == "industry" else _or_none(column)
        return {row[0] for row in fetch_rows(view, select(value).distinct().select_from(joined).where(*conditions))}
    scoped = in_scope(criteria, dimension)
    columns = [column for column in scoped.c if column.key != "company_id"]
    return {value_of(dimension, tuple(row)) for row in fetch_rows(view, select(*columns).distinct())}


def _conditions(
    criteria: ReportCriteria, first_by: ColumnElement[Any], table: Table = companies
) -> list[ColumnElement[bool]]:
    """The filters as SQL, each as `CompanyFacts` reads its value (no arena or strategy reads as "none"), on the
    companies or on their counters (the same column names; the counters take no filter by source)."""
    found: list[ColumnElement[bool]] = []
    if criteria.recruiter is not None:
        found.append(table.c.owner_id == criteria.recruiter)
    if criteria.department is not None:
        found.append(users.c.department == criteria.department)
    for column, value in ((table.c.arena, criteria.arena), (table.c.strategy, criteria.strategy)):
        if value is not None:
            found.append(_or_none(column) == value)
    if criteria.industry is not None:
        found.append(table.c.industry == criteria.industry)
    if criteria.source is not None:
        found.append(_source_condition(criteria.source, first_by))
    return found


def _source_condition(source: str, first_by: ColumnElement[Any]) -> ColumnElement[bool]:
    """`source_of` turned round: the companies whose source is `source`; none for a value it never gives."""
    partner = companies.c.source_partner_id
    if source == NO_VALUE:
        return and_(first_by.is_(None), partner.is_(None))
    kind, _sep, rest = source.partition(":")
    try:
        ident = UUID(rest)
    except ValueError:
        return false()
    if str(ident) != rest:
        return false()
    if kind == "consultant":
        return first_by == ident
    if kind == "partner":
        return and_(first_by.is_(None), partner == ident)
    return false()
