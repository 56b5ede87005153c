"""The reports screen in a real browser: charts, filters through htmx, a download, the print view."""

from __future__ import annotations

from tests.browser.conftest import screenshot
from tests.report_history import play

PERIOD = "start=2026-03-02&end=2026-05-01"


def test_the_project_lead_reads_the_reports_filters_them_downloads_and_prints(page, sign_in, live_app, clock):
    play(live_app.extensions["crm"].crm, clock, live_app.config["TEAM"])
    sign_in("project_lead")
    page.goto(live_app.config["LIVE_URL"] + f"/reports?{PERIOD}")

    # Check: the funnel chart is an image named by its title, its bars drawn.
    funnel = page.get_by_role("img", name="Tragt: virksomheder, der nåede hver fase")
    assert funnel.is_visible()
    assert page.locator("#report-funnel svg rect").count() == 5
    screenshot(page, "reports")

    # Check: a filter swaps the reports in place and the address keeps it.
    page.select_option("#report-recruiter", label="Ole Brandt")
    page.get_by_role("button", name="Vis").click()
    page.wait_for_url("**recruiter=**")
    page.locator("#report-funnel details summary").click()
    assert page.locator("#report-funnel tbody tr").nth(3).locator("td").first.inner_text() == "0"

    with page.expect_download() as download:
        page.locator("#report-funnel").get_by_role("link", name="Hent CSV").click()
    assert download.value.suggested_filename == "funnel-2026-03-02-2026-05-01.csv"

    page.emulate_media(media="print")
    assert not page.locator("#report-filters").is_visible()
    assert page.locator("#report-funnel table").is_visible()
    screenshot(page, "reports-print")
