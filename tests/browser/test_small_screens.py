"""The screens a recruiter lives in, at a laptop's 1366x900 and a phone's 390 px: a dense call list, and no
page that scrolls sideways (the board scrolls per column instead, in a bounded height)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.browser.conftest import screenshot
from tests.support import hansen_transport
from tests.web.conftest import PASSWORD, USERNAMES


@pytest.fixture
def day_of_calls(live_app, clock):
    """Thirty companies overdue for a call, each with a decision maker and a note; one with all the trimmings."""
    crm = live_app.extensions["crm"].crm
    team = live_app.config["TEAM"]
    mette = team.recruiter
    for number in range(30):
        company = crm.register_company(
            mette, f"Midtjysk Vognmandsforretning og Logistik nr. {number:02d} ApS", "transport", owner_id=mette
        )
        crm.register_contact(
            mette,
            company,
            f"Karen-Margrethe Sørensen-Bach {number}",
            "top_management",
            f"2030{number:04d}",
            f"karen.margrethe.{number}@midtjysk-vognmand-logistik.dk",
            is_decision_maker=True,
        )
        crm.log_attempt(
            mette,
            company,
            "call",
            "call_back",
            note="Ring igen efter ferien, hun vil gerne høre mere om sundhedssamtaler i arbejdstiden for chaufførerne",
            occurred_on=date(2026, 2, 2 + number % 20),
            next_follow_up=date(2026, 2, 25),
        )
    hansen = hansen_transport(crm, mette, owner_id=mette, address="Industrivej 12, 8700 Horsens")
    crm.register_contact(
        mette, hansen, "Lise Hansen", "work_environment_representative", "20304050", "lise@hansen-transport.dk"
    )
    crm.add_workplace(
        mette, hansen, "Terminalen i Horsens med et meget langt navn", "1000000001", "Industrivej 12, 8700 Horsens"
    )
    crm.share_lead(team.consultant, hansen, "Højt sygefravær blandt chaufførerne, tal med HR-chefen", urgency="high")
    crm.log_attempt(
        mette, hansen, "email", "call_back", note="Lise vil tale med direktøren først", next_follow_up=date(2026, 3, 5)
    )
    clock.advance(timedelta(hours=2))
    return {"hansen": hansen}


def signed_in_page(playwright_browser, live_app, width: int, height: int):
    context = playwright_browser.new_context(viewport={"width": width, "height": height}, locale="da-DK")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_app.config["LIVE_URL"] + "/login")
    page.get_by_label("Brugernavn").fill(USERNAMES["recruiter"])
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_load_state("networkidle")
    return context, page


def test_at_least_twelve_calls_fit_a_laptop_screen(playwright_browser, live_app, day_of_calls):
    context, page = signed_in_page(playwright_browser, live_app, 1366, 900)
    try:
        rows = page.locator(".queue-row")
        boxes = [rows.nth(index).bounding_box() for index in range(rows.count())]
        seen = [box for box in boxes if box and box["y"] + box["height"] <= 900]
        screenshot(page, "my-day", full_page=False)
        assert len(seen) >= 12, f"{len(seen)} rows on the first screen"
    finally:
        context.close()


SCREENS = {
    "my-day": "/my-day",
    "companies": "/companies",
    "company-page": None,  # the company with contacts, workplaces, a lead and attempts
    "pipeline": "/pipeline",
}


@pytest.mark.parametrize("screen", SCREENS)
def test_no_screen_scrolls_sideways_on_a_phone(playwright_browser, live_app, day_of_calls, screen):
    context, page = signed_in_page(playwright_browser, live_app, 390, 844)
    try:
        page.goto(live_app.config["LIVE_URL"] + (SCREENS[screen] or f"/companies/{day_of_calls['hansen']}"))
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        screenshot(page, f"{screen}-390")
        wide = page.evaluate(
            "[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > 391)"
            ".slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)"
            " + ' ' + getComputedStyle(e).display)"
        )
        assert width <= 390, f"{screen} is {width} px wide: {wide}"
    finally:
        context.close()


def test_the_board_scrolls_per_column_in_a_bounded_height(playwright_browser, live_app, day_of_calls):
    context, page = signed_in_page(playwright_browser, live_app, 1366, 900)
    try:
        page.goto(live_app.config["LIVE_URL"] + "/pipeline")
        page.wait_for_load_state("networkidle")
        columns = page.evaluate(
            "[...document.querySelectorAll('.board:not(.closed) .board-column')]"
            ".map(c => ({height: c.getBoundingClientRect().height, hidden: c.scrollHeight - c.clientHeight}))"
        )
        assert max(column["height"] for column in columns) <= 900, columns
        assert max(column["hidden"] for column in columns) > 0  # thirty-one cards in one column: it scrolls itself
        cut = page.evaluate(
            "[...document.querySelectorAll('.board-column select')].filter(s => s.getBoundingClientRect().right >"
            " s.closest('.board-column').getBoundingClientRect().right).length"
        )
        assert cut == 0  # the move selects fit their column
    finally:
        context.close()
