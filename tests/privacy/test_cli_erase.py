"""`crm contacts erase` on a real SQLite file, and `crm audit verify` after it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from click.testing import CliRunner

from cli import main
from crm.application import CrmApplication
from crm.clock import SimulatedClock
from crm.contacts import Contact
from tests.support import hansen_transport, make_team


def test_erase_from_the_command_line_then_the_chain_and_the_views_verify(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("CRM_DATABASE_URL", url)
    app = CrmApplication.for_database(url)
    team = make_team(app)
    company_id = hansen_transport(app, team.recruiter)
    contact_id = app.register_contact(team.recruiter, company_id, name="Birthe Kjærgaard", role="hr")

    refused = CliRunner().invoke(main, ["contacts", "erase", str(contact_id)])
    assert refused.exit_code != 0 and "--reason" in refused.output
    result = CliRunner().invoke(
        main,
        [
            "contacts",
            "erase",
            str(contact_id),
            "--reason",
            "Sag 2026-14",
            "--by",
            "henrik",
            "--basis",
            "art17_1_b_consent_withdrawn",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "slettet person" in result.output
    erased = app.mapper.to_domain_event(app.recorder.select_events(contact_id)[-1])
    assert isinstance(erased, Contact.Erased) and erased.actor_id == team.project_lead

    verified = CliRunner().invoke(main, ["audit", "verify"])
    assert verified.exit_code == 0, verified.output
    assert "Read model outreach: equals a fresh replay" in verified.output


def test_the_data_subjects_copy_holds_their_data_attempts_and_who_consulted_it(tmp_path, monkeypatch):
    import json

    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("CRM_DATABASE_URL", url)
    app = CrmApplication.for_database(url)
    team = make_team(app)
    company_id = hansen_transport(app, team.recruiter)
    contact_id = app.register_contact(team.recruiter, company_id, name="Birthe Kjærgaard", role="hr", phone="29876543")
    app.log_attempt(team.recruiter, company_id, "call", "no_answer", note="Ring igen", contact_id=contact_id)
    app.access_log.record(team.consultant, "page", [contact_id], place="/companies/x")

    result = CliRunner().invoke(main, ["contacts", "copy", str(contact_id), str(tmp_path / "copy.json")])
    assert result.exit_code == 0, result.output
    copy = json.loads((tmp_path / "copy.json").read_text())
    assert copy["person"]["name"] == "Birthe Kjærgaard" and copy["person"]["phone"] == "+4529876543"
    assert copy["person"]["company"] == "Hansen Transport ApS"
    assert [a["note"] for a in copy["attempts_naming_them"]] == ["Ring igen"]
    assert [e["user_id"] for e in copy["who_consulted_their_data"]] == [str(team.consultant)]
    assert copy["history"][0]["event"] == "Contact.Registered"


def test_a_former_employees_name_is_erased_from_the_command_line(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("CRM_DATABASE_URL", url)
    # She left two years ago; the command line then runs on today's clock.
    past = SimulatedClock(datetime.now(UTC) - timedelta(days=730))
    app = CrmApplication.for_database(url, clock=past)
    team = make_team(app)
    app.disable_user(team.admin, team.recruiter)

    active = CliRunner().invoke(main, ["users", "erase-name", "jonas", "--reason", "Gennemgang"])
    assert active.exit_code != 0 and "disabled" in active.output
    result = CliRunner().invoke(main, ["users", "erase-name", "mette", "--reason", "Gennemgang", "--by", "henrik"])
    assert result.exit_code == 0, result.output
    assert "tidligere medarbejder" in result.output
    assert app.repository.get(team.recruiter).display_name == "tidligere medarbejder"

    verified = CliRunner().invoke(main, ["audit", "verify"])
    assert verified.exit_code == 0, verified.output
    assert "Read model users: equals a fresh replay" in verified.output
