"""The outreach view's counters of companies per stage and dimensions: always what a count of the rows says.

The board's and the list's counts read them instead of every company, so they must follow each registration,
stage change, owner change and change of details in the transaction that writes the company, whatever the
batch boundaries, and come out alike from a rebuild and from an older release's database.
"""

from __future__ import annotations

from projections import outreach_view
from projections.company_list import FILTERS as LIST_FILTERS
from projections.company_list import search_companies
from projections.outreach import OutreachProjection
from projections.outreach_tables import COUNTED, company_counts
from projections.outreach_view import OutreachView
from projections.pipeline import counts_by, stage_counts
from projections.runner import Projector
from projections.users import UsersProjection
from tests.company_counting import counted_rows, counters
from tests.support import hansen_transport, make_team


def a_busy_fortnight(app, team) -> list:
    """Registrations, attempts, moves, closing and reopening, new owners, a new industry."""
    hansen = hansen_transport(app, team.recruiter, owner_id=team.recruiter)
    soltoft = app.register_company(team.recruiter, name="Soltoft Rengøring", industry="cleaning")
    agri = app.register_company(
        team.recruiter, name="Agri Vest I/S", industry="agriculture", sector="public", owner_id=team.consultant
    )
    app.log_attempt(team.recruiter, hansen, "call", "meeting_booked")
    app.move_company(team.recruiter, soltoft, "contacted")
    app.assign_company_owner(team.recruiter, soltoft, team.consultant)
    app.change_company_details(team.recruiter, agri, industry="transport", sector="private")
    app.decline_company(team.recruiter, agri, reason="Nej tak")
    app.reapproach_company(team.recruiter, agri)
    app.assign_company_owner(team.recruiter, hansen, None)
    app.move_company(team.recruiter, soltoft, "meeting")
    return [hansen, soltoft, agri]


def projector_of(app) -> Projector:
    return Projector(app, projection_classes=(UsersProjection, OutreachProjection))


def test_the_counters_equal_a_count_of_the_rows_event_by_event_and_in_one_batch(sql_database, clock):
    app = sql_database.app(clock=clock)
    team = make_team(app)
    a_busy_fortnight(app, team)
    one_by_one = projector_of(app)
    one_by_one.catch_up(batch_size=1)
    view = one_by_one["outreach"]
    assert counters(view) == counted_rows(view) and sum(counters(view).values()) == 3
    assert 0 not in counters(view).values()

    one_by_one.rebuild("outreach", batch_size=1000)
    rebuilt = one_by_one["outreach"]
    assert counters(rebuilt) == counted_rows(rebuilt) == counted_rows(view)


def test_changes_after_the_catch_up_move_the_counters(sql_database, clock):
    app = sql_database.app(clock=clock)
    team = make_team(app)
    hansen, soltoft, agri = a_busy_fortnight(app, team)
    projector = projector_of(app)
    projector.catch_up()
    app.park_company(team.recruiter, hansen, reason="Efter sommerferien")
    app.assign_company_owner(team.recruiter, agri, team.recruiter)
    app.change_company_details(team.recruiter, soltoft, industry="transport")
    app.log_attempt(team.recruiter, agri, "call", "no_answer")
    projector.catch_up()
    view = projector["outreach"]
    assert counters(view) == counted_rows(view)
    assert stage_counts(view)["parked"] == 1
    assert stage_counts(view, owner_id=team.recruiter) == {**dict.fromkeys(stage_counts(view), 0), "contacted": 1}
    assert {(row["value"], row["stage"], row["count"]) for row in counts_by(view, "industry")} == {
        ("transport", "parked", 1),
        ("transport", "meeting", 1),
        ("transport", "contacted", 1),
    }
    assert search_companies(view, industry="transport", stage="meeting").total == 1
    assert search_companies(view).total == 3


def test_the_list_filters_are_all_counted_dimensions():
    # The list's total without a search comes from the counters alone.
    assert set(LIST_FILTERS) <= set(COUNTED)


def test_a_database_of_the_previous_version_builds_the_counters_beside_and_switches(sql_database, clock, monkeypatch):
    app = sql_database.app(clock=clock)
    team = make_team(app)
    a_busy_fortnight(app, team)
    with monkeypatch.context() as previous_release:
        previous_release.setattr(OutreachView, "version", OutreachView.version - 1)
        previous_release.setattr(
            OutreachView, "view_tables", tuple(t for t in OutreachView.view_tables if t is not company_counts)
        )
        previous_release.setattr(outreach_view, "recount", lambda session, deltas: None)
        projector_of(app).catch_up()

    projector = projector_of(app)
    projector.catch_up()
    view = projector["outreach"]
    assert [(g.version, g.live) for g in view.generations()] == [(OutreachView.version, True)]
    assert counters(view) == counted_rows(view) and sum(stage_counts(view).values()) == 3
