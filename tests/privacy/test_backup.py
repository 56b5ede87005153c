"""`crm backup` and `crm restore`: a backup taken before an erasure never brings the person back."""

from __future__ import annotations

import os

import pytest
import sqlalchemy
from click.testing import CliRunner
from sqlalchemy.engine import make_url

from cli import main
from crm.application import CrmApplication
from crm.contacts import Contact
from crm.vocabulary import ERASED_PERSON
from projections.runner import Projector
from storage.location import driver_url
from tests.databases import postgres_url
from tests.integration.test_stopped_view import plan_as_an_older_version_did
from tests.support import hansen_transport, make_team


def live_town(url, tmp_path, monkeypatch):
    """The database the CLI serves, with its erasure ledger, and two people at one company."""
    monkeypatch.setenv("CRM_DATABASE_URL", url)
    monkeypatch.setenv("CRM_ERASURE_LEDGER", str(tmp_path / "ledger" / "erasure-ledger.jsonl"))
    app = CrmApplication.for_database(url)
    team = make_team(app)
    company_id = hansen_transport(app, team.recruiter)
    birthe = app.register_contact(team.recruiter, company_id, name="Birthe Kjærgaard", role="hr")
    lars = app.register_contact(team.recruiter, company_id, name="Lars Hansen", role="top_management")
    return app, team, birthe, lars


def test_a_backup_from_before_an_erasure_restores_with_the_person_still_erased(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    app, team, birthe, lars = live_town(url, tmp_path, monkeypatch)

    backed_up = CliRunner().invoke(main, ["backup", str(tmp_path / "before.sqlite3")])
    assert backed_up.exit_code == 0, backed_up.output
    refused = CliRunner().invoke(main, ["backup", str(tmp_path / "before.sqlite3")])
    assert refused.exit_code != 0 and "exists" in refused.output

    app.erase_contact(team.project_lead, birthe, reason="Sag 2026-14")
    ledger = (tmp_path / "ledger" / "erasure-ledger.jsonl").read_text()
    assert f"contact:{birthe}" in ledger and "Birthe" not in ledger

    into_live = CliRunner().invoke(main, ["restore", str(tmp_path / "before.sqlite3")])
    assert into_live.exit_code != 0 and "empty" in into_live.output

    restored_url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    monkeypatch.setenv("CRM_DATABASE_URL", restored_url)
    result = CliRunner().invoke(main, ["restore", str(tmp_path / "before.sqlite3")])
    assert result.exit_code == 0, result.output
    assert "1 destroyed keys re-applied" in result.output and "the chain verifies" in result.output

    restored = CrmApplication.for_database(restored_url)
    assert restored.load(Contact, birthe).name == ERASED_PERSON
    assert restored.load(Contact, lars).name == "Lars Hansen"
    verified = CliRunner().invoke(main, ["audit", "verify"])
    assert verified.exit_code == 0, verified.output
    restored.factory.datastore.engine.dispose()
    assert b"Birthe" not in (tmp_path / "restored.sqlite3").read_bytes()


@pytest.fixture
def two_databases():
    """Two empty PostgreSQL databases of this test alone: the live one and the one restored into."""
    server = postgres_url()
    names = [f"crm_backup_{os.getpid()}_{which}" for which in ("live", "restored")]
    admin = sqlalchemy.create_engine(driver_url(server), isolation_level="AUTOCOMMIT")
    base = make_url(server)

    def drop_all() -> None:
        with admin.connect() as connection:
            for name in names:
                connection.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    drop_all()
    with admin.connect() as connection:
        for name in names:
            connection.execute(sqlalchemy.text(f'CREATE DATABASE "{name}"'))
    yield [base.set(database=name).render_as_string(hide_password=False) for name in names]
    drop_all()
    admin.dispose()


@pytest.mark.postgres
def test_a_postgresql_backup_from_before_an_erasure_restores_with_the_person_still_erased(
    tmp_path, monkeypatch, two_databases
):
    live_url, restored_url = two_databases
    app, team, birthe, lars = live_town(live_url, tmp_path, monkeypatch)
    backed_up = CliRunner().invoke(main, ["backup", str(tmp_path / "before.dump")])
    assert backed_up.exit_code == 0, backed_up.output
    app.erase_contact(team.project_lead, birthe, reason="Sag 2026-16")
    app.factory.datastore.engine.dispose()

    monkeypatch.setenv("CRM_DATABASE_URL", restored_url)
    result = CliRunner().invoke(main, ["restore", str(tmp_path / "before.dump")])
    assert result.exit_code == 0, result.output
    assert "1 destroyed keys re-applied" in result.output and "the chain verifies" in result.output
    restored = CrmApplication.for_database(restored_url)
    try:
        assert restored.load(Contact, birthe).name == ERASED_PERSON
        assert restored.load(Contact, lars).name == "Lars Hansen"
    finally:
        restored.factory.datastore.engine.dispose()
    verified = CliRunner().invoke(main, ["audit", "verify"])
    assert verified.exit_code == 0, verified.output


def test_a_restore_whose_log_stops_a_read_model_says_which_and_keeps_the_rest(tmp_path, monkeypatch):
    """Every view is rebuilt together after a restore; one an event stops is named, the others serve."""
    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    app, team, _birthe, _lars = live_town(url, tmp_path, monkeypatch)
    company_id = app.register_company(team.recruiter, name="Soltoft Rengøring", industry="cleaning")
    poison = plan_as_an_older_version_did(app, app.open_agreement(team.recruiter, company_id), 10**20)
    Projector(app).catch_up()  # the backup holds the read models as they served, the agreements view stopped
    assert CliRunner().invoke(main, ["backup", str(tmp_path / "backup.sqlite3")]).exit_code == 0

    restored_url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    monkeypatch.setenv("CRM_DATABASE_URL", restored_url)
    result = CliRunner().invoke(main, ["restore", str(tmp_path / "backup.sqlite3")])
    assert result.exit_code != 0
    assert "restored, but a read model stopped at an event: agreements" in result.output
    assert f"stopped before position {poison}" in result.output
    restored = CrmApplication.for_database(restored_url)
    projector = Projector(restored)
    # The stopped view keeps the generation it served; every other one is a fresh replay, at the head.
    generations = {s.name: (s.generation, s.position, s.failure is not None) for s in projector.status()}
    assert generations.pop("agreements") == (1, poison - 1, True)
    head = restored.recorder.max_notification_id()
    assert set(generations.values()) == {(2, head, False)}
    restored.factory.datastore.engine.dispose()
