"""The access log's retention: expired rows are purged and the purge recorded; the database refuses younger ones."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from cli import main
from crm.access_log import DEFAULT_RETENTION_DAYS, access_log, access_log_people, retention_days
from crm.access_log_retention import AccessLogRetention
from crm.application import CrmApplication
from crm.clock import SimulatedClock
from crm.errors import InvalidInput
from crm.permissions import SYSTEM_ACTOR_ID
from projections.runner import Projector
from projections.worker import Every, run_forever
from tests.support import make_team


def days_ago(days: int) -> SimulatedClock:
    return SimulatedClock(datetime.now(UTC) - timedelta(days=days))


def test_the_retention_is_six_months_unless_configured_and_never_under_the_floor():
    assert retention_days({}) == DEFAULT_RETENTION_DAYS == 183
    assert retention_days({"CRM_ACCESS_LOG_RETENTION_DAYS": "400"}) == 400
    for wrong in ("29", "-5", "six months"):
        with pytest.raises(ValueError, match="at least 30"):
            retention_days({"CRM_ACCESS_LOG_RETENTION_DAYS": wrong})


def test_the_purge_deletes_expired_rows_with_their_search_criteria_and_records_it(database):
    clock = days_ago(200)
    app = database.app(clock=clock)
    team = make_team(app)
    app.access_log.record(team.recruiter, "search", [], criterion="Birthe Kjærgaard")
    clock.advance(timedelta(days=190))
    app.access_log.record(team.recruiter, "search", [], criterion="Lars Hansen")

    assert app.purge_access_log(SYSTEM_ACTOR_ID, 183) == 1
    # Check only the young row is left, and nothing of the old search criterion.
    assert [e["criterion"] for e in app.access_log.entries()] == [app.access_log.criterion_digest("Lars Hansen")]
    record = app.load(AccessLogRetention, AccessLogRetention.create_id())
    purged = app.mapper.to_domain_event(app.recorder.select_events(record.id)[-1])
    assert isinstance(purged, AccessLogRetention.Purged)
    assert (purged.rows, purged.retention_days, purged.actor_id) == (1, 183, SYSTEM_ACTOR_ID)
    # Check a purge with nothing to delete records nothing.
    assert app.purge_access_log(SYSTEM_ACTOR_ID, 183) == 0
    assert app.load(AccessLogRetention, AccessLogRetention.create_id()).version == record.version


def test_a_retention_under_the_floor_is_refused_by_the_command(database):
    app = database.app(clock=days_ago(0))
    with pytest.raises(InvalidInput):
        app.purge_access_log(SYSTEM_ACTOR_ID, 10)


def test_the_database_refuses_deleting_a_row_younger_than_the_floor_and_any_change(sql_database):
    app = sql_database.app(clock=days_ago(20))
    team = make_team(app)
    app.access_log.record(team.recruiter, "page", [team.consultant], place="/companies/x")
    engine = app.factory.datastore.engine
    for table in (access_log_people, access_log):
        with pytest.raises(Exception, match="younger than 30 days"):
            with engine.begin() as connection:
                connection.execute(table.delete())
    with pytest.raises(Exception, match="append-only"):
        with engine.begin() as connection:
            connection.execute(access_log.update().values(place="/elsewhere"))
    with pytest.raises(Exception, match="append-only"):
        with engine.begin() as connection:
            connection.execute(access_log_people.update().values(contact_id=team.auditor))
    assert app.access_log.entries(contact_id=team.consultant)[0]["place"] == "/companies/x"


def test_the_database_lets_an_expired_row_be_deleted_but_not_changed(sql_database):
    app = sql_database.app(clock=days_ago(40))
    team = make_team(app)
    app.access_log.record(team.recruiter, "search", [team.consultant, team.auditor], criterion="hansen")
    engine = app.factory.datastore.engine
    with pytest.raises(Exception, match="append-only"):
        with engine.begin() as connection:
            connection.execute(access_log.update().values(criterion="nothing to see"))
    with engine.begin() as connection:
        assert connection.execute(access_log_people.delete()).rowcount == 2
        assert connection.execute(access_log.delete()).rowcount == 1
    assert app.access_log.entries() == []


def test_crm_access_log_purge_says_how_many_rows_it_deleted(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("CRM_DATABASE_URL", url)
    monkeypatch.setenv("CRM_ACCESS_LOG_RETENTION_DAYS", "60")
    app = CrmApplication.for_database(url, clock=days_ago(90))
    team = make_team(app)
    app.access_log.record(team.recruiter, "page", [team.consultant, team.auditor], place="/companies/x")

    result = CliRunner().invoke(main, ["access-log", "purge"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 access-log rows older than 60 days" in result.output
    assert app.access_log.entries(contact_id=team.auditor) == []
    again = CliRunner().invoke(main, ["access-log", "purge"])
    assert "Deleted 0 access-log rows" in again.output
    monkeypatch.setenv("CRM_ACCESS_LOG_RETENTION_DAYS", "7")
    refused = CliRunner().invoke(main, ["access-log", "purge"])
    assert refused.exit_code != 0 and "at least 30" in refused.output


def test_the_projection_worker_purges_at_start_and_then_once_per_period(tmp_path):
    app = CrmApplication.for_database(f"sqlite:///{tmp_path / 'worker.sqlite3'}", clock=days_ago(300))
    team = make_team(app)
    app.access_log.record(team.recruiter, "page", [team.consultant], place="/companies/x")
    app.clock.advance(timedelta(days=300))  # type: ignore[attr-defined]
    purges: list[int] = []
    purge = Every(lambda: purges.append(app.purge_access_log(SYSTEM_ACTOR_ID, 183)), period=3600)
    stop = threading.Event()
    projector = Projector(app)
    worker = threading.Thread(
        target=run_forever, args=(projector, stop.is_set), kwargs={"wake_every": 0.05, "also": [purge]}
    )
    worker.start()
    try:
        deadline = datetime.now(UTC) + timedelta(seconds=10)
        while not purges and datetime.now(UTC) < deadline:
            stop.wait(0.05)
        stop.wait(0.3)  # several loops: the period has not passed, so no second purge
    finally:
        stop.set()
        worker.join()
    assert purges == [1]
    assert app.access_log.entries() == []


def test_the_database_floor_and_the_smallest_retention_allowed_are_the_same_number():
    import importlib

    from crm.access_log import MINIMUM_RETENTION_DAYS

    migration = importlib.import_module("storage.migrations.versions.0010_access_log_retention")
    assert migration.RETENTION_FLOOR_DAYS == MINIMUM_RETENTION_DAYS
    floors = [
        statement
        for triggers in (migration.RETENTION_TRIGGERS, migration.PEOPLE_TRIGGERS)
        for statements in triggers.values()
        for statement in statements
        if "cannot be deleted" in statement
    ]
    assert len(floors) == 4 and all(
        f"'-{MINIMUM_RETENTION_DAYS} days'" in s or f"'{MINIMUM_RETENTION_DAYS} days'" in s for s in floors
    )
