"""Days away on the queue: an owner's follow-ups due in an absence go to the stand-in, or to the first
working day after it; cancelling the absence puts them back."""

from __future__ import annotations

from datetime import date

import pytest

import projections
from tests.support import make_team, statements_on

MONDAY = date(2026, 3, 2)
WEDNESDAY, FRIDAY, NEXT_MONDAY, NEXT_TUESDAY = date(2026, 3, 4), date(2026, 3, 6), date(2026, 3, 9), date(2026, 3, 10)


@pytest.fixture
def office(sql_database, clock):
    """Mette owns three companies, due Wednesday, Friday and the Tuesday after."""
    app = sql_database.app(clock=clock)
    team = make_team(app)
    due = {}
    for name, day in (("Onsdag ApS", WEDNESDAY), ("Fredag ApS", FRIDAY), ("Tirsdag ApS", NEXT_TUESDAY)):
        company = app.register_company(team.recruiter, name=name, industry="care", owner_id=team.recruiter)
        app.log_attempt(team.recruiter, company, "call", "no_answer", next_follow_up=day)
        due[name] = company
    projector = projections.Projector(app)
    return app, team, due, projector


def names(queue, section):
    return [row["name"] for row in queue[section]]


def test_with_no_stand_in_the_follow_ups_move_to_the_first_working_day_after(office):
    app, team, due, projector = office
    assert app.mark_absence(team.recruiter, WEDNESDAY, FRIDAY) == NEXT_MONDAY
    projector.catch_up()
    outreach = projector["outreach"]

    assert names(projections.my_day(outreach, team.recruiter, WEDNESDAY), "due_today") == []
    back = projections.my_day(outreach, team.recruiter, NEXT_MONDAY)
    assert names(back, "due_today") == ["Fredag ApS", "Onsdag ApS"] and names(back, "overdue") == []
    moved = back["due_today"][1]
    assert (moved["next_follow_up"], moved["planned_follow_up"]) == (NEXT_MONDAY, WEDNESDAY)
    assert projections.queue_counts(outreach, team.recruiter, NEXT_MONDAY)["due_today"] == 2
    later = projections.queue_row(outreach, due["Tirsdag ApS"], NEXT_MONDAY)
    assert later["section"] == "later" and later["next_follow_up"] == NEXT_TUESDAY


def test_with_a_stand_in_they_show_on_the_colleagues_day_while_the_absence_runs(office):
    app, team, due, projector = office
    app.mark_absence(team.recruiter, WEDNESDAY, FRIDAY, stand_in_id=team.health_consultant)
    projector.catch_up()
    outreach, sofie = projector["outreach"], team.health_consultant

    assert names(projections.my_day(outreach, sofie, WEDNESDAY), "due_today") == ["Onsdag ApS"]
    friday = projections.call_list(outreach, sofie, FRIDAY)
    assert names(friday, "overdue") == ["Onsdag ApS"] and names(friday, "due_today") == ["Fredag ApS"]
    assert projections.to_call(outreach, sofie, FRIDAY, called_since=app.clock.now()) == [
        due["Onsdag ApS"],
        due["Fredag ApS"],
    ]
    # Back on Monday, what the stand-in did not do is the owner's again, and no longer the colleague's.
    assert projections.queue_counts(outreach, sofie, NEXT_MONDAY) == dict.fromkeys(projections.QUEUE_SECTIONS, 0)
    assert names(projections.my_day(outreach, team.recruiter, NEXT_MONDAY), "overdue") == ["Onsdag ApS", "Fredag ApS"]


def test_a_cancelled_absence_puts_the_follow_ups_back(office):
    app, team, due, projector = office
    app.mark_absence(team.recruiter, WEDNESDAY, FRIDAY)
    app.cancel_absence(team.recruiter, WEDNESDAY)
    projector.catch_up()
    assert names(projections.my_day(projector["outreach"], team.recruiter, WEDNESDAY), "due_today") == ["Onsdag ApS"]
    assert projections.absences_of(projector["users"], team.recruiter, MONDAY) == []


def test_a_stand_ins_day_holds_each_company_once_in_the_order_of_one_list_and_pages_cut_it(office):
    """The queue is read in parts (own companies by stage, unowned ones last attempted, the absent
    colleague's): together they give the rows, each once and in order, that one list of them would."""
    app, team, due, projector = office
    sofie = team.health_consultant
    app.mark_absence(team.recruiter, MONDAY, FRIDAY, stand_in_id=sofie)
    own = {}
    for name, outcome in (("Ærø Møde ApS", "meeting_booked"), ("Bøgely ApS", "no_answer"), ("Cederholm", "no_answer")):
        own[name] = app.register_company(sofie, name=name, industry="care", owner_id=sofie)
        app.log_attempt(sofie, own[name], "call", outcome, next_follow_up=MONDAY)
    unowned = app.register_company(sofie, name="Uden Ejer ApS", industry="care")
    app.log_attempt(sofie, unowned, "call", "no_answer", next_follow_up=WEDNESDAY)
    projector.catch_up()
    outreach = projector["outreach"]

    every = projections.call_list(outreach, sofie, FRIDAY)["overdue"]
    # The meeting first (a stage further along), then the others by day due and name; Mette's two within
    # her absence, not the Tuesday after.
    assert [row["name"] for row in every] == [
        "Ærø Møde ApS",
        "Bøgely ApS",
        "Cederholm",
        "Onsdag ApS",
        "Uden Ejer ApS",
    ]
    for limit in range(1, 6):
        assert projections.call_list(outreach, sofie, FRIDAY, limit=limit)["overdue"] == every[:limit]
    assert projections.queue_counts(outreach, sofie, FRIDAY) == dict(
        overdue=5, due_today=1, no_next_step=0, reapproach=0
    )
    by_day = [row["name"] for row in projections.my_day(outreach, sofie, FRIDAY)["overdue"]]
    assert by_day == ["Bøgely ApS", "Cederholm", "Ærø Møde ApS", "Onsdag ApS", "Uden Ejer ApS"]
    pages = [projections.queue_page(outreach, sofie, FRIDAY, "overdue", page, per_page=2) for page in (1, 2, 3)]
    assert [row["name"] for page in pages for row in page] == by_day


def test_the_statements_kept_for_a_shape_of_queue_take_each_users_and_days_values(office):
    """call_list and queue_counts build their statements once for each shape of queue and keep them
    (projections/queue.py): users and days of the same shape each get their own rows, as the statements
    that my_day builds afresh, with the values in them, give them."""
    app, team, _due, projector = office
    sofie = team.health_consultant
    for name, day in (("Mandag ApS", NEXT_MONDAY), ("Onsdag Sofie ApS", WEDNESDAY)):
        company = app.register_company(sofie, name=name, industry="care", owner_id=sofie)
        app.log_attempt(sofie, company, "call", "no_answer", next_follow_up=day)
    for user in (team.recruiter, sofie):  # one moved period each, on different days: one shape
        app.mark_absence(user, WEDNESDAY if user == sofie else FRIDAY, FRIDAY)
    projector.catch_up()
    outreach = projector["outreach"]

    for user in (team.recruiter, sofie, team.recruiter):
        for day in (WEDNESDAY, FRIDAY, NEXT_MONDAY, NEXT_TUESDAY):
            fresh = projections.my_day(outreach, user, day)
            listed = projections.call_list(outreach, user, day)
            assert {s: sorted(names(listed, s)) for s in listed} == {s: sorted(names(fresh, s)) for s in fresh}
            assert projections.queue_counts(outreach, user, day) == {s: len(rows) for s, rows in fresh.items()}
    assert names(projections.call_list(outreach, sofie, NEXT_MONDAY), "due_today") == ["Mandag ApS", "Onsdag Sofie ApS"]


def test_my_days_list_and_counts_together_read_the_absences_once_and_equal_each_apart(office):
    app, team, due, projector = office
    app.mark_absence(team.recruiter, WEDNESDAY, FRIDAY)
    app.mark_absence(team.recruiter, NEXT_TUESDAY, NEXT_TUESDAY, stand_in_id=team.health_consultant)
    projector.catch_up()
    outreach = projector["outreach"]
    for user in (team.recruiter, team.health_consultant):
        for day in (WEDNESDAY, NEXT_MONDAY, NEXT_TUESDAY):
            with statements_on(outreach.datastore.engine) as statements:
                together = projections.counted_call_list(outreach, user, day, limit=2)
            assert together == (
                projections.call_list(outreach, user, day, limit=2),
                projections.queue_counts(outreach, user, day),
            )
            assert sum(s.startswith("select rm_absences.user_id") for s in statements) == 1
