from datetime import UTC, datetime, timedelta

import pytest

from crm.access_log import access_log
from crm.clock import SimulatedClock
from tests.support import hansen_transport, make_team


def test_each_use_is_one_row_naming_every_person_shown_with_time_user_use_and_criterion(database, clock):
    app = database.app(clock=clock)
    team = make_team(app)
    company_id = hansen_transport(app, team.recruiter)
    lars = app.register_contact(team.recruiter, company_id, name="Lars Hansen", role="top_management")
    pia = app.register_contact(team.recruiter, company_id, name="Pia Holm", role="hr")
    app.access_log.record(team.recruiter, "page", [lars, pia], place="/companies/x")
    clock.advance(timedelta(hours=1))
    app.access_log.record(team.consultant, "search", [lars], criterion="hansen")

    about_lars = app.access_log.entries(contact_id=lars)
    assert [(e["user_id"], e["use"], e["criterion"]) for e in about_lars] == [
        (team.consultant, "search", app.access_log.criterion_digest("hansen")),
        (team.recruiter, "page", None),
    ]
    assert about_lars[0]["at"] - about_lars[1]["at"] == timedelta(hours=1)
    # Check the page that showed both is one row, found under each of them.
    [page] = app.access_log.entries(user_id=team.recruiter)
    assert set(page["contact_ids"]) == {lars, pia} and page["contact_id"] is None
    assert app.access_log.entries(contact_id=pia) == [page]


def test_the_access_log_refuses_changes_and_deletions_in_the_database(sql_database):
    # A row of today: the database lets only rows older than the retention's floor be deleted.
    app = sql_database.app(clock=SimulatedClock(datetime.now(UTC)))
    team = make_team(app)
    app.access_log.record(team.recruiter, "search", [], criterion="hansen")
    engine = app.factory.datastore.engine
    with pytest.raises(Exception, match="append-only"):
        with engine.begin() as connection:
            connection.execute(access_log.update().values(criterion="nothing to see"))
    with pytest.raises(Exception, match="append-only"):
        with engine.begin() as connection:
            connection.execute(access_log.delete())
    assert app.access_log.entries()[0]["criterion"] == app.access_log.criterion_digest("hansen")


def test_a_search_for_characters_no_database_stores_is_logged_all_the_same(database, clock):
    app = database.app(clock=clock)
    team = make_team(app)
    typed = "han\x00sen \udc00" + "x" * 1_000_000
    app.access_log.record(team.recruiter, "search", [], criterion=typed, place="/a\x00b")
    entry = app.access_log.entries(user_id=team.recruiter)[0]
    assert entry["criterion"] == app.access_log.criterion_digest("han\ufffdsen \ufffd" + "x" * 494)
    assert entry["place"] == "/a\ufffdb"


def test_a_search_is_kept_as_a_keyed_hash_that_finds_it_but_never_says_what_was_typed(database, clock):
    app = database.app(clock=clock)
    team = make_team(app)
    app.access_log.record(team.recruiter, "search", [], criterion="Birthe  Kjærgaard")
    app.access_log.record(team.recruiter, "export", [], criterion="events 2026-03-01 – 2026-03-31")
    searched, exported = reversed(app.access_log.entries(user_id=team.recruiter))
    assert "Birthe" not in searched["criterion"] and searched["criterion"].startswith("hmac:")
    assert searched["criterion"] == app.access_log.criterion_digest("birthe kjærgaard")
    assert searched["criterion"] != app.access_log.criterion_digest("birthe")
    assert exported["criterion"] == "events 2026-03-01 – 2026-03-31"
