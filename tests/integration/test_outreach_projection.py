"""The outreach read model and the queries over it: pipeline, queue, company list, overlap."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from projections.company_list import search_companies
from projections.outreach import OutreachProjection
from projections.outreach_tables import closed_reason, companies
from projections.overlap import department_overlap
from projections.pipeline import board, counts_by, stage_counts, stalled
from projections.queue import my_day
from projections.runner import Projector
from projections.users import UsersProjection
from tests.support import hansen_transport, make_team, store_version_1_decline

MONDAY = date(2026, 3, 2)


@pytest.fixture
def app(sql_database, clock):
    return sql_database.app(clock=clock)


@pytest.fixture
def team(app):
    return make_team(app)


def project(app):
    projector = Projector(app, projection_classes=(UsersProjection, OutreachProjection))
    projector.catch_up()
    return projector["outreach"]


def test_a_company_row_follows_its_attempts_and_stage(app, team):
    company_id = hansen_transport(app, team.recruiter, owner_id=team.recruiter)
    app.log_attempt(team.recruiter, company_id, "call", "no_answer", next_follow_up=MONDAY + timedelta(days=1))
    app.log_attempt(team.recruiter, company_id, "call", "meeting_booked", next_follow_up=MONDAY + timedelta(days=3))
    row = project(app).rows(companies)[0]
    assert (row["stage"], row["attempts_in_round"], row["last_outcome"], row["next_follow_up"]) == (
        "meeting",
        2,
        "meeting_booked",
        MONDAY + timedelta(days=3),
    )
    assert row["version"] == 3  # registered, contacted, meeting: forms send it back as expected_version


def test_a_voided_attempt_leaves_the_counts_and_the_next_step(app, team):
    company_id = hansen_transport(app, team.recruiter)
    app.log_attempt(team.recruiter, company_id, "call", "call_back", next_follow_up=MONDAY + timedelta(days=2))
    wrong = app.log_attempt(team.recruiter, company_id, "call", "no_answer", next_follow_up=MONDAY + timedelta(days=9))
    app.void_attempt(team.recruiter, wrong, reason="Forkert virksomhed")
    row = project(app).rows(companies)[0]
    assert (row["attempts_in_round"], row["next_follow_up"]) == (1, MONDAY + timedelta(days=2))


def test_a_correction_moves_the_next_step(app, team):
    company_id = hansen_transport(app, team.recruiter)
    attempt = app.log_attempt(
        team.recruiter, company_id, "call", "call_back", next_follow_up=MONDAY + timedelta(days=2)
    )
    app.correct_attempt(team.recruiter, attempt, next_follow_up=MONDAY + timedelta(days=7), reason="Aftalt ny dato")
    assert project(app).rows(companies)[0]["next_follow_up"] == MONDAY + timedelta(days=7)


class TestMyDay:
    def test_the_queue_sorts_a_recruiters_companies_into_overdue_due_today_and_no_next_step(self, app, team, clock):
        overdue = hansen_transport(app, team.recruiter, owner_id=team.recruiter)
        today = app.register_company(
            team.recruiter, name="Soltoft Rengøring", industry="cleaning", owner_id=team.recruiter
        )
        silent = app.register_company(
            team.recruiter, name="Agri Vest I/S", industry="agriculture", owner_id=team.recruiter
        )
        later = app.register_company(
            team.recruiter, name="Byens Bageri", industry="production", owner_id=team.recruiter
        )
        someone_elses = app.register_company(
            team.consultant, name="Fjordens Plejehjem", industry="care", owner_id=team.consultant
        )
        app.log_attempt(team.recruiter, overdue, "call", "call_back", next_follow_up=MONDAY + timedelta(days=1))
        app.log_attempt(team.recruiter, today, "email", "no_answer", next_follow_up=MONDAY + timedelta(days=3))
        app.log_attempt(team.recruiter, silent, "call", "interested")
        app.log_attempt(team.recruiter, later, "call", "not_now", next_follow_up=MONDAY + timedelta(days=30))
        app.log_attempt(team.consultant, someone_elses, "call", "call_back", next_follow_up=MONDAY)

        day = my_day(project(app), team.recruiter, MONDAY + timedelta(days=3))
        assert [r["name"] for r in day["overdue"]] == ["Hansen Transport ApS"]
        assert day["overdue"][0]["days_overdue"] == 2
        assert [r["name"] for r in day["due_today"]] == ["Soltoft Rengøring"]
        assert [r["name"] for r in day["no_next_step"]] == ["Agri Vest I/S"]

    def test_a_company_without_owner_is_on_the_queue_of_whoever_called_last(self, app, team):
        company_id = hansen_transport(app, team.recruiter)
        app.log_attempt(team.health_consultant, company_id, "call", "call_back", next_follow_up=MONDAY)
        view = project(app)
        assert [r["company_id"] for r in my_day(view, team.health_consultant, MONDAY)["due_today"]] == [company_id]
        assert my_day(view, team.recruiter, MONDAY)["due_today"] == []

    def test_a_declined_company_returns_to_the_queue_when_its_date_comes(self, app, team):
        company_id = hansen_transport(app, team.recruiter, owner_id=team.recruiter)
        app.decline_company(
            team.recruiter, company_id, approach_again_after=MONDAY + timedelta(days=60), reason="Nej tak"
        )
        view = project(app)
        assert my_day(view, team.recruiter, MONDAY + timedelta(days=59))["reapproach"] == []
        assert [r["company_id"] for r in my_day(view, team.recruiter, MONDAY + timedelta(days=60))["reapproach"]] == [
            company_id
        ]

    def test_a_new_round_starts_with_no_attempts_and_no_next_step(self, app, team, clock):
        company_id = hansen_transport(app, team.recruiter, owner_id=team.recruiter)
        app.log_attempt(
            team.recruiter,
            company_id,
            "call",
            "declined",
            note="Ikke nu",
            approach_again_after=MONDAY + timedelta(days=7),
        )
        clock.advance(timedelta(days=7))
        app.reapproach_company(team.recruiter, company_id)
        row = project(app).rows(companies)[0]
        assert (row["round"], row["stage"], row["attempts_in_round"], row["next_follow_up"]) == (
            2,
            "identified",
            0,
            None,
        )


class TestPipeline:
    def test_counts_by_stage_and_dimension_with_filters(self, app, team):
        hansen = hansen_transport(app, team.recruiter, owner_id=team.recruiter)
        app.register_company(team.recruiter, name="Soltoft Rengøring", industry="cleaning", owner_id=team.consultant)
        app.log_attempt(team.recruiter, hansen, "call", "meeting_booked")
        view = project(app)
        counts = stage_counts(view)
        assert (counts["meeting"], counts["identified"], counts["partner"]) == (1, 1, 0)
        assert stage_counts(view, owner_id=team.recruiter)["identified"] == 0
        assert {(r["value"], r["stage"], r["count"]) for r in counts_by(view, "industry")} == {
            ("transport", "meeting", 1),
            ("cleaning", "identified", 1),
        }

    def test_the_board_shows_each_stage_with_its_age(self, app, team, clock):
        hansen = hansen_transport(app, team.recruiter)
        clock.advance(timedelta(days=5))
        app.log_attempt(team.recruiter, hansen, "call", "no_answer")
        columns = board(project(app), MONDAY + timedelta(days=12))
        assert columns["contacted"]["count"] == 1
        assert columns["contacted"]["companies"][0]["days_in_stage"] == 7

    def test_stalled_companies_have_had_no_attempt_for_n_days(self, app, team, clock):
        quiet = hansen_transport(app, team.recruiter)
        busy = app.register_company(team.recruiter, name="Soltoft Rengøring", industry="cleaning")
        app.log_attempt(team.recruiter, quiet, "call", "no_answer")
        clock.advance(timedelta(days=10))
        app.log_attempt(team.recruiter, busy, "call", "no_answer")
        view = project(app)
        found = stalled(view, MONDAY + timedelta(days=14), days=14)
        assert found == []
        found = stalled(view, MONDAY + timedelta(days=15), days=14)
        assert [(r["company_id"], r["days_without_attempt"]) for r in found] == [(quiet, 15)]


class TestCompanyList:
    def test_search_finds_by_name_cvr_and_contact(self, app, team):
        hansen = hansen_transport(app, team.recruiter)
        soltoft = app.register_company(team.recruiter, name="Soltoft Rengøring", industry="cleaning")
        app.register_contact(team.recruiter, soltoft, name="Karin Mørk", role="hr")
        view = project(app)
        assert [r["company_id"] for r in search_companies(view, "hansen").rows] == [hansen]
        assert [r["company_id"] for r in search_companies(view, "1000000").rows] == [hansen]
        assert [r["company_id"] for r in search_companies(view, "mørk").rows] == [soltoft]
        assert search_companies(view, "100%").total == 0

    def test_a_search_matching_many_people_finds_their_companies_all_the_same(self, app, team, monkeypatch):
        monkeypatch.setattr("projections.company_list.CONTACT_MATCHES", 1)  # 200 in use: past it, a subquery
        hansen = hansen_transport(app, team.recruiter)
        soltoft = app.register_company(team.recruiter, name="Soltoft Rengøring", industry="cleaning")
        app.register_contact(team.recruiter, soltoft, name="Karin Mørk", role="hr")
        app.register_contact(team.recruiter, hansen, name="Ole Mørk", role="hr")
        view = project(app)
        found = search_companies(view, "mørk")
        assert {r["company_id"] for r in found.rows} == {hansen, soltoft} and found.total == 2

    def test_filters_sorting_and_pages(self, app, team):
        for i in range(7):
            app.register_company(team.recruiter, name=f"Vognmand {i}", industry="transport")
        app.register_company(team.recruiter, name="Plejecenter Ro", industry="care")
        view = project(app)
        page = search_companies(view, industry="transport", sort="name", descending=True, page=2, per_page=3)
        assert (page.total, page.pages, [r["name"] for r in page.rows]) == (
            7,
            3,
            ["Vognmand 3", "Vognmand 2", "Vognmand 1"],
        )


def test_department_overlap_names_companies_called_by_two_departments_in_the_window(app, team, clock):
    hansen = hansen_transport(app, team.recruiter)
    soltoft = app.register_company(team.recruiter, name="Soltoft Rengøring", industry="cleaning")
    app.log_attempt(team.recruiter, hansen, "call", "no_answer")
    app.log_attempt(team.recruiter, soltoft, "call", "no_answer")
    clock.advance(timedelta(days=3))
    app.log_attempt(team.consultant, hansen, "visit", "interested")
    view = project(app)
    overlap = department_overlap(view, MONDAY + timedelta(days=3), window_days=14)
    assert [(o["name"], o["departments"], o["attempts"]) for o in overlap] == [
        ("Hansen Transport ApS", ["business_service", "health"], 2)
    ]
    assert department_overlap(view, MONDAY + timedelta(days=20), window_days=14) == []


def closed_reasons(view) -> dict:
    with view.transaction(commit=False) as session:
        return dict(session.execute(select(companies.c.name, closed_reason)).all())


def test_the_reason_of_a_decline_is_read_from_the_attempt_or_from_an_older_event(app, team, clock):
    on_the_phone = hansen_transport(app, team.recruiter)
    attempt = app.log_attempt(team.recruiter, on_the_phone, "call", "declined", note="Har egen sundhedsordning")
    older = hansen_transport(app, team.recruiter, name="Soltoft Pleje A/S", cvr=None)
    store_version_1_decline(app, older, "Travlt med udbud")
    asked = hansen_transport(app, team.recruiter, name="Bager Nielsen", cvr=None)
    app.decline_company(team.recruiter, asked, reason="Ingen medarbejdere over 40")

    assert closed_reasons(project(app)) == {
        "Hansen Transport ApS": "Har egen sundhedsordning",
        "Soltoft Pleje A/S": "Travlt med udbud",
        "Bager Nielsen": "Ingen medarbejdere over 40",
    }
    # Check the note is not copied: a corrected note is what the company's row shows.
    app.correct_attempt(team.recruiter, attempt, note="Har egen ordning med en privat leverandør", reason="Præcisering")
    assert closed_reasons(project(app))["Hansen Transport ApS"] == "Har egen ordning med en privat leverandør"
    rows = {row["name"]: row for row in project(app).rows(companies)}
    assert (rows["Hansen Transport ApS"]["closed_reason"], rows["Hansen Transport ApS"]["closed_attempt_id"]) == (
        None,
        attempt,
    )
    # Check a new round forgets the declining attempt.
    app.reapproach_company(team.recruiter, on_the_phone)
    assert closed_reasons(project(app))["Hansen Transport ApS"] is None
