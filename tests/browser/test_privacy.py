"""Erasing a person from the privacy screen in a real browser: the company page then shows "slettet person"."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support import hansen_transport


@pytest.fixture
def birthe(live_app):
    crm = live_app.extensions["crm"].crm
    mette = live_app.config["TEAM"].recruiter
    hansen = hansen_transport(crm, mette, owner_id=mette)
    crm.register_contact(mette, hansen, "Birthe Kjærgaard", "hr", "29876543", "birthe@hansen.dk")
    return hansen


def test_the_project_lead_erases_a_person_and_the_company_page_shows_an_erased_person(page, sign_in, birthe, live_app):
    sign_in("project_lead")
    page.goto(f"{live_app.config['LIVE_URL']}/companies/{birthe}")
    page.get_by_role("link", name="Slet Birthe Kjærgaard").click()
    expect(page.get_by_role("heading", name="Slet en person")).to_be_visible()

    page.get_by_label("Retsgrundlag").select_option("art17_1_c_objection")
    page.locator("#erase-reason").fill("Sag 2026-14")
    page.get_by_role("button", name="Slet personen endeligt").click()

    page.wait_for_url(f"**/companies/{birthe}")
    expect(page.get_by_text("slettet person").first).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Birthe")
