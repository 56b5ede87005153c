"""The `crm` command on a real SQLite file, as an administrator would use it."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from cli import DEMO_PASSWORD, main
from cli.serve import GUNICORN_THREADS, WAITRESS_THREADS, threads_per_process
from crm.application import CrmApplication
from storage import migrations


@pytest.fixture
def database_url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("CRM_DATABASE_URL", url)
    return url


def run(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result


def test_the_demo_loads_once_and_every_demo_user_can_sign_in(database_url):
    first = run("demo", "--companies", "25", "--if-empty")
    assert first.exit_code == 0 and "Loaded" in first.output and DEMO_PASSWORD in first.output
    app = CrmApplication.for_database(database_url)
    events = app.recorder.max_notification_id()
    assert app.verify_password("mette", DEMO_PASSWORD) == app.user_id_for("mette")

    again = run("demo", "--companies", "25", "--if-empty")
    assert again.exit_code == 0 and "not loaded" in again.output and "mette" in again.output
    assert app.recorder.max_notification_id() == events
    refused = run("demo", "--companies", "25")
    assert refused.exit_code != 0 and "already holds events" in refused.output


def test_users_are_added_with_a_password_listed_and_disabled(database_url):
    added = run(
        "users",
        "add",
        "Ole",
        "--name",
        "Ole Dam",
        "--department",
        "job_centre",
        "--role",
        "consultant",
        "--password",
        "kaffe-paa-kontoret-7",
    )
    assert added.exit_code == 0
    app = CrmApplication.for_database(database_url)
    assert app.verify_password("ole", "kaffe-paa-kontoret-7") == app.user_id_for("ole")
    assert run("users", "password", "ole", "--password", "nyt-kodeord-1").exit_code == 0
    assert app.verify_password("ole", "nyt-kodeord-1") == app.user_id_for("ole")
    assert "ole" in run("users", "list").output
    run("users", "disable", "ole")
    listed = run("users", "list").output
    assert "disabled" in listed.splitlines()[0]


def test_a_bad_role_is_refused_with_the_reason(database_url):
    result = run(
        "users",
        "add",
        "ole",
        "--name",
        "Ole Dam",
        "--department",
        "health",
        "--role",
        "boss",
        "--password",
        "hemmelig-kode",
    )
    assert result.exit_code != 0 and "role" in result.output


def test_rebuilding_a_read_model_replays_it_and_an_unknown_name_is_refused(database_url):
    run("demo", "--companies", "20")
    rebuilt = run("projections", "rebuild", "outreach")
    assert rebuilt.exit_code == 0 and "outreach:" in rebuilt.output
    applied = int(re.search(r"outreach: (\d+) events applied", rebuilt.output).group(1))
    assert applied > 100
    unknown = run("projections", "rebuild", "gossip")
    assert unknown.exit_code != 0 and "No read model gossip" in unknown.output


def test_migrate_brings_the_database_to_the_newest_revision_and_then_has_nothing_to_do(database_url):
    every, newest = migrations.revisions(), migrations.revisions()[-1]
    first = run("migrate")
    assert first.exit_code == 0 and f"Applied {', '.join(every)}." in first.output
    assert f"at revision {newest}" in first.output

    again = run("migrate")
    assert again.exit_code == 0 and "Nothing to do." in again.output and f"at revision {newest}" in again.output


def test_a_token_made_on_the_command_line_is_printed_once_and_works_for_the_api(database_url, tmp_path, monkeypatch):
    run(
        "users",
        "add",
        "mette",
        "--name",
        "Mette Kjær",
        "--department",
        "health",
        "--role",
        "recruiter",
        "--password",
        "kaffe-og-kage-hver-dag",
    )
    result = CliRunner().invoke(main, ["tokens", "create", "mette", "--label", "Sagssystem"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert token.startswith("crm_") and len(token.splitlines()) == 1
    listed = run("tokens", "list", "mette").output
    assert "Sagssystem" in listed and token not in listed

    from web import create_app

    monkeypatch.setenv("CRM_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "SECRET_KEY": "test"})
    try:
        response = app.test_client().get("/api/v1/companies", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200
        token_id = listed.split("\t")[0]
        run("tokens", "revoke", token_id)
        response = app.test_client().get("/api/v1/companies", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401
    finally:
        app.extensions["crm"].crm.factory.datastore.engine.dispose()


def test_several_web_processes_are_refused_on_sqlite_with_the_reason(database_url):
    refused = run("serve", "--workers", "2")
    assert refused.exit_code != 0 and "PostgreSQL" in refused.output


def test_several_web_processes_run_fewer_threads_each_than_one_unless_told():
    assert threads_per_process(1, None) == WAITRESS_THREADS
    assert threads_per_process(2, None) == threads_per_process(4, None) == GUNICORN_THREADS < WAITRESS_THREADS
    assert threads_per_process(2, 8) == 8 and threads_per_process(1, 3) == 3
