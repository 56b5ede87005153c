"""Workplaces, contacts and attempts over the API; every read of a contact is in the access log as "api"."""

from __future__ import annotations

from uuid import UUID, uuid4

from tests.support import hansen_transport
from tests.web.api.conftest import error_of


def test_workplaces_are_added_listed_and_removed_with_a_reason(api, crm, team):
    company_id = hansen_transport(crm, team.recruiter)
    client = api("recruiter")
    added = client.post(f"/api/v1/companies/{company_id}/workplaces", {"name": "Lageret", "p_number": "1234567890"})
    assert added.status_code == 201 and added.get_json()["p_number"] == "1234567890"
    workplace_id = added.get_json()["workplace_id"]
    assert [w["name"] for w in client.get(f"/api/v1/companies/{company_id}/workplaces").get_json()["items"]] == [
        "Lageret"
    ]
    without_reason = client.delete(f"/api/v1/companies/{company_id}/workplaces/{workplace_id}")
    assert without_reason.status_code == 400 and error_of(without_reason)["field"] == "reason"
    removed = client.delete(f"/api/v1/companies/{company_id}/workplaces/{workplace_id}?reason=Lukket")
    assert removed.status_code == 204
    assert client.get(f"/api/v1/companies/{company_id}/workplaces").get_json()["items"] == []


def test_contacts_are_added_changed_against_a_version_and_archived_and_each_read_is_logged(api, crm, team):
    company_id = hansen_transport(crm, team.recruiter)
    client = api("recruiter")
    added = client.post(
        f"/api/v1/companies/{company_id}/contacts",
        {"name": "Lars Hansen", "role": "top_management", "phone": "20304050", "is_decision_maker": True},
    )
    assert added.status_code == 201
    contact = added.get_json()
    assert contact["phone"] == "+4520304050" and added.headers["Location"].endswith(contact["contact_id"])
    url = f"/api/v1/companies/{company_id}/contacts/{contact['contact_id']}"
    changed = client.patch(url, {"expected_version": contact["version"], "email": "lars@hansen.dk"})
    assert changed.status_code == 200 and changed.get_json()["email"] == "lars@hansen.dk"
    stale = client.patch(url, {"expected_version": contact["version"], "name": "L. Hansen"})
    assert stale.status_code == 409 and error_of(stale)["current_version"] == changed.get_json()["version"]
    assert client.patch(url, {"role": "manager"}).get_json()["role"] == "manager"
    assert client.delete(url).get_json()["archived"] is True
    assert [c["name"] for c in client.get(f"/api/v1/companies/{company_id}/contacts").get_json()["items"]] == [
        "Lars Hansen"
    ]
    uses = {entry["use"] for entry in crm.access_log.entries(contact_id=UUID(contact["contact_id"]))}
    assert uses == {"api"}


def test_an_attempt_is_logged_corrected_with_a_reason_and_voided(api, crm, team):
    company_id = hansen_transport(crm, team.recruiter)
    client = api("recruiter")
    logged = client.post(
        f"/api/v1/companies/{company_id}/attempts",
        {"channel": "call", "outcome": "call_back", "next_follow_up": "2026-03-04"},
    )
    assert logged.status_code == 201
    attempt = logged.get_json()
    assert attempt["occurred_on"] == "2026-03-02" and attempt["recorded_at"].endswith("+00:00")
    assert client.get(f"/api/v1/companies/{company_id}").get_json()["stage"] == "contacted"
    url = f"/api/v1/companies/{company_id}/attempts/{attempt['attempt_id']}"
    no_reason = client.patch(url, {"note": "Ringede til receptionen"})
    assert no_reason.status_code == 422 and error_of(no_reason)["field"] == "reason"
    corrected = client.patch(url, {"reason": "Forkert kanal", "channel": "visit"})
    assert corrected.get_json()["channel"] == "visit" and corrected.get_json()["corrected"] is True
    voided = client.post(f"{url}/void", {"reason": "Fejlregistrering"})
    assert voided.get_json()["voided"] is True
    again = client.post(f"{url}/void", {"reason": "Igen"})
    assert again.status_code == 409 and error_of(again)["code"] == "attempt_voided"
    assert len(client.get(f"/api/v1/companies/{company_id}/attempts").get_json()["items"]) == 1


def test_ids_of_another_company_are_not_found(api, crm, team):
    company_id = hansen_transport(crm, team.recruiter)
    other = hansen_transport(crm, team.recruiter, name="Anden", cvr=None)
    client = api("recruiter")
    contact = client.post(f"/api/v1/companies/{company_id}/contacts", {"name": "Lars", "role": "hr"}).get_json()
    assert client.get(f"/api/v1/companies/{other}/contacts/{contact['contact_id']}").status_code == 404
    assert client.get(f"/api/v1/companies/{uuid4()}/contacts").status_code == 404
    assert client.patch(f"/api/v1/companies/{other}/attempts/{uuid4()}", {"reason": "x"}).status_code == 404
