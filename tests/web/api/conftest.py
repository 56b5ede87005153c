"""The API on a real SQLite file: a token per role, and a client that sends JSON with one."""

from __future__ import annotations

import json

import pytest

from crm.permissions import SYSTEM_ACTOR_ID


class ApiClient:
    """Flask's test client with a bearer token and JSON bodies."""

    def __init__(self, client, token: str | None, language: str | None = None):
        self.client = client
        self.token = token
        self.language = language

    def headers(self, extra=None):
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        if self.language:
            headers["Accept-Language"] = self.language
        headers.update(extra or {})
        return headers

    def request(self, method, url, json_body=None, headers=None, data=None, **kwargs):
        if json_body is not None:
            data = json.dumps(json_body)
        return self.client.open(
            url, method=method, data=data, headers=self.headers(headers), content_type="application/json", **kwargs
        )

    def get(self, url, **kwargs):
        return self.request("GET", url, **kwargs)

    def post(self, url, json_body=None, **kwargs):
        if json_body is None and "data" not in kwargs:
            json_body = {}
        return self.request("POST", url, json_body=json_body, **kwargs)

    def patch(self, url, json_body=None, **kwargs):
        return self.request("PATCH", url, json_body=json_body, **kwargs)

    def delete(self, url, **kwargs):
        return self.request("DELETE", url, **kwargs)


@pytest.fixture
def tokens(crm, team):
    """A token for each role, as `crm tokens create` makes them."""
    return {
        role: crm.create_api_token(SYSTEM_ACTOR_ID, user_id, f"{role}'s test token").token
        for role, user_id in vars(team).items()
    }


@pytest.fixture
def api(app, tokens):
    """api('recruiter') is a client with the recruiter's token; api(None) has none."""
    return lambda role, language=None: ApiClient(app.test_client(), tokens.get(role), language)


def error_of(response) -> dict:
    body = response.get_json()
    assert set(body) == {"error"}, body
    assert {"code", "message", "field"} <= set(body["error"]), body
    return body["error"]
