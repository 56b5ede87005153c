"""Headers on every response, the session cookie's flags, the HTTPS proxy setting, the favicon."""

import re
from pathlib import Path

import pytest

from crm.permissions import SYSTEM_ACTOR_ID
from tests.support import make_team
from tests.web.conftest import PASSWORD, WebClient
from web import create_app

TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates"


def assert_security_headers(response) -> None:
    policy = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["default-src"] == "'self'"
    assert "unsafe" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    "role, url, status",
    [
        pytest.param(None, "/login", 200, id="sign-in-page"),
        pytest.param(None, "/static/app.css", 200, id="static-file"),
        pytest.param(None, "/favicon.ico", 200, id="favicon"),
        pytest.param(None, "/my-day", 302, id="redirect-to-sign-in"),
        pytest.param(None, "/no-such-page", 404, id="not-found"),
        pytest.param("recruiter", "/my-day", 200, id="page"),
        pytest.param("recruiter", "/admin/users", 403, id="refused"),
    ],
)
def test_every_response_carries_the_security_headers(app, team, role, url, status):
    client = WebClient(app.test_client()).login(role) if role else WebClient(app.test_client())
    response = client.get(url)
    assert response.status_code == status
    assert_security_headers(response)
    assert "Strict-Transport-Security" not in response.headers


def test_a_server_error_carries_them_too(app, team):
    @app.get("/boom")
    def boom():
        raise RuntimeError("a bug")

    from web.access import PUBLIC, ROUTES

    ROUTES["boom"] = PUBLIC
    try:
        app.config["PROPAGATE_EXCEPTIONS"] = False
        response = app.test_client().get("/boom")
    finally:
        del ROUTES["boom"]
    assert response.status_code == 500
    assert_security_headers(response)


def test_no_template_has_inline_script_style_or_event_handlers():
    problems = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        html = template.read_text(encoding="utf-8")
        for pattern, what in (
            (r"<script(?![^>]*\bsrc=)[^>]*>", "inline <script>"),
            (r"<style\b", "<style> element"),
            (r"\son[a-z]+\s*=", "on...= event handler"),
            (r"\shx-on[:\-]", "hx-on attribute"),
            (r"\sstyle\s*=", "style attribute"),
            (r"javascript:", "javascript: URL"),
        ):
            if re.search(pattern, html, re.IGNORECASE):
                problems.append(f"{template.relative_to(TEMPLATES)}: {what}")
    assert not problems, problems


def test_htmx_is_told_not_to_inject_its_style_or_evaluate_code(web):
    page = web.get("/login").get_data(as_text=True)
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles": false, "allowEval": false}'>""" in page


def test_the_favicon_is_an_icon_and_every_page_names_one(web):
    response = web.get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    assert response.data[:4] == b"\x00\x00\x01\x00"  # the ICO header
    page = web.get("/login").get_data(as_text=True)
    assert 'rel="icon" href="/static/favicon.svg"' in page
    assert web.get("/static/favicon.svg").mimetype == "image/svg+xml"


def test_the_session_cookie_is_http_only_and_same_site_lax_but_not_secure_over_plain_http(web):
    web.get("/login")
    cookie = web.client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax" and not cookie.secure


def test_without_the_proxy_setting_forwarded_headers_are_ignored(web, crm):
    token = web._token(web.get("/login").get_data(as_text=True))
    web.client.post(
        "/login",
        data={"username": "mette", "password": "forkert-kode", "csrf_token": token},
        headers={"X-Forwarded-For": "203.0.113.9"},
    )
    assert crm.sign_in_log.entries()[0]["address"] == "127.0.0.1"


PROXY = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "crm.kommune.dk"}


class TestBehindAnHttpsProxy:
    @pytest.fixture
    def proxied(self, tmp_path, monkeypatch, clock):
        monkeypatch.setenv("CRM_INSTANCE_PATH", str(tmp_path / "instance"))
        monkeypatch.setenv("CRM_BEHIND_HTTPS", "1")
        app = create_app(
            {"SECRET_KEY": "test", "DATABASE_URL": f"sqlite:///{tmp_path / 'proxied.sqlite3'}", "CLOCK": clock}
        )
        crm = app.extensions["crm"].crm
        team = make_team(crm)
        crm.set_password(SYSTEM_ACTOR_ID, team.recruiter, PASSWORD)
        yield app
        crm.factory.datastore.engine.dispose()

    def test_the_cookie_is_secure_the_address_forwarded_and_https_insisted_on(self, proxied):
        client = proxied.test_client()
        login_page = client.get("/login", headers=PROXY)
        token = WebClient._token(login_page.get_data(as_text=True))
        response = client.post(
            "/login",
            data={"username": "mette", "password": PASSWORD, "csrf_token": token},
            headers={**PROXY, "Referer": "https://crm.kommune.dk/login"},
        )
        assert response.status_code == 302
        assert "Secure" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
        assert response.headers["Location"] == "/"
        entry = proxied.extensions["crm"].crm.sign_in_log.entries()[0]
        assert (entry["event"], entry["address"]) == ("signed_in", "203.0.113.9")
