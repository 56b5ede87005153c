"""Reassigning from the company list, in bulk: all the ticked companies, or none."""

from __future__ import annotations

from uuid import uuid4

import pytest

from crm.errors import NotFound


@pytest.fixture
def three(crm, team):
    return [
        crm.register_company(team.recruiter, f"Vognmand {n}", "transport", owner_id=team.recruiter) for n in range(3)
    ]


def test_the_ticked_companies_get_the_new_owner(as_role, crm, team, three):
    client = as_role("project_lead")
    page = client.get("/companies").get_data(as_text=True)
    assert f'name="company_id" value="{three[0]}" form="bulk-reassign"' in page
    response = client.post(
        "/companies/reassign",
        {"company_id": [str(three[0]), str(three[2])], "owner_id": str(team.consultant), "back": "/companies?q=vogn"},
    )
    assert response.status_code == 303 and response.headers["Location"].endswith("/companies?q=vogn")
    owners = [crm.repository.get(company).owner_id for company in three]
    assert owners == [team.consultant, team.recruiter, team.consultant]
    assert "2 virksomheder har fået ny ansvarlig." in client.get("/companies").get_data(as_text=True)


def test_one_unknown_company_changes_none(crm, team, three):
    with pytest.raises(NotFound):
        crm.reassign_companies(team.project_lead, [three[0], uuid4()], team.consultant)
    assert crm.repository.get(three[0]).owner_id == team.recruiter


def test_nothing_ticked_is_refused_with_a_message(as_role, three):
    client = as_role("project_lead")
    client.post("/companies/reassign", {"owner_id": ""})
    assert "vælg mindst én virksomhed" in client.get("/companies").get_data(as_text=True)


def test_the_way_back_stays_on_this_site(as_role, team, three):
    response = as_role("project_lead").post(
        "/companies/reassign", {"company_id": str(three[0]), "owner_id": "", "back": "//evil.example/companies"}
    )
    assert response.headers["Location"].endswith("/companies")
    assert "evil" not in response.headers["Location"]
