"""Each company's path as rounds of stage entries, summed up per round in the database.

A round runs from registering (or re-approaching, both entering "identified") to the next re-approach.
The figures need of each round only a few days: when it first reached each funnel stage (or one beyond
it: skipping counts as passing), when it was given up, and for each step of the funnel the first entry
into the stage before and the first entry into the stage after it. The database works these out with
window functions over the stage entries, so a page reads one row per company round, not every entry.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, Subquery, case, func, select

from crm.vocabulary import COMPLETED, CONTACTED, DECLINED, IDENTIFIED, MEETING, NEGOTIATING, PARKED, PARTNER
from projections.reports.scope import ReportCriteria, scope_ids
from projections.reports.tables import stage_entries

# The stages of the funnel, in the order a company reaches them; reaching one means having reached those before.
FUNNEL_STAGES = (CONTACTED, MEETING, NEGOTIATING, PARTNER, COMPLETED)
# The stages that give a round up.
GIVEN_UP = (DECLINED, PARKED)


def rounds_query(criteria: ReportCriteria) -> Select[Any]:
    """One row per round of the companies in scope: company_id, number, reached_<stage> for each funnel
    stage, given_up, and from_<i>/to_<i> for each step i of the funnel (1 to 4)."""
    e = stage_entries.c
    # A company's first entry begins round 1 whatever it is; each later "identified" begins the next round.
    opened = func.sum(case((e.stage == IDENTIFIED, 1), else_=0)).over(
        partition_by=e.company_id, order_by=e.version, rows=(None, 0)
    )
    first_is_identified = (
        func.first_value(e.stage).over(partition_by=e.company_id, order_by=e.version, rows=(None, 0)) == IDENTIFIED
    )
    numbered = (
        select(
            e.company_id,
            e.version,
            e.stage,
            e.entered_on,
            (opened + case((first_is_identified, 0), else_=1)).label("number"),
        )
        .where(e.company_id.in_(scope_ids(criteria)))
        .subquery("numbered")
    )
    n = numbered.c
    in_round = (n.company_id, n.number)
    firsts = select(
        *numbered.c,
        *(
            func.min(case((n.stage == stage, n.version))).over(partition_by=in_round).label(f"first_{i}")
            for i, stage in enumerate(FUNNEL_STAGES[:-1])
        ),
        func.min(case((n.stage.in_(GIVEN_UP), n.version))).over(partition_by=in_round).label("closing"),
    ).subquery("firsts")
    f = firsts.c
    steps = select(
        *firsts.c,
        *(
            func.min(case(((f.stage == FUNNEL_STAGES[i]) & (f.version > f[f"first_{i - 1}"]), f.version)))
            .over(partition_by=(f.company_id, f.number))
            .label(f"after_{i}")
            for i in range(1, len(FUNNEL_STAGES))
        ),
    ).subquery("steps")
    s = steps.c

    def on(condition: Any) -> Any:
        return func.min(case((condition, s.entered_on)))

    return select(
        s.company_id,
        s.number,
        *(on(s.stage.in_(FUNNEL_STAGES[i:])).label(f"reached_{stage}") for i, stage in enumerate(FUNNEL_STAGES)),
        on(s.version == s.closing).label("given_up"),
        *(
            column
            for i in range(1, len(FUNNEL_STAGES))
            for column in (
                on(s.version == s[f"first_{i - 1}"]).label(f"from_{i}"),
                on(s.version == s[f"after_{i}"]).label(f"to_{i}"),
            )
        ),
    ).group_by(s.company_id, s.number)


def reached_per_company(criteria: ReportCriteria) -> Subquery:
    """Per company in scope with any round: `reached_<i>` is 1 when one of its rounds first reached
    FUNNEL_STAGES[i] (or beyond) within the period, else 0."""
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
