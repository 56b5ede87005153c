"""The outreach view applied a batch at a time writes the rows it writes applied one event at a time.

A batch reads the rows its events touch, changes them in memory and writes them back at its end
(projections/outreach_view.py); a batch of one event reads and writes per event. The log mixes a
random history with the cases that make a company's next step be worked out again from its attempts:
an attempt dated before the last one, corrections and voids of attempts of earlier batches, a new
round after a decline, and counted dimensions that change under the counters.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from projections import bulk, outreach_view
from projections.event_log import EventIndexProjection
from projections.outreach import OutreachProjection
from projections.outreach_tables import attempts, companies
from projections.runner import Projector
from projections.timeline import TimelineProjection
from projections.users import UsersProjection
from tests.company_counting import counted_rows, counters
from tests.integration.test_batch_apply import story
from tests.random_commands import RandomHistory
from tests.support import statements_on

CLASSES = (UsersProjection, OutreachProjection, TimelineProjection, EventIndexProjection)


def every_row(projector: Projector) -> dict[str, list[dict]]:
    view = projector["outreach"]
    return {table.name: view.rows(table, order_by=list(table.columns)) for table in view.view_tables}


def tangled_rounds(app, clock, users) -> None:
    """Attempts out of date order, corrected and voided across batches, a decline and a new round."""
    recruiter, consultant = users[0], users[1]
    company = app.register_company(recruiter, name="Bøgely Fragt ApS", industry="transport", owner_id=recruiter)
    today = clock.now().date()
    first = app.log_attempt(recruiter, company, "call", "no_answer", next_follow_up=today + timedelta(days=5))
    clock.advance(timedelta(days=3))
    app.log_attempt(consultant, company, "call", "call_back", next_follow_up=today + timedelta(days=9))
    late = app.log_attempt(recruiter, company, "email", "no_answer", occurred_on=today + timedelta(days=1))
    app.correct_attempt(recruiter, first, occurred_on=today + timedelta(days=2), reason="Forkert dato")
    app.void_attempt(recruiter, late, reason="Fejl")
    app.change_company_details(recruiter, company, industry="cleaning", name="Bøgely Rengøring ApS")
    app.assign_company_owner(recruiter, company, consultant)
    app.decline_company(recruiter, company, reason="Nej tak")
    app.reapproach_company(recruiter, company)
    app.log_attempt(recruiter, company, "visit", "meeting_booked", next_follow_up=today + timedelta(days=12))
    app.correct_attempt(recruiter, first, outcome="call_back", reason="Rettelse i en tidligere runde")
    workplace = app.add_workplace(recruiter, company, "Lageret")
    app.remove_workplace(recruiter, company, workplace, reason="Lukket")
    app.add_workplace(recruiter, company, "Kontoret")


@pytest.fixture
def log(sql_database, clock):
    """A varied history, caught up in small batches as it happened."""
    app = sql_database.app(clock=clock)
    history = RandomHistory.start(app, clock, seed=5)
    projector = Projector(app, projection_classes=CLASSES)
    history.run_caught_up(projector, 300, every=40)
    tangled_rounds(app, clock, history.users)
    projector.catch_up(batch_size=7)
    history.change_earlier_attempts()
    tangled_rounds(app, clock, history.users)
    story(app, clock, history.users)
    projector.catch_up(batch_size=7)
    app.erase_contact(history.users[3], next(iter(history.contacts.values()))[0], "art17_1_c_objection", reason="Nej")
    projector.catch_up(batch_size=3)
    return app, projector


def test_a_batch_writes_what_its_events_write_one_at_a_time(log, monkeypatch):
    app, projector = log
    caught_up = every_row(projector)
    assert len(caught_up["rm_attempts"]) > 50 and len(caught_up["rm_workplaces"]) == 2

    monkeypatch.setattr(bulk, "COPY_FROM_ROWS", 1)  # every table's rows by COPY on PostgreSQL
    projector.rebuild("outreach", batch_size=5000)
    assert every_row(projector) == caught_up
    monkeypatch.undo()

    projector.rebuild("outreach", batch_size=1)  # each event read, applied and written on its own
    assert every_row(projector) == caught_up

    monkeypatch.setattr(bulk, "COPY_FROM_ROWS", 10**9)
    projector.rebuild("outreach", batch_size=60)
    assert every_row(projector) == caught_up

    # Stored rows a batch changes: every one updated in place, then every one deleted and inserted again.
    monkeypatch.setattr(outreach_view, "UPDATE_IN_PLACE_ROWS", 10**9)
    projector.rebuild("outreach", batch_size=400)
    assert every_row(projector) == caught_up
    monkeypatch.setattr(outreach_view, "UPDATE_IN_PLACE_ROWS", 0)
    projector.rebuild("outreach", batch_size=7)
    assert every_row(projector) == caught_up


def test_an_attempt_caught_up_updates_its_company_row_in_place(log):
    """The catch-up after a command changes the company's row with one UPDATE of the columns that moved,
    not a delete and an insert of the whole row (and of every index entry)."""
    app, projector = log
    view = projector["outreach"]
    company = next(row for row in view.rows(companies) if row["owner_id"] and row["stage"] == "identified")
    app.log_attempt(company["owner_id"], company["company_id"], "call", "no_answer")
    with statements_on(view.engine) as statements:
        projector.catch_up()
    touching = [s.split()[0] for s in statements if re.search(r"\brm_companies__g\d+\b", s)]
    assert "update" in touching and "delete" not in touching and "insert" not in touching
    after = next(row for row in view.rows(companies) if row["company_id"] == company["company_id"])
    assert (after["attempts_in_round"], after["last_outcome"]) == (company["attempts_in_round"] + 1, "no_answer")


def test_the_counters_after_a_batch_equal_a_count_of_the_rows(log):
    _app, projector = log
    projector.rebuild("outreach", batch_size=5000)
    view = projector["outreach"]
    assert counters(view) == counted_rows(view) and 0 not in counters(view).values()


def test_every_next_step_after_a_batch_is_its_rounds_latest_valid_attempt(log):
    _app, projector = log
    projector.rebuild("outreach", batch_size=5000)
    view = projector["outreach"]
    valid: dict = {}
    for attempt in view.rows(attempts):
        if not attempt["voided"]:
            valid.setdefault((attempt["company_id"], attempt["round"]), []).append(attempt)
    for row in view.rows(companies):
        in_round = valid.get((row["company_id"], row["round"]), [])
        latest = max(in_round, key=lambda a: (a["occurred_on"], a["recorded_at"]), default=None)
        assert row["attempts_in_round"] == len(in_round)
        assert row["last_attempt_on"] == (latest["occurred_on"] if latest else None)
        assert row["last_touched_on"] == (latest["occurred_on"] if latest else row["round_started_on"])


def test_a_next_step_worked_out_again_in_a_batch_is_the_latest_valid_attempt_of_the_round(sql_database, clock):
    app = sql_database.app(clock=clock)
    history = RandomHistory.start(app, clock, seed=2)
    tangled_rounds(app, clock, history.users)
    projector = Projector(app, projection_classes=(UsersProjection, OutreachProjection))
    projector.catch_up()
    row = projector["outreach"].rows(companies)[0]
    today = clock.now().date() - timedelta(days=3)
    assert (row["round"], row["attempts_in_round"], row["last_outcome"], row["stage"]) == (
        2,
        1,
        "meeting_booked",
        "meeting",
    )
    assert (row["next_follow_up"], row["industry"]) == (today + timedelta(days=12), "cleaning")
