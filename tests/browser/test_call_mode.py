"""Call mode in a real browser: five calls in a row from the keyboard alone, the keys counted.

The counts are those docs/calls.md states; change both together.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot


class Keys:
    """The keyboard, counting every key pressed (typed note text is counted apart, as characters)."""

    def __init__(self, page) -> None:
        self.page = page
        self.pressed: list[str] = []

    def press(self, *keys: str) -> None:
        for key in keys:
            self.pressed.append(key)
            self.page.keyboard.press(key)

    def count(self) -> int:
        found, self.pressed = len(self.pressed), []
        return found


@pytest.fixture
def five_companies(live_app, clock):
    crm = live_app.extensions["crm"].crm
    mette = live_app.config["TEAM"].recruiter
    made = []
    for number in range(5):
        company = crm.register_company(mette, f"Vognmand {number + 1}", "transport", owner_id=mette)
        crm.register_contact(mette, company, f"Kontakt {number + 1}", "hr", f"2030405{number}", is_decision_maker=True)
        crm.log_attempt(
            mette,
            company,
            "call",
            "no_answer",
            occurred_on=date(2026, 2, 20 + number),
            next_follow_up=date(2026, 2, 25),
        )
        made.append(company)
    clock.advance(timedelta(hours=2))  # set up before today's calls
    return made


def attempts_of(live_app, company_id):
    projector = live_app.extensions["crm"].projector
    projector.catch_up()
    from projections import attempts_of as query

    return query(projector["outreach"], company_id)


def test_five_calls_in_a_row_from_the_keyboard(page, sign_in, five_companies, live_app):
    sign_in("recruiter")
    keys = Keys(page)
    # From My day into call mode: Tab to "Skip to content", Enter, Tab to "Call mode", Enter.
    keys.press("Tab", "Enter", "Tab")
    expect(page.locator("#start-call-mode")).to_be_focused()
    with page.expect_navigation():
        keys.press("Enter")
    assert keys.count() == 4
    expect(page.locator("h1")).to_contain_text("Vognmand 1")  # the longest overdue first
    screenshot(page, "call-mode")

    per_call = []
    # 1: no answer (its default, the next working day); 2: call back; 5: interested (two working days);
    # 3 then D: not now, next week instead of its default month; 2, N, a note, Enter.
    for number, (presses, note) in enumerate(
        [(["1"], None), (["2"], None), (["5"], None), (["3", "d"], None), (["2", "n"], "Ring efter kl. 14")], start=1
    ):
        expect(page.locator("h1")).to_contain_text(f"Vognmand {number}")
        keys.press(*presses)
        if note:
            page.keyboard.type(note)
        with page.expect_navigation():
            keys.press("Enter")
        per_call.append(keys.count())
    assert per_call == [2, 2, 2, 3, 3]
    expect(page.locator("main")).to_contain_text("Ikke flere at ringe til")

    logged = [attempts_of(live_app, company)[0] for company in five_companies]
    assert [a["outcome"] for a in logged] == ["no_answer", "call_back", "interested", "not_now", "call_back"]
    assert [a["next_follow_up"] for a in logged] == [
        date(2026, 3, 3),
        date(2026, 3, 3),
        date(2026, 3, 4),
        date(2026, 3, 9),
        date(2026, 3, 3),
    ]
    assert logged[4]["note"] == "Ring efter kl. 14" and all(a["channel"] == "call" for a in logged)
    assert all(a["contact_id"] is not None for a in logged)  # the person called, the decision maker first


def test_a_call_without_an_outcome_is_not_sent(page, sign_in, five_companies):
    sign_in("recruiter")
    page.goto(page.url.rsplit("/", 1)[0] + "/call")
    url = page.url
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    assert page.url == url  # the browser asks for the outcome first
    assert page.locator("#call-outcome-no_answer").evaluate("element => !element.validity.valid")
