"""Least privilege, checked for every route: the URL map walked as every role and as an anonymous visitor.

The expected answer comes from the one table in web/access.py; a route that has
no rule there fails test_every_route_has_an_explicit_rule (and is refused at run time).
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import pytest

from crm.clock import SimulatedClock
from crm.permissions import SYSTEM_ACTOR_ID, may
from tests.support import make_team
from tests.web.conftest import PASSWORD, USERNAMES, WebClient
from web import create_app
from web.access import ROUTES

ANONYMOUS = None
VISITORS = [ANONYMOUS, *USERNAMES]
SOME_ID = UUID("5d1c2a8e-2f6e-4a47-9e0e-3c6b1f0a7d11")
# Sample values for the URL converters: a UUID nobody has, any text, a file that exists, a position.
SAMPLES = {"UUIDConverter": SOME_ID, "UnicodeConverter": "x", "PathConverter": "app.css", "IntegerConverter": 1}


def _app_for_the_module(tmp_path_factory, monkeypatch_module):
    folder = tmp_path_factory.mktemp("access")
    monkeypatch_module.setenv("CRM_INSTANCE_PATH", str(folder / "instance"))
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "DATABASE_URL": f"sqlite:///{folder / 'access.sqlite3'}",
            "CLOCK": SimulatedClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC)),
        }
    )
    crm = app.extensions["crm"].crm
    for user_id in vars(make_team(crm)).values():
        crm.set_password(SYSTEM_ACTOR_ID, user_id, PASSWORD)
    return app


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    monkeypatch = pytest.MonkeyPatch()
    app = _app_for_the_module(tmp_path_factory, monkeypatch)
    yield app
    app.extensions["crm"].crm.factory.datastore.engine.dispose()
    monkeypatch.undo()


@pytest.fixture
def visitors(site):
    """Signed in afresh for each test: signing out in one test ends every session of that user."""
    return {role: visitor(site, role) for role in VISITORS}


def visitor(app, role: str | None) -> WebClient:
    client = WebClient(app.test_client())
    if role is None:
        client.token = client._token(client.get("/login").get_data(as_text=True))
        return client
    return client.login(role)


def rules_of(app):
    return sorted(app.url_map.iter_rules(), key=lambda rule: rule.endpoint)


def url_of(rule) -> str:
    values = {name: SAMPLES[type(converter).__name__] for name, converter in rule._converters.items()}
    return rule.build(values)[1]


def expected(endpoint: str, role: str | None) -> str:
    rule = ROUTES[endpoint]
    if not rule.signed_in:
        return "served"
    if role is None:
        return "sign in"
    if rule.permission is not None and not may(role, rule.permission):
        return "forbidden"
    return "served"


def answer(response) -> str:
    if response.status_code == 403:
        return "forbidden"
    if response.status_code in (301, 302, 303) and "/login?next=" in response.headers.get("Location", ""):
        return "sign in"
    return "served"


def test_every_route_has_an_explicit_rule_and_every_rule_a_route(site):
    endpoints = {rule.endpoint for rule in site.url_map.iter_rules()}
    assert sorted(endpoints - ROUTES.keys()) == [], "add these routes to ROUTES in web/access.py"
    assert sorted(ROUTES.keys() - endpoints) == [], "rules for routes that no longer exist"


def test_a_route_without_a_rule_is_refused_even_to_the_administrator(tmp_path, monkeypatch, clock):
    monkeypatch.setenv("CRM_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"SECRET_KEY": "test", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}", "CLOCK": clock})
    app.add_url_rule("/forgotten", "forgotten", lambda: "personal data")
    crm = app.extensions["crm"].crm
    team = make_team(crm)
    crm.set_password(SYSTEM_ACTOR_ID, team.admin, PASSWORD)
    try:
        assert visitor(app, "admin").get("/forgotten").status_code == 403
        assert app.test_client().get("/forgotten").status_code == 403
    finally:
        crm.factory.datastore.engine.dispose()


@pytest.mark.parametrize("endpoint", sorted(e for e, rule in ROUTES.items() if not rule.token))
def test_each_route_answers_each_visitor_as_the_table_says(site, visitors, endpoint):
    [rule] = [r for r in rules_of(site) if r.endpoint == endpoint]
    method = "POST" if "POST" in rule.methods and "GET" not in rule.methods else "GET"
    wrong = []
    for role in VISITORS:
        client = visitors[role]
        url = url_of(rule)
        response = client.post(url, data={}) if method == "POST" else client.get(url)
        response.get_data()  # a download streams: read it to the end, so its request ends here
        response.close()
        if answer(response) != expected(endpoint, role):
            wrong.append(
                f"{role or 'anonymous'}: {method} {url} -> {response.status_code}, table: {expected(endpoint, role)}"
            )
    assert not wrong, wrong


def test_the_administrator_sees_no_contacts_personal_data(visitors):
    admin = visitors["admin"]
    for url in ("/companies", f"/companies/{SOME_ID}", "/pipeline", "/leads", "/agreements", "/my-day", "/audit/"):
        assert admin.get(url).status_code == 403, url
    assert admin.get("/admin/users").status_code == 200
    assert admin.get("/sign-ins/").status_code == 200


def test_the_navigation_offers_only_what_the_role_may_open(visitors):
    admin_page = visitors["admin"].get("/admin/users").get_data(as_text=True)
    assert 'href="/companies"' not in admin_page and 'href="/sign-ins/"' in admin_page
    recruiter_page = visitors["recruiter"].get("/my-day").get_data(as_text=True)
    assert 'href="/companies"' in recruiter_page and 'href="/sign-ins/"' not in recruiter_page
