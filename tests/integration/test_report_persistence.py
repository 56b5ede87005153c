"""The persistence report on the hand-built history (tests/report_history.py), the answers worked out by hand."""

from __future__ import annotations

import pytest

from projections.reports.funnel import funnel, funnel_by, reach_by
from projections.reports.persistence import (
    ChannelOutcomes,
    FollowUps,
    NextStepShare,
    attempts_until,
    follow_ups,
    outcomes_by_channel,
    without_next_step,
)
from projections.reports.scope import ReportCriteria
from projections.reports.scope import read_once as reports_read_once
from projections.runner import Projector
from tests.report_history import History, day, play
from tests.support import statements_on

WHOLE = ReportCriteria(start=day(0), end=day(60), today=day(60))


@pytest.fixture
def history(sql_database, clock) -> History:
    return play(sql_database.app(clock=clock), clock)


@pytest.fixture
def view(history):
    projector = Projector(history.app)
    projector.catch_up()
    return projector["reports"]


def test_attempts_until_the_first_answer_a_meeting_an_agreement_and_giving_up(view):
    found = {a.milestone: a.rounds_by_attempts for a in attempts_until(view, WHOLE)}

    # Check: Hansen answered at its third call, Soltoft at the first e-mail; Bager never answered.
    assert found["answer"] == {1: 1, 3: 1}
    # Hansen met after 3 attempts (days 0, 2, 7), Soltoft after 2 (days 1, 11); only Hansen signed (3).
    assert found["meeting"] == {2: 1, 3: 1}
    assert found["agreement"] == {3: 1}
    # Bager was parked after its two unanswered calls.
    assert found["given_up"] == {2: 1}


def test_attempts_until_counts_milestones_reached_within_the_period(view):
    found = {a.milestone: a for a in attempts_until(view, ReportCriteria(day(5), day(12), today=day(12)))}

    assert found["answer"].rounds_by_attempts == {3: 1}  # Hansen on day 7; Soltoft answered on day 1
    assert found["meeting"].rounds_by_attempts == {2: 1, 3: 1}
    assert found["agreement"].rounds_by_attempts == {}
    assert found["agreement"].spread is None


def test_outcomes_by_channel_count_the_attempts_of_the_period(view, history):
    table = {row.channel: row for row in outcomes_by_channel(view, WHOLE)}

    assert table["call"] == ChannelOutcomes(
        "call",
        {"no_answer": 4, "call_back": 0, "not_now": 0, "declined": 0, "interested": 0, "meeting_booked": 2},
        6,
    )
    assert table["email"].outcomes["interested"] == 1 and table["email"].total == 1
    assert table["visit"].total == 0
    # Check: with a recruiter chosen, only that recruiter's attempts count.
    oles = {
        row.channel: row.total
        for row in outcomes_by_channel(view, ReportCriteria(day(0), day(60), day(60), recruiter=history.ole))
    }
    assert (oles["call"], oles["email"]) == (1, 1)


def test_the_share_of_active_companies_without_a_next_step(view):
    # Check: Soltoft (negotiating) has a follow-up on day 15; Dalgas was never contacted; the others are closed.
    assert without_next_step(view, WHOLE) == NextStepShare(active=2, without_next_step=1, share=0.5)


def test_follow_ups_on_time_late_and_missed_per_recruiter(view, history):
    found = {row.recruiter_id: row for row in follow_ups(view, WHOLE)}

    # Mette: Hansen's two kept on the day; Bager's first kept a day late (due 3, called 4), its second never.
    assert found[history.team.recruiter] == FollowUps(history.team.recruiter, on_time=2, late=1, missed=1, pending=0)
    # Ole: Soltoft's due on day 4 came on day 11, the one due on day 15 never came.
    assert found[history.ole] == FollowUps(history.ole, on_time=0, late=1, missed=1, pending=0)


def test_a_follow_up_not_yet_due_is_pending(view, history):
    found = {row.recruiter_id: row for row in follow_ups(view, ReportCriteria(day(0), day(60), today=day(12)))}

    assert found[history.ole] == FollowUps(history.ole, on_time=0, late=1, missed=0, pending=1)


def statements_reading(view, table: str, work) -> list[str]:
    """The SQL statements `work()` sends to the view's database that read `table`."""
    with statements_on(view.engine) as seen:
        work()
    return [statement for statement in seen if table in statement and statement.startswith(("select", "with"))]


def test_each_attempt_figure_is_counted_in_the_database_in_one_statement(view):
    """The database groups and counts the attempts, so a figure reads rows of its own size (a count per
    milestone and number of attempts, per channel and outcome, per recruiter and state), never every attempt."""

    def every_attempt_figure():
        return attempts_until(view, WHOLE), outcomes_by_channel(view, WHOLE), follow_ups(view, WHOLE)

    def one_page():
        with reports_read_once():
            return every_attempt_figure()

    # The attempts of the outreach view (by channel), and the reports view's rounds and attempts (up to each
    # milestone, follow-ups): one statement each (the milestones' reads both of the reports view's tables).
    tables = ("rm_attempts", "rm_report_rounds", "rm_report_attempts")
    statements = set().union(*(statements_reading(view, t, every_attempt_figure) for t in tables))
    assert len(statements) == 3
    assert all("GROUP BY" in statement.upper() for statement in statements)
    assert len(set().union(*(statements_reading(view, t, one_page) for t in tables))) == 3
    assert one_page() == every_attempt_figure()


def test_an_unfiltered_report_reads_its_periods_rounds_and_the_counters_not_every_company(view):
    """Without filters, the figures find the rounds of the period by a day's index (stage entries, attempts)
    and where the companies stand from the counters: a page costs what happened in the period, not what
    every company did. A company's row is read only joined to a round of the period, and no lead is ranked."""

    def page():
        with reports_read_once():
            funnel(view, WHOLE), funnel_by(view, WHOLE, "arena"), reach_by(view, WHOLE, "industry")
            attempts_until(view, WHOLE), without_next_step(view, WHOLE)

    with statements_on(view.engine) as seen:
        page()
    reads = [statement for statement in seen if statement.startswith(("select", "with"))]
    rounds = [statement for statement in reads if "rm_report_rounds" in statement]
    assert rounds and all("rm_stage_entries" in s or "rm_report_attempts" in s for s in rounds)
    assert all("rm_report_rounds" in s for s in reads if "rm_companies" in s)
    assert [s for s in reads if "rm_company_counts" in s]
    assert not [s for s in reads if "rm_leads" in s]
