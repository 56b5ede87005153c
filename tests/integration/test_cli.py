"""The `crm` command on a real SQLite file, as an administrator would use it."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from cli import DEMO_PASSWORD, main
from crm.application import CrmApplication


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
    first = run("migrate")
    assert first.exit_code == 0 and "Applied 0001, 0002." in first.output and "at revision 0002" in first.output

    again = run("migrate")
    assert again.exit_code == 0 and "Nothing to do." in again.output and "at revision 0002" in again.output


def test_several_web_processes_are_refused_on_sqlite_with_the_reason(database_url):
    refused = run("serve", "--workers", "2")
    assert refused.exit_code != 0 and "PostgreSQL" in refused.output
