"""Idempotency-Key: a retry after a lost answer gets the first answer, and nothing is recorded twice."""

from __future__ import annotations

from datetime import timedelta

from crm.idempotency import KEPT
from tests.web.api.conftest import ApiClient, error_of
from web import create_app

HANSEN = {"name": "Hansen Transport ApS", "industry": "transport"}


def companies_named(client, name: str) -> int:
    return client.get(f"/api/v1/companies?q={name}").get_json()["total"]


def events(crm) -> int:
    return crm.recorder.max_notification_id() or 0


def test_a_retried_post_after_a_lost_answer_records_one_company_and_gets_the_first_answer(api, crm):
    client = api("recruiter")
    first = client.post("/api/v1/companies", HANSEN, headers={"Idempotency-Key": "create-hansen-1"})
    assert first.status_code == 201
    recorded = events(crm)
    # The answer was lost on the way back; the caller sends the same request again.
    retry = client.post("/api/v1/companies", HANSEN, headers={"Idempotency-Key": "create-hansen-1"})
    assert retry.status_code == 201 and retry.get_json() == first.get_json()
    assert retry.headers["Location"] == first.headers["Location"] and retry.headers["Idempotent-Replayed"] == "true"
    assert events(crm) == recorded and companies_named(client, "Hansen") == 1


def test_without_a_key_a_retry_records_twice(api):
    client = api("recruiter")
    client.post("/api/v1/companies", HANSEN)
    client.post("/api/v1/companies", HANSEN)
    assert companies_named(client, "Hansen") == 2


def test_a_refusal_is_replayed_too_and_a_key_is_the_callers_own(api, crm, team):
    client = api("recruiter")
    bad = {"name": "X", "industry": "transport", "cvr": "12345678"}
    first = client.post("/api/v1/companies", bad, headers={"Idempotency-Key": "k"})
    again = client.post("/api/v1/companies", bad, headers={"Idempotency-Key": "k"})
    assert first.status_code == again.status_code == 422 and again.headers["Idempotent-Replayed"] == "true"
    other = api("consultant").post("/api/v1/companies", HANSEN, headers={"Idempotency-Key": "k"})
    assert other.status_code == 201  # another user's key of the same name is another key


def test_a_key_used_for_a_different_request_is_refused(api):
    client = api("recruiter")
    client.post("/api/v1/companies", HANSEN, headers={"Idempotency-Key": "same"})
    other = client.post("/api/v1/companies", {**HANSEN, "name": "Anden"}, headers={"Idempotency-Key": "same"})
    assert other.status_code == 422 and error_of(other)["code"] == "idempotency_key_reused"
    assert companies_named(client, "Anden") == 0


def test_a_retry_while_the_first_request_runs_is_told_to_wait(api, crm, team):
    from web.api import idempotency

    client = api("recruiter")
    with client.client.application.test_request_context(
        "/api/v1/companies", method="POST", data='{"name": "Hansen Transport ApS", "industry": "transport"}'
    ):
        running = idempotency.fingerprint()
    crm.idempotency.claim(team.recruiter, "slow", running, crm.clock.now())
    response = client.request(
        "POST",
        "/api/v1/companies",
        data='{"name": "Hansen Transport ApS", "industry": "transport"}',
        headers={"Idempotency-Key": "slow"},
    )
    assert response.status_code == 409 and error_of(response)["code"] == "request_in_progress"
    assert response.headers["Retry-After"] == "1"


def test_a_failure_of_ours_frees_the_key_for_the_retry(api, monkeypatch):
    import projections

    client = api("recruiter")
    real = projections.company
    monkeypatch.setattr(projections, "company", lambda *a: (_ for _ in ()).throw(RuntimeError("gone")))
    failed = client.post(
        "/api/v1/companies/00000000-0000-4000-8000-000000000000/reapproach", headers={"Idempotency-Key": "r"}
    )
    assert failed.status_code in (404, 500)
    monkeypatch.setattr(projections, "company", real)
    created = client.post("/api/v1/companies", HANSEN, headers={"Idempotency-Key": "fails-first"})
    assert created.status_code == 201


def test_a_retry_reaching_another_server_process_after_a_restart_gets_the_first_answer(app, api, tokens, clock):
    first = api("recruiter").post("/api/v1/companies", HANSEN, headers={"Idempotency-Key": "across"})
    # A second server process on the same database, started afterwards.
    other = create_app({**{k: app.config[k] for k in ("DATABASE_URL", "SECRET_KEY")}, "TESTING": True, "CLOCK": clock})
    try:
        client = ApiClient(other.test_client(), tokens["recruiter"])
        retry = client.post("/api/v1/companies", HANSEN, headers={"Idempotency-Key": "across"})
        assert retry.status_code == 201 and retry.get_json() == first.get_json()
        assert companies_named(client, "Hansen") == 1
    finally:
        other.extensions["crm"].crm.factory.datastore.engine.dispose()


def test_a_key_is_kept_for_a_day_and_may_then_be_used_afresh(api, clock):
    client = api("recruiter")
    client.post("/api/v1/companies", HANSEN, headers={"Idempotency-Key": "daily"})
    clock.advance(KEPT + timedelta(minutes=1))
    again = client.post("/api/v1/companies", HANSEN, headers={"Idempotency-Key": "daily"})
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
    assert companies_named(client, "Hansen") == 2


def test_a_key_too_long_or_unprintable_is_a_400(api):
    client = api("recruiter")
    for key in ("x" * 256, "tab\there"):
        response = client.post("/api/v1/companies", HANSEN, headers={"Idempotency-Key": key})
        assert response.status_code == 400 and error_of(response)["code"] == "bad_request"
