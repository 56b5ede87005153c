"""The audit area in a real browser: the event log read and filtered, the raw data opened, the past shown."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from crm.clock import COPENHAGEN
from tests.audit_history import build_history
from tests.browser.conftest import screenshot


@pytest.fixture
def history(live_app, clock):
    return build_history(live_app.extensions["crm"].crm, clock, team=live_app.config["TEAM"])


def test_an_auditor_reads_the_event_log_filters_it_and_opens_the_raw_data(page, sign_in, live_app, history):
    sign_in("auditor")
    expect(page).to_have_url(live_app.config["LIVE_URL"] + "/audit/")
    call = page.locator(".logged-event", has_text="registrerede et opkald til Hansen Transport ApS: intet svar")
    expect(call.locator(".event-sentence")).to_have_text(
        "Mette Kjær registrerede et opkald til Hansen Transport ApS: intet svar; næste opfølgning 4. marts"
    )

    call.get_by_text("Rå data").click()
    expect(call.locator("pre.raw")).to_be_visible()
    expect(call.locator("pre.raw")).to_contain_text('"outcome": "no_answer"')
    screenshot(page, "audit-event-log")

    page.get_by_label("Virksomhed", exact=True).fill("soltoft")
    page.get_by_label("Slags post").select_option("lead")
    page.get_by_role("button", name="Vis", exact=True).click()
    expect(page.locator(".event-sentence")).to_have_text(
        [
            "Mette Kjær tog den første henvendelse på tippet om Soltoft Pleje A/S",
            "Mette Kjær overtog tippet om Soltoft Pleje A/S",
            "Jonas Vestergaard delte et tip om Soltoft Pleje A/S: »Højt sygefravær, tal med HR«",
        ]
    )
    assert "aggregate=lead" in page.url  # the filters are in the address, so Back and a bookmark keep them


def test_an_auditor_finds_a_companys_history_by_typing_its_name(page, sign_in, live_app, history):
    sign_in("auditor")
    page.get_by_role("link", name="Historik for en post").click()
    page.get_by_label("Navn på en virksomhed eller en person (eller en posts id)").fill("hansen transport")
    page.keyboard.press("Enter")

    history_section = page.locator("#audit-history")
    expect(history_section.locator("h2").first).to_have_text("Virksomhed: Hansen Transport ApS")
    expect(history_section).to_contain_text("6 versioner, den nyeste først.")
    newest = history_section.locator(".logged-event").first
    expect(newest.locator(".event-sentence")).to_have_text(
        "Mette Kjær ændrede stamdata for Hansen Transport ApS: adresse"
    )
    expect(history_section.locator("table.diff")).to_contain_text("Adresse")
    # The search is in the address, so Back and a bookmark keep it (its space written as %20 or +, by the browser).
    assert parse_qs(urlsplit(page.url).query).get("q") == ["hansen transport"]
    screenshot(page, "audit-history-by-name")


def test_an_auditor_sees_the_pipeline_as_it_stood_with_the_banner(page, sign_in, live_app, history):
    sign_in("auditor")
    page.goto(live_app.config["LIVE_URL"] + "/audit/as-of")
    moment = history.week_end[2].astimezone(COPENHAGEN)
    page.get_by_label("Dato og klokkeslæt (dansk tid)").fill(moment.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Hvis kø").select_option(label="Mette Kjær")
    page.get_by_role("button", name="Vis, hvordan det så ud").click()

    expect(page.locator(".banner-past")).to_contain_text("Dette er fortiden: 16. mar. 2026 08:00.")
    expect(page.locator("#past-stage-negotiating").locator("..")).to_contain_text("Hansen Transport ApS")
    expect(page.locator("#audit-as-of")).not_to_contain_text("Soltoft")
    screenshot(page, "audit-as-of")


def test_the_tamper_check_runs_from_the_page(page, sign_in, live_app, history):
    sign_in("auditor")
    page.goto(live_app.config["LIVE_URL"] + "/audit/chain")
    page.get_by_role("button", name="Kontrollér hele loggen nu").click()
    expect(page.locator("#audit-chain")).to_contain_text("Alle gemte hændelser stemmer med deres led i kæden.")
    screenshot(page, "audit-tamper-check")
