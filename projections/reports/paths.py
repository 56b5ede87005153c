"""Each company's path as rounds of stage entries, each summed up in a row the reports view keeps.

A round runs from registering (or re-approaching, both entering "identified") to the next re-approach.
The figures need of each round only a few days: when it first reached each funnel stage (or one beyond
it: skipping counts as passing), when it was given up, and for each step of the funnel the first entry
into the stage before and the first entry into the stage after it. The view works these out as the
entries come in (`summed_up`), so a page reads one row per company round, and orders no entries.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, Subquery, case, func, select

from projections.reports.scope import ReportCriteria, within_scope
from projections.reports.tables import FUNNEL_STAGES, GIVEN_UP, report_rounds, stage_entries

__all__ = ("FUNNEL_STAGES", "GIVEN_UP", "entered_in_period", "reached_per_company", "rounds_query")


def rounds_query(criteria: ReportCriteria) -> Select[Any]:
    """One row per round of the companies in scope that entered a stage in the period: company_id, number,
    reached_<stage> for each funnel stage, given_up, and from_<i>/to_<i> for each step i of the funnel (1 to 4),
    as the reports view keeps them.

    A round that reached a stage, or took a step, in the period entered that stage in the period, so the
    rounds of the companies with a stage entry in the period (found by its day's index) are all the figures
    over the period need: a page reads as many rounds as the period holds, not every company's."""
    r = report_rounds.c
    return select(report_rounds).where(
        r.company_id.in_(entered_in_period(criteria)), within_scope(r.company_id, criteria)
    )


def entered_in_period(criteria: ReportCriteria) -> Select[Any]:
    """The companies with a stage entry in the period (a company once per entry), by the entries' day index."""
    return select(stage_entries.c.company_id).where(stage_entries.c.entered_on.between(criteria.start, criteria.end))


def reached_per_company(criteria: ReportCriteria) -> Subquery:
    """Per company in scope with a round that entered a stage in the period: `reached_<i>` is 1 when one of
    its rounds first reached FUNNEL_STAGES[i] (or beyond) within the period, else 0."""
    rounds = rounds_query(criteria).subquery("rounds")
    return (
        select(
            rounds.c.company_id,
            *(
                func.max(case((rounds.c[f"reached_{stage}"].between(criteria.start, criteria.end), 1), else_=0)).label(
                    f"reached_{i}"
                )
                for i, stage in enumerate(FUNNEL_STAGES)
            ),
        )
        .group_by(rounds.c.company_id)
        .subquery("reached")
    )
