"""The data subject's copy on the privacy screen: JSON and a printable page, the same content as the CLI's."""

from __future__ import annotations

import json

import pytest

from tests.support import hansen_transport


@pytest.fixture
def birthe(crm, team):
    company = hansen_transport(crm, team.recruiter, owner_id=team.recruiter)
    contact = crm.register_contact(team.recruiter, company, "Birthe Kjærgaard", "hr", "29876543", "birthe@hansen.dk")
    crm.log_attempt(team.recruiter, company, "call", "no_answer", note="Ring igen i morgen", contact_id=contact)
    crm.access_log.record(team.consultant, "export", [contact], place="/export/leads.csv", purpose="Månedsmøde")
    return company, contact


def test_the_privacy_screen_offers_both_formats_to_the_project_lead_only(as_role, birthe):
    _company, contact = birthe
    page = as_role("project_lead").get(f"/privacy/contacts/{contact}/erase").get_data(as_text=True)
    assert "Indsigt for den registrerede" in page
    assert f"/privacy/contacts/{contact}/copy.json" in page and f'/privacy/contacts/{contact}/copy"' in page
    recruiter = as_role("recruiter")
    assert recruiter.get(f"/privacy/contacts/{contact}/copy").status_code == 403
    assert recruiter.get(f"/privacy/contacts/{contact}/copy.json").status_code == 403


def test_the_json_copy_holds_their_data_attempts_and_who_consulted_it_and_is_itself_logged(as_role, crm, team, birthe):
    _company, contact = birthe
    response = as_role("project_lead").get(f"/privacy/contacts/{contact}/copy.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == f'attachment; filename="indsigt-{contact}.json"'
    copy = json.loads(response.get_data())
    assert copy["person"]["name"] == "Birthe Kjærgaard" and copy["person"]["email"] == "birthe@hansen.dk"
    assert copy["person"]["company"] == "Hansen Transport ApS"
    assert [a["note"] for a in copy["attempts_naming_them"]] == ["Ring igen i morgen"]
    consulted = copy["who_consulted_their_data"]
    assert ("Jonas Vestergaard", "export", "Månedsmøde") in [(e["user"], e["use"], e["purpose"]) for e in consulted]
    handed_over = crm.access_log.entries(contact_id=contact)[0]
    assert (handed_over["user_id"], handed_over["use"], handed_over["criterion"]) == (
        team.project_lead,
        "export",
        "data subject's copy",
    )


def test_the_readable_page_is_in_danish_and_names_who_consulted_the_data(as_role, crm, team, birthe):
    _company, contact = birthe
    page = as_role("project_lead").get(f"/privacy/contacts/{contact}/copy").get_data(as_text=True)
    assert "Indsigt for den registrerede" in page and "Birthe Kjærgaard" in page and "+4529876543" in page
    assert "Kontaktforsøg, hvor personen er nævnt" in page and "Ring igen i morgen" in page
    assert "Hvem har set personens oplysninger" in page and "Jonas Vestergaard" in page and "Månedsmøde" in page
    assert "Kontaktperson registreret" in page
    assert crm.access_log.entries(contact_id=contact)[0]["place"] == f"/privacy/contacts/{contact}/copy"


def test_after_an_erasure_the_copy_shows_an_erased_person(as_role, crm, team, birthe):
    _company, contact = birthe
    crm.erase_contact(team.project_lead, contact, "art17_1_c_objection", reason="Sag 2026-14")
    page = as_role("project_lead").get(f"/privacy/contacts/{contact}/copy").get_data(as_text=True)
    assert "Birthe" not in page and "slettet person" in page and "Personen er slettet" in page
