"""Channel partners: added and renamed on their own screen."""

from __future__ import annotations


def test_a_partner_is_added_and_renamed(as_role, crm):
    client = as_role("project_lead")
    response = client.post("/partners", {"name": "3F Vestegnen", "kind": "union"})
    assert response.status_code == 303
    page = client.get("/partners").get_data(as_text=True)
    assert "3F Vestegnen er tilføjet." in page and 'value="3F Vestegnen"' in page and "Fagforening" in page
    partner_id = page.split('action="/partners/')[1].split("/rename")[0]
    client.post(f"/partners/{partner_id}/rename", {"name": "3F Vestegnen-Glostrup"})
    page = client.get("/partners").get_data(as_text=True)
    assert "Navnet er ændret." in page and 'value="3F Vestegnen-Glostrup"' in page


def test_an_empty_name_is_refused_with_a_message(as_role):
    client = as_role("recruiter")
    client.post("/partners", {"name": " ", "kind": "union"})
    assert "Ingen kanalpartnere endnu." in client.get("/partners").get_data(as_text=True)


def test_the_menu_leads_there_for_those_who_may(as_role):
    assert 'href="/partners"' in as_role("project_lead").get("/my-day").get_data(as_text=True)
    assert as_role("auditor").get("/partners").status_code == 403
