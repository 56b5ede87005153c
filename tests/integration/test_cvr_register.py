"""The CVR register adapter against a small HTTP server on 127.0.0.1 that answers in the register's shape."""

from __future__ import annotations

import pytest

from crm.cvr_register import CvrRegister, RegisterUnavailable
from tests.cvr_server import PASSWORD, USER, cvr_server, url_of


@pytest.fixture
def server():
    with cvr_server() as running:
        yield running


@pytest.fixture
def register(server):
    return CvrRegister(url_of(server), USER, PASSWORD)


def test_a_company_by_cvr_in_the_crms_terms(register, server):
    [entry] = register.by_cvr("10000025")
    assert (entry.cvr, entry.p_number, entry.name) == ("10000025", None, "Ærø Rengøring ApS")
    assert entry.address == "Søndergade 4, 5970 Ærøskøbing" and entry.municipality_code == "492"
    assert (entry.industry_code, entry.industry, entry.industry_text) == (
        "812100",
        "cleaning",
        "Almindelig rengøring i bygninger",
    )
    assert (entry.employees, entry.size_band) == (35, "10-49")  # the quarterly count is newer than the yearly
    assert not entry.ceased and not entry.protected
    path, body = server.queries[-1]
    assert path == "/cvr-permanent/virksomhed/_search"
    assert body == {"query": {"term": {"Vrvirksomhed.cvrNummer": 10000025}}, "size": 10}


def test_a_ceased_and_protected_company_is_flagged(register):
    [entry] = register.by_cvr("10000033")
    assert entry.ceased and entry.protected
    assert entry.address == "Havnen 1B, 1, th, 8700 Horsens" and entry.industry == "transport"
    assert (entry.employees, entry.size_band) == (None, "1-9")  # only the interval code ANTAL_5_9


def test_a_production_unit_by_p_number_names_its_company(register, server):
    [unit] = register.by_p_number("1012345678")
    assert (unit.p_number, unit.cvr, unit.name) == ("1012345678", "10000025", "Ærø Rengøring ApS, Marstal")
    assert unit.address == "Havnegade 12, 5960 Marstal" and unit.size_band == "10-49" and not unit.ceased
    assert server.queries[-1][0] == "/cvr-permanent/produktionsenhed/_search"


def test_a_name_search_and_nothing_found(register):
    assert [e.cvr for e in register.by_name("Vognmand Øster")] == ["10000033"]
    assert register.by_cvr("10000009") == []


def test_wrong_credentials_or_no_server_are_unavailable(server):
    with pytest.raises(RegisterUnavailable):
        CvrRegister(url_of(server), USER, "forkert").by_cvr("10000025")
    with pytest.raises(RegisterUnavailable):
        CvrRegister("http://127.0.0.1:9").by_cvr("10000025")
    with pytest.raises(RegisterUnavailable):
        CvrRegister("file:///etc/passwd").by_cvr("10000025")


def test_configured_by_the_environment_or_absent():
    assert CvrRegister.from_environment({}) is None
    found = CvrRegister.from_environment({"CRM_CVR_URL": "https://distribution.virk.dk/", "CRM_CVR_USER": "u"})
    assert found == CvrRegister("https://distribution.virk.dk", "u", "")
