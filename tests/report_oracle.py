"""The report figures as they were computed before the database did the grouping: every company, stage
entry and attempt read and grouped here. Kept only to check, on a varied log, that the figures the
database works out are the same (tests/integration/test_report_figures_in_sql.py)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import select

from crm.vocabulary import (
    CHANNELS,
    COMPLETED,
    CONTACTED,
    DECLINED,
    IDENTIFIED,
    MEETING,
    NEGOTIATING,
    OUTCOMES,
    PARKED,
    PARTNER,
)
from projections.leads import leads
from projections.outreach_tables import attempts, companies
from projections.reading import fetch
from projections.reports.funnel import FunnelGroup, FunnelStage
from projections.reports.persistence import FOLLOW_UP_STATES, MILESTONES, AttemptsUntil, ChannelOutcomes, FollowUps
from projections.reports.scope import CompanyFacts, ReportCriteria, source_of, spread
from projections.reports.tables import stage_entries
from projections.users import users

FUNNEL_STAGES = (CONTACTED, MEETING, NEGOTIATING, PARTNER, COMPLETED)


def companies_in_scope(view: Any, criteria: ReportCriteria) -> dict[UUID, CompanyFacts]:
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
        first_lead[lead["company_id"]] = lead["shared_by"]
    found = {}
    for row in fetch(view, query):
        facts = CompanyFacts(
            company_id=row["company_id"],
            owner_id=row["owner_id"],
            department=row["department"],
            arena=row["arena"] or "none",
            strategy=row["strategy"] or "none",
            industry=row["industry"],
            size_band=row["size_band"] or "none",
            source=source_of(first_lead.get(row["company_id"]), row["source_partner_id"]),
            stage=row["stage"],
            next_follow_up=row["next_follow_up"],
        )
        wanted: dict[str, Any] = {
            "owner_id": criteria.recruiter,
            "department": criteria.department,
            "arena": criteria.arena,
            "strategy": criteria.strategy,
            "industry": criteria.industry,
            "source": criteria.source,
        }
        if all(value is None or getattr(facts, name) == value for name, value in wanted.items()):
            found[facts.company_id] = facts
    return found


@dataclass(frozen=True)
class Entry:
    stage: str
    entered_on: date


@dataclass
class Round:
    number: int
    entries: list[Entry] = field(default_factory=list)

    def first(self, stage: str, after: int = 0) -> tuple[int, Entry] | None:
        for position in range(after, len(self.entries)):
            if self.entries[position].stage == stage:
                return position, self.entries[position]
        return None

    def reached_on(self, stage: str) -> date | None:
        later = FUNNEL_STAGES[FUNNEL_STAGES.index(stage) :]
        days = [entry.entered_on for entry in self.entries if entry.stage in later]
        return min(days) if days else None

    def closed_as(self, stages: Collection[str]) -> Entry | None:
        return next((entry for entry in self.entries if entry.stage in stages), None)


def company_rounds(view: Any, company_ids: Collection[UUID]) -> dict[UUID, list[Round]]:
    query = select(stage_entries.c.company_id, stage_entries.c.stage, stage_entries.c.entered_on).order_by(
        stage_entries.c.company_id, stage_entries.c.version
    )
    found: dict[UUID, list[Round]] = {}
    for row in fetch(view, query):
        if row["company_id"] not in company_ids:
            continue
        rounds = found.setdefault(row["company_id"], [])
        if row["stage"] == IDENTIFIED or not rounds:
            rounds.append(Round(len(rounds) + 1))
        rounds[-1].entries.append(Entry(row["stage"], row["entered_on"]))
    return found


def round_rows(view: Any) -> set[tuple[Any, ...]]:
    """Every company round as the reports view sums it up (rm_report_rounds), worked out from its stage
    entries and from the outreach view's attempts."""
    every = {row["company_id"] for row in fetch(view, select(stage_entries.c.company_id))}
    made: dict[tuple[UUID, int], list[dict[str, Any]]] = {}
    for attempt in fetch(view, select(attempts).where(attempts.c.voided.is_(False))):
        made.setdefault((attempt["company_id"], attempt["round"]), []).append(attempt)
    found = set()
    for company_id, company in company_rounds(view, every).items():
        for round_ in company:
            closed = round_.closed_as((DECLINED, PARKED))
            steps: list[date | None] = []
            for index in range(1, len(FUNNEL_STAGES)):
                before = round_.first(FUNNEL_STAGES[index - 1])
                after = round_.first(FUNNEL_STAGES[index], before[0]) if before else None
                steps += [before[1].entered_on if before else None, after[1].entered_on if after else None]
            reached = [round_.reached_on(stage) for stage in FUNNEL_STAGES]
            in_round = made.get((company_id, round_.number), [])
            answers = [a["occurred_on"] for a in in_round if a["outcome"] != "no_answer"]
            answered = min(answers) if answers else None
            given_up = closed.entered_on if closed else None
            counts = [
                0 if day is None else sum(a["occurred_on"] <= day for a in in_round)
                for day in (answered, round_.reached_on(MEETING), round_.reached_on(PARTNER), given_up)
            ]
            found.add((company_id, round_.number, *reached, given_up, *steps, answered, *counts))
    return found


def funnel(view: Any, criteria: ReportCriteria) -> list[FunnelStage]:
    return _funnel(company_rounds(view, companies_in_scope(view, criteria)), criteria)


def funnel_by(view: Any, criteria: ReportCriteria, dimension: str) -> list[FunnelGroup]:
    scope = companies_in_scope(view, criteria)
    rounds = company_rounds(view, scope)
    groups: dict[str, dict[UUID, list[Round]]] = {}
    for company_id, facts in scope.items():
        groups.setdefault(getattr(facts, dimension), {})[company_id] = rounds.get(company_id, [])
    return [FunnelGroup(value, _funnel(groups[value], criteria)) for value in sorted(groups)]


def _funnel(rounds: dict[UUID, list[Round]], criteria: ReportCriteria) -> list[FunnelStage]:
    stages = []
    previous: int | None = None
    for index, stage in enumerate(FUNNEL_STAGES):
        reached = sum(any(criteria.within(r.reached_on(stage)) for r in company) for company in rounds.values())
        days = (
            spread([d for company in rounds.values() for r in company for d in _days(r, index, criteria)])
            if index
            else None
        )
        stages.append(FunnelStage(stage, reached, reached / previous if previous else None, days))
        previous = reached
    return stages


def _days(round_: Round, index: int, criteria: ReportCriteria) -> list[int]:
    before = round_.first(FUNNEL_STAGES[index - 1])
    if before is None:
        return []
    after = round_.first(FUNNEL_STAGES[index], before[0])
    if after is None or not criteria.within(after[1].entered_on):
        return []
    return [(after[1].entered_on - before[1].entered_on).days]


def adoption(view: Any, criteria: ReportCriteria) -> tuple[Counter[tuple[str, bool]], Counter[tuple[str, bool]]]:
    """re_aim's companies approached and adopting, by industry and by size band."""
    scope = companies_in_scope(view, criteria)
    rounds = company_rounds(view, scope)
    industry, size = Counter[tuple[str, bool]](), Counter[tuple[str, bool]]()
    for company_id, facts in scope.items():
        company = rounds.get(company_id, [])
        if not any(criteria.within(r.reached_on("contacted")) for r in company):
            continue
        adopted = any(criteria.within(r.reached_on("partner")) for r in company)
        for counter, value in ((industry, facts.industry), (size, facts.size_band)):
            counter[(value, False)] += 1
            counter[(value, True)] += adopted
    return industry, size


def _attempts(view: Any, criteria: ReportCriteria) -> dict[tuple[UUID, int], list[dict[str, Any]]]:
    scope = companies_in_scope(view, criteria)
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
        .order_by(
            attempts.c.company_id,
            attempts.c.round,
            attempts.c.occurred_on,
            attempts.c.recorded_at,
            attempts.c.attempt_id,  # the order of ties, which the old code left to the database
        )
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


def attempts_until(view: Any, criteria: ReportCriteria) -> list[AttemptsUntil]:
    rounds = company_rounds(view, companies_in_scope(view, criteria))
    by_round = _attempts(view, criteria)
    counts: dict[str, list[int]] = {milestone: [] for milestone in MILESTONES}
    for company_id, company in rounds.items():
        for round_ in company:
            made = by_round.get((company_id, round_.number), [])
            answered = next((a for a in made if a["outcome"] != "no_answer"), None)
            closed = round_.closed_as((DECLINED, PARKED))
            milestones = {
                "answer": answered["occurred_on"] if answered else None,
                "meeting": round_.reached_on(MEETING),
                "agreement": round_.reached_on(PARTNER),
                "given_up": closed.entered_on if closed else None,
            }
            for milestone, day in milestones.items():
                if criteria.within(day):
                    counts[milestone].append(sum(a["occurred_on"] <= day for a in made))
    return [
        AttemptsUntil(milestone, dict(sorted(Counter(values).items())), spread(values))
        for milestone, values in counts.items()
    ]


def outcomes_by_channel(view: Any, criteria: ReportCriteria) -> list[ChannelOutcomes]:
    table = {channel: dict.fromkeys(OUTCOMES, 0) for channel in CHANNELS}
    for made in _attempts(view, criteria).values():
        for attempt in made:
            if criteria.within(attempt["occurred_on"]) and _by_recruiter(attempt, criteria):
                table[attempt["channel"]][attempt["outcome"]] += 1
    return [ChannelOutcomes(channel, outcomes, sum(outcomes.values())) for channel, outcomes in table.items()]


def follow_ups(view: Any, criteria: ReportCriteria) -> list[FollowUps]:
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
