"""Read models change shape: a new version is built beside the live one, in tables of its own, and switched to.

The new shape here is the users view with a new column (the users' initials), as a
developer would ship it: a new version number, the column, the handler that fills it.
"""

from __future__ import annotations

import multiprocessing

import pytest
from sqlalchemy import Column, MetaData, String, inspect, select

from crm.permissions import SYSTEM_ACTOR_ID
from projections import registry
from projections.base import NewerReadModel
from projections.outreach import OutreachProjection
from projections.outreach_tables import companies
from projections.runner import Projector
from projections.schema import metadata as read_model_metadata
from projections.users import UsersProjection, UsersView, users
from storage.ddl import create_tables
from tests.support import hansen_transport, make_team
from tests.web.conftest import PASSWORD, WebClient
from web import create_app

users_v2 = users.to_metadata(MetaData())
users_v2.append_column(Column("initials", String(8)))


def initials(name: str) -> str:
    return "".join(part[0] for part in name.split())[:8]


class UsersViewV2(UsersView):
    version = UsersView.version + 1
    view_tables = (users_v2,)

    def add_user(self, user_id, username, display_name, department, role) -> None:
        super().add_user(user_id, username, display_name, department, role)
        with self.transaction(commit=True) as session:
            session.execute(
                users_v2.update().where(users_v2.c.user_id == user_id).values(initials=initials(display_name))
            )

    def initials_by_username(self) -> dict[str, str]:
        with self.transaction(commit=False) as session:
            return dict(session.execute(select(users_v2.c.username, users_v2.c.initials)).all())


class UsersProjectionV2(UsersProjection):
    view_class = UsersViewV2


def test_a_new_column_on_an_existing_database_is_built_beside_and_the_app_starts_and_shows_it(
    sql_database, clock, monkeypatch, tmp_path
):
    app = sql_database.app(clock=clock)
    team = make_team(app)
    app.set_password(SYSTEM_ACTOR_ID, team.admin, PASSWORD)
    Projector(app).catch_up()  # the database as the previous release left it

    monkeypatch.setattr(registry, "ALL", tuple(UsersProjectionV2 if c is UsersProjection else c for c in registry.ALL))
    monkeypatch.setenv("CRM_INSTANCE_PATH", str(tmp_path / "instance"))
    web = create_app({"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": sql_database.url, "CLOCK": clock})
    try:
        admin = WebClient(web.test_client()).login("admin")
        page = admin.get("/admin/users")
        assert page.status_code == 200 and "Mette Kjær" in page.get_data(as_text=True)
        view = web.extensions["crm"].projector["users"]
        # Check the new column is there and filled for the users registered before it existed.
        assert view.initials_by_username()["mette"] == "MK" and len(view.initials_by_username()) == 6
        assert [(g.version, g.live) for g in view.generations()] == [(UsersViewV2.version, True)]
    finally:
        web.extensions["crm"].crm.factory.datastore.engine.dispose()


def test_a_database_from_before_generations_serves_its_old_tables_until_the_new_ones_have_caught_up(
    sql_database, clock
):
    app = sql_database.app(clock=clock)
    team = make_team(app)
    engine = app.factory.datastore.engine
    # The previous release kept the read model in a plain table, with its position in a table of its own.
    create_tables(engine, read_model_metadata, [users])
    with engine.begin() as connection:
        connection.execute(
            users.insert().values(
                user_id=team.recruiter,
                username="mette",
                display_name="Mette Kjær",
                department="health",
                role="recruiter",
                active=True,
            )
        )
    projector = Projector(app, projection_classes=(UsersProjection,))
    assert [u["username"] for u in projector["users"].all_users()] == ["mette"]
    projector.catch_up()
    assert len(projector["users"].all_users()) == 6
    assert "rm_users" in inspect(engine).get_view_names()


def start_the_new_release(url: str, results) -> None:
    from crm.application import CrmApplication

    app = CrmApplication.for_database(url)
    projector = Projector(app, projection_classes=(UsersProjectionV2, OutreachProjection))
    projector.catch_up(batch_size=5)
    results.put(sorted(projector["users"].initials_by_username().items()))
    app.factory.datastore.engine.dispose()


def test_several_processes_starting_the_new_version_at_once_build_it_once(sql_database, clock):
    app = sql_database.app(clock=clock)
    team = make_team(app)
    for n in range(10):
        hansen_transport(app, team.recruiter, name=f"Vognmand {n}", cvr=None)
    Projector(app, projection_classes=(UsersProjection, OutreachProjection)).catch_up()

    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    starting = [context.Process(target=start_the_new_release, args=(sql_database.url, results)) for _ in range(3)]
    for process in starting:
        process.start()
    for process in starting:
        process.join(timeout=120)
    seen = [results.get(timeout=5) for _ in starting]

    assert all(process.exitcode == 0 for process in starting)
    assert seen[0] == seen[1] == seen[2] and len(seen[0]) == 6
    view = Projector(app, projection_classes=(UsersProjectionV2,))["users"]
    assert [(g.version, g.live, g.failure) for g in view.generations()] == [(UsersViewV2.version, True, None)]


def test_older_code_refuses_a_read_model_of_a_newer_version_rather_than_switching_it_back(sql_database, clock):
    app = sql_database.app(clock=clock)
    make_team(app)
    Projector(app, projection_classes=(UsersProjectionV2,)).catch_up()
    with pytest.raises(NewerReadModel):
        Projector(app, projection_classes=(UsersProjection,))


def thirty_hauliers_caught_up(sql_database, clock) -> Projector:
    app = sql_database.app(clock=clock)
    team = make_team(app)
    for n in range(30):
        hansen_transport(app, team.recruiter, name=f"Vognmand {n:02d}", cvr=None)
    projector = Projector(app, projection_classes=(UsersProjection, OutreachProjection))
    projector.catch_up()
    return projector


def test_a_rebuild_runs_beside_the_live_view_so_no_screen_goes_empty(sql_database, clock):
    projector = thirty_hauliers_caught_up(sql_database, clock)
    live = projector["outreach"].rows(companies)
    seen_during = []

    def look(position: int, head: int) -> None:
        seen_during.append(projector["outreach"].rows(companies))

    projector.rebuild("outreach", batch_size=10, progress=look)
    assert len(seen_during) > 2 and all(rows == live for rows in seen_during)
    assert projector["outreach"].rows(companies) == live
    assert [g.live for g in projector["outreach"].generations()] == [True]


def test_a_process_whose_generation_another_process_replaced_moves_to_the_new_one(sql_database, clock):
    app = sql_database.app(clock=clock)
    team = make_team(app)
    hansen_transport(app, team.recruiter)
    web, command_line = (Projector(app, projection_classes=(UsersProjection, OutreachProjection)) for _ in range(2))
    web.catch_up()
    stale = web.projections["outreach"]
    command_line.rebuild("outreach")
    soltoft = app.register_company(team.recruiter, name="Soltoft Rengøring", industry="cleaning")

    assert web.catch_up() > 0
    assert soltoft in {row["company_id"] for row in web["outreach"].rows(companies)}
    assert web["outreach"].generation == command_line["outreach"].generation != stale.view.generation
    # Check a thread still holding the old view finds its position gone rather than writing to dropped tables.
    with app.factory.datastore.transaction(commit=True) as session:
        assert stale.view.lock_position(session) is None


def _planner_rows(engine, table: str) -> int | None:
    """The rows the planner's statistics hold for a table (None: never gathered)."""
    from sqlalchemy import text

    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            tuples = connection.execute(
                text("SELECT reltuples FROM pg_class WHERE oid = to_regclass(:t)"), {"t": table}
            ).scalar()
            return None if tuples is None or tuples < 0 else int(tuples)
        if not inspect(connection).has_table("sqlite_stat1"):
            return None
        stat = connection.execute(text("SELECT stat FROM sqlite_stat1 WHERE tbl = :t"), {"t": table}).scalar()
        return None if stat is None else int(str(stat).split()[0])


def test_a_rebuilt_generation_goes_live_with_the_planner_statistics_of_its_rows(sql_database, clock):
    projector = thirty_hauliers_caught_up(sql_database, clock)
    projector.rebuild("outreach", batch_size=10)
    view = projector["outreach"]
    physical = view.tables_of_generation[companies].name
    assert _planner_rows(view.engine, physical) == 30
