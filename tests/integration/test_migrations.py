"""Migrations of the tables beside the event store: fresh, adopted, twice, and from several processes at once."""

from __future__ import annotations

import multiprocessing

import pytest
from sqlalchemy import create_engine, func, inspect, select, text

from crm.access_log import access_log, access_log_people
from crm.api_tokens import api_tokens
from crm.application import CrmApplication
from crm.audit.chain import chain_table_for
from crm.audit.checkpoint import checkpoints_table
from crm.audit.tree import tree_table_for
from crm.audit.verify import verify_chain
from crm.calendar_feeds import calendar_feeds
from crm.call_claims import call_claims
from crm.credentials import credentials
from crm.idempotency import idempotency_keys
from crm.persistence import sqlalchemy_env
from crm.personal_keys import personal_keys
from crm.sign_in.log import sign_in_log
from crm.sign_in.sessions import session_generations
from crm.sign_in.throttle import sign_in_throttle
from crm.webhooks import webhook_deliveries, webhooks
from storage import migrations
from tests.audit_history import build_history

BESIDE_THE_EVENT_STORE = {
    "crm_credentials",
    "crm_access_log",
    "crm_event_chain",
    "crm_sign_in_throttle",
    "crm_sign_in_log",
    "crm_session_generations",
    "crm_event_tree",
    "crm_audit_checkpoints",
    "crm_api_tokens",
    "crm_idempotency_keys",
    "crm_webhooks",
    "crm_webhook_deliveries",
    "crm_calendar_feeds",
    "crm_call_claims",
    "crm_access_log_people",
}
# The tables as the code queries them; a new table made by a migration joins this list.
QUERIED = (
    credentials,
    access_log,
    access_log_people,
    chain_table_for("crm_events"),
    sign_in_throttle,
    sign_in_log,
    session_generations,
    tree_table_for("crm_events"),
    checkpoints_table,
    api_tokens,
    idempotency_keys,
    webhooks,
    webhook_deliveries,
    calendar_feeds,
    call_claims,
    personal_keys,
)


def engine_for(url: str):
    return create_engine(sqlalchemy_env(url)["SQLALCHEMY_URL"])


def revision_of(engine) -> frozenset[str]:
    with engine.connect() as connection:
        return migrations.current(connection)


def count(engine, table) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def drop(engine, *tables: str) -> None:
    with engine.begin() as connection:
        for table in tables:
            connection.execute(text(f"DROP TABLE {table}"))


def test_a_fresh_database_gets_every_table_and_a_second_run_does_nothing(sql_database):
    engine = engine_for(sql_database.url)
    try:
        assert migrations.upgrade(engine) == migrations.revisions()
        assert set(inspect(engine).get_table_names()) >= BESIDE_THE_EVENT_STORE
        assert revision_of(engine) == migrations.heads()

        # Check a second run changes nothing and says so.
        assert migrations.upgrade(engine) == []
        assert revision_of(engine) == migrations.heads()
    finally:
        engine.dispose()


def test_the_migrations_form_one_line():
    # Two branches that each added a migration after the same one must be put in a line when merged.
    assert len(migrations.heads()) == 1


def test_the_tables_the_code_queries_are_the_ones_the_migrations_make(sql_database):
    engine = engine_for(sql_database.url)
    try:
        migrations.upgrade(engine)
        inspector = inspect(engine)
        for table in QUERIED:
            made = {column["name"]: column["nullable"] for column in inspector.get_columns(table.name)}
            assert made == {column.name: column.nullable for column in table.columns}, table.name
    finally:
        engine.dispose()


def test_opening_the_application_on_a_sql_store_migrates_it(sql_database, clock):
    app = sql_database.app(clock=clock)
    engine = app.factory.datastore.engine
    assert revision_of(engine) == migrations.heads()
    assert set(inspect(engine).get_table_names()) >= BESIDE_THE_EVENT_STORE


def test_a_database_from_before_migrations_is_adopted_with_every_row(sql_database, clock):
    app = sql_database.app(clock=clock)
    team = build_history(app, clock).team
    app.set_password(team.admin, team.recruiter, "en lang adgangskode")
    app.access_log.record(team.recruiter, "search", [], criterion="hansen")
    engine = app.factory.datastore.engine
    before = {table.name: count(engine, table) for table in (credentials, access_log, app.recorder.chain_table)}
    # What a database created before migrations existed looks like: the tables, and no version table.
    drop(engine, "alembic_version")

    reopened = sql_database.app(clock=clock)

    # Check the baseline adopted the database: every row kept, the rules still hold.
    assert revision_of(engine) == migrations.heads()
    assert {table.name: count(engine, table) for table in (credentials, access_log, app.recorder.chain_table)} == before
    assert reopened.verify_password("mette", "en lang adgangskode") == team.recruiter
    assert verify_chain(reopened).ok
    # (The row is months old, so its retention's floor has passed: a delete would be let through, a change never.)
    with pytest.raises(Exception, match="append-only"):
        with engine.begin() as connection:
            connection.execute(access_log.update().values(criterion="nothing to see"))


def test_a_database_from_before_the_access_log_and_the_chain_gets_them_and_its_log_is_linked(sql_database, clock):
    app = sql_database.app(clock=clock)
    team = build_history(app, clock).team
    app.set_password(team.admin, team.recruiter, "en lang adgangskode")
    engine = app.factory.datastore.engine
    drop(engine, "alembic_version", "crm_access_log", "crm_event_chain")

    reopened = sql_database.app(clock=clock)

    assert set(inspect(engine).get_table_names()) >= BESIDE_THE_EVENT_STORE
    assert reopened.verify_password("mette", "en lang adgangskode") == team.recruiter
    report = verify_chain(reopened)
    assert report.ok and report.checked == app.recorder.max_notification_id()


def _migrate_when_all_are_ready(url: str, barrier, results) -> None:
    engine = engine_for(url)
    try:
        barrier.wait(timeout=60)
        results.put(migrations.upgrade(engine))
    finally:
        engine.dispose()


def _start_the_application_when_all_are_ready(url: str, barrier, results) -> None:
    barrier.wait(timeout=60)
    app = CrmApplication(env=sqlalchemy_env(url))
    results.put(revision_of(app.factory.datastore.engine) == migrations.heads())
    app.factory.datastore.engine.dispose()


@pytest.mark.parametrize(
    "start",
    [
        pytest.param(_migrate_when_all_are_ready, id="crm-migrate"),
        pytest.param(_start_the_application_when_all_are_ready, id="application-start-up"),
    ],
)
def test_two_processes_starting_at_once_migrate_once_and_both_carry_on(sql_database, start):
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    processes = [context.Process(target=start, args=(sql_database.url, barrier, results)) for _ in range(2)]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=60)

    assert [process.exitcode for process in processes] == [0, 0]
    if start is _migrate_when_all_are_ready:
        # Check one applied the revision and the other, having waited for the lock, found nothing to do.
        assert sorted(outcomes) == [[], migrations.revisions()]
    else:
        assert outcomes == [True, True]
    engine = engine_for(sql_database.url)
    try:
        assert revision_of(engine) == migrations.heads()
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() == 1
    finally:
        engine.dispose()


def test_a_tree_stored_as_leaf_rows_moves_into_the_chain_rows_as_it_was(sql_database, clock):
    app = sql_database.app(clock=clock)
    build_history(app, clock)
    engine = app.factory.datastore.engine
    chain, tree = app.recorder.chain_table, app.recorder.tree_table
    leaves_query = select(chain.c.position, chain.c.idx, chain.c.leaf).order_by(chain.c.position)
    nodes_query = select(tree.c.level, tree.c.idx, tree.c.hash, tree.c.position).order_by(tree.c.level, tree.c.idx)
    with engine.connect() as connection:
        leaves = [(p, i, bytes(h)) for p, i, h in connection.execute(leaves_query)]
        nodes = [(level, i, bytes(h), p) for level, i, h, p in connection.execute(nodes_query)]
    assert nodes  # the history completes subtrees of 16 leaves
    # The layout of revision 0011: a row of its own per leaf (level 0, with an index on its position), and
    # the subtrees without the position of their last leaf.
    with engine.begin() as connection:
        connection.execute(tree.update().values(position=None))
        connection.execute(tree.insert(), [{"level": 0, "idx": i, "hash": h, "position": p} for p, i, h in leaves])
        connection.execute(text("CREATE UNIQUE INDEX crm_event_tree_position ON crm_event_tree (position)"))
        connection.execute(text("ALTER TABLE crm_event_chain DROP COLUMN idx"))
        connection.execute(text("ALTER TABLE crm_event_chain DROP COLUMN leaf"))
        connection.execute(text("UPDATE alembic_version SET version_num = '0011'"))

    reopened = sql_database.app(clock=clock)

    assert revision_of(engine) == migrations.heads()
    with engine.connect() as connection:
        assert [(p, i, bytes(h)) for p, i, h in connection.execute(leaves_query)] == leaves
        assert [(level, i, bytes(h), p) for level, i, h, p in connection.execute(nodes_query)] == nodes
    assert "crm_event_tree_position" not in {index["name"] for index in inspect(engine).get_indexes("crm_event_tree")}
    assert verify_chain(reopened).ok
