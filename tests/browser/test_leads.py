"""Leads in a real browser: a consultant shares a lead in one form, a recruiter claims it from the inbox."""

from __future__ import annotations

from playwright.sync_api import expect

from crm.companies import Company
from crm.contacts import Contact
from crm.leads import Lead
from tests.browser.conftest import screenshot
from tests.support import SOLTOFT_PLEJE_CVR, hansen_transport


def leads_of(live_app, user_id):
    projector = live_app.extensions["crm"].projector
    projector.catch_up()
    return projector["leads"].shared_by(user_id)


def test_a_consultant_shares_a_lead_on_a_new_company_and_a_recruiter_claims_it(page, sign_in, live_app):
    crm, team = live_app.extensions["crm"].crm, live_app.config["TEAM"]
    hansen_transport(crm, team.recruiter)
    sign_in("consultant")
    page.goto(live_app.config["LIVE_URL"] + "/leads")

    page.get_by_label("Find virksomheden på navn eller CVR-nummer").press_sequentially("Soltoft")
    expect(page.locator("#company-results")).to_contain_text("Ingen virksomhed passer til »Soltoft«")
    page.get_by_label("Virksomhedens navn").fill("Soltoft Pleje")
    page.get_by_label("CVR-nummer (hvis du kender det)").fill(SOLTOFT_PLEJE_CVR)
    page.locator("#new-company-industry").select_option("care")
    page.get_by_label("Hvorfor denne virksomhed? Hvad ved du?").fill("Højt sygefravær, tal med HR-chefen")
    page.get_by_label("En ny kontaktperson (udfyld nedenfor)").check()
    page.get_by_label("Navn", exact=True).fill("Lone Berg")
    page.get_by_label("Personens rolle").select_option("hr")
    page.get_by_label("Telefon").fill("20 30 40 50")
    page.get_by_label("Hastegrad").select_option("high")
    page.get_by_role("button", name="Del tippet").click()

    expect(page.locator("#lead-share").get_by_role("status")).to_have_text(
        "Tak. Tippet ligger nu i rekrutteringsmedarbejdernes indbakke."
    )
    expect(page.locator("#my-leads")).to_contain_text("Soltoft Pleje")
    expect(page.locator("#lead-inbox")).to_contain_text("Højt sygefravær, tal med HR-chefen")
    screenshot(page, "leads")
    [lead] = leads_of(live_app, team.consultant)
    assert crm.load(Company, lead["company_id"]).cvr == SOLTOFT_PLEJE_CVR
    assert crm.load(Contact, lead["suggested_contact_id"]).phone == "+4520304050"

    page.get_by_role("button", name="Log ud").click()
    sign_in("recruiter")
    page.goto(live_app.config["LIVE_URL"] + "/leads")
    page.evaluate("window.__marker = 1")
    row = page.locator(f"#lead-{lead['lead_id']}")
    expect(row).to_contain_text("Lone Berg")
    expect(row).to_contain_text("+45 20 30 40 50")
    row.get_by_role("button", name="Overtag").click()

    expect(page.locator(f"#lead-{lead['lead_id']}").get_by_role("status")).to_contain_text("Du har overtaget tippet.")
    assert page.evaluate("window.__marker") == 1, "the row changed in place, without a reload"
    assert crm.load(Lead, lead["lead_id"]).claimed_by == team.recruiter
    assert crm.load(Company, lead["company_id"]).owner_id == team.recruiter


def test_a_known_company_is_picked_as_you_type_with_one_of_its_contacts(page, sign_in, live_app):
    crm, team = live_app.extensions["crm"].crm, live_app.config["TEAM"]
    hansen = hansen_transport(crm, team.recruiter)
    hr = crm.register_contact(team.recruiter, hansen, "Lise Hansen", "hr", "20304050")
    sign_in("consultant")
    page.goto(live_app.config["LIVE_URL"] + "/leads")

    page.get_by_label("Find virksomheden på navn eller CVR-nummer").press_sequentially("hans")
    page.get_by_label("Hansen Transport ApS").check()
    page.get_by_label("Lise Hansen").check()
    page.get_by_label("Hvorfor denne virksomhed? Hvad ved du?").fill("Mange chauffører med rygsmerter")
    page.get_by_role("button", name="Del tippet").click()

    expect(page.locator("#my-leads")).to_contain_text("Hansen Transport ApS")
    [lead] = leads_of(live_app, team.consultant)
    assert (lead["company_id"], lead["suggested_contact_id"]) == (hansen, hr)


def test_enter_in_the_search_box_finds_in_place_and_keeps_what_was_typed(page, sign_in, live_app):
    crm, team = live_app.extensions["crm"].crm, live_app.config["TEAM"]
    hansen_transport(crm, team.recruiter)
    sign_in("consultant")
    page.goto(live_app.config["LIVE_URL"] + "/leads")
    page.get_by_label("Hvorfor denne virksomhed? Hvad ved du?").fill("Mange chauffører")
    page.get_by_label("Find virksomheden på navn eller CVR-nummer").fill("Hansen")
    page.get_by_label("Find virksomheden på navn eller CVR-nummer").press("Enter")
    expect(page.get_by_label("Hansen Transport ApS")).to_be_visible()
    expect(page.get_by_label("Hvorfor denne virksomhed? Hvad ved du?")).to_have_value("Mange chauffører")
