"""Registering a CVR number that is taken: the message links the company that has it."""

from __future__ import annotations

from tests.support import HANSEN_TRANSPORT_CVR, hansen_transport


def test_the_duplicate_cvr_message_links_the_company_that_has_it(as_role, crm, team):
    hansen = hansen_transport(crm, team.recruiter)
    response = as_role("recruiter").post(
        "/companies", {"name": "Hansen Transport igen", "industry": "transport", "cvr": HANSEN_TRANSPORT_CVR}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'role="alert"' in page
    assert f'<a href="/companies/{hansen}">Åbn Hansen Transport ApS, som har CVR-nummeret</a>' in page
