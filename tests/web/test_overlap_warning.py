"""The department-overlap warning reaches whoever is about to log a call or visit: the company page's form,
My day's row form and call mode, not only the owner's My day."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from tests.web.test_call_mode import calls

__all__ = ["calls"]  # the fixture, shared with test_call_mode.py


def warning(page: str) -> str | None:
    found = re.search(r'<div class="flash warn others-lately".*?</div>', page, re.S)
    return re.sub(r"\s+", " ", found.group(0)) if found else None


@pytest.fixture
def visited(crm, team, calls, clock):
    """Jonas of business service visited Hansen, Mette's company, yesterday."""
    crm.log_attempt(
        team.consultant,
        calls["hansen"],
        "visit",
        "interested",
        next_follow_up=date(2026, 3, 9),
        occurred_on=date(2026, 3, 1),
    )
    clock.advance(timedelta(hours=2))
    return calls


def test_the_owner_sees_it_on_the_company_page_my_days_form_and_in_call_mode(as_role, visited):
    mette = as_role("recruiter")
    hansen = visited["hansen"]
    pages = {
        "company page": mette.get(f"/companies/{hansen}"),
        "my day's row": mette.htmx_get(f"/my-day/{hansen}/attempts", f"queue-row-{hansen}"),
        "call mode": mette.get(f"/call/{hansen}"),
    }
    for url, response in pages.items():
        shown = warning(response.get_data(as_text=True))
        assert shown, url
        assert "En anden afdeling har henvendt sig til virksomheden for nylig." in shown
        assert "Jonas Vestergaard (Virksomhedsservice): 1 henvendelse, senest 1. mar. 2026" in shown
        assert "Inden for de seneste 14 dage." in shown


def test_a_consultant_about_to_visit_sees_the_recruiters_calls(as_role, crm, team, visited):
    crm.log_attempt(team.recruiter, visited["soltoft"], "call", "call_back", next_follow_up=date(2026, 3, 4))
    shown = warning(as_role("consultant").get(f"/companies/{visited['soltoft']}").get_data(as_text=True))
    assert shown and "Mette Kjær (Sundhed): 2 henvendelser, senest 2. mar. 2026" in shown


def test_the_same_department_an_old_attempt_or_a_voided_one_warn_no_one(as_role, crm, team, visited):
    # Sofie is of health like Mette: Mette's own calls are no overlap for her, Jonas's visit is.
    shown = warning(as_role("health_consultant").get(f"/companies/{visited['hansen']}").get_data(as_text=True))
    assert "Jonas Vestergaard" in shown and "Mette Kjær" not in shown
    # Mette's email to Soltoft on 27 February is within the window, but of her own department for Sofie.
    assert warning(as_role("health_consultant").get(f"/companies/{visited['soltoft']}").get_data(as_text=True)) is None
    # Jonas's call to the bakery 20 days ago is outside the window.
    crm.log_attempt(
        team.consultant,
        visited["bakery"],
        "call",
        "no_answer",
        occurred_on=date(2026, 2, 10),
        next_follow_up=date(2026, 3, 4),
    )
    assert warning(as_role("recruiter").get(f"/companies/{visited['bakery']}").get_data(as_text=True)) is None
