"""Pipeline queries over the outreach read model: counts, the board, stalled companies."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, TypedDict, cast
from uuid import UUID

from sqlalchemy import ColumnElement, Select, bindparam, case, func, select, union_all

from crm.vocabulary import IN_OUTREACH, STAGES
from projections.outreach_tables import companies, company_counts
from projections.outreach_view import OutreachView
from projections.reading import capped_count, fetch

FILTERS = ("owner_id", "industry", "arena", "strategy")
DIMENSIONS = FILTERS


class Card(TypedDict):
    """A company on the board, with the days it has stood at its stage."""

    company_id: UUID
    name: str
    version: int
    owner_id: UUID | None
    stage: str
    stage_since: datetime
    next_follow_up: date | None
    last_outcome: str | None
    attempts_in_round: int
    agreement_id: UUID | None
    days_in_stage: int


class BoardColumn(TypedDict):
    count: int
    companies: list[Card]


class Count(TypedDict):
    value: Any
    stage: str
    count: int


class StalledRow(TypedDict):
    company_id: UUID
    name: str
    stage: str
    owner_id: UUID | None
    last_attempt_on: date | None
    last_touched_on: date
    days_without_attempt: int


CARD = (
    companies.c.company_id,
    companies.c.name,
    companies.c.version,
    companies.c.owner_id,
    companies.c.stage,
    companies.c.stage_since,
    companies.c.next_follow_up,
    companies.c.last_outcome,
    companies.c.attempts_in_round,
    companies.c.agreement_id,
)


def _filtered(query: Select, filters: dict[str, Any], table: Any = companies) -> Select:
    """The query narrowed to the filters given, on the companies or on their counters (same column names)."""
    for name in FILTERS:
        value = filters.get(name)
        if value:
            query = query.where(table.c[name] == value)
    return query


def _counted(query: Select, filters: dict[str, Any]) -> Select:
    return _filtered(query, filters, company_counts)


COUNTED_COMPANIES = func.sum(company_counts.c.companies).label("count")


def stage_counts(view: OutreachView, **filters: Any) -> dict[str, int]:
    """How many companies stand at each stage (every stage listed, zeros included), from the counters."""
    query = _counted(select(company_counts.c.stage, COUNTED_COMPANIES).group_by(company_counts.c.stage), filters)
    found = {row["stage"]: int(row["count"]) for row in fetch(view, query)}
    return {stage: found.get(stage, 0) for stage in STAGES}


def counts_by(view: OutreachView, dimension: str, **filters: Any) -> list[Count]:
    """Companies per value of one dimension (owner_id, industry, arena, strategy) and stage."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"no dimension {dimension!r}; there are {', '.join(DIMENSIONS)}")
    column = company_counts.c[dimension]
    query = _counted(
        select(column.label("value"), company_counts.c.stage, COUNTED_COMPANIES).group_by(
            column, company_counts.c.stage
        ),
        filters,
    )
    rows = fetch(view, query.order_by(column, company_counts.c.stage))
    for row in rows:
        row["count"] = int(row["count"])
    return cast(list[Count], rows)


def _aged(row: dict[str, Any], today: date) -> Card:
    row["days_in_stage"] = (today - row["stage_since"].date()).days
    return cast(Card, row)


def board(view: OutreachView, today: date, per_stage: int = 50, **filters: Any) -> dict[str, BoardColumn]:
    """The board: per stage, its count and the companies longest in that stage first, with their age in days."""
    counts = stage_counts(view, **filters)
    columns: dict[str, BoardColumn] = {stage: {"count": counts[stage], "companies": []} for stage in STAGES}
    given = {name: filters[name] for name in FILTERS if filters.get(name)}
    for row in fetch(view, _board_cards(per_stage, tuple(given)), given):
        columns[row["stage"]]["companies"].append(_aged(row, today))
    return columns


@lru_cache(maxsize=64)
def _board_cards(per_stage: int, filtered: tuple[str, ...]) -> Select:
    """Every column's first cards in one statement (a column's own query each, put together), over bound
    parameters named as the filters: one round trip for the board, not one per stage."""
    order = (companies.c.stage_since, companies.c.name, companies.c.company_id)
    columns = []
    for stage in STAGES:
        query = select(*CARD).where(
            companies.c.stage == stage, *(companies.c[name] == bindparam(name) for name in filtered)
        )
        columns.append(query.order_by(*order).limit(per_stage).subquery().select())
    cards = union_all(*columns).subquery()
    column_order = case({stage: position for position, stage in enumerate(STAGES)}, value=cards.c.stage)
    return select(*(cards.c[c.name] for c in CARD)).order_by(
        column_order, cards.c.stage_since, cards.c.name, cards.c.company_id
    )


def card(view: OutreachView, company_id: UUID, today: date) -> Card | None:
    """One company's card, wherever it stands (also outside the filters and the columns' first cards)."""
    found = fetch(view, select(*CARD).where(companies.c.company_id == company_id))
    return _aged(found[0], today) if found else None


def _stalled_where(today: date, days: int, owner_id: UUID | None) -> list[ColumnElement[bool]]:
    where = [companies.c.stage.in_(IN_OUTREACH), companies.c.last_touched_on < today - timedelta(days=days)]
    if owner_id is not None:
        where.append(companies.c.owner_id == owner_id)
    return where


def stalled(
    view: OutreachView, today: date, days: int = 14, owner_id: UUID | None = None, limit: int | None = None
) -> list[StalledRow]:
    """Companies in outreach with no attempt for `days` days (or none since they were registered), longest first."""
    query = (
        select(
            companies.c.company_id,
            companies.c.name,
            companies.c.stage,
            companies.c.owner_id,
            companies.c.last_attempt_on,
            companies.c.last_touched_on,
        )
        .where(*_stalled_where(today, days, owner_id))
        .order_by(companies.c.last_touched_on, companies.c.name, companies.c.company_id)
        .limit(limit)
    )
    rows = fetch(view, query)
    for row in rows:
        row["days_without_attempt"] = (today - row["last_touched_on"]).days
    return cast(list[StalledRow], rows)


def count_stalled(
    view: OutreachView, today: date, days: int = 14, owner_id: UUID | None = None, cap: int | None = None
) -> int:
    """How many companies `stalled` would list without a limit; with `cap`, counting stops after cap + 1."""
    return capped_count(view, select(companies.c.company_id).where(*_stalled_where(today, days, owner_id)), cap)
