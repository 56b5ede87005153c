"""A real browser (Debian's chromium driven by Playwright) against the app served on loopback."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from crm.permissions import SYSTEM_ACTOR_ID
from tests.support import make_team
from tests.web.conftest import PASSWORD, USERNAMES
from web import create_app

CHROMIUM = os.environ.get("CRM_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SCREENSHOTS_VAR = "CRM_SCREENSHOTS"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def playwright_browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip(f"no chromium at {CHROMIUM}: install Debian's chromium (the CI script does) to run browser tests")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed: pip install -e '.[test]'")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_app(tmp_path, monkeypatch, clock):
    monkeypatch.setenv("CRM_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(
        {
            "SECRET_KEY": "browser-test",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'browser.sqlite3'}",
            "CLOCK": clock,
        }
    )
    crm = app.extensions["crm"].crm
    team = make_team(crm)
    for user_id in vars(team).values():
        crm.set_password(SYSTEM_ACTOR_ID, user_id, PASSWORD)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["LIVE_URL"] = f"http://127.0.0.1:{server.server_port}"
    app.config["TEAM"] = team
    yield app
    server.shutdown()
    thread.join(timeout=5)
    crm.factory.datastore.engine.dispose()


@pytest.fixture
def page(playwright_browser, live_app):
    context = playwright_browser.new_context(viewport={"width": 1280, "height": 860}, locale="da-DK")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def sign_in(page, live_app):
    """sign_in('recruiter') signs in through the form, as a person would."""

    def do(role: str):
        page.goto(live_app.config["LIVE_URL"] + "/login")
        page.get_by_label("Brugernavn").fill(USERNAMES[role])
        page.get_by_label("Adgangskode").fill(PASSWORD)
        page.get_by_role("button", name="Log ind").click()
        page.wait_for_load_state("networkidle")
        return page

    return do


def screenshot(page, name: str, full_page: bool = True) -> None:
    """Keep a screenshot of a main screen for the README (docs/screenshots/<name>.png), when asked.

    Only with CRM_SCREENSHOTS=1 (README, "Screens"): a test run leaves the tracked files as they were.
    """
    if os.environ.get(SCREENSHOTS_VAR) != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)
