"""What the screens write to the access log: one row per page view, fragments only for people not yet shown,
and refused attempts on screens of people."""

from __future__ import annotations

import pytest

from tests.audit_history import build_history


@pytest.fixture
def history(crm, team, clock):
    return build_history(crm, clock, team=team)


def fragment(client, url, target, current):
    headers = {"HX-Request": "true", "HX-Target": target, "HX-Current-URL": f"http://localhost{current}"}
    return client.client.get(url, headers=headers)


def test_a_visit_to_the_event_log_is_one_row_and_its_fragments_add_only_people_not_yet_shown(
    as_role, crm, team, history
):
    auditor = as_role("auditor")
    auditor.get("/audit/?aggregate=contact")
    [visit] = crm.access_log.entries(user_id=team.auditor)
    assert set(visit["contact_ids"]) == {history.lars, history.pia} and visit["place"] == "/audit/"

    # Check a filter swapped in over htmx that shows the same people writes nothing more.
    assert (
        fragment(auditor, "/audit/?aggregate=contact&type=Contact.Registered", "audit-events", "/audit/").status_code
        == 200
    )
    assert len(crm.access_log.entries(user_id=team.auditor)) == 1

    # Check a person the page had not shown is recorded alone, once.
    carl = crm.register_contact(team.recruiter, history.hansen, "Carl Nielsen", "hr")
    fragment(auditor, "/audit/?aggregate=contact", "audit-events", "/audit/?aggregate=contact")
    fragment(auditor, "/audit/?aggregate=contact", "audit-events", "/audit/?aggregate=contact")
    newest, first = crm.access_log.entries(user_id=team.auditor)
    assert newest["contact_ids"] == [carl] and first == visit

    # Check a new full visit records everyone again.
    auditor.get("/audit/?aggregate=contact")
    assert set(crm.access_log.entries(user_id=team.auditor)[0]["contact_ids"]) == {history.lars, history.pia, carl}


def test_refused_access_to_a_screen_of_people_is_recorded(as_role, crm, team, history):
    assert as_role("recruiter").get(f"/privacy/contacts/{history.lars}/erase").status_code == 403
    assert as_role("admin").get(f"/companies/{history.hansen}").status_code == 403
    [refused] = crm.access_log.entries(contact_id=history.lars)[:1]
    assert (refused["user_id"], refused["use"], refused["place"]) == (
        team.recruiter,
        "refused",
        f"/privacy/contacts/{history.lars}/erase",
    )
    [by_admin] = crm.access_log.entries(user_id=team.admin)
    assert (by_admin["use"], by_admin["contact_ids"]) == ("refused", [])
    shown = as_role("auditor").get(f"/audit/access-log?user={team.recruiter}").get_data(as_text=True)
    assert "adgang nægtet" in shown


def test_a_refusal_of_a_screen_without_people_is_not_in_the_access_log(as_role, crm, team):
    assert as_role("recruiter").get("/admin/users").status_code == 403
    assert crm.access_log.entries(user_id=team.recruiter) == []


def test_a_search_across_everyone_asks_its_purpose_and_records_it(as_role, crm, team, history):
    auditor = as_role("auditor")
    form = auditor.get("/audit/access-log").get_data(as_text=True)
    assert "Formål med søgningen" in form and 'name="purpose" required' in form
    auditor.get("/audit/access-log?person=lars&purpose=Indsigtsanmodning+sag+2026-14")
    searched = crm.access_log.entries(user_id=team.auditor)[0]
    assert (searched["use"], searched["purpose"], searched["contact_ids"]) == (
        "search",
        "Indsigtsanmodning sag 2026-14",
        [history.lars],
    )
