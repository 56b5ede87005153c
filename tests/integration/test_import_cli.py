"""`crm import FILE`: the preview and its errors; `--commit` imports, and a second run finds nothing to do.
And `crm calendar url USERNAME`: the private feed address."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from crm.application import CrmApplication
from tests.support import make_team

FILE = Path(__file__).parent.parent / "fixtures" / "imports" / "companies-excel-da.csv"


@pytest.fixture
def database_url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("CRM_DATABASE_URL", url)
    make_team(CrmApplication.for_database(url))
    return url


def run(*args: str):
    return CliRunner().invoke(main, ["import", *map(str, args)], catch_exceptions=False)


def test_the_preview_stores_nothing_and_commit_imports_once(database_url):
    app = CrmApplication.for_database(database_url)
    before = app.recorder.max_notification_id()
    shown = run(FILE, "--user", "mette")
    assert shown.exit_code == 0, shown.output
    assert "new companies: 4" in shown.output and "rows with errors: 3" in shown.output
    assert "row 6 (Forkert CVR A/S): 12345678 er ikke et gyldigt CVR-nummer" in shown.output
    assert "row 7 (Dårlig Kontakt ApS): Telefon: er ikke et telefonnummer" in shown.output
    assert "row 4 (Ærø Rengøring ApS): repeats row 3" in shown.output
    assert app.recorder.max_notification_id() == before

    done = run(FILE, "--user", "mette", "--commit")
    assert "Imported: 4 created, 1 updated, 0 failed." in done.output
    again = run(FILE, "--user", "mette", "--commit")
    assert "unchanged: 7" in again.output and "Imported: 0 created, 0 updated" in again.output


def test_an_unknown_user_imports_nothing(database_url):
    result = run(FILE, "--user", "nobody", "--commit")
    assert "Imported: 0 created, 0 updated" in result.output and "not imported" in result.output


def test_calendar_url_prints_the_same_address_until_renewed(database_url, monkeypatch):
    monkeypatch.setenv("CRM_BASE_URL", "https://crm.horsens.dk/")
    calendar = ["calendar", "url", "mette"]
    first = CliRunner().invoke(main, calendar, catch_exceptions=False).output.strip()
    assert first.startswith("https://crm.horsens.dk/calendar/feed/") and first.endswith(".ics")
    assert CliRunner().invoke(main, calendar, catch_exceptions=False).output.strip() == first
    renewed = CliRunner().invoke(main, [*calendar, "--renew"], catch_exceptions=False).output.strip()
    assert renewed != first
    app = CrmApplication.for_database(database_url)
    token = renewed.rsplit("/", 1)[1].removesuffix(".ics")
    assert app.calendar_feeds.user_for(token) == app.user_id_for("mette")
    assert CliRunner().invoke(main, ["calendar", "url", "nobody"]).exit_code != 0
