"""The company list and page in a real browser: search as you type, edit in place, log from the page."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.support import SOLTOFT_PLEJE_CVR, hansen_transport


@pytest.fixture
def companies(live_app):
    crm = live_app.extensions["crm"].crm
    team = live_app.config["TEAM"]
    mette = team.recruiter
    hansen = hansen_transport(crm, mette, owner_id=mette)
    lise = crm.register_contact(mette, hansen, "Lise Hansen", "hr", "20304050", "lise@hansen-transport.dk")
    crm.register_contact(mette, hansen, "Peter Hansen", "top_management", "20304060", is_decision_maker=True)
    crm.add_workplace(mette, hansen, "Terminalen i Horsens", "1000000001", "Industrivej 12, 8700 Horsens")
    lead = crm.share_lead(
        team.consultant, hansen, "Højt sygefravær blandt chaufførerne, tal med HR-chefen", urgency="high"
    )
    crm.log_attempt(
        mette,
        hansen,
        "call",
        "no_answer",
        occurred_on=date(2026, 2, 20),
        next_follow_up=date(2026, 2, 25),
        contact_id=lise,
        lead_id=lead,
    )
    crm.log_attempt(
        mette,
        hansen,
        "email",
        "call_back",
        note="Lise vil tale med direktøren først",
        next_follow_up=date(2026, 3, 5),
        contact_id=lise,
    )
    soltoft = crm.register_company(
        mette, "Soltoft Pleje", "care", cvr=SOLTOFT_PLEJE_CVR, sector="public", owner_id=team.health_consultant
    )
    for name, industry in (
        ("Bageriet Kornblomst", "production"),
        ("Byens Rengøring", "cleaning"),
        ("Horsens Vognmandsforretning", "transport"),
        ("Møllers Landbrug", "agriculture"),
    ):
        crm.register_company(mette, name, industry, owner_id=mette)
    return {"hansen": hansen, "soltoft": soltoft}


def test_search_as_you_type_narrows_the_list(page, sign_in, companies, live_app):
    sign_in("recruiter")
    page.goto(live_app.config["LIVE_URL"] + "/companies")
    page.evaluate("window.__marker = 1")
    rows = page.locator("#company-rows tbody tr")
    assert rows.count() == 6
    screenshot(page, "companies")

    filters = page.locator("#company-search")
    search = filters.get_by_label("Søg")
    search.press_sequentially("ns", delay=40)
    expect(rows).to_have_count(3)
    search.press_sequentially("en", delay=40)
    expect(rows).to_have_count(1)
    assert rows.first.inner_text().strip().startswith("Hansen Transport ApS")
    assert "q=nsen" in page.url, "the search is in the address, so Back and a shared link keep it"

    search.fill("lise")
    expect(page).to_have_url(re.compile(r"q=lise"))
    assert rows.count() == 1 and "Kontaktperson: Lise Hansen\n" in rows.first.inner_text()

    search.fill("")
    filters.get_by_label("Branche").select_option(label="Pleje og omsorg")
    expect(page).to_have_url(re.compile(r"^(?!.*q=lise).*industry=care"))
    assert rows.count() == 1 and rows.first.inner_text().strip().startswith("Soltoft Pleje")
    assert page.evaluate("window.__marker") == 1, "the list was reloaded as a whole page"


def test_the_company_page_edits_in_place_and_logs_an_attempt(page, sign_in, companies, live_app):
    sign_in("recruiter")
    page.goto(f"{live_app.config['LIVE_URL']}/companies/{companies['hansen']}")
    screenshot(page, "company-page")
    page.evaluate("window.__marker = 1")

    details = page.locator("#company-details")
    details.get_by_role("link", name="Redigér stamdata").click()
    details.get_by_label("Adresse").fill("Havnevej 1, 8700 Horsens")
    details.get_by_role("button", name="Gem").click()
    page.wait_for_selector("#company-details >> text=Stamdata er gemt.")
    assert "Havnevej 1, 8700 Horsens" in details.inner_text()
    page.wait_for_selector("#company-timeline >> text=Mette Kjær ændrede stamdata for Hansen Transport ApS: adresse")

    attempts = page.locator("#company-attempts")
    attempts.get_by_text("Registrér henvendelse").click()
    log_form = attempts.locator("form.log-form")
    log_form.locator("label", has_text="Møde aftalt").click()
    log_form.get_by_label("Note").fill("Møde med direktøren den 10. marts")
    log_form.get_by_role("button", name="Gem henvendelsen").click()
    page.wait_for_selector("#company-attempts >> text=Henvendelsen er registreret.")
    assert "Møde med direktøren den 10. marts" in attempts.inner_text()
    page.wait_for_selector("#company-head >> text=Møde med ledelsen")  # a booked meeting moved the company on
    assert page.evaluate("window.__marker") == 1


def test_an_attempt_is_corrected_and_voided_with_forms_that_load_when_opened(page, sign_in, companies, live_app):
    sign_in("recruiter")
    page.goto(f"{live_app.config['LIVE_URL']}/companies/{companies['hansen']}")
    page.evaluate("window.__marker = 1")
    attempts = page.locator("#company-attempts")

    def the_email():
        return attempts.locator("li.attempt", has_text="Lise vil tale med direktøren først")

    assert the_email().locator("form").count() == 0, "the forms come when their details open"
    the_email().locator("summary").get_by_text("Ret", exact=True).click()
    reason = the_email().get_by_label("Begrundelse for rettelsen")
    expect(reason).to_be_visible()
    expect(the_email().get_by_label("Resultat")).to_have_value("call_back")  # filled in with what it says now
    the_email().get_by_label("Resultat").select_option("meeting_booked")
    reason.fill("Hun aftalte et møde i samme mail")
    the_email().get_by_role("button", name="Gem rettelsen").click()
    page.wait_for_selector("#company-attempts >> text=Henvendelsen er rettet.")
    expect(the_email()).to_contain_text("Møde aftalt")

    the_email().locator("summary").get_by_text("Annullér", exact=True).click()
    why = the_email().get_by_label("Hvorfor blev den registreret ved en fejl?")
    expect(why).to_be_visible()
    why.fill("Mailen var til en anden virksomhed")
    the_email().get_by_role("button", name="Annullér henvendelsen").click()
    page.wait_for_selector("#company-attempts >> text=Henvendelsen er annulleret.")
    expect(the_email()).to_contain_text("Annulleret")
    assert page.evaluate("window.__marker") == 1, "the forms loaded and posted in place"
