"""An event a read model cannot apply: the screens keep answering and say which are behind, sign-in works,
the health endpoint and the command line name the view, and a rebuild after the fix clears it."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli import main
from tests.integration.test_stopped_view import PLANNED, fix_the_view, plan_as_an_older_version_did
from tests.support import hansen_transport

BANNER = "Denne oversigt er bagud siden"


@pytest.fixture
def poisoned(app, crm, team, monkeypatch):
    hansen = hansen_transport(crm, team.recruiter, owner_id=team.recruiter)
    crm.register_contact(team.recruiter, hansen, "Birthe Hansen", "top_management", phone="20304050")
    crm.log_attempt(team.recruiter, hansen, "call", "meeting_booked")
    agreement = crm.open_agreement(team.recruiter, hansen)
    poison = plan_as_an_older_version_did(crm, agreement, 10**20)
    crm.register_company(team.recruiter, name="Soltoft Rengøring", industry="cleaning")
    app.extensions["crm"].projector.catch_up()  # as the request that stored it, or the worker, would
    # The command line works on the same database as the web application.
    monkeypatch.setenv("CRM_DATABASE_URL", app.config["DATABASE_URL"])
    return agreement, poison


def cli(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_sign_in_works_and_only_the_screens_that_read_the_stopped_view_say_it_is_behind(as_role, poisoned):
    agreement, _ = poisoned
    nurse = as_role("health_consultant")  # signed in after the event was stored
    page = nurse.get(f"/agreements/{agreement}")
    assert page.status_code == 200 and BANNER in page.get_data(as_text=True)
    assert BANNER in nurse.get("/agreements").get_data(as_text=True)
    companies = nurse.get("/companies").get_data(as_text=True)
    # Check the screens that read other views show the newest data and no banner.
    assert "Soltoft Rengøring" in companies and BANNER not in companies
    assert nurse.get("/my-day").status_code == 200


def test_the_readiness_endpoint_names_the_view_the_position_and_the_error_without_personal_data(app, poisoned):
    _, poison = poisoned
    client = app.test_client()  # nobody signed in
    assert client.get("/health").get_json() == {"status": "ok"}
    response = client.get("/health/ready")
    body = response.get_json()
    assert response.status_code == 200 and body["status"] == "degraded"
    stopped = {view["name"]: view for view in body["views"]}["agreements"]
    assert stopped["failed"]["position"] == poison and stopped["failed"]["topic"] == PLANNED
    assert stopped["failed"]["error"] == "OverflowError" and stopped["position"] == poison - 1
    assert all(view["failed"] is None for view in body["views"] if view["name"] != "agreements")
    text = response.get_data(as_text=True)
    assert "Hansen" not in text and "Birthe" not in text and "20304050" not in text


def test_the_command_line_names_it_and_verify_and_rebuild_report_it_rather_than_crash(poisoned):
    _, poison = poisoned
    status = cli("projections", "status")
    assert status.exit_code == 1
    assert f"agreements   version 1 generation 1 live     position {poison - 1}/" in status.output
    assert f"STOPPED: stopped before position {poison} ({PLANNED}" in status.output
    verify = cli("audit", "verify")
    assert verify.exit_code == 1 and "Every stored event matches its link." in verify.output
    assert f"Read model agreements: NOT COMPARED (the live view stopped before position {poison}" in verify.output
    assert "Read model outreach: equals a fresh replay" in verify.output
    rebuild = cli("projections", "rebuild")
    assert rebuild.exit_code == 1
    assert "outreach: rebuilt, at position" in rebuild.output
    assert f"agreements: stopped before position {poison}" in rebuild.output
    assert "the live read model is kept" in rebuild.output


def test_after_the_fix_a_rebuild_clears_the_banner_and_the_readiness(app, as_role, poisoned, monkeypatch):
    agreement, _ = poisoned
    nurse = as_role("health_consultant")
    assert BANNER in nurse.get(f"/agreements/{agreement}").get_data(as_text=True)
    fix_the_view(monkeypatch)
    rebuilt = cli("projections", "rebuild", "agreements")
    assert rebuilt.exit_code == 0, rebuilt.output
    page = nurse.get(f"/agreements/{agreement}").get_data(as_text=True)
    assert BANNER not in page and "10000" in page
    assert app.test_client().get("/health/ready").get_json()["status"] == "ready"
    assert cli("projections", "status").exit_code == 0
