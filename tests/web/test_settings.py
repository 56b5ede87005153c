"""The settings screen: a user's API tokens, shown once when made, revoked; an administrator's for anyone."""

from __future__ import annotations

import re

from tests.web.api.conftest import ApiClient


def made_token(html: str) -> str:
    found = re.search(r"<code>(crm_[^<]+)</code>", html)
    assert found, "the new token is shown on the page"
    return found.group(1)


def test_a_user_makes_a_token_sees_it_once_and_it_works_for_the_api_until_revoked(app, as_role, crm, team):
    recruiter = as_role("recruiter")
    page = recruiter.get("/settings/tokens")
    assert page.status_code == 200 and "API-nøgler" in page.get_data(as_text=True)
    made = recruiter.post("/settings/tokens", {"label": "Sagssystem", "expires_on": ""})
    assert made.status_code == 200 and made.headers["Cache-Control"] == "no-store"
    token = made_token(made.get_data(as_text=True))
    again = recruiter.get("/settings/tokens").get_data(as_text=True)
    assert "Sagssystem" in again and token not in again
    api = ApiClient(app.test_client(), token)
    assert api.get("/api/v1/companies").status_code == 200
    [row] = crm.api_tokens_of(team.recruiter, team.recruiter)
    assert recruiter.post(f"/settings/tokens/{row['token_id']}/revoke").status_code == 303
    assert api.get("/api/v1/companies").status_code == 401


def test_a_label_is_required_and_the_refusal_is_shown_in_the_form(as_role):
    page = as_role("consultant").post("/settings/tokens", {"label": ""})
    assert page.status_code == 200 and 'role="alert"' in page.get_data(as_text=True)


def test_an_administrator_sees_everyones_tokens_and_makes_one_for_a_user(as_role, crm, team):
    as_role("recruiter").post("/settings/tokens", {"label": "Mettes system"})
    admin = as_role("admin")
    page = admin.get("/settings/tokens").get_data(as_text=True)
    assert "Mettes system" in page and "mette" in page
    made = admin.post("/settings/tokens", {"label": "Til Jonas", "user_id": str(team.consultant)})
    assert made.status_code == 200
    assert [row["label"] for row in crm.api_tokens_of(team.consultant, team.consultant)] == ["Til Jonas"]


def test_a_user_sees_only_their_own_tokens_and_cannot_make_one_for_another(as_role, crm, team):
    as_role("recruiter").post("/settings/tokens", {"label": "Mettes system"})
    consultant = as_role("consultant")
    assert "Mettes system" not in consultant.get("/settings/tokens").get_data(as_text=True)
    refused = consultant.post("/settings/tokens", {"label": "x", "user_id": str(team.recruiter)})
    assert 'role="alert"' in refused.get_data(as_text=True)
    assert len(crm.api_tokens_of(team.recruiter, team.recruiter)) == 1
