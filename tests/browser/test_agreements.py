"""A cooperation agreement in a real browser: opened from the board, refused without buy-in, then signed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from crm.agreements import PartnershipAgreement
from crm.companies import Company
from tests.browser.conftest import screenshot
from tests.support import SOLTOFT_PLEJE_CVR, hansen_transport


@pytest.fixture
def pipeline(live_app, clock):
    """A pipeline a project could have after a few weeks, with Hansen Transport at a meeting."""
    crm, team = live_app.extensions["crm"].crm, live_app.config["TEAM"]
    mette, sofie = team.recruiter, team.health_consultant

    def register(name, industry, **details):
        return crm.register_company(mette, name, industry, owner_id=mette, **details)

    bakery = register("Bageriet Kornblomst", "production", strategy="targeted")
    cleaning = register("Rent & Pænt ApS", "cleaning", arena="workplace_private")
    clock.advance(timedelta(days=12))
    hansen = hansen_transport(crm, mette, owner_id=mette)
    director = crm.register_contact(mette, hansen, "Birthe Hansen", "top_management", phone="20304050")
    soltoft = crm.register_company(sofie, "Soltoft Pleje", "care", cvr=SOLTOFT_PLEJE_CVR, owner_id=sofie)
    crm.log_attempt(mette, hansen, "call", "meeting_booked")
    crm.log_attempt(sofie, soltoft, "email", "call_back", next_follow_up=clock.now().date() + timedelta(days=2))
    crm.log_attempt(mette, cleaning, "call", "declined", note="Ingen tid i år", approach_again_after=date(2026, 9, 1))
    register("Vognmand Jensen", "transport", arena="business_network")
    crm.park_company(mette, bakery, reason="Travlt til efteråret", approach_again_after=date(2026, 8, 1))
    register("Kommunens Materielgård", "public_administration", arena="workplace_public")
    clock.advance(timedelta(days=5))
    return {"hansen": hansen, "director": director}


def test_an_agreement_opened_from_the_board_is_signed_only_after_the_buy_in(page, sign_in, live_app, pipeline):
    crm, url = live_app.extensions["crm"].crm, live_app.config["LIVE_URL"]
    hansen = pipeline["hansen"]
    sign_in("recruiter")
    page.goto(url + "/pipeline")
    card = page.locator(f"#company-{hansen}")
    card.get_by_label("Flyt Hansen Transport ApS til").select_option("negotiating")
    card.get_by_role("button", name="Flyt").click()
    expect(page.locator(f"#company-{hansen}")).to_contain_text("Vil du oprette en samarbejdsaftale")
    page.locator(f"#company-{hansen}").get_by_role("button", name="Ja, opret aftalen").click()
    page.wait_for_url("**/agreements/*")
    agreement_id = crm.load(Company, hansen).agreement_id
    assert page.url.endswith(f"/agreements/{agreement_id}")

    page.get_by_role("button", name="Underskriv aftalen").click()
    alert = page.locator("#buy-in").get_by_role("alert")
    expect(alert).to_contain_text("Aftalen kan ikke underskrives. Der mangler ledelsesopbakning:")
    expect(alert.locator("li")).to_have_text(
        [
            "En navngiven sponsor i den øverste ledelse",
            "Samtaler i arbejdstiden",
            "Lokaler på arbejdspladsen",
            "En tovholder i virksomheden",
        ]
    )
    assert crm.load(PartnershipAgreement, agreement_id).status == "negotiating"

    page.get_by_label("Sponsor i den øverste ledelse").select_option(label="Birthe Hansen")
    page.locator("#buy-in li.missing").first.get_by_role("button", name="Bekræft").click()
    expect(page.locator("#buy-in")).to_contain_text("sponsor: Birthe Hansen")
    for remaining in (2, 1, 0):
        page.locator("#buy-in li.missing").first.get_by_role("button", name="Bekræft").click()
        expect(page.locator("#buy-in li.missing")).to_have_count(remaining)
    expect(page.locator("#buy-in")).to_contain_text("Alle krav er opfyldt.")

    page.get_by_role("button", name="Underskriv aftalen").click()
    expect(page.locator("#buy-in").get_by_role("status")).to_have_text(
        "Aftalen er underskrevet. Virksomheden er nu partner."
    )
    page.get_by_label("Planlagte sundhedssamtaler").fill("40")
    page.get_by_role("button", name="Gem planen").click()
    expect(page.locator("#delivery").get_by_role("status")).to_have_text("Planen er gemt.")
    screenshot(page, "agreement")
    agreement = crm.load(PartnershipAgreement, agreement_id)
    assert (
        agreement.status == "signed"
        and agreement.requirements["top_management_sponsor"]["contact_id"] == pipeline["director"]
    )
    assert crm.load(Company, hansen).stage == "partner"

    page.goto(url + "/pipeline")
    expect(page.locator("#stage-partner").locator("xpath=..")).to_contain_text("Hansen Transport ApS")
    screenshot(page, "pipeline")


def test_without_javascript_the_buy_in_is_confirmed_and_the_agreement_signed(playwright_browser, live_app, pipeline):
    from tests.web.conftest import PASSWORD

    crm, team, url = live_app.extensions["crm"].crm, live_app.config["TEAM"], live_app.config["LIVE_URL"]
    agreement_id = crm.open_agreement(team.recruiter, pipeline["hansen"])
    context = playwright_browser.new_context(java_script_enabled=False, locale="da-DK")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(url + "/login")
        page.get_by_label("Brugernavn").fill("henrik")
        page.get_by_label("Adgangskode").fill(PASSWORD)
        page.get_by_role("button", name="Log ind").click()
        page.goto(f"{url}/agreements/{agreement_id}")
        page.get_by_label("Sponsor i den øverste ledelse").select_option(label="Birthe Hansen")
        page.locator("#buy-in li.missing").first.get_by_role("button", name="Bekræft").click()
        for remaining in (2, 1, 0):
            page.locator("#buy-in li.missing").first.get_by_role("button", name="Bekræft").click()
            expect(page.locator("#buy-in li.missing")).to_have_count(remaining)
        page.get_by_role("button", name="Underskriv aftalen").click()
        expect(page.get_by_role("status").first).to_have_text("Aftalen er underskrevet. Virksomheden er nu partner.")
        assert page.url.endswith(f"/agreements/{agreement_id}#buy-in")
        assert crm.load(PartnershipAgreement, agreement_id).status == "signed"
    finally:
        context.close()
