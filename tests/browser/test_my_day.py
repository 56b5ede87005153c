"""My day in a real browser: log an attempt in place, by mouse and by keyboard alone."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.support import SOLTOFT_PLEJE_CVR, hansen_transport


@pytest.fixture
def companies(live_app):
    crm = live_app.extensions["crm"].crm
    mette = live_app.config["TEAM"].recruiter
    hansen = hansen_transport(crm, mette, owner_id=mette)
    crm.register_contact(mette, hansen, "Lise Hansen", "hr", "20304050", "lise@hansen-transport.dk")
    crm.register_contact(mette, hansen, "Peter Hansen", "top_management", "20304060", is_decision_maker=True)
    crm.log_attempt(mette, hansen, "call", "no_answer", occurred_on=date(2026, 2, 20), next_follow_up=date(2026, 2, 25))
    soltoft = crm.register_company(mette, "Soltoft Pleje", "care", cvr=SOLTOFT_PLEJE_CVR, owner_id=mette)
    crm.log_attempt(mette, soltoft, "email", "call_back", next_follow_up=date(2026, 3, 2))
    bakery = crm.register_company(mette, "Bageriet Kornblomst", "production", owner_id=mette)
    return {"hansen": hansen, "soltoft": soltoft, "bakery": bakery}


def test_the_recruiter_logs_an_attempt_and_only_the_row_changes(page, sign_in, companies, live_app):
    sign_in("recruiter")
    assert page.url.endswith("/my-day")
    screenshot(page, "my-day")
    page.evaluate("window.__marker = 1")
    row = page.locator(f"#queue-row-{companies['hansen']}")
    assert "5 dage over tid" in row.inner_text()

    row.locator(".log-link").click()
    row.get_by_text("Ring tilbage", exact=True).click()
    row.get_by_label("Kontaktperson").select_option(label="Lise Hansen (HR)")
    row.get_by_label("Note").fill("Lise er på kursus, ring torsdag")
    row.get_by_text("Om 2 dage").click()
    row.get_by_role("button", name="Gem henvendelsen").click()

    page.wait_for_selector(
        f"#queue-row-{companies['hansen']} >> text=Henvendelsen til Hansen Transport ApS er registreret."
    )
    row = page.locator(f"#queue-row-{companies['hansen']}")
    assert "Næste: 4. mar. 2026" in row.inner_text()
    assert "Ring tilbage, 2. mar. 2026" in row.inner_text()
    assert page.evaluate("window.__marker") == 1, "the page was reloaded"


def test_the_keyboard_alone_opens_fills_and_submits_the_form(page, sign_in, companies):
    """The keys to log one call from My day, counted (docs/calls.md states them): Tab, Enter on "Skip to
    content", Tabs down to the first row's "Log attempt", Enter, Space on the first outcome, Enter."""
    sign_in("recruiter")
    page.evaluate("window.__marker = 1")
    pressed = []

    def press(key):
        pressed.append(key)
        page.keyboard.press(key)

    first = companies["hansen"]  # overdue: the first row
    link = page.locator(f"#queue-row-{first} .log-link")
    press("Tab")
    press("Enter")  # skip to content
    for _ in range(30):
        press("Tab")
        if link.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the row's log link")
    press("Enter")
    outcome = f"#log-{first.hex}-outcome-no_answer"
    expect(page.locator(outcome)).to_be_focused()  # the form is fetched and its first field has the focus
    press("Space")  # "Intet svar", and with it its default next step, the next working day
    expect(page.locator(f"#log-{first.hex}-next-tomorrow")).to_be_checked()
    press("Escape")
    assert not page.locator(f"#queue-row-{first} details.log-attempt").evaluate("element => element.open")
    press("Enter")  # the summary has the focus again: open once more
    expect(page.locator(outcome)).to_be_focused()  # the chosen outcome
    press("Enter")

    row = page.locator(f"#queue-row-{first}")
    page.wait_for_selector(f"#queue-row-{first} >> text=Intet svar, 2. mar. 2026")
    assert "Næste: 3. mar. 2026" in row.inner_text()
    assert page.evaluate("window.__marker") == 1
    # the focus is back in the updated row, ready for the next one
    expect(page.locator(f"#queue-row-{first} .log-link")).to_be_focused()
    # Without the Escape and the Enter that reopened the form: Tab and Enter to skip to the content, 8 Tabs
    # (call mode, the four counters, the company, the phone, "Log attempt"), Enter, Space, Enter.
    assert len(pressed) - 2 == 13, pressed


def test_a_date_before_today_shows_the_message_in_the_row(page, sign_in, companies):
    sign_in("recruiter")
    row = page.locator(f"#queue-row-{companies['bakery']}")
    row.locator(".log-link").click()
    row.get_by_text("Interesseret", exact=True).click()
    date_input = row.get_by_label("eller en anden dag")
    date_input.evaluate("element => element.removeAttribute('min')")  # as an old browser would let it through
    date_input.fill("2026-02-27")
    row.get_by_role("button", name="Gem henvendelsen").click()
    alert = page.locator(f"#queue-row-{companies['bakery']} [role=alert]")
    assert "kan ikke ligge før" in alert.inner_text()
