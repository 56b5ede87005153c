"""A disabled employee's display name is sealed under their own key and erased, after its period, by destroying it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from crm.audit.verify import verify_chain
from crm.errors import InvalidInput, NotAllowed
from crm.permissions import SYSTEM_ACTOR_ID
from crm.sealing import employee_key
from crm.users import User
from crm.vocabulary import FORMER_EMPLOYEE
from projections.runner import Projector
from projections.verify import verify_projections
from tests.support import hansen_transport, make_team

NAME = "Karen Østergaard"
TRACES = [NAME, "Østergaard", "Ostergaard"]


def leaver(app, team) -> object:
    """An employee who did some work, then left."""
    user_id = app.register_user(SYSTEM_ACTOR_ID, "karen", NAME, "health", "recruiter")
    hansen_transport(app, user_id)
    app.disable_user(team.admin, user_id)
    return user_id


def erase(app, team, user_id) -> None:
    app.erase_employee_name(team.project_lead, user_id, reason="Gennemgang 2027-01")


def test_the_name_is_stored_only_as_ciphertext(app, clock):
    team = make_team(app)
    user_id = leaver(app, team)
    stored = app.recorder.select_events(user_id, lte=1)[0].state
    assert NAME.encode("utf-8") not in stored and b'"sealed"' in stored
    assert app.repository.get(user_id).display_name == NAME  # opened on reading


def test_after_the_period_the_name_is_erased_everywhere(app, clock):
    team = make_team(app)
    user_id = leaver(app, team)
    clock.advance(timedelta(days=366))
    erase(app, team, user_id)
    assert app.personal_keys.is_destroyed(employee_key(user_id))
    assert app.repository.get(user_id).display_name == FORMER_EMPLOYEE
    registered = app.repository.event_store.get(user_id)
    assert next(iter(registered)).display_name == FORMER_EMPLOYEE
    erased = [e for e in app.repository.event_store.get(user_id) if isinstance(e, User.NameErased)]
    assert [(e.actor_id, e.reason, e.legal_basis) for e in erased] == [
        (team.project_lead, "Gennemgang 2027-01", "retention_expired")
    ]
    erase(app, team, user_id)  # again: the key is destroyed again, nothing new recorded
    assert len([e for e in app.repository.event_store.get(user_id) if isinstance(e, User.NameErased)]) == 1
    report = verify_chain(app)
    assert report.ok or not report.chained  # the in-memory store keeps no chain; the SQL stores must verify


def test_an_active_user_or_one_disabled_too_recently_keeps_the_name(app, clock, monkeypatch):
    team = make_team(app)
    with pytest.raises(InvalidInput, match="disabled"):
        erase(app, team, team.recruiter)
    user_id = leaver(app, team)
    clock.advance(timedelta(days=300))
    with pytest.raises(InvalidInput, match="less than 12 months"):
        erase(app, team, user_id)
    monkeypatch.setenv("CRM_EMPLOYEE_NAME_RETENTION_MONTHS", "6")
    assert app.name_retention_months() == 12  # read once, when the application was made
    assert not app.personal_keys.is_destroyed(employee_key(user_id))


def test_the_period_is_configured(database, clock, monkeypatch):
    monkeypatch.setenv("CRM_EMPLOYEE_NAME_RETENTION_MONTHS", "6")
    app = database.app(clock=clock)
    team = make_team(app)
    user_id = leaver(app, team)
    clock.advance(timedelta(days=190))
    erase(app, team, user_id)
    assert app.repository.get(user_id).display_name == FORMER_EMPLOYEE


def test_the_period_counts_from_the_last_disabling(app, clock):
    team = make_team(app)
    user_id = leaver(app, team)
    clock.advance(timedelta(days=400))
    app.enable_user(team.admin, user_id)
    app.disable_user(team.admin, user_id)
    with pytest.raises(InvalidInput, match="less than"):
        erase(app, team, user_id)


def test_only_the_role_that_erases_people_may(app, clock):
    team = make_team(app)
    user_id = leaver(app, team)
    clock.advance(timedelta(days=366))
    with pytest.raises(NotAllowed):
        app.erase_employee_name(team.admin, user_id, reason="x")
    with pytest.raises(InvalidInput, match="reason"):
        app.erase_employee_name(team.project_lead, user_id)


def test_a_user_registered_before_names_were_sealed_is_refused(app, clock, monkeypatch):
    team = make_team(app)
    # As every user was registered before this change: the name in plain text in the stored event.
    monkeypatch.setattr(app.mapper, "keys", None)
    user_id = leaver(app, team)
    monkeypatch.undo()
    assert NAME.encode("utf-8") in app.recorder.select_events(user_id, lte=1)[0].state
    clock.advance(timedelta(days=366))
    with pytest.raises(InvalidInput, match="before names were sealed"):
        erase(app, team, user_id)
    assert app.repository.get(user_id).display_name == NAME


def test_snapshots_hold_the_name_sealed_and_erased(database, clock):
    app = database.app(clock=clock)
    team = make_team(app)
    user_id = leaver(app, team)
    for _ in range(30):  # past the snapshotting interval, before and after the erasure
        app.enable_user(team.admin, user_id)
        app.disable_user(team.admin, user_id)
    clock.advance(timedelta(days=366))
    erase(app, team, user_id)
    for _ in range(30):
        app.enable_user(team.admin, user_id)
        app.disable_user(team.admin, user_id)
    assert app.repository.get(user_id).display_name == FORMER_EMPLOYEE
    snapshots = app.snapshots.recorder.select_events(user_id)
    assert snapshots
    for snapshot in snapshots:
        assert NAME.encode("utf-8") not in snapshot.state


def test_the_sqlite_file_holds_no_trace_of_an_erased_name(sql_database, clock):
    if sql_database.kind != "sqlite":
        pytest.skip("the raw bytes of a SQLite file")
    app = sql_database.app(clock=clock)
    team = make_team(app)
    user_id = leaver(app, team)
    projector = Projector(app)
    projector.catch_up()
    assert projector["users"].user(user_id)["display_name"] == NAME
    clock.advance(timedelta(days=366))
    erase(app, team, user_id)
    projector.catch_up()

    assert projector["users"].user(user_id)["display_name"] == FORMER_EMPLOYEE
    assert verify_chain(app).ok
    assert all(check.equal for check in verify_projections(app, projector))
    engine = app.factory.datastore.engine
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.exec_driver_sql("VACUUM")
    path = Path(make_url(sql_database.url).database)
    wal = path.with_name(path.name + "-wal")
    blob = path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    for trace in TRACES:
        assert trace.encode("utf-8") not in blob, trace
