"""Persistence: how many attempts it took, what each channel brought, and whether follow-ups were kept.

Voided attempts are left out. Outcomes by channel count the outreach read model's attempts; attempts up to
each milestone, the reports view's rounds (counted there as attempts come in); follow-ups, the reports
view's own record of the attempts, which finds those due in the period by an index. With a recruiter or a
department among the criteria, outcomes by channel and follow-ups count only that recruiter's
(department's) attempts. Each figure is one query that groups and counts in the database, with the
companies in scope as a subquery, so a page reads rows of the figures' size, not one per attempt.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import case, func, literal_column, select, tuple_, union_all

from crm.vocabulary import CHANNELS, IN_OUTREACH, OUTCOMES
from projections.base import View
from projections.outreach_tables import attempts, companies, company_counts
from projections.reading import fetch_rows
from projections.reports.paths import entered_in_period
from projections.reports.scope import ReportCriteria, Spread, counted_scope, spread, within_scope
from projections.reports.tables import MILESTONE_DAYS, MILESTONES, report_attempts, report_rounds
from projections.users import users

FOLLOW_UP_STATES = ("on_time", "late", "missed", "pending")
NO_ANSWER = "no_answer"


@dataclass(frozen=True)
class AttemptsUntil:
    """For one milestone reached in the period: how many company rounds needed each number of attempts."""

    milestone: str
    rounds_by_attempts: dict[int, int]
    spread: Spread | None


@dataclass(frozen=True)
class ChannelOutcomes:
    channel: str
    outcomes: dict[str, int]
    total: int


@dataclass(frozen=True)
class NextStepShare:
    """Companies in outreach now (identified to negotiating), and those with no follow-up planned."""

    active: int
    without_next_step: int
    share: float | None


@dataclass(frozen=True)
class FollowUps:
    """Follow-ups a recruiter planned for a day in the period: kept by then, kept later, never, or not yet due."""

    recruiter_id: UUID
    on_time: int
    late: int
    missed: int
    pending: int


def _valid_attempts(criteria: ReportCriteria) -> Any:
    """The attempts that count: not voided, of a company in scope."""
    return (attempts.c.voided.is_(False)) & within_scope(attempts.c.company_id, criteria)


def _made_by(criteria: ReportCriteria, user_id: Any, department: Any) -> list[Any]:
    """With a recruiter or a department chosen, only that recruiter's (department's) attempts."""
    found = []
    if criteria.recruiter is not None:
        found.append(user_id == criteria.recruiter)
    if criteria.department is not None:
        found.append(department == criteria.department)
    return found


def attempts_until(view: View, criteria: ReportCriteria) -> list[AttemptsUntil]:
    """Attempts up to the first answer (not "no answer"), up to a meeting, up to an agreement, and up to
    giving up (declined or parked), for each company round that reached the milestone in the period.

    Every attempt of the round counts, whoever made it; an attempt on the milestone's day counts too."""
    found: dict[str, Counter[int]] = {milestone: Counter() for milestone in MILESTONES}
    for index, made, rounds in fetch_rows(view, _attempts_until_query(criteria)):
        found[MILESTONES[index]][made] = rounds
    return [
        AttemptsUntil(milestone, dict(sorted(counts.items())), spread(sorted(counts.elements())))
        for milestone, counts in found.items()
    ]


def _attempts_until_query(criteria: ReportCriteria) -> Any:
    """Per milestone reached in the period, how many rounds needed each number of attempts, counted in the
    rounds the reports view keeps summed up with their attempts."""
    r = report_rounds.c
    return union_all(
        *(
            # The milestone by its position, a constant in the statement (a parameter would need a type).
            select(literal_column(str(index)), r[f"{milestone}_made"], func.count())
            .where(
                r.company_id.in_(_active_in_period(criteria, milestone)),
                within_scope(r.company_id, criteria),
                r[MILESTONE_DAYS[milestone]].between(criteria.start, criteria.end),
            )
            .group_by(r[f"{milestone}_made"])
            for index, milestone in enumerate(MILESTONES)
        )
    )


def _active_in_period(criteria: ReportCriteria, milestone: str) -> Any:
    """The companies that may have a round reaching the milestone in the period, found by a day's index: the
    first answer is an attempt's day, the other milestones are stage entries (see paths.rounds_query)."""
    if milestone == "answer":
        a = report_attempts.c
        return select(a.company_id).where(a.occurred_on.between(criteria.start, criteria.end))
    return entered_in_period(criteria)


def outcomes_by_channel(view: View, criteria: ReportCriteria) -> list[ChannelOutcomes]:
    """Attempts made in the period per channel and outcome (every channel and outcome listed)."""
    table = {channel: dict.fromkeys(OUTCOMES, 0) for channel in CHANNELS}
    query = (
        select(attempts.c.channel, attempts.c.outcome, func.count())
        .select_from(attempts.outerjoin(users, users.c.user_id == attempts.c.user_id))
        .where(
            _valid_attempts(criteria),
            attempts.c.occurred_on.between(criteria.start, criteria.end),
            *_made_by(criteria, attempts.c.user_id, users.c.department),
        )
        .group_by(attempts.c.channel, attempts.c.outcome)
    )
    for channel, outcome, count in fetch_rows(view, query):
        table[channel][outcome] += count
    return [ChannelOutcomes(channel, outcomes, sum(outcomes.values())) for channel, outcomes in table.items()]


def without_next_step(view: View, criteria: ReportCriteria) -> NextStepShare:
    """Of the companies in outreach as the read model stands, those whose latest attempt planned no follow-up."""
    counted = counted_scope(criteria)
    if counted is None:
        query = select(func.count(), func.count(companies.c.next_follow_up)).where(
            companies.c.stage.in_(IN_OUTREACH), within_scope(companies.c.company_id, criteria)
        )
    else:
        # From the counters, which keep whether a follow-up is planned: as many rows as the values combine into.
        joined, conditions = counted
        n = company_counts.c.companies
        with_follow_up = case((company_counts.c.planned, n), else_=0)
        query = (
            select(func.coalesce(func.sum(n), 0), func.coalesce(func.sum(with_follow_up), 0))
            .select_from(joined)
            .where(company_counts.c.stage.in_(IN_OUTREACH), *conditions)
        )
    active, planned = (int(count) for count in fetch_rows(view, query)[0])
    without = active - planned
    return NextStepShare(active, without, without / active if active else None)


def _rounds_with_due(criteria: ReportCriteria) -> Any:
    """The company rounds with a follow-up planned for a day in the period: only their attempts are ordered."""
    a = report_attempts.c
    return select(a.company_id, a.round).where(
        a.voided.is_(False), a.next_follow_up.between(criteria.start, criteria.end)
    )


def follow_ups(view: View, criteria: ReportCriteria) -> list[FollowUps]:
    """Per recruiter, the follow-ups they planned for a day in the period: on time when the company's next
    attempt came by that day, late when after it, missed when none came and the day is before `today`.

    The next attempt is the next of the company round in the order they happened, whoever made it. The
    attempts are the reports view's own (rm_report_attempts), indexed by the day of their follow-up."""
    a = report_attempts.c
    # The window orders every attempt of those rounds, so it carries only the columns it needs.
    planned = (
        select(
            a.user_id,
            a.next_follow_up.label("due"),
            func.lead(a.occurred_on)
            # Attempts recorded at the same instant on the same day (an import) follow in the order of their ids,
            # so which of them came last, and so whose follow-up was missed, does not depend on the query plan.
            .over(partition_by=(a.company_id, a.round), order_by=(a.occurred_on, a.recorded_at, a.attempt_id))
            .label("next_on"),
        )
        .where(
            a.voided.is_(False),
            within_scope(a.company_id, criteria),
            tuple_(a.company_id, a.round).in_(_rounds_with_due(criteria)),
        )
        .subquery("planned")
    )
    p = planned.c
    state = case(
        (p.next_on.is_not(None), case((p.next_on <= p.due, "on_time"), else_="late")),
        (p.due < criteria.today, "missed"),
        else_="pending",
    ).label("state")
    # Grouped a level up: PostgreSQL would not take the state, with its parameter, as the same in both places.
    states = (
        select(p.user_id, state)
        .select_from(planned.outerjoin(users, users.c.user_id == p.user_id))
        .where(p.due.between(criteria.start, criteria.end), *_made_by(criteria, p.user_id, users.c.department))
        .subquery("states")
    )
    query = select(states.c.user_id, states.c.state, func.count()).group_by(states.c.user_id, states.c.state)
    tally: dict[UUID, Counter[str]] = {}
    for recruiter, kept, count in fetch_rows(view, query):
        tally.setdefault(recruiter, Counter())[kept] += count
    return [
        FollowUps(recruiter, *(counts[state] for state in FOLLOW_UP_STATES))
        for recruiter, counts in sorted(tally.items(), key=lambda item: str(item[0]))
    ]
