"""Every screen works under the Content-Security-Policy, with not one violation in the browser."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.support import hansen_transport

# Collects every violation the browser reports, from before any page script runs.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""
SCREENS = {
    "recruiter": ["/my-day", "/companies", "/companies/{hansen}", "/pipeline", "/leads", "/agreements"],
    "auditor": ["/audit/", "/audit/history", "/audit/as-of", "/audit/access-log", "/audit/chain", "/sign-ins/"],
    "admin": ["/admin/users", "/sign-ins/"],
}


@pytest.fixture
def hansen(live_app):
    crm = live_app.extensions["crm"].crm
    mette = live_app.config["TEAM"].recruiter
    hansen = hansen_transport(crm, mette, owner_id=mette)
    crm.register_contact(mette, hansen, "Lise Hansen", "hr", "20304050", "lise@hansen-transport.dk")
    crm.log_attempt(mette, hansen, "call", "no_answer", occurred_on=date(2026, 2, 20), next_follow_up=date(2026, 2, 25))
    return hansen


@pytest.fixture
def watched(page):
    """The page, with the console and the violation events recorded."""
    messages: list[str] = []
    page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))
    page.add_init_script(LISTEN)
    page.messages = messages
    return page


def problems(page) -> list[str]:
    violations = page.evaluate("window.__violations")
    csp_messages = [m for m in page.messages if "Content Security Policy" in m or m.startswith("pageerror")]
    return violations + csp_messages


def test_every_screen_loads_without_a_violation(watched, sign_in, live_app, hansen):
    found = {}
    for role, urls in SCREENS.items():
        sign_in(role)
        for url in urls:
            watched.goto(live_app.config["LIVE_URL"] + url.format(hansen=hansen))
            watched.wait_for_load_state("networkidle")
            assert watched.title(), url
            if problems(watched):
                found[f"{role} {url}"] = problems(watched)
    assert not found, found


def test_htmx_and_our_own_script_work_under_the_policy(watched, sign_in, live_app, hansen):
    sign_in("recruiter")
    # htmx: search as you type swaps the rows in place.
    watched.goto(live_app.config["LIVE_URL"] + "/companies")
    watched.evaluate("window.__marker = 1")
    watched.locator("#company-search").get_by_label("Søg").press_sequentially("hansen", delay=30)
    expect(watched).to_have_url(re.compile(r"q=hansen"))
    expect(watched.locator("#company-rows tbody tr")).to_have_count(1)
    assert watched.evaluate("window.__marker") == 1
    # log_attempt.js: opening the log form puts the keyboard in its first field.
    watched.goto(live_app.config["LIVE_URL"] + "/my-day")
    row = watched.locator(f"#queue-row-{hansen}")
    row.locator(".log-link").click()
    expect(row.locator("details.log-attempt input:not([type=hidden])").first).to_be_focused()
    assert not problems(watched)


def test_the_browser_refuses_an_injected_inline_handler(watched, sign_in, live_app):
    """The policy is really in force: markup smuggled into a page cannot run script."""
    sign_in("recruiter")
    watched.evaluate(
        "document.body.insertAdjacentHTML('beforeend', '<img src=\"/favicon.ico\" onload=\"window.__ran = 1\">')"
    )
    for _ in range(100):  # Python polls: wait_for_function evaluates a string, which the policy forbids
        if watched.evaluate("window.__violations.length"):
            break
        watched.wait_for_timeout(50)
    assert watched.evaluate("window.__ran") is None
    assert any(v.startswith("script-src") for v in watched.evaluate("window.__violations"))
