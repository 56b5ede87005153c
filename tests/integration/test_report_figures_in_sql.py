"""The figures the database works out (the funnel, its days, attempts up to each milestone, outcomes by
channel, follow-ups) against the same figures computed here from every row (tests/report_oracle.py), on a
varied log (tests/report_varied.py), for many periods and filters, live and as of a past moment."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from crm.errors import CrmError
from crm.vocabulary import IN_OUTREACH
from projections.agreement_tables import agreements
from projections.as_of import as_of
from projections.outreach_tables import attempts
from projections.reading import fetch_one, fetch_rows
from projections.reports import buy_in, delivery, funnel, persistence, scope
from projections.reports.scope import DIMENSIONS, ReportCriteria
from projections.reports.tables import report_rounds, stage_entries
from projections.runner import Projector
from tests import report_oracle as oracle
from tests.report_varied import DAYS, Varied, play_varied


@pytest.fixture
def varied(sql_database, clock) -> Varied:
    return play_varied(sql_database.app(clock=clock), clock)


@pytest.fixture
def view(varied):
    projector = Projector(varied.app)
    projector.catch_up()
    return projector["reports"]


def criteria_for(varied: Varied) -> list[ReportCriteria]:
    first = varied.start.date()

    def day(n: int) -> date:
        return first + timedelta(days=n)

    whole = {"start": day(0), "end": day(DAYS), "today": day(DAYS)}
    found = [
        ReportCriteria(**whole),
        ReportCriteria(day(10), day(30), today=day(30)),
        ReportCriteria(day(20), day(40), today=day(25)),  # read before the period ends: follow-ups pending
        ReportCriteria(day(33), day(33), today=day(DAYS)),  # one day, both bounds on it
        ReportCriteria(day(DAYS + 1), day(DAYS + 30), today=day(DAYS + 30)),  # nothing happened
        ReportCriteria(**whole, department="health"),
        ReportCriteria(**whole, department="hr"),
        ReportCriteria(**whole, industry="care"),
        ReportCriteria(**whole, arena="none"),
        ReportCriteria(**whole, strategy="targeted", industry="cleaning"),
        ReportCriteria(**whole, source="none"),
        ReportCriteria(**whole, source="consultant:not-a-uuid"),
        ReportCriteria(**whole, source="partner"),
        *(ReportCriteria(**whole, recruiter=r) for r in varied.recruiters),
        *(ReportCriteria(**whole, source=f"consultant:{c}") for c in varied.consultants),
        *(ReportCriteria(**whole, source=f"partner:{p}") for p in varied.partners),
        ReportCriteria(day(5), day(45), today=day(50), recruiter=varied.recruiters[1], department="job_centre"),
    ]
    return found


def assert_same_figures(view, criteria: ReportCriteria) -> None:
    assert scope.companies_in_scope(view, criteria) == oracle.companies_in_scope(view, criteria), criteria
    assert funnel.funnel(view, criteria) == oracle.funnel(view, criteria), criteria
    for dimension in DIMENSIONS:
        assert funnel.funnel_by(view, criteria, dimension) == oracle.funnel_by(view, criteria, dimension), criteria
    assert persistence.attempts_until(view, criteria) == oracle.attempts_until(view, criteria), criteria
    assert persistence.outcomes_by_channel(view, criteria) == oracle.outcomes_by_channel(view, criteria), criteria
    assert persistence.follow_ups(view, criteria) == oracle.follow_ups(view, criteria), criteria
    facts = oracle.companies_in_scope(view, criteria)
    active = [f for f in facts.values() if f.stage in IN_OUTREACH]
    without = sum(f.next_follow_up is None for f in active)
    expected = persistence.NextStepShare(len(active), without, without / len(active) if active else None)
    assert persistence.without_next_step(view, criteria) == expected, criteria
    every_agreement = fetch_rows(view, select(agreements.c.agreement_id, agreements.c.company_id))
    assert set(buy_in._agreements(view, criteria)) == {a for a, company in every_agreement if company in facts}
    assert {c.company_id for c in delivery.delivery(view, criteria).companies} <= set(facts)
    industry, size = oracle.adoption(view, criteria)
    found = delivery.re_aim(view, criteria)
    for adoption, counter in ((found.by_industry, industry), (found.by_size, size)):
        values = sorted({value for value, _ in counter})
        assert adoption == [delivery.Adoption(v, counter[(v, False)], counter[(v, True)]) for v in values], criteria


def test_the_log_has_what_the_figures_must_handle(view):
    def one(query):
        return fetch_one(view, query)["n"]

    assert one(select(func.count().label("n")).where(attempts.c.voided.is_(True))) > 0
    assert one(select(func.max(attempts.c.round).label("n"))) >= 2
    assert one(select(func.count().label("n")).where(attempts.c.occurred_on < func.date(attempts.c.recorded_at))) > 0
    a = attempts.c
    same_instant = (
        select(a.company_id).group_by(a.company_id, a.round, a.occurred_on, a.recorded_at).having(func.count() > 1)
    )
    assert fetch_rows(view, same_instant)  # ties in the order of attempts, broken by their ids
    stages = {row[0] for row in fetch_rows(view, select(stage_entries.c.stage))}
    assert {"meeting", "negotiating", "partner", "completed", "ended", "declined", "parked"} <= stages


def kept_rounds(view) -> set[tuple]:
    return {tuple(row) for row in fetch_rows(view, select(report_rounds))}


def test_the_rounds_kept_are_those_worked_out_from_every_stage_entry_and_attempt(view):
    kept = kept_rounds(view)
    assert {number for _company, number, *_days in kept} >= {1, 2, 3}
    assert all(any(row[i] > 1 for row in kept) for i in range(-4, 0))  # attempts counted until each milestone
    expected = oracle.round_rows(view)
    assert (kept - expected, expected - kept) == (set(), set())


@pytest.mark.parametrize("batch_size", [1, 7])
def test_the_rounds_kept_over_many_batches_are_the_same(varied, batch_size):
    """A company's entries spread over batches (or one event a batch, as after a command): its latest round
    is read back and carried on, as when a batch is applied again event by event to find a failing one."""
    projector = Projector(varied.app)
    projector.catch_up(["outreach"])  # the attempts the oracle counts
    assert projector.catch_up(["reports"], batch_size=batch_size) > 100
    view = projector["reports"]
    expected = oracle.round_rows(view)
    assert (kept_rounds(view) - expected, expected - kept_rounds(view)) == (set(), set())


@pytest.mark.parametrize("batch_size", [1, 1000])
def test_the_rounds_kept_follow_attempts_corrected_and_voided(varied, batch_size):
    """Attempts moved to an earlier day, answered or not after all, voided, or with another follow-up, after
    the reports read them: the counts of their rounds and the follow-ups kept follow, whether the changes
    come one a batch or all in one."""
    projector = Projector(varied.app)
    projector.catch_up()
    a = attempts.c
    logged = fetch_rows(
        projector["outreach"],
        select(a.user_id, a.attempt_id, a.occurred_on, a.outcome).where(a.voided.is_(False)).order_by(a.attempt_id),
    )
    changed = 0
    for n, (user, attempt, day, outcome) in enumerate(logged):
        try:
            if n % 4 == 0:
                varied.app.correct_attempt(user, attempt, occurred_on=day - timedelta(days=3), reason="Forkert dato")
            elif n % 4 == 1:
                answered = "no_answer" if outcome != "no_answer" else "interested"
                varied.app.correct_attempt(user, attempt, outcome=answered, reason="Forkert udfald")
            elif n % 8 == 2:
                varied.app.void_attempt(user, attempt, reason="Forkert virksomhed")
            elif n % 8 == 3:
                due = day + timedelta(days=n % 3)
                varied.app.correct_attempt(user, attempt, next_follow_up=due, reason="Ny opfølgning")
            else:
                continue
        except CrmError:
            continue
        changed += 1
    assert changed > 20
    projector.catch_up(["outreach"])
    assert projector.catch_up(["reports"], batch_size=batch_size) > 20  # a correction changing nothing is no event
    view = projector["reports"]
    expected = oracle.round_rows(view)
    assert (kept_rounds(view) - expected, expected - kept_rounds(view)) == (set(), set())
    for criteria in criteria_for(varied)[:3]:
        assert_same_figures(view, criteria)


def test_the_figures_are_those_computed_from_every_row(view, varied):
    for criteria in criteria_for(varied):
        assert_same_figures(view, criteria)


def test_the_figures_as_of_a_past_moment_are_those_computed_from_every_row(varied):
    past = as_of(varied.app, varied.moment(30))
    try:
        view = past["reports"]
        assert funnel.funnel(view, criteria_for(varied)[0])[1].companies  # the replay holds meetings to count
        for criteria in criteria_for(varied)[:4]:
            assert_same_figures(view, criteria)
    finally:
        past.close()
