"""Every list of /api/v1 pages by an opaque cursor: walked in pages of 2, each item comes exactly once."""

from __future__ import annotations

import pytest

from tests.support import hansen_transport
from tests.web.api.conftest import error_of


def walk(client, url: str, key: str) -> list[str]:
    """Every item's key, following next_cursor to the end in pages of 2."""
    seen: list[str] = []
    cursor = None
    for _ in range(20):
        separator = "&" if "?" in url else "?"
        page_url = f"{url}{separator}limit=2" + (f"&cursor={cursor}" if cursor else "")
        response = client.get(page_url)
        assert response.status_code == 200, response.get_json()
        answer = response.get_json()
        assert len(answer["items"]) <= 2
        seen += [str(item[key]) for item in answer["items"]]
        cursor = answer["next_cursor"]
        if cursor is None:
            return seen
    raise AssertionError(f"{url} never ended")


@pytest.fixture
def filled(crm, team):
    """Five of everything a list shows."""
    company_id = hansen_transport(crm, team.recruiter, owner_id=team.recruiter)
    for number in range(5):
        crm.register_contact(team.recruiter, company_id, f"Person {number}", "hr")
        crm.log_attempt(team.recruiter, company_id, "call", "call_back", next_follow_up=crm.today())
        hansen_transport(crm, team.recruiter, name=f"Firma {number}", cvr=None, owner_id=team.recruiter)
        crm.register_partner(team.recruiter, f"Partner {number}", "union", None)
    return company_id


def test_every_list_walks_to_its_end_in_pages_of_two_with_each_item_once(api, crm, team, filled):
    client = api("recruiter")
    for number in range(5):
        created = client.post(f"/api/v1/companies/{filled}/workplaces", {"name": f"Sted {number}"})
        assert created.status_code == 201
    company = f"/api/v1/companies/{filled}"
    for url, key, expected in (
        ("/api/v1/companies", "company_id", 6),
        (f"{company}/contacts", "contact_id", 5),
        (f"{company}/attempts", "attempt_id", 5),
        (f"{company}/workplaces", "workplace_id", 5),
        ("/api/v1/partners", "partner_id", 5),
        ("/api/v1/queue", "company_id", 6),
    ):
        whole = client.get(f"{url}?limit=100").get_json()
        assert len(whole["items"]) == expected and whole["next_cursor"] is None, url
        walked = walk(client, url, key)
        assert sorted(walked) == sorted(str(item[key]) for item in whole["items"]) and len(set(walked)) == expected, url


@pytest.mark.parametrize("list_url", ["/contacts", "/attempts", "/workplaces", "/partners", "/queue", "/companies"])
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("cursor=nonsense", "cursor"),
        ("cursor=eyJwYWdlIjoxfQ", "cursor"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=abc", "limit"),
    ],
)
def test_a_bad_cursor_or_limit_on_any_list_is_a_json_400(api, filled, list_url, query, field):
    url = (
        f"/api/v1/companies/{filled}{list_url}"
        if list_url in ("/contacts", "/attempts", "/workplaces")
        else f"/api/v1{list_url}"
    )
    response = api("recruiter").get(f"{url}?{query}")
    assert response.status_code == 400, url
    assert error_of(response)["code"] == "bad_request" and error_of(response)["field"] == field
