"""Mine tip: each lead the consultant shared tells its story, and what changed since the last visit is marked."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from tests.support import SOLTOFT_PLEJE_CVR
from web.my_leads import STORIES_SHOWN


def items(page: str) -> list[str]:
    """The first story's lines as read, tags dropped."""
    story = re.search(r'<ol class="story">(.*?)</ol>', page, re.S).group(1)
    return [" ".join(re.sub(r"<[^>]+>", " ", li).split()) for li in re.findall(r"<li[^>]*>(.*?)</li>", story, re.S)]


@pytest.fixture
def shared(crm, team, clock):
    jonas = team.consultant
    soltoft = crm.register_company(jonas, "Soltoft Pleje A/S", "care", cvr=SOLTOFT_PLEJE_CVR)
    pia = crm.register_contact(jonas, soltoft, name="Pia Holm", role="hr", email="pia@soltoft.example")
    lead = crm.share_lead(jonas, soltoft, "Højt sygefravær, tal med HR", suggested_contact_id=pia, urgency="high")
    clock.advance(timedelta(hours=1))
    return {"soltoft": soltoft, "pia": pia, "lead": lead}


def test_the_story_with_what_is_new_since_the_last_visit(as_role, crm, team, clock, shared):
    jonas = as_role("consultant")
    first = jonas.get("/leads/mine").get_data(as_text=True)
    assert "Dit første besøg" in first and "Venter på, at en rekrutterer tager det." in first
    assert "Foreslået kontakt: Pia Holm" in first

    clock.advance(timedelta(hours=1))
    crm.claim_lead(team.recruiter, shared["lead"])
    crm.log_attempt(
        team.recruiter,
        shared["soltoft"],
        "call",
        "meeting_booked",
        contact_id=shared["pia"],
        next_follow_up=date(2026, 3, 9),
        lead_id=shared["lead"],
    )
    crm.open_agreement(team.recruiter, shared["soltoft"])
    clock.advance(timedelta(hours=1))

    # Signed in again: two hours is past the session's idle limit.
    second = as_role("consultant").get("/leads/mine").get_data(as_text=True)
    assert "Markeret »Nyt«: det, der er sket siden dit sidste besøg, 2. mar. 2026 10:00." in second
    assert items(second) == [
        "Nyt Overtaget af Mette Kjær",
        "Nyt 2. mar. 2026 Mette Kjær: opkald, møde aftalt (med Pia Holm)",
        "Nyt Samarbejdsaftale oprettet",
    ]
    assert "3 nye" in second and "Virksomhedens trin nu:" in second

    third = as_role("consultant").get("/leads/mine").get_data(as_text=True)
    assert "Nyt" not in " ".join(items(third)) and "nye" not in third


def test_a_declined_lead_says_why_and_the_visit_is_in_the_access_log(as_role, crm, team, shared):
    crm.decline_lead(team.recruiter, shared["lead"], reason="Vi har allerede kontakt")
    page = as_role("consultant").get("/leads/mine").get_data(as_text=True)
    assert items(page) == ["Afvist: Vi har allerede kontakt"]
    rows = crm.access_log.entries(user_id=team.consultant)
    assert rows[0]["place"] == "/leads/mine" and rows[0]["contact_id"] == shared["pia"]


def test_only_those_who_share_leads_open_it(as_role):
    assert as_role("auditor").get("/leads/mine").status_code == 403
    assert as_role("recruiter").get("/leads/mine").status_code == 200


def test_the_newest_leads_make_the_first_page_and_an_older_page_is_not_a_visit(as_role, crm, team, clock, shared):
    """A consultant who shared for years gets their newest stories first, a page at a time; opening an older
    page does not take the "New" marks off the first (only the first page counts as a visit)."""
    for n in range(STORIES_SHOWN):
        crm.share_lead(team.consultant, shared["soltoft"], f"Tip nummer {n:02d}")
        clock.advance(timedelta(minutes=1))
    jonas = as_role("consultant")
    first = jonas.get("/leads/mine").get_data(as_text=True)
    assert re.findall(r"Tip nummer (\d\d)", first) == [f"{n:02d}" for n in range(STORIES_SHOWN - 1, -1, -1)]
    assert "Højt sygefravær" not in first and 'href="/leads/mine?page=2"' in first and "Ældre" in first

    clock.advance(timedelta(minutes=1))
    crm.claim_lead(team.recruiter, shared["lead"])  # the oldest lead, alone on page 2
    second = jonas.get("/leads/mine?page=2").get_data(as_text=True)
    assert "Højt sygefravær" in second and "Tip nummer" not in second and 'href="/leads/mine"' in second
    assert "Nyt Overtaget af Mette Kjær" in " ".join(items(second))
    again = jonas.get("/leads/mine?page=2").get_data(as_text=True)
    assert "Nyt Overtaget af Mette Kjær" in " ".join(items(again))  # page 2 was not a visit
    assert jonas.get("/leads/mine?page=0").status_code == 400
