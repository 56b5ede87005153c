"""Reads outside a transaction run in autocommit on PostgreSQL (one round trip a statement), and a read
inside a writing transaction still sees that transaction's writes."""

from __future__ import annotations

from sqlalchemy import text

from crm.companies import Company
from storage.datastore import CrmDatastore
from tests.support import hansen_transport, make_team


def _autocommit(session) -> bool:
    return bool(session.connection().connection.driver_connection.autocommit) if _is_pg(session) else False


def _is_pg(session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def test_a_lone_read_on_postgresql_sends_no_begin_and_a_write_still_does(sql_database, clock):
    app = sql_database.app(clock=clock)
    datastore = app.factory.datastore
    assert isinstance(datastore, CrmDatastore)
    with datastore.transaction(commit=False) as session:
        alone = _autocommit(session)
    with datastore.transaction(commit=True) as session:
        writing = _autocommit(session)
    assert writing is False
    assert alone is (sql_database.kind == "postgres")


def test_a_read_nested_in_a_write_joins_it_and_sees_its_uncommitted_rows(sql_database, clock):
    app = sql_database.app(clock=clock)
    datastore = app.factory.datastore
    with datastore.transaction(commit=True) as session:
        session.execute(text("CREATE TABLE IF NOT EXISTS t_nested (n INTEGER)"))
    with datastore.transaction(commit=True) as outer:
        outer.execute(text("INSERT INTO t_nested VALUES (7)"))
        with datastore.transaction(commit=False) as inner:
            assert inner is outer
            assert inner.execute(text("SELECT count(*) FROM t_nested WHERE n = 7")).scalar() == 1
    with datastore.transaction(commit=False) as session:
        assert session.execute(text("SELECT count(*) FROM t_nested WHERE n = 7")).scalar() == 1


def test_the_application_reads_and_writes_through_autocommit_reads(sql_database, clock):
    app = sql_database.app(clock=clock)
    team = make_team(app)
    company_id = hansen_transport(app, team.recruiter)
    app.move_company(team.recruiter, company_id, "contacted")
    assert sql_database.app(clock=clock).load(Company, company_id).stage == "contacted"
