"""The funnel: companies reaching each stage in a period, the conversion between stages, the days between them."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from projections.base import View
from projections.reports.paths import FUNNEL_STAGES, Round, rounds_in_scope
from projections.reports.scope import DIMENSIONS, CompanyFacts, ReportCriteria, Spread, companies_in_scope, spread


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


def funnel(view: View, criteria: ReportCriteria) -> list[FunnelStage]:
    """The funnel of every company the criteria select."""
    return _funnel(rounds_in_scope(view, criteria), criteria)


def funnel_by(view: View, criteria: ReportCriteria, dimension: str) -> list[FunnelGroup]:
    """The funnel per value of a dimension (arena, strategy, industry, source), values in order."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"no dimension {dimension!r}; there are {', '.join(DIMENSIONS)}")
    scope = companies_in_scope(view, criteria)
    rounds = rounds_in_scope(view, criteria)
    groups: dict[str, dict[UUID, list[Round]]] = {}
    for company_id, facts in scope.items():
        groups.setdefault(_value(facts, dimension), {})[company_id] = rounds.get(company_id, [])
    return [FunnelGroup(value, _funnel(groups[value], criteria)) for value in sorted(groups)]


def _value(facts: CompanyFacts, dimension: str) -> str:
    value: str = getattr(facts, dimension)
    return value


def _funnel(rounds: dict[UUID, list[Round]], criteria: ReportCriteria) -> list[FunnelStage]:
    stages = []
    previous: int | None = None
    for index, stage in enumerate(FUNNEL_STAGES):
        reached = sum(any(criteria.within(r.reached[index]) for r in company) for company in rounds.values())
        days = (
            spread([d for company in rounds.values() for r in company for d in _days(r, index, criteria)])
            if index
            else None
        )
        conversion = reached / previous if previous else None
        stages.append(FunnelStage(stage, reached, conversion, days))
        previous = reached
    return stages


def _days(round_: Round, index: int, criteria: ReportCriteria) -> list[int]:
    before, after = round_.steps[index - 1]
    if before is None or after is None or not criteria.within(after):
        return []
    return [(after - before).days]
