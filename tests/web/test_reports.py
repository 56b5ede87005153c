"""The reports screen: the figures of the hand-built history as charts and tables, downloads, the past."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from tests.report_history import play

PERIOD = "start=2026-03-02&end=2026-05-01"


@pytest.fixture
def history(crm, team, clock):
    return play(crm, clock, team)


def section(html: str, key: str) -> str:
    found = re.search(rf'<section class="card report" id="report-{key}".*?</section>', html, re.DOTALL)
    assert found, f"no report {key}"
    return found.group(0)


def cells(html: str) -> list[list[str]]:
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.DOTALL)
    return [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.DOTALL) for row in rows]


def test_the_project_lead_sees_the_funnel_as_a_chart_with_its_numbers(as_role, history):
    page = as_role("project_lead").get(f"/reports?{PERIOD}")

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    funnel = section(html, "funnel")
    # Check: an accessible chart, with the figures in its description and in the table beside it.
    assert '<svg class="chart"' in funnel and 'role="img"' in funnel
    assert re.search(r"<desc id=\"chart-funnel-desc\">I kontakt: Virksomheder 3; ", funnel)
    rows = cells(funnel)
    assert [row[:3] for row in rows[1:]] == [
        ["I kontakt", "3", "–"],
        ["Møde med ledelsen", "2", "66,7"],
        ["Forhandling om ledelsesopbakning", "2", "100"],
        ["Partner", "1", "50"],
        ["Afsluttet", "1", "100"],
    ]
    assert "Opfølgninger pr. rekrutteringsmedarbejder" in html


def test_the_filters_narrow_the_figures_and_a_fragment_answers_htmx(as_role, history):
    response = as_role("auditor").htmx_get(f"/reports?{PERIOD}&recruiter={history.ole}&by=source", "reports")

    html = response.get_data(as_text=True)
    assert "<html" not in html and "HX-Target" in response.headers["Vary"]
    assert [row[1] for row in cells(section(html, "funnel"))[1:]] == ["1", "1", "1", "0", "0"]
    # Check: the funnel by source names the consultant whose lead it was.
    assert "Jonas Vestergaard" in section(html, "funnel_by")


def test_the_numbers_download_as_csv_and_xlsx(as_role, history):
    client = as_role("project_lead")

    response = client.get(f"/reports/follow_ups.csv?{PERIOD}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows == [
        ["Rekrutteringsmedarbejder", "Til tiden", "For sent", "Ikke holdt", "Ikke forfalden endnu"],
        ["Mette Kjær", "2", "1", "1", "0"],
        ["Ole Brandt", "0", "1", "1", "0"],
    ]

    book = load_workbook(io.BytesIO(client.get(f"/reports/channels.xlsx?{PERIOD}").data))
    sheet = [list(row) for row in book.active.iter_rows(values_only=True)]
    assert sheet[2][0] == "Opkald" and sheet[2][1] == 4 and sheet[2][-1] == 6


def test_every_download_the_page_offers_opens_in_both_formats(as_role, history):
    # Headers are translated lazily; a spreadsheet cell needs them as plain text (a fuzzer found the 500).
    client = as_role("project_lead")
    html = client.get(f"/reports?{PERIOD}").get_data(as_text=True)
    links = sorted(set(re.findall(r'href="(/reports/\w+\.(?:csv|xlsx)[^"]*)"', html)))
    assert {link.split("?")[0].rsplit(".", 1)[1] for link in links} == {"csv", "xlsx"}
    for link in links:
        response = client.get(link.replace("&amp;", "&"))
        assert response.status_code == 200, link
        if ".xlsx" in link:
            book = load_workbook(io.BytesIO(response.data))
            assert all(isinstance(v, str) for v in next(book.active.iter_rows(min_row=2, max_row=2, values_only=True)))


def test_a_report_as_it_stood_at_a_past_moment(as_role, history):
    html = as_role("project_lead").get(f"/reports?{PERIOD}&as_of=2026-03-22T12:00").get_data(as_text=True)

    assert "banner-past" in html
    assert [row[1] for row in cells(section(html, "funnel"))[1:]] == ["3", "2", "2", "0", "0"]


@pytest.mark.parametrize("role", ["recruiter", "consultant", "health_consultant", "admin"])
def test_only_the_project_lead_and_the_auditor_open_the_reports(as_role, role):
    assert as_role(role).get("/reports").status_code == 403
    assert as_role(role).get("/reports/funnel.csv").status_code == 403


def test_a_date_no_page_sends_is_a_bad_request_and_a_reversed_period_is_explained(as_role, history):
    client = as_role("auditor")
    assert client.get("/reports?start=2026-13-01").status_code == 400
    html = client.get("/reports?start=2026-05-01&end=2026-03-01").get_data(as_text=True)
    assert "Perioden skal begynde, før den slutter." in html


def test_the_programme_reports_show_buy_in_commitments_delivery_and_re_aim(as_role, history):
    html = as_role("auditor").get(f"/reports?{PERIOD}").get_data(as_text=True)

    assert cells(section(html, "buy_in"))[1][:3] == ["En tovholder i virksomheden", "2", "14"]
    assert ["Frugtordning", "1", "1", "0", "0"] in cells(section(html, "commitments"))
    assert cells(section(html, "delivery_months"))[1] == ["2026-04", "20", "6", "0"]
    assert cells(section(html, "delivery_companies"))[1] == ["Hansen Transport ApS", "20", "20", "10", "6", "0"]
    re_aim = cells(section(html, "re_aim"))
    assert re_aim[1] == ["Adoption", "1", "3", "33,3"]
    assert re_aim[4] == ["Implementering: leveret af planlagt", "26", "30", "86,7"]


def test_a_moment_in_the_future_is_explained_and_unknown_downloads_are_not_found(as_role):
    client = as_role("project_lead")

    html = client.get("/reports?as_of=2099-01-01T12:00").get_data(as_text=True)
    assert "Vælg et tidspunkt i fortiden." in html
    assert client.get("/reports/nothing.csv").status_code == 404
    assert client.get("/reports/funnel.pdf").status_code == 404
