"""A note about a company outside an attempt: an event of the company, shown on its timeline."""

from __future__ import annotations

import pytest

from crm.errors import InvalidInput
from tests.support import hansen_transport


def test_a_note_is_an_event_of_the_company_and_shows_on_its_timeline(as_role, crm, team):
    hansen = hansen_transport(crm, team.recruiter, owner_id=team.recruiter)
    client = as_role("recruiter")
    response = client.post(f"/companies/{hansen}/notes", {"note": "Ny direktør fra 1. april"})
    assert response.status_code == 303 and response.headers["Location"].endswith("#company-timeline")
    page = client.get(f"/companies/{hansen}").get_data(as_text=True)
    timeline = page[page.index('id="company-timeline"') :]
    assert "Mette Kjær skrev en note om Hansen Transport ApS" in timeline and "Ny direktør fra 1. april" in timeline
    assert crm.repository.get(hansen).version == 2  # registered, then the note


def test_an_empty_note_is_refused(as_role, crm, team):
    hansen = hansen_transport(crm, team.recruiter)
    client = as_role("recruiter")
    client.post(f"/companies/{hansen}/notes", {"note": "  "})
    assert crm.repository.get(hansen).version == 1
    with pytest.raises(InvalidInput):
        crm.add_company_note(team.recruiter, hansen, "")


def test_an_auditor_may_not_write_notes(as_role, crm, team):
    hansen = hansen_transport(crm, team.recruiter)
    assert as_role("auditor").post(f"/companies/{hansen}/notes", {"note": "Hej"}).status_code == 403
    assert "Skriv en note" not in as_role("auditor").get(f"/companies/{hansen}").get_data(as_text=True)
