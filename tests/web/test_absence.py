"""Days away on the web: a recruiter marks an absence with a stand-in or none; My day follows it."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

WEDNESDAY, FRIDAY = date(2026, 3, 4), date(2026, 3, 6)


@pytest.fixture
def mettes(crm, team):
    """Mette's company, its follow-up due on Wednesday."""
    company = crm.register_company(team.recruiter, name="Onsdag ApS", industry="care", owner_id=team.recruiter)
    crm.log_attempt(team.recruiter, company, "call", "no_answer", next_follow_up=WEDNESDAY)
    return company


def row(page: str, company_id) -> str:
    found = re.search(rf'<li class="queue-row[^"]*" id="queue-row-{company_id}">.*?</li>', page, re.S)
    return re.sub(r"\s+", " ", found.group(0)) if found else ""


def test_a_stand_in_sees_the_follow_ups_on_her_my_day(as_role, crm, team, clock, mettes):
    mette = as_role("recruiter")
    response = mette.post(
        "/absence", {"first_day": "2026-03-04", "last_day": "2026-03-06", "stand_in_id": str(team.health_consultant)}
    )
    assert response.status_code == 303
    page = mette.get("/absence").get_data(as_text=True)
    assert "Dit fravær er markeret. Du er tilbage 9. mar. 2026." in page
    assert (
        "4. mar. 2026 til 6. mar. 2026, tilbage 9. mar. 2026" in page and "Sofie Lund tager dine opfølgninger" in page
    )

    clock.advance(timedelta(days=2))  # Wednesday
    shown = row(as_role("health_consultant").get("/my-day").get_data(as_text=True), mettes)
    assert "queue-due_today" in shown and "Dækker for Mette Kjær" in shown and "Opfølgning i dag" in shown


def test_with_no_stand_in_the_follow_up_waits_for_the_first_working_day_back(as_role, crm, team, clock, mettes):
    as_role("recruiter").post("/absence", {"first_day": "2026-03-04", "last_day": "2026-03-06"})
    clock.advance(timedelta(days=7))  # Monday 9 March, back
    shown = row(as_role("recruiter").get("/my-day").get_data(as_text=True), mettes)
    assert "flyttet fra 4. mar. 2026 (fravær)" in shown and "dage over" not in shown


def test_a_refused_absence_says_why_and_a_cancelled_one_is_gone(as_role, crm, team):
    mette = as_role("recruiter")
    page = mette.post("/absence", {"first_day": "2026-03-06", "last_day": "2026-03-04"}).get_data(as_text=True)
    assert 'role="alert"' in page and "Sidste dag: den sidste dag ligger før den første" in page
    mette.post("/absence", {"first_day": "2026-03-04", "last_day": "2026-03-06"})
    mette.post("/absence/cancel", {"first_day": "2026-03-04"})
    page = mette.get("/absence").get_data(as_text=True)
    assert "Fraværet er annulleret." in page and "Intet fravær markeret." in page


def test_the_audit_log_tells_it(as_role, crm, team):
    as_role("recruiter").post(
        "/absence", {"first_day": "2026-03-04", "last_day": "2026-03-06", "stand_in_id": str(team.health_consultant)}
    )
    page = as_role("auditor").get("/audit/?type=User.AbsenceMarked").get_data(as_text=True)
    assert "Mette Kjær er væk 4. marts til 6. marts; Sofie Lund tager de opfølgninger, der falder imens" in page
