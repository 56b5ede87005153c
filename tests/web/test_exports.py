"""Every list as CSV (Danish Excel) and XLSX, read back; formula injection neutralised; personal data logged."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest

from tests.support import HANSEN_TRANSPORT_CVR, hansen_transport

# A tab or carriage return cannot begin a stored text (the commands strip it); tests/unit/test_sheets.py covers them.
INJECTIONS = ['=HYPERLINK("http://x")', "+45 1", "-2+3", "@SUM(A1)"]


def read_csv(response) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))


def read_xlsx(response) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def hansen(crm, team):
    company = hansen_transport(crm, team.recruiter, owner_id=team.recruiter)
    crm.log_attempt(team.recruiter, company, "call", "no_answer", next_follow_up=date(2026, 3, 2))
    return company


class TestCompanies:
    def test_csv_has_danish_headers_semicolons_and_the_filtered_rows(self, as_role, crm, team, hansen):
        crm.register_company(team.recruiter, "Soltoft Pleje", "care")
        response = as_role("recruiter").get("/export/companies.csv?industry=transport")
        assert response.status_code == 200
        assert response.headers["Content-Disposition"] == 'attachment; filename="virksomheder.csv"'
        rows = read_csv(response)
        assert rows[0][:4] == ["Virksomhed", "CVR-nr.", "Branche", "Fase"]
        assert [r[0] for r in rows[1:]] == ["Hansen Transport ApS"]
        assert rows[1][1] == HANSEN_TRANSPORT_CVR and rows[1][3] == "I kontakt" and rows[1][4] == "Mette Kjær"

    def test_xlsx_reads_back_with_dates_as_dates(self, as_role, hansen):
        rows = read_xlsx(as_role("recruiter").get("/export/companies.xlsx"))
        assert rows[0][0] == "Virksomhed" and rows[1][0] == "Hansen Transport ApS"
        assert rows[1][6].date() == date(2026, 3, 2)

    @pytest.mark.parametrize("fmt", ["csv", "xlsx"])
    @pytest.mark.parametrize("evil", INJECTIONS)
    def test_formula_injection_in_a_name_is_neutralised(self, as_role, crm, team, fmt, evil):
        crm.register_company(team.recruiter, evil, "care", address=evil)
        response = as_role("recruiter").get(f"/export/companies.{fmt}")
        rows = read_csv(response) if fmt == "csv" else read_xlsx(response)
        assert rows[1][0] == "'" + evil


class TestOtherLists:
    def test_my_day_pipeline_buy_in_and_commitments_export(self, as_role, crm, team, hansen):
        client = as_role("recruiter")
        day = read_csv(client.get("/export/my-day.csv"))
        assert day[0][0] == "Afsnit" and day[1][1] == "Hansen Transport ApS"
        board = read_xlsx(client.get("/export/pipeline.xlsx"))
        assert board[0][:2] == ["Fase", "Virksomhed"] and board[1][:2] == ["I kontakt", "Hansen Transport ApS"]
        assert read_csv(client.get("/export/buy-in.csv"))[0][0] == "Virksomhed"
        assert read_csv(client.get("/export/commitments.csv"))[0][1] == "Indsats"

    def test_the_leads_export_names_the_suggested_contact_and_logs_it(self, as_role, crm, team, hansen):
        lise = crm.register_contact(team.recruiter, hansen, "=Lise Hansen", "hr")
        crm.share_lead(team.consultant, hansen, "@Vil gerne have sundhedstjek", suggested_contact_id=lise)
        rows = read_csv(as_role("recruiter").get("/export/leads.csv?purpose=Ugem%C3%B8de"))
        assert rows[1][0] == "Hansen Transport ApS" and rows[1][5] == "'=Lise Hansen"
        assert rows[1][4] == "'@Vil gerne have sundhedstjek"
        assert [(e["use"], e["user_id"]) for e in crm.access_log.entries(contact_id=lise)] == [
            ("export", team.recruiter)
        ]

    def test_a_list_naming_people_without_a_purpose_is_refused_and_nothing_is_recorded(
        self, as_role, crm, team, hansen
    ):
        lise = crm.register_contact(team.recruiter, hansen, "Lise Hansen", "hr")
        crm.share_lead(team.consultant, hansen, "Vil gerne have sundhedstjek", suggested_contact_id=lise)
        response = as_role("recruiter").get("/export/leads.csv?purpose=+")
        assert response.status_code == 400 and "Skriv, hvad listen skal bruges til" in response.get_data(as_text=True)
        assert crm.access_log.entries(contact_id=lise) == []

    def test_the_purpose_given_on_the_form_is_recorded_with_the_export(self, as_role, crm, team, hansen):
        lise = crm.register_contact(team.recruiter, hansen, "Lise Hansen", "hr")
        crm.share_lead(team.consultant, hansen, "Vil gerne have sundhedstjek", suggested_contact_id=lise)
        client = as_role("recruiter")
        form = client.get("/leads").get_data(as_text=True)
        assert 'name="purpose" required' in form and "Hent listen, til dette formål:" in form
        client.get("/export/leads.csv?status=open&purpose=Opf%C3%B8lgningsm%C3%B8de+marts")
        [exported] = [e for e in crm.access_log.entries(contact_id=lise) if e["use"] == "export"]
        assert exported["purpose"] == "Opfølgningsmøde marts"
        shown = as_role("auditor").get(f"/audit/access-log?contact={lise}").get_data(as_text=True)
        assert "Opfølgningsmøde marts" in shown and '<th scope="col">Formål</th>' in shown

    def test_the_lists_link_to_their_exports_with_their_filters(self, as_role, hansen):
        page = as_role("recruiter").get("/companies?industry=transport").get_data(as_text=True)
        assert 'formaction="/export/companies.xlsx"' in page and 'name="industry" value="transport"' in page
        assert 'formaction="/export/my-day.csv"' in as_role("recruiter").get("/my-day").get_data(as_text=True)

    def test_an_unknown_format_is_not_found(self, as_role):
        assert as_role("recruiter").get("/export/companies.pdf").status_code == 404
