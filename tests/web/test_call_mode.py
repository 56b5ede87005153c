"""Call mode: one company at a time, claimed while on screen; logged, it opens the next."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.support import hansen_transport
from tests.web.test_my_day import crm_view_attempts


@pytest.fixture
def calls(crm, team, clock):
    """Mette's list: Hansen overdue, Soltoft due today, the bakery with no next step."""
    mette = team.recruiter
    hansen = hansen_transport(crm, mette, owner_id=mette)
    crm.register_contact(mette, hansen, "Lise Hansen", "hr", "20304050", "lise@hansen-transport.dk")
    crm.log_attempt(
        mette,
        hansen,
        "call",
        "no_answer",
        note="Omstillingen",
        occurred_on=date(2026, 2, 20),
        next_follow_up=date(2026, 2, 25),
    )
    soltoft = crm.register_company(mette, "Soltoft Pleje", "care", owner_id=mette)
    crm.log_attempt(
        mette, soltoft, "email", "call_back", occurred_on=date(2026, 2, 27), next_follow_up=date(2026, 3, 2)
    )
    bakery = crm.register_company(mette, "Bageriet Kornblomst", "production", owner_id=mette)
    clock.advance(timedelta(hours=2))  # the attempts above are not calls of the last hour
    return {"hansen": hansen, "soltoft": soltoft, "bakery": bakery}


def next_company(client) -> str:
    response = client.get("/call")
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"].rsplit("/", 1)[1]


def test_the_first_company_is_the_overdue_one_with_its_people_and_notes(as_role, calls):
    client = as_role("recruiter")
    assert next_company(client) == str(calls["hansen"])
    page = client.get(f"/call/{calls['hansen']}").get_data(as_text=True)
    assert "Hansen Transport ApS" in page and 'href="tel:+4520304050"' in page and "Omstillingen" in page
    assert "<kbd>1</kbd> Intet svar" in page and 'data-key="a"' in page and "Gem og næste" in page


def test_logging_opens_the_next_company(as_role, crm, calls):
    client = as_role("recruiter")
    response = client.post(
        f"/call/{calls['hansen']}", {"outcome": "no_answer", "next_follow_up": "2026-03-03", "channel": "call"}
    )
    assert response.status_code == 303 and response.headers["Location"].endswith("/call")
    assert crm_view_attempts(crm, calls["hansen"])[-1].next_follow_up == date(2026, 3, 3)
    assert next_company(client) == str(calls["soltoft"])


def test_a_refused_call_shows_the_message_on_the_same_company(as_role, crm, calls):
    response = as_role("recruiter").post(f"/call/{calls['hansen']}", {"outcome": "no_answer", "channel": "call"})
    assert response.status_code == 200 and "vælg næste skridt" in response.get_data(as_text=True)
    assert len(crm_view_attempts(crm, calls["hansen"])) == 1


def test_a_company_called_within_the_hour_is_left_out(as_role, crm, team, calls, clock):
    crm.log_attempt(team.recruiter, calls["hansen"], "call", "no_answer", next_follow_up=date(2026, 3, 2))
    client = as_role("recruiter")
    assert next_company(client) == str(calls["soltoft"])
    clock.advance(timedelta(minutes=61))
    assert next_company(as_role("recruiter")) == str(calls["hansen"])


def test_a_company_on_a_colleagues_screen_is_not_offered(as_role, crm, team, calls):
    assert crm.call_claims.claim(calls["hansen"], team.project_lead)
    client = as_role("recruiter")
    assert next_company(client) == str(calls["soltoft"])
    response = client.get(f"/call/{calls['hansen']}")  # opened by its address: refused, on to the next
    assert response.status_code == 303 and response.headers["Location"].endswith("/call")


def test_skipped_companies_wait_until_asked_for_again(as_role, calls):
    client = as_role("recruiter")
    for name in ("hansen", "soltoft", "bakery"):
        assert next_company(client) == str(calls[name])
        client.post(f"/call/{calls[name]}/skip")
    page = client.get("/call").get_data(as_text=True)
    assert "Ikke flere at ringe til" in page and "Gå de 3 virksomheder igennem" in page
    response = client.get("/call?again=1")
    assert response.headers["Location"].endswith(str(calls["hansen"]))


def test_my_day_links_to_call_mode(as_role, calls):
    assert 'href="/call"' in as_role("recruiter").get("/my-day").get_data(as_text=True)
