"""The retention review: who is listed, the bulk erasure after review, and the audit event log after it."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from crm.contacts import Contact
from tests.support import hansen_transport


@pytest.fixture
def people(crm, team, clock):
    """Three companies: one untouched for over two years, one declined long ago, one busy this week."""
    quiet = hansen_transport(crm, team.recruiter)
    anna = crm.register_contact(team.recruiter, quiet, "Anna Quist", "hr")
    declined = crm.register_company(team.recruiter, "Soltoft Pleje", "care")
    bo = crm.register_contact(team.recruiter, declined, "Bo Solberg", "manager")
    crm.decline_company(team.recruiter, declined, approach_again_after=date(2026, 6, 1), reason="Ingen interesse")
    clock.advance(timedelta(days=500))  # July 2027: the re-approach date passed over a year ago
    busy = crm.register_company(team.recruiter, "Byens Bageri", "retail")
    carl = crm.register_contact(team.recruiter, busy, "Carl Bager", "top_management")
    clock.advance(timedelta(days=250))  # March 2028: Hansen untouched for 25 months
    crm.log_attempt(team.recruiter, busy, "call", "no_answer", contact_id=carl)
    return {"anna": anna, "bo": bo, "carl": carl, "quiet": quiet}


def test_the_review_lists_the_untouched_and_the_long_declined_and_not_the_busy(as_role, crm, team, people):
    page = as_role("project_lead").get("/privacy/retention").get_data(as_text=True)
    assert "Gennemgang af opbevaring" in page and "24 måneder" in page
    assert "Anna Quist" in page and "ingen aktivitet" in page
    assert "Bo Solberg" in page and "datoen for ny henvendelse (1. jun. 2026) er passeret" in page
    assert "Carl Bager" not in page
    # Check the names shown are one access-log row.
    [viewed] = crm.access_log.entries(user_id=team.project_lead)
    assert set(viewed["contact_ids"]) == {people["anna"], people["bo"]}
    # Check a longer period leaves out the company untouched for 25 months.
    longer = as_role("project_lead").get("/privacy/retention?months=30&past=24").get_data(as_text=True)
    assert "Anna Quist" not in longer and "Bo Solberg" not in longer and "Ingen at gennemgå." in longer


def test_only_the_project_lead_may_review(as_role, people):
    assert as_role("recruiter").get("/privacy/retention").status_code == 403
    assert "/privacy/retention" in as_role("project_lead").get("/companies").get_data(as_text=True)


def test_the_chosen_people_are_erased_with_the_basis_retention_expired_and_the_log_says_so(as_role, crm, people):
    lead = as_role("project_lead")
    page = lead.get("/privacy/retention").get_data(as_text=True)
    chosen = re.findall(r'name="contact" value="([^"]+)"', page)
    assert len(chosen) == 2

    missing = lead.post("/privacy/retention/erase", {"contact": chosen, "reason": ""})
    assert missing.status_code == 303
    assert not crm.load(Contact, people["anna"]).erased

    done = lead.post("/privacy/retention/erase", {"contact": [str(people["anna"])], "reason": "Gennemgang 2028-1"})
    assert done.status_code == 303 and done.headers["Location"].endswith("/privacy/retention")
    assert crm.load(Contact, people["anna"]).erased and not crm.load(Contact, people["bo"]).erased
    after = lead.get("/privacy/retention").get_data(as_text=True)
    assert "1 person slettet." in after and "Anna Quist" not in after and "Bo Solberg" in after

    events = lead.get("/audit/?aggregate=contact").get_data(as_text=True)
    assert "slettede en person hos Hansen Transport ApS" in events
    assert "opbevaringsperiode" in events.lower() and "Gennemgang 2028-1" in events
    company_page = lead.get(f"/companies/{people['quiet']}").get_data(as_text=True)
    assert "slettet person" in company_page and "Anna Quist" not in company_page
