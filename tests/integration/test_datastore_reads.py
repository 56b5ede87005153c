"""Reads outside a transaction run in autocommit on PostgreSQL (one round trip a statement), and a read
inside a writing transaction still sees that transaction's writes. Within `shared_reads()` (a web request)
the lone reads share one session, and still see every write committed before them."""

from __future__ import annotations

from sqlalchemy import text

from crm.companies import Company
from storage.datastore import CrmDatastore, shared_reads
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


def test_lone_reads_in_a_shared_block_share_one_session_and_give_it_back_at_the_end(sql_database, clock):
    app = sql_database.app(clock=clock)
    datastore = app.factory.datastore
    pool = datastore.engine.pool
    before = pool.checkedout()
    with datastore.transaction(commit=False) as one, datastore.transaction(commit=False) as two:
        assert one is two  # nested: the library's own joining
    with datastore.transaction(commit=False) as one:
        pass
    with datastore.transaction(commit=False) as two:
        assert two is not one  # one after the other, outside the block: a session each
    with shared_reads():
        with datastore.transaction(commit=False) as first:
            alone = _autocommit(first)
            first.execute(text("SELECT 1"))
        with datastore.transaction(commit=False) as second:
            second.execute(text("SELECT 1"))
        assert second is first
        assert pool.checkedout() == before + 1
    assert pool.checkedout() == before
    assert alone is (sql_database.kind == "postgres")


def test_shared_reads_see_every_write_committed_before_them_and_refuse_none(sql_database, clock):
    app = sql_database.app(clock=clock)
    elsewhere = sql_database.app(clock=clock)  # another process on the same database
    team = make_team(app)
    company_id = hansen_transport(app, team.recruiter)
    with shared_reads():
        start = app.recorder.max_notification_id()
        elsewhere.move_company(team.recruiter, company_id, "contacted")
        after_theirs = app.recorder.max_notification_id()
        app.move_company(team.recruiter, company_id, "meeting")  # a write inside the block, on the same store
        after_ours = app.recorder.max_notification_id()
        assert app.load(Company, company_id).stage == "meeting"
    assert start < after_theirs < after_ours
    assert elsewhere.load(Company, company_id).stage == "meeting"
