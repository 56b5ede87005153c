"""Pipeline queries over the outreach read model: counts, the board, stalled companies."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Select, func, select

from crm.companies import IN_OUTREACH, STAGES
from projections.outreach import OutreachView, companies

FILTERS = ("owner_id", "industry", "arena", "strategy")


def _filtered(query: Select, filters: dict[str, Any]) -> Select:
    for name in FILTERS:
        value = filters.get(name)
        if value:
            query = query.where(companies.c[name] == value)
    return query


def stage_counts(view: OutreachView, **filters: Any) -> dict[str, int]:
    """How many companies stand at each stage (every stage listed, zeros included)."""
    query = _filtered(select(companies.c.stage, func.count()).group_by(companies.c.stage), filters)
    with view.transaction(commit=False) as session:
        found = dict(session.execute(query).all())
    return {stage: found.get(stage, 0) for stage in STAGES}


def counts_by(view: OutreachView, dimension: str, **filters: Any) -> list[dict[str, Any]]:
    """Companies per value of one dimension (owner, industry, arena, strategy) and stage."""
    column = companies.c[dimension]
    query = _filtered(
        select(column.label("value"), companies.c.stage, func.count().label("count")).group_by(
            column, companies.c.stage
        ),
        filters,
    )
    with view.transaction(commit=False) as session:
        return [dict(row._mapping) for row in session.execute(query.order_by(column, companies.c.stage))]


def board(view: OutreachView, today: date, per_stage: int = 50, **filters: Any) -> dict[str, dict[str, Any]]:
    """The board: per stage, its count and the companies longest in that stage first, with their age in days."""
    counts = stage_counts(view, **filters)
    columns: dict[str, dict[str, Any]] = {}
    with view.transaction(commit=False) as session:
        for stage in STAGES:
            query = _filtered(
                select(
                    companies.c.company_id,
                    companies.c.name,
                    companies.c.version,
                    companies.c.owner_id,
                    companies.c.stage_since,
                    companies.c.next_follow_up,
                    companies.c.last_outcome,
                    companies.c.attempts_in_round,
                )
                .where(companies.c.stage == stage)
                .order_by(companies.c.stage_since, companies.c.name)
                .limit(per_stage),
                filters,
            )
            rows = [dict(row._mapping) for row in session.execute(query)]
            for row in rows:
                row["days_in_stage"] = (today - row["stage_since"].date()).days
            columns[stage] = {"count": counts[stage], "companies": rows}
    return columns


def _stalled_where(today: date, days: int, owner_id: UUID | None) -> list:
    where = [companies.c.stage.in_(IN_OUTREACH), companies.c.last_touched_on < today - timedelta(days=days)]
    if owner_id is not None:
        where.append(companies.c.owner_id == owner_id)
    return where


def stalled(
    view: OutreachView, today: date, days: int = 14, owner_id: UUID | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
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
        .order_by(companies.c.last_touched_on, companies.c.name)
        .limit(limit)
    )
    with view.transaction(commit=False) as session:
        rows = [dict(row._mapping) for row in session.execute(query)]
    for row in rows:
        row["days_without_attempt"] = (today - row["last_touched_on"]).days
    return rows


def count_stalled(view: OutreachView, today: date, days: int = 14, owner_id: UUID | None = None) -> int:
    with view.transaction(commit=False) as session:
        return session.execute(
            select(func.count()).select_from(companies).where(*_stalled_where(today, days, owner_id))
        ).scalar_one()
