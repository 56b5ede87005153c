"""The register form asks the CVR register (a recorded-shape server on 127.0.0.1) and fills itself in."""

from __future__ import annotations

import pytest

from crm.cvr_register import CvrRegister
from tests.cvr_server import PASSWORD, USER, cvr_server, url_of


@pytest.fixture
def register_server():
    with cvr_server() as running:
        yield running


@pytest.fixture
def configured(app, register_server):
    app.config["CVR_REGISTER"] = CvrRegister(url_of(register_server), USER, PASSWORD)
    return app


def lookup(client, query: str) -> str:
    return client.htmx_get(f"/companies/register-lookup?{query}", "register-lookup").get_data(as_text=True)


def test_the_lookup_is_hidden_and_closed_when_not_configured(as_role):
    client = as_role("recruiter")
    assert "Slå op i CVR-registret" not in client.get("/companies").get_data(as_text=True)
    assert client.get("/companies/register-lookup?cvr=10000025").status_code == 404


def test_a_cvr_number_finds_the_company(configured, as_role):
    client = as_role("recruiter")
    assert "Slå op i CVR-registret" in client.get("/companies").get_data(as_text=True)
    html = lookup(client, "cvr=10000025&name=")
    assert html.startswith('<div id="register-lookup"')
    assert "Ærø Rengøring ApS" in html and "Søndergade 4, 5970 Ærøskøbing" in html and "35 ansatte" in html
    assert "Ophørt" not in html and "Reklamebeskyttet" not in html


def test_a_ceased_and_protected_company_is_flagged(configured, as_role):
    html = lookup(as_role("recruiter"), "name=Vognmand")
    assert "Vognmand Østergaard I/S" in html and "Ophørt" in html and "Reklamebeskyttet" in html


def test_using_an_entry_fills_the_form_with_its_flags(configured, as_role):
    html = (
        as_role("recruiter")
        .htmx_get("/companies/register-fill?cvr=10000033", "register-company")
        .get_data(as_text=True)
    )
    assert html.startswith('<details id="register-company"') and " open>" in html.split("\n")[0]
    assert 'value="Vognmand Østergaard I/S"' in html and 'value="10000033"' in html
    assert 'value="Havnen 1B, 1, th, 8700 Horsens"' in html and '<option value="transport" selected>' in html
    assert "Ifølge CVR-registret er virksomheden eller enheden ophørt." in html and "Reklamebeskyttet:" in html


def test_a_p_number_fills_in_the_unit_and_its_company(configured, as_role):
    html = (
        as_role("recruiter")
        .htmx_get("/companies/register-fill?p_number=1012345678", "register-company")
        .get_data(as_text=True)
    )
    assert 'value="10000025"' in html and 'value="Havnegade 12, 5960 Marstal"' in html


def test_bad_input_and_a_silent_register_get_danish_messages(app, as_role):
    app.config["CVR_REGISTER"] = CvrRegister("http://127.0.0.1:9")
    client = as_role("recruiter")
    assert "Skriv et CVR-nummer på 8 cifre" in lookup(client, "cvr=12345678")
    assert "CVR-registret svarer ikke lige nu" in lookup(client, "cvr=10000025")
    assert "mindst to bogstaver" in lookup(client, "name=x")


def test_a_company_registered_from_a_flagged_entry_is_flagged_in_the_list(configured, as_role, crm):
    client = as_role("recruiter")
    form = client.htmx_get("/companies/register-fill?cvr=10000033", "register-company").get_data(as_text=True)
    assert 'name="register_ceased" value="1"' in form and 'name="register_protected" value="1"' in form
    response = client.post(
        "/companies",
        data={
            "name": "Vognmand Østergaard I/S",
            "cvr": "10000033",
            "industry": "transport",
            "register_ceased": "1",
            "register_protected": "1",
        },
    )
    assert response.status_code == 303
    rows = client.htmx_get("/companies", "company-rows").get_data(as_text=True)
    assert "Vognmand Østergaard I/S" in rows and "Ophørt</span>" in rows and "Reklamebeskyttet</span>" in rows
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Reklamebeskyttet</span>" in page
    log = as_role("auditor").get("/audit/").get_data(as_text=True)
    assert "noterede fra CVR-registret, at Vognmand Østergaard I/S er ophørt og reklamebeskyttet" in log
