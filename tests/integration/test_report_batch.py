"""The reports view applied a batch at a time writes the rounds it writes applied one event at a time.

A batch adds its new attempts to the counts its rounds hold, and counts a round again from all its attempts
only when it is new, its milestone days moved, it was answered before its first answer so far, or attempts
it had were corrected or voided (projections/reports/view.py). The log mixes a random history with those
cases, in orders a batch may cut anywhere: an attempt logged before the stage entry it causes, attempts
dated back before the first answer and across a meeting, corrections moving an attempt's day across a
milestone, voids, attempts of an older round, and a round begun in the batch of its attempts.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import pytest

from projections import bulk
from projections.outreach import OutreachProjection
from projections.reading import fetch_rows
from projections.reports import view as reports_view
from projections.reports.tables import report_rounds
from projections.reports.view import ReportsProjection
from projections.runner import Projector
from projections.users import UsersProjection
from tests import report_oracle as oracle
from tests.random_commands import RandomHistory
from tests.support import statements_on

CLASSES = (UsersProjection, OutreachProjection, ReportsProjection)


def every_row(projector: Projector) -> dict[str, list[dict]]:
    view = projector["reports"]
    return {table.name: view.rows(table, order_by=list(table.columns)) for table in view.view_tables}


def crossing_milestones(app, clock, users) -> UUID:
    """One company's attempts answered before its first answer so far, dated back across its meeting,
    corrected and voided across its milestones, and in an older round; returns the company."""
    recruiter, consultant = users[0], users[1]
    company = app.register_company(recruiter, name="Kragh Smedie ApS", industry="transport")
    start = clock.now().date()
    app.log_attempt(recruiter, company, "call", "no_answer")  # logged before the entry into "contacted" it causes
    clock.advance(timedelta(days=4))
    late_answer = app.log_attempt(consultant, company, "call", "call_back")
    earlier = app.log_attempt(recruiter, company, "email", "call_back", occurred_on=start + timedelta(days=2))
    app.log_attempt(recruiter, company, "email", "no_answer", occurred_on=start + timedelta(days=1))
    app.move_company(recruiter, company, "meeting")
    app.log_attempt(recruiter, company, "visit", "no_answer", occurred_on=start + timedelta(days=3))
    clock.advance(timedelta(days=3))
    after_meeting = app.log_attempt(recruiter, company, "visit", "no_answer")
    app.correct_attempt(recruiter, after_meeting, occurred_on=start + timedelta(days=4), reason="Dagen for mødet")
    app.correct_attempt(recruiter, earlier, occurred_on=start + timedelta(days=5), reason="Efter mødet")
    app.void_attempt(recruiter, late_answer, reason="Forkert virksomhed")
    app.decline_company(recruiter, company, reason="Nej tak")
    app.reapproach_company(recruiter, company)
    app.log_attempt(consultant, company, "call", "no_answer", occurred_on=start + timedelta(days=6))
    app.correct_attempt(recruiter, after_meeting, outcome="call_back", reason="Rettelse i en tidligere runde")
    app.log_attempt(consultant, company, "call", "call_back")
    app.move_company(recruiter, company, "meeting")
    app.log_attempt(recruiter, company, "email", "no_answer", occurred_on=start)
    return company


def new_company_in_one_go(app, clock, users) -> None:
    """A company registered, tried, answered, met and given up within a few events: one batch holds them all."""
    recruiter = users[0]
    company = app.register_company(recruiter, name="Fjordens Bageri", industry="care")
    app.log_attempt(recruiter, company, "call", "no_answer")
    clock.advance(timedelta(days=1))
    app.log_attempt(recruiter, company, "call", "call_back")
    app.move_company(recruiter, company, "meeting")
    app.log_attempt(recruiter, company, "visit", "no_answer")
    app.park_company(recruiter, company, reason="Travlt")


@pytest.fixture
def log(sql_database, clock):
    """A varied history with the cases above, caught up in small batches as it happened."""
    app = sql_database.app(clock=clock)
    history = RandomHistory.start(app, clock, seed=11)
    projector = Projector(app, projection_classes=CLASSES)
    history.run_caught_up(projector, 300, every=40)
    crossing_milestones(app, clock, history.users)
    projector.catch_up(batch_size=5)
    new_company_in_one_go(app, clock, history.users)
    history.change_earlier_attempts()
    crossing_milestones(app, clock, history.users)
    history.run(100)
    projector.catch_up(batch_size=3)
    return app, projector


def test_a_batch_writes_the_rounds_its_events_write_one_at_a_time(log, monkeypatch):
    _app, projector = log
    caught_up = every_row(projector)
    assert len(caught_up["rm_report_rounds"]) > 20 and len(caught_up["rm_report_attempts"]) > 50
    expected = oracle.round_rows(projector["reports"])
    assert {tuple(row.values()) for row in caught_up["rm_report_rounds"]} == expected

    monkeypatch.setattr(bulk, "COPY_FROM_ROWS", 1)  # every table's rows by COPY on PostgreSQL
    monkeypatch.setattr(reports_view, "REWRITTEN_FROM_ROWS", 1)  # the changed rounds deleted and inserted again
    projector.rebuild("reports", batch_size=5000)
    assert every_row(projector) == caught_up
    monkeypatch.undo()

    projector.rebuild("reports", batch_size=1)  # each event read, applied and written on its own
    assert every_row(projector) == caught_up

    monkeypatch.setattr(reports_view, "REWRITTEN_FROM_ROWS", 10**9)  # the changed rounds updated one by one
    for batch_size in (2, 13, 60):
        projector.rebuild("reports", batch_size=batch_size)
        assert every_row(projector) == caught_up


def test_the_milestones_crossed_are_counted_as_from_every_attempt(sql_database, clock):
    app = sql_database.app(clock=clock)
    history = RandomHistory.start(app, clock, seed=3)
    company = crossing_milestones(app, clock, history.users)
    projector = Projector(app, projection_classes=CLASSES)
    projector.catch_up(batch_size=1)
    rows = [row for row in projector["reports"].rows(report_rounds) if row["company_id"] == company]
    first, second = sorted(rows, key=lambda row: row["number"])
    start = clock.now().date() - timedelta(days=7)
    # Round 1: answered on day 4 (the attempt moved there, corrected to "call back" in round 2), met on day 4,
    # given up on day 7; its valid attempts fell on days 0, 1, 3, 4 and 5.
    assert (first["answered"], first["reached_meeting"], first["given_up"]) == (
        start + timedelta(days=4),
        start + timedelta(days=4),
        start + timedelta(days=7),
    )
    assert (first["answer_made"], first["meeting_made"], first["given_up_made"]) == (4, 4, 5)
    # Round 2: its attempts on days 0, 6 and 7 (answered), the meeting on day 7.
    assert (second["answered"], second["reached_meeting"]) == (start + timedelta(days=7),) * 2
    assert (second["answer_made"], second["meeting_made"]) == (3, 3)
    assert {tuple(row) for row in fetch_rows(projector["reports"], report_rounds.select())} == oracle.round_rows(
        projector["reports"]
    )


def reports_statements(projector: Projector) -> list[str]:
    """The statements on the reports view's tables of catching the reports view up."""
    with statements_on(projector.datastore.engine) as statements:
        assert projector.catch_up(["reports"]) > 0
    return [s for s in statements if "rm_report_" in s]


@pytest.fixture
def tried(sql_database, clock):
    """A company tried three times, answered on the second, caught up."""
    app = sql_database.app(clock=clock)
    recruiter = RandomHistory.start(app, clock, seed=3).users[0]
    company = app.register_company(recruiter, name="Kragh Smedie ApS", industry="transport")
    attempts = [
        app.log_attempt(recruiter, company, "call", outcome) for outcome in ("no_answer", "call_back", "no_answer")
    ]
    projector = Projector(app, projection_classes=CLASSES)
    projector.catch_up()
    return app, recruiter, company, attempts, projector


def test_catching_up_on_an_attempt_that_moves_no_stage_reads_no_attempts(tried, clock):
    """One attempt logged adds itself to its round's counts: the round is read, written when it changed, and
    the attempt inserted; the company's other attempts are not read."""
    app, recruiter, company, _attempts, projector = tried
    app.log_attempt(recruiter, company, "email", "no_answer")

    ours = reports_statements(projector)

    assert not [s for s in ours if s.startswith("select") and "from rm_report_attempts" in s]
    assert [s.split(" ")[0] for s in ours] == ["select", "update", "insert"]
    round_ = projector["reports"].rows(report_rounds)[0]
    assert (round_["answered"], round_["answer_made"]) == (clock.now().date(), 4)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"next_follow_up": timedelta(days=7)}, id="follow-up"),
        pytest.param({"outcome": "meeting_booked"}, id="another-answer"),
    ],
)
def test_catching_up_on_a_correction_that_changes_no_count_writes_no_round(tried, clock, change):
    app, recruiter, _company, attempts, projector = tried
    before = projector["reports"].rows(report_rounds)
    if "next_follow_up" in change:
        change = {"next_follow_up": clock.now().date() + change["next_follow_up"]}
    app.correct_attempt(recruiter, attempts[1], reason="Rettelse", **change)

    ours = reports_statements(projector)

    # The attempt is read back by its id and updated; neither its round nor the round's attempts are read.
    assert [s.split(" ")[0] for s in ours] == ["select", "update"]
    assert "rm_report_attempts" in ours[0] and "rm_report_rounds" not in " ".join(ours)
    assert projector["reports"].rows(report_rounds) == before
