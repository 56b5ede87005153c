"""Persistence: how many attempts it took, what each channel brought, and whether follow-ups were kept.

Attempts are those of the outreach read model, voided ones left out. With a recruiter or a
department among the criteria, the attempt figures count only that recruiter's (department's) attempts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import select

from crm.vocabulary import CHANNELS, DECLINED, IN_OUTREACH, MEETING, OUTCOMES, PARKED, PARTNER
from projections.base import View
from projections.outreach_tables import attempts
from projections.reading import fetch
from projections.reports.paths import Round, rounds_in_scope
from projections.reports.scope import ReportCriteria, Spread, companies_in_scope, shared, spread
from projections.users import users

# The milestones counted in attempts: the first answer, a meeting, an agreement, and giving up.
MILESTONES = ("answer", "meeting", "agreement", "given_up")
FOLLOW_UP_STATES = ("on_time", "late", "missed", "pending")


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


def _attempts(view: View, criteria: ReportCriteria) -> dict[tuple[UUID, int], list[dict[str, Any]]]:
    """The valid attempts of the companies in scope, per company and round, in the order they happened."""
    return shared("attempts", view, criteria, lambda: _read_attempts(view, set(companies_in_scope(view, criteria))))


def _read_attempts(view: View, scope: set[UUID]) -> dict[tuple[UUID, int], list[dict[str, Any]]]:
    query = (
        select(
            attempts.c.company_id,
            attempts.c.round,
            attempts.c.user_id,
            attempts.c.channel,
            attempts.c.outcome,
            attempts.c.occurred_on,
            attempts.c.next_follow_up,
            users.c.department,
        )
        .select_from(attempts.outerjoin(users, users.c.user_id == attempts.c.user_id))
        .where(attempts.c.voided.is_(False))
        .order_by(attempts.c.company_id, attempts.c.round, attempts.c.occurred_on, attempts.c.recorded_at)
    )
    found: dict[tuple[UUID, int], list[dict[str, Any]]] = {}
    for row in fetch(view, query):
        if row["company_id"] in scope:
            found.setdefault((row["company_id"], row["round"]), []).append(row)
    return found


def _by_recruiter(row: dict[str, Any], criteria: ReportCriteria) -> bool:
    return (criteria.recruiter is None or row["user_id"] == criteria.recruiter) and (
        criteria.department is None or row["department"] == criteria.department
    )


def attempts_until(view: View, criteria: ReportCriteria) -> list[AttemptsUntil]:
    """Attempts up to the first answer (not "no answer"), up to a meeting, up to an agreement, and up to
    giving up (declined or parked), for each company round that reached the milestone in the period."""
    rounds = rounds_in_scope(view, criteria)
    by_round = _attempts(view, criteria)
    counts: dict[str, list[int]] = {milestone: [] for milestone in MILESTONES}
    for company_id, company in rounds.items():
        for round_ in company:
            made = by_round.get((company_id, round_.number), [])
            for milestone, day in _milestones(round_, made).items():
                if criteria.within(day):
                    counts[milestone].append(sum(a["occurred_on"] <= day for a in made) if day else 0)
    return [
        AttemptsUntil(milestone, dict(sorted(Counter(values).items())), spread(values))
        for milestone, values in counts.items()
    ]


def _milestones(round_: Round, made: list[dict[str, Any]]) -> dict[str, date | None]:
    answered = next((a for a in made if a["outcome"] != "no_answer"), None)
    closed = round_.closed_as((DECLINED, PARKED))
    return {
        "answer": answered["occurred_on"] if answered else None,
        "meeting": round_.reached_on(MEETING),
        "agreement": round_.reached_on(PARTNER),
        "given_up": closed.entered_on if closed else None,
    }


def outcomes_by_channel(view: View, criteria: ReportCriteria) -> list[ChannelOutcomes]:
    """Attempts made in the period per channel and outcome (every channel and outcome listed)."""
    table = {channel: dict.fromkeys(OUTCOMES, 0) for channel in CHANNELS}
    for made in _attempts(view, criteria).values():
        for attempt in made:
            if criteria.within(attempt["occurred_on"]) and _by_recruiter(attempt, criteria):
                table[attempt["channel"]][attempt["outcome"]] += 1
    return [ChannelOutcomes(channel, outcomes, sum(outcomes.values())) for channel, outcomes in table.items()]


def without_next_step(view: View, criteria: ReportCriteria) -> NextStepShare:
    """Of the companies in outreach as the read model stands, those whose latest attempt planned no follow-up."""
    active = [facts for facts in companies_in_scope(view, criteria).values() if facts.stage in IN_OUTREACH]
    without = sum(facts.next_follow_up is None for facts in active)
    return NextStepShare(len(active), without, without / len(active) if active else None)


def follow_ups(view: View, criteria: ReportCriteria) -> list[FollowUps]:
    """Per recruiter, the follow-ups they planned for a day in the period: on time when the company's next
    attempt came by that day, late when after it, missed when none came and the day is before `today`."""
    tally: dict[UUID, Counter[str]] = {}
    for made in _attempts(view, criteria).values():
        for index, attempt in enumerate(made):
            due = attempt["next_follow_up"]
            if not criteria.within(due) or not _by_recruiter(attempt, criteria):
                continue
            later = made[index + 1] if index + 1 < len(made) else None
            if later is not None:
                state = "on_time" if later["occurred_on"] <= due else "late"
            else:
                state = "missed" if due < criteria.today else "pending"
            tally.setdefault(attempt["user_id"], Counter())[state] += 1
    return [
        FollowUps(recruiter, *(counts[state] for state in FOLLOW_UP_STATES))
        for recruiter, counts in sorted(tally.items(), key=lambda item: str(item[0]))
    ]
