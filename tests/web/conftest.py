"""The web application on a real SQLite file, with the team signed in through the login form."""

from __future__ import annotations

import re

import pytest

from crm.permissions import SYSTEM_ACTOR_ID
from tests.support import make_team
from web import create_app

PASSWORD = "kaffe-og-kage"
USERNAMES = {
    "recruiter": "mette",
    "consultant": "jonas",
    "health_consultant": "sofie",
    "project_lead": "henrik",
    "auditor": "birgit",
    "admin": "admin",
}


@pytest.fixture
def app(tmp_path, monkeypatch, clock):
    monkeypatch.setenv("CRM_INSTANCE_PATH", str(tmp_path / "instance"))
    flask_app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'web.sqlite3'}",
            "CLOCK": clock,
        }
    )
    yield flask_app
    flask_app.extensions["crm"].crm.factory.datastore.engine.dispose()


@pytest.fixture
def crm(app):
    return app.extensions["crm"].crm


@pytest.fixture
def team(crm):
    team = make_team(crm)
    for user_id in vars(team).values():
        crm.set_password(SYSTEM_ACTOR_ID, user_id, PASSWORD)
    return team


class WebClient:
    """Flask's test client used as a person would: sign in through the form, post with the page's CSRF token."""

    def __init__(self, client):
        self.client = client
        self.token = None

    def login(self, role: str):
        page = self.client.get("/login")
        token = self._token(page.get_data(as_text=True))
        response = self.client.post(
            "/login",
            data={
                "username": USERNAMES[role],
                "password": PASSWORD,
                "csrf_token": token,
            },
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        self.token = self._token(self.client.get("/login").get_data(as_text=True))
        return self

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)

    def post(self, url, data=None, htmx_target=None, with_token=True, **kwargs):
        data = dict(data or {})
        headers = dict(kwargs.pop("headers", {}))
        if with_token:
            data.setdefault("csrf_token", self.token)
        if htmx_target:
            headers.update({"HX-Request": "true", "HX-Target": htmx_target})
        return self.client.post(url, data=data, headers=headers, **kwargs)

    def htmx_get(self, url, target, **kwargs):
        return self.client.get(url, headers={"HX-Request": "true", "HX-Target": target}, **kwargs)

    @staticmethod
    def _token(html: str) -> str:
        found = re.search(r'name="csrf_token" value="([^"]+)"', html) or re.search(
            r'name="csrf-token" content="([^"]+)"', html
        )
        assert found, "no CSRF token on the page"
        return found.group(1)


@pytest.fixture
def web(app, team):
    """A signed-out visitor; call .login(role) to sign in."""
    return WebClient(app.test_client())


@pytest.fixture
def as_role(app, team):
    """as_role('recruiter') gives a client signed in with that role."""
    return lambda role: WebClient(app.test_client()).login(role)
