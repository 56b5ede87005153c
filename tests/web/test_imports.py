"""The import screen: upload, a Danish preview of every row, confirm; the file waits for its own user only."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest

from tests.support import hansen_transport

FIXTURES = Path(__file__).parent.parent / "fixtures" / "imports"


def upload(client, name: str, data: bytes | None = None, target: str | None = "import-preview"):
    data = data if data is not None else (FIXTURES / name).read_bytes()
    return client.post(
        "/import",
        data={"file": (BytesIO(data), Path(name).name)},
        htmx_target=target,
        content_type="multipart/form-data",
    )


def token_of(html: str) -> str:
    found = re.search(r'action="/import/([0-9a-f]{32})"', html)
    assert found, html
    return found.group(1)


@pytest.fixture
def hansen(crm, team):
    return hansen_transport(crm, team.recruiter, size_band=None)


def test_the_page_has_the_upload_form(as_role):
    page = as_role("recruiter").get("/import").get_data(as_text=True)
    assert "Importér virksomheder" in page and 'type="file"' in page and "upload_progress.js" in page


def test_the_preview_shows_every_row_in_danish_and_stores_nothing(as_role, crm, hansen):
    before = crm.recorder.max_notification_id()
    response = upload(as_role("recruiter"), "companies-excel-da.csv")
    html = response.get_data(as_text=True)
    assert html.startswith('<div id="import-preview"')
    assert (
        "Nye virksomheder: 3" in html
        and "Dubletter i filen: 2" in html
        and "Rækker med fejl (importeres ikke): 3" in html
    )
    assert "12345678 er ikke et gyldigt CVR-nummer" in html
    assert "et P-nummer har 10 cifre" in html and "Gentager række 3" in html
    assert crm.recorder.max_notification_id() == before


def test_confirming_imports_and_a_second_upload_finds_everything_recorded(as_role, crm, hansen):
    client = as_role("recruiter")
    token = token_of(upload(client, "companies.xlsx").get_data(as_text=True))
    done = client.post(f"/import/{token}", data={"file_name": "companies.xlsx"}, htmx_target="import-preview")
    assert "Importeret: 3 oprettet, 2 opdateret." in done.get_data(as_text=True)
    assert "Ærø Rengøring ApS" in client.get("/companies").get_data(as_text=True)
    again = upload(client, "companies.xlsx").get_data(as_text=True)
    assert "Uændrede: 7" in again and "Intet at importere" in again
    assert client.post(f"/import/{token}", data={"file_name": "x"}).status_code == 404  # used up


def test_a_new_preview_replaces_the_waiting_file(as_role, hansen):
    client = as_role("recruiter")
    first = token_of(upload(client, "companies.xlsx").get_data(as_text=True))
    token_of(upload(client, "companies-excel-da.csv").get_data(as_text=True))
    assert client.post(f"/import/{first}", data={"file_name": "x"}).status_code == 404


def test_another_user_cannot_commit_my_upload(as_role, hansen):
    token = token_of(upload(as_role("recruiter"), "companies.xlsx").get_data(as_text=True))
    assert as_role("health_consultant").post(f"/import/{token}", data={}).status_code == 404


def test_a_file_that_is_not_a_spreadsheet_gets_a_danish_message(as_role):
    html = upload(as_role("recruiter"), "x.xlsx", b"PK\x03\x04nonsense").get_data(as_text=True)
    assert "Fil: er ikke en Excel-projektmappe" in html
    assert "Importér en CSV- eller XLSX-fil." in upload(as_role("recruiter"), "x.pdf", b"%PDF").get_data(as_text=True)
