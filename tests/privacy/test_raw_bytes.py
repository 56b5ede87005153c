"""After an erasure the person's name, phone and e-mail are nowhere in the stored bytes, and history still verifies."""

from __future__ import annotations

import subprocess  # nosec B404  # pg_dump, the operator's own tool
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from crm.audit.verify import verify_chain
from projections import contacts_by_id
from projections.runner import Projector
from projections.verify import verify_projections
from tests.support import hansen_transport, make_team

NAME, PHONE, EMAIL = "Birthe Kjærgaard", "+4529876543", "birthe.kjaergaard@hansen-transport.dk"
TRACES = [NAME, "Kjærgaard", "Kjaergaard", "29876543", "birthe.kjaergaard", "Birthe ringede"]


def erase_after_a_history(app) -> tuple:
    team = make_team(app)
    company_id = hansen_transport(app, team.recruiter)
    contact_id = app.register_contact(
        team.recruiter, company_id, name=NAME, role="hr", phone=PHONE, email=EMAIL, reason="Birthe ringede"
    )
    app.change_contact_details(team.recruiter, contact_id, name=NAME, phone="+4529876544", email=EMAIL)
    app.log_attempt(team.recruiter, company_id, "call", "no_answer", contact_id=contact_id)
    app.access_log.record(team.recruiter, "search", [contact_id], criterion=NAME)
    projector = Projector(app)
    projector.catch_up()
    assert contacts_by_id(projector.projections["outreach"].view, [contact_id])[contact_id]["name"] == NAME
    app.erase_contact(team.project_lead, contact_id, "art17_1_c_objection", reason="Anmodning om sletning")
    projector.catch_up()
    return projector, contact_id


def assert_no_trace(blob: bytes) -> None:
    for trace in TRACES:
        for spelling in {trace, trace.lower()}:
            assert spelling.encode("utf-8") not in blob, spelling


def test_the_sqlite_file_holds_no_trace_of_an_erased_person(sql_database, clock, tmp_path):
    if sql_database.kind != "sqlite":
        pytest.skip("the PostgreSQL dump is the test below")
    app = sql_database.app(clock=clock)
    projector, contact_id = erase_after_a_history(app)

    assert verify_chain(app).ok
    assert all(check.equal for check in verify_projections(app, projector))
    assert contacts_by_id(projector.projections["outreach"].view, [contact_id])[contact_id]["name"] == "slettet person"

    engine = app.factory.datastore.engine
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.exec_driver_sql("VACUUM")
    path = Path(make_url(sql_database.url).database)
    assert_no_trace(path.read_bytes())
    wal = path.with_name(path.name + "-wal")
    assert_no_trace(wal.read_bytes() if wal.exists() else b"")


def test_a_postgresql_dump_holds_no_trace_of_an_erased_person(sql_database, clock):
    if sql_database.kind != "postgres":
        pytest.skip("the SQLite file is the test above")
    app = sql_database.app(clock=clock)
    projector, _ = erase_after_a_history(app)
    assert verify_chain(app).ok
    assert all(check.equal for check in verify_projections(app, projector))

    engine = app.factory.datastore.engine
    with engine.connect() as connection:
        schema = connection.execute(text("SELECT current_schema()")).scalar_one()
    url = make_url(sql_database.url)
    dump = subprocess.run(  # nosec B603 B607  # fixed arguments, the test server
        [
            "pg_dump",
            "--data-only",
            "--schema",
            schema,
            "-h",
            url.host or "127.0.0.1",
            "-U",
            url.username or "postgres",
            "-p",
            str(url.port or 5432),
            url.database or "test",
        ],
        capture_output=True,
        check=True,
    ).stdout
    assert b"crm_events" in dump
    assert_no_trace(dump)
