"""Companies over the API: list, get, create, update against a version, and the path's steps."""

from __future__ import annotations

from uuid import UUID

from tests.support import HANSEN_TRANSPORT_CVR, hansen_transport
from tests.web.api.conftest import error_of

HANSEN = {
    "name": "Hansen Transport ApS",
    "industry": "transport",
    "cvr": HANSEN_TRANSPORT_CVR,
    "size_band": "50-249",
    "arena": "workplace_private",
}


def test_a_company_is_created_and_read_back_with_its_version_and_zoned_times(api):
    client = api("recruiter")
    created = client.post("/api/v1/companies", HANSEN)
    assert created.status_code == 201
    company = created.get_json()
    assert created.headers["Location"] == f"/api/v1/companies/{company['company_id']}"
    assert UUID(company["company_id"]) and company["stage"] == "identified" and company["version"] >= 1
    assert company["registered_at"].endswith("+00:00")
    assert client.get(created.headers["Location"]).get_json() == company


def test_the_list_searches_filters_and_pages_by_cursor(api, crm, team):
    for number in range(5):
        hansen_transport(crm, team.recruiter, name=f"Firma {number}", cvr=None)
    crm.register_company(team.recruiter, name="Bageriet", industry="retail")
    client = api("recruiter")
    first = client.get("/api/v1/companies?q=firma&limit=2").get_json()
    assert [row["name"] for row in first["items"]] == ["Firma 0", "Firma 1"] and first["total"] == 5
    second = client.get(f"/api/v1/companies?q=firma&cursor={first['next_cursor']}").get_json()
    assert [row["name"] for row in second["items"]] == ["Firma 2", "Firma 3"]
    third = client.get(f"/api/v1/companies?q=firma&cursor={second['next_cursor']}").get_json()
    assert [row["name"] for row in third["items"]] == ["Firma 4"] and third["next_cursor"] is None
    retail = client.get("/api/v1/companies?industry=retail").get_json()
    assert [row["name"] for row in retail["items"]] == ["Bageriet"]


def test_a_search_beyond_the_cap_says_so_and_still_pages_to_its_end(api, crm, team, monkeypatch):
    monkeypatch.setattr("projections.company_list.COUNT_CAP", 2)  # 1,000 in use; smaller here, the same rule
    for number in range(5):
        hansen_transport(crm, team.recruiter, name=f"Firma {number}", cvr=None)
    client = api("recruiter")
    answer = client.get("/api/v1/companies?q=firma&limit=2").get_json()
    assert (answer["total"], answer["total_capped"]) == (2, True)
    names = [row["name"] for row in answer["items"]]
    while answer["next_cursor"]:
        answer = client.get(f"/api/v1/companies?q=firma&cursor={answer['next_cursor']}").get_json()
        names += [row["name"] for row in answer["items"]]
    assert names == [f"Firma {number}" for number in range(5)]
    assert (answer["total"], answer["total_capped"]) == (5, False)


def test_a_cursor_the_server_never_gave_or_a_bad_parameter_is_a_400_naming_it(api):
    client = api("recruiter")
    for url, field in (
        ("/api/v1/companies?cursor=nonsense", "cursor"),
        ("/api/v1/companies?limit=0", "limit"),
        ("/api/v1/companies?limit=abc", "limit"),
        ("/api/v1/companies?owner=not-an-id", "owner"),
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        assert error_of(response)["code"] == "bad_request" and error_of(response)["field"] == field


def test_an_update_against_the_current_version_changes_the_company(api, crm, team):
    company_id = hansen_transport(crm, team.recruiter)
    client = api("recruiter")
    version = client.get(f"/api/v1/companies/{company_id}").get_json()["version"]
    changed = client.patch(f"/api/v1/companies/{company_id}", {"expected_version": version, "name": "Hansen Logistik"})
    assert changed.status_code == 200
    assert changed.get_json()["name"] == "Hansen Logistik" and changed.get_json()["version"] == version + 1


def test_a_stale_update_is_a_conflict_that_gives_the_current_version(api, crm, team):
    company_id = hansen_transport(crm, team.recruiter)
    client = api("recruiter")
    version = client.get(f"/api/v1/companies/{company_id}").get_json()["version"]
    client.patch(f"/api/v1/companies/{company_id}", {"expected_version": version, "name": "Først"})
    stale = client.patch(f"/api/v1/companies/{company_id}", {"expected_version": version, "name": "Sidst"})
    assert stale.status_code == 409
    error = error_of(stale)
    assert error["code"] == "concurrent_change" and error["current_version"] == version + 1
    assert client.get(f"/api/v1/companies/{company_id}").get_json()["name"] == "Først"


def test_decline_park_reapproach_and_move(api, crm, team, clock):
    company_id = hansen_transport(crm, team.recruiter)
    client = api("recruiter")
    moved = client.post(f"/api/v1/companies/{company_id}/move", {"stage": "contacted"})
    assert moved.status_code == 200 and moved.get_json()["stage"] == "contacted"
    declined = client.post(
        f"/api/v1/companies/{company_id}/decline", {"reason": "Ingen tid", "approach_again_after": "2026-03-10"}
    )
    assert declined.get_json()["stage"] == "declined"
    assert declined.get_json()["approach_again_after"] == "2026-03-10"
    too_early = client.post(f"/api/v1/companies/{company_id}/reapproach")
    assert too_early.status_code == 409 and error_of(too_early)["code"] == "too_early_to_reapproach"
    other = hansen_transport(crm, team.recruiter, name="Anden", cvr=None)
    assert client.post(f"/api/v1/companies/{other}/park", {"reason": "Travlt"}).get_json()["stage"] == "parked"
    assert client.post(f"/api/v1/companies/{other}/reapproach").get_json()["stage"] == "identified"
    illegal = client.post(f"/api/v1/companies/{other}/move", {"stage": "partner"})
    assert illegal.status_code == 409 and error_of(illegal)["code"] == "illegal_transition"


def test_a_search_that_finds_a_company_by_a_persons_name_is_in_the_access_log(api, crm, team):
    company_id = hansen_transport(crm, team.recruiter)
    lise = crm.register_contact(team.recruiter, company_id, "Lise Hansen", "hr")
    found = api("recruiter").get("/api/v1/companies?q=lise").get_json()
    assert [row["company_id"] for row in found["items"]] == [str(company_id)]
    [entry] = crm.access_log.entries(contact_id=lise)
    assert (entry["use"], entry["user_id"]) == ("api", team.recruiter)
    # What was typed may be a person's name: kept only as a keyed hash, as the list screen's searches are.
    assert entry["criterion"] == crm.access_log.criterion_digest("lise") != "lise"
