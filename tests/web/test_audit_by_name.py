"""The record history for someone who is not a developer: found by name, headed by names, in Danish words and dates."""

from __future__ import annotations

import re

from tests.web.test_audit import auditor, history, html

__all__ = ["auditor", "history"]  # the fixtures, shared with test_audit.py


def heading(page: str) -> str:
    return re.sub(r"\s+", " ", re.search(r'<section id="audit-history".*?<h2>(.*?)</h2>', page, re.S).group(1))


def test_typing_a_company_name_without_its_danish_letters_opens_its_history(auditor, crm, history, team):
    crm.change_company_details(team.recruiter, history.soltoft, name="Søltoft Pleje A/S")
    page = html(auditor.get("/audit/history?q=soltoft+pleje"))
    assert heading(page) == "Virksomhed: Søltoft Pleje A/S"
    assert f'href="/audit/?company_id={history.soltoft}"' in page


def test_a_name_that_matches_several_records_lists_them_to_choose_from(auditor, history):
    page = html(auditor.get("/audit/history?q=hansen"))
    assert "2 poster passer på »hansen«" in page
    assert f'href="/audit/history?id={history.hansen}"' in page and f'href="/audit/history?id={history.lars}"' in page
    assert "Lars Hansen" in page and "Kontaktperson · Hansen Transport ApS" in page
    assert 'class="logged-event' not in page


def test_finding_a_person_by_name_is_recorded_in_the_access_log_as_a_search(auditor, crm, history, team):
    auditor.get("/audit/history?q=pia")
    searches = [e for e in crm.access_log.entries(user_id=team.auditor) if e["use"] == "search"]
    assert [e["contact_id"] for e in searches] == [history.pia] and searches[0]["criterion"]


def test_the_heading_names_the_record_and_the_versions_run_newest_first(auditor, history):
    page = html(auditor.get(f"/audit/history?id={history.agreement}"))
    assert heading(page) == "Samarbejdsaftale: Hansen Transport ApS"
    assert "11 versioner, den nyeste først." in page
    numbers = [int(n) for n in re.findall(r'id="version-(\d+)"', page)]
    assert numbers == list(range(11, 0, -1))
    person = heading(html(auditor.get(f"/audit/history?id={history.lars}")))
    assert person == "Kontaktperson: Lars Hansen (Hansen Transport ApS)"


def test_fields_and_values_are_in_danish_words_and_dates(auditor, history):
    page = html(auditor.get(f"/audit/history?id={history.hansen}&a=0&b=2"))
    diff = re.search(r'<table class="diff">.*?</table>', page, re.S).group(0)
    fields = re.findall(r'<th scope="row">(.*?)</th>', diff)
    assert all(re.fullmatch(r"[A-ZÆØÅ][^_]*", f) for f in fields), fields
    assert "Identificeret" in diff or "I kontakt" in diff
    assert not re.search(r"\d{4}-\d{2}-\d{2}", diff)


def test_the_tamper_check_names_read_model_tables_in_danish(app):
    from projections.schema import metadata
    from web.labels import label

    with app.test_request_context():
        assert label("table", "rm_timeline") == "tidslinjens punkter"
        # Every read model's table that a replay compares has a Danish name.
        tables = [name for name in metadata.tables if name.startswith("rm_") and name != "rm_audit_events"]
        assert [name for name in tables if label("table", name) == name] == []


def test_a_leads_history_names_the_suggested_person_not_an_id(auditor, crm, history, team):
    page = html(auditor.get(f"/audit/history?id={history.lead}&a=0&b=1"))
    assert heading(page) == "Tip: Soltoft Pleje A/S"
    diff = re.search(r'<table class="diff">.*?</table>', page, re.S).group(0)
    assert "Pia Holm" in diff and str(history.pia) not in diff
    assert [e["contact_id"] for e in crm.access_log.entries(user_id=team.auditor)] == [history.pia]
