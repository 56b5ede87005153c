"""The web's log form carries arena, strategy and source partner, defaulted from the lead or the company,
and an attempt on a company with an open lead answers it."""

from __future__ import annotations

import re

import pytest

from tests.web.test_my_day import crm_view_attempts


@pytest.fixture
def union_company(crm, team):
    mette = team.recruiter
    union = crm.register_partner(team.project_lead, "3F Vestegnen", "union")
    company = crm.register_company(
        mette,
        "Vestegnens Vognmænd",
        "transport",
        owner_id=mette,
        arena="union",
        strategy="open",
        source_partner_id=union,
    )
    return {"company": company, "union": union}


def selected(html: str, name: str) -> str:
    select = re.search(rf'<select[^>]*name="{name}">(.*?)</select>', html, re.S)
    assert select, name
    found = re.search(r'<option value="([^"]*)" selected>', select.group(1))
    return found.group(1) if found else ""


def form(client, company_id) -> str:
    return client.htmx_get(f"/my-day/{company_id}/attempts", f"queue-row-{company_id}").get_data(as_text=True)


def test_the_form_defaults_to_the_companys_arena_strategy_and_source(as_role, union_company):
    html = form(as_role("recruiter"), union_company["company"])
    assert selected(html, "arena") == "union" and selected(html, "strategy") == "open"
    assert selected(html, "source_partner_id") == str(union_company["union"])
    assert "3F Vestegnen" in html


def test_a_leads_own_arena_and_strategy_win(as_role, crm, team, union_company):
    crm.share_lead(
        team.consultant, union_company["company"], "Mange på nedsat tid", arena="business_network", strategy="targeted"
    )
    html = form(as_role("recruiter"), union_company["company"])
    assert selected(html, "arena") == "business_network" and selected(html, "strategy") == "targeted"
    assert "Henvendelsen besvarer tippet" in html


def test_the_attempt_is_logged_with_what_the_form_sends(as_role, crm, union_company):
    as_role("recruiter").post(
        f"/my-day/{union_company['company']}/attempts",
        {"channel": "call", "outcome": "interested", "next_follow_up": "none", "arena": "event", "strategy": "bounded"},
        htmx_target=f"queue-row-{union_company['company']}",
    )
    attempt = crm_view_attempts(crm, union_company["company"])[-1]
    assert (attempt.arena, attempt.strategy, attempt.source_partner_id) == ("event", "bounded", None)


def test_an_attempt_on_a_company_with_an_open_lead_answers_it(as_role, crm, team, union_company):
    lead_id = crm.share_lead(team.consultant, union_company["company"], "Mange på nedsat tid", urgency="high")
    as_role("recruiter").post(
        f"/my-day/{union_company['company']}/attempts",
        {"channel": "call", "outcome": "no_answer", "next_follow_up": "2026-03-03"},
        htmx_target=f"queue-row-{union_company['company']}",
    )
    from crm.leads import Lead

    attempt = crm_view_attempts(crm, union_company["company"])[-1]
    lead = crm.repository.get(lead_id)
    assert isinstance(lead, Lead) and attempt.lead_id == lead_id
    assert (lead.status, lead.claimed_by, lead.started_attempt_id) == ("claimed", team.recruiter, attempt.id)


def test_the_company_page_form_answers_the_lead_too(as_role, crm, team, union_company):
    lead_id = crm.share_lead(team.consultant, union_company["company"], "Mange på nedsat tid")
    as_role("recruiter").post(
        f"/companies/{union_company['company']}/attempts",
        {"channel": "visit", "outcome": "interested", "next_follow_up": "none"},
    )
    assert crm_view_attempts(crm, union_company["company"])[-1].lead_id == lead_id
