"""API tokens: who a request acts for, and every way a token stops working."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from crm.api_tokens import api_tokens
from crm.permissions import SYSTEM_ACTOR_ID
from tests.web.api.conftest import ApiClient, error_of


def test_a_request_without_a_token_is_refused_with_the_scheme_to_use(api):
    response = api(None).get("/api/v1/companies")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert error_of(response)["code"] == "unauthenticated"


def test_an_unknown_or_malformed_token_is_refused(api, app):
    for header in ("Bearer crm_nonsense", "Bearer ", "Basic abc", "crm_x"):
        response = app.test_client().get("/api/v1/companies", headers={"Authorization": header})
        assert response.status_code == 401, header


def test_a_signed_in_browser_session_does_not_authenticate_the_api(as_role):
    response = as_role("recruiter").get("/api/v1/companies")
    assert response.status_code == 401


def test_a_token_does_not_open_a_screen(app, tokens):
    response = app.test_client().get("/companies", headers={"Authorization": f"Bearer {tokens['recruiter']}"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_role_of_the_tokens_owner_decides_what_it_may_do(api):
    assert api("recruiter").get("/api/v1/companies").status_code == 200
    assert api("auditor").get("/api/v1/companies").status_code == 200
    refused = api("admin").get("/api/v1/companies")
    assert refused.status_code == 403 and error_of(refused)["code"] == "not_allowed"
    assert api("auditor").post("/api/v1/companies", {"name": "X", "industry": "transport"}).status_code == 403


def test_tokens_are_stored_only_as_hashes_and_their_last_use_is_noted(crm, team, api, tokens):
    api("recruiter").get("/api/v1/companies")
    with crm.api_tokens.datastore.transaction(commit=False) as session:
        rows = session.execute(select(api_tokens)).mappings().all()
    stored = " ".join(str(value) for row in rows for value in row.values())
    assert all(token not in stored for token in tokens.values())
    [mine] = crm.api_tokens_of(team.recruiter, team.recruiter)
    assert mine["last_used_at"] is not None and mine["label"] == "recruiter's test token"


def test_a_revoked_token_stops_working_at_once(crm, team, api):
    client = api("recruiter")
    [row] = crm.api_tokens_of(team.recruiter, team.recruiter)
    assert client.delete(f"/api/v1/tokens/{row['token_id']}").status_code == 204
    assert client.get("/api/v1/companies").status_code == 401


def test_a_token_works_through_its_last_day_and_not_after(app, crm, team, clock):
    new = crm.create_api_token(team.recruiter, team.recruiter, "short", date(2026, 3, 3))
    client = ApiClient(app.test_client(), new.token)
    assert client.get("/api/v1/companies").status_code == 200
    clock.advance(timedelta(days=2))
    assert client.get("/api/v1/companies").status_code == 401


def test_a_disabled_users_tokens_stop_working(crm, team, api):
    client = api("recruiter")
    crm.disable_user(SYSTEM_ACTOR_ID, team.recruiter)
    assert client.get("/api/v1/companies").status_code == 401


def test_users_make_and_list_their_own_tokens_and_only_an_administrator_anyone_elses(api, team):
    made = api("recruiter").post("/api/v1/tokens", {"label": "Sagssystem"})
    assert made.status_code == 201 and made.get_json()["token"].startswith("crm_")
    listed = api("recruiter").get("/api/v1/tokens").get_json()["items"]
    assert {row["label"] for row in listed} == {"Sagssystem", "recruiter's test token"}
    assert all("token" not in row and "token_hash" not in row for row in listed)
    assert api("consultant").get(f"/api/v1/tokens?user_id={team.recruiter}").status_code == 403
    assert api("consultant").post("/api/v1/tokens", {"label": "x", "user_id": str(team.recruiter)}).status_code == 403
    assert api("admin").post("/api/v1/tokens", {"label": "x", "user_id": str(team.recruiter)}).status_code == 201
    assert len(api("admin").get(f"/api/v1/tokens?user_id={team.recruiter}").get_json()["items"]) == 3


def test_someone_elses_token_cannot_be_revoked_except_by_an_administrator(api, crm, team):
    [row] = crm.api_tokens_of(team.recruiter, team.recruiter)
    assert api("consultant").delete(f"/api/v1/tokens/{row['token_id']}").status_code == 403
    assert api("admin").delete(f"/api/v1/tokens/{row['token_id']}").status_code == 204


def test_requests_per_token_are_limited_per_minute(app, api, clock):
    app.config["API_REQUESTS_PER_MINUTE"] = 3
    client = api("recruiter")
    assert [client.get("/api/v1/companies").status_code for _ in range(4)] == [200, 200, 200, 429]
    refused = client.get("/api/v1/companies")
    assert error_of(refused)["code"] == "rate_limited" and int(refused.headers["Retry-After"]) >= 1
    assert api("consultant").get("/api/v1/companies").status_code == 200  # another token has its own count
    clock.advance(timedelta(minutes=1))
    assert client.get("/api/v1/companies").status_code == 200
