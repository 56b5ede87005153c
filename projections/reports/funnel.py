"""The funnel: companies reaching each stage in a period, the conversion between stages, the days between them.

Counted in the database from each company round's summary (paths.py): a page reads a count per value
and stage, and how many rounds took each pair of days for each step, not a row per company.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, literal_column, select, union_all

from crm.vocabulary import CONTACTED, PARTNER
from projections.base import View
from projections.reading import fetch_rows
from projections.reports.paths import FUNNEL_STAGES, reached_per_company, rounds_query
from projections.reports.scope import (
    DIMENSIONS,
    ReportCriteria,
    Spread,
    in_scope,
    shared,
    spread,
    value_of,
    values_in_scope,
)


@dataclass(frozen=True)
class FunnelStage:
    """`companies`: how many reached the stage in the period (in any round); `conversion`: their share of
    the previous stage's (None for the first stage or when it had none); `days`: the days from first
    entering the previous stage to first entering this one, in rounds that entered both, this one in the period."""

    stage: str
    companies: int
    conversion: float | None
    days: Spread | None


@dataclass(frozen=True)
class FunnelGroup:
    """The funnel of the companies with one value of a dimension."""

    value: str
    stages: list[FunnelStage]


@dataclass
class _Tally:
    reached: list[int] = field(default_factory=lambda: [0] * len(FUNNEL_STAGES))
    days: list[Counter[int]] = field(default_factory=lambda: [Counter() for _ in FUNNEL_STAGES])


def funnel(view: View, criteria: ReportCriteria) -> list[FunnelStage]:
    """The funnel of every company the criteria select."""
    return shared("funnel", view, criteria, lambda: _funnels(view, criteria, None)[0].stages)


def funnel_by(view: View, criteria: ReportCriteria, dimension: str) -> list[FunnelGroup]:
    """The funnel per value of a dimension (arena, strategy, industry, source), values in order."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"no dimension {dimension!r}; there are {', '.join(DIMENSIONS)}")
    return _funnels(view, criteria, dimension)


def reach_by(view: View, criteria: ReportCriteria, dimension: str) -> list[tuple[str, int, int]]:
    """Per value of a dimension (or "size_band"), values in order: the companies that were contacted in
    the period (in any round), and how many of them became partners in the period."""
    scoped = in_scope(criteria, dimension)
    reached = reached_per_company(criteria)
    values = [column for column in scoped.c if column.key != "company_id"]
    contacted = reached.c[f"reached_{FUNNEL_STAGES.index(CONTACTED)}"]
    partner = reached.c[f"reached_{FUNNEL_STAGES.index(PARTNER)}"]
    query = (
        select(*values, func.count(), func.sum(partner))
        .select_from(scoped.join(reached, reached.c.company_id == scoped.c.company_id))
        .where(contacted == 1)
        .group_by(*values)
    )
    found: Counter[tuple[str, bool]] = Counter()
    for row in fetch_rows(view, query):
        value = value_of(dimension, row[: len(values)])
        found[(value, False)] += row[-2]
        found[(value, True)] += row[-1]
    return [(value, found[(value, False)], found[(value, True)]) for value in sorted({v for v, _ in found})]


def _funnels(view: View, criteria: ReportCriteria, dimension: str | None) -> list[FunnelGroup]:
    scoped = in_scope(criteria, dimension)
    values = [column for column in scoped.c if column.key != "company_id"]
    width = len(values)
    # Every value in scope has its funnel, zeros included; the counts come from the period's rounds alone.
    tallies = {value: _Tally() for value in values_in_scope(view, criteria, dimension)}
    reached = reached_per_company(criteria)
    counts = (
        select(*values, *(func.coalesce(func.sum(reached.c[f"reached_{i}"]), 0) for i in range(len(FUNNEL_STAGES))))
        .select_from(reached.join(scoped, scoped.c.company_id == reached.c.company_id))
        .group_by(*values)
    )
    for found in fetch_rows(view, counts):
        tally = tallies.setdefault(value_of(dimension, found[:width]), _Tally())
        tally.reached = [a + b for a, b in zip(tally.reached, found[width:], strict=True)]
    for step in fetch_rows(view, _steps(criteria, scoped, values)):
        before, after, rounds = step[1 + width :]
        tallies[value_of(dimension, step[1 : 1 + width])].days[step[0]][_days(before, after)] += rounds
    return [FunnelGroup(value, _stages(tallies[value])) for value in sorted(tallies)]


def _steps(criteria: ReportCriteria, scoped: Any, values: list[Any]) -> Any:
    """For each step of the funnel into a stage entered in the period: per value, how many rounds first
    entered the stage before on one day and this stage on another."""
    rounds = rounds_query(criteria).cte("rounds")
    return union_all(
        *(
            # The step by its position, a constant in the statement (a parameter would need a type).
            select(literal_column(str(i)), *values, rounds.c[f"from_{i}"], rounds.c[f"to_{i}"], func.count())
            .select_from(scoped.join(rounds, rounds.c.company_id == scoped.c.company_id))
            .where(rounds.c[f"to_{i}"].between(criteria.start, criteria.end))
            .group_by(*values, rounds.c[f"from_{i}"], rounds.c[f"to_{i}"])
            for i in range(1, len(FUNNEL_STAGES))
        )
    )


def _days(before: date, after: date) -> int:
    return (after - before).days


def _stages(tally: _Tally) -> list[FunnelStage]:
    stages = []
    previous: int | None = None
    for index, stage in enumerate(FUNNEL_STAGES):
        reached = tally.reached[index]
        days = spread(sorted(tally.days[index].elements())) if index else None
        stages.append(FunnelStage(stage, reached, reached / previous if previous else None, days))
        previous = reached
    return stages
