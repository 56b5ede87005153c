"""Calendar feeds, parsed back with `icalendar`: the events, their stable UIDs and dates, and renewing the secret."""

from __future__ import annotations

import re
from datetime import date

import icalendar
import pytest

from crm.vocabulary import STANDARD_REQUIREMENTS
from tests.support import hansen_transport


def events_of(response) -> dict[str, icalendar.Event]:
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.get_data())
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def feed_path(client) -> str:
    page = client.get("/calendar").get_data(as_text=True)
    found = re.search(r'value="http://localhost(/calendar/feed/[^"]+\.ics)"', page)
    assert found, page
    return found.group(1)


@pytest.fixture
def partner(crm, team, clock):
    """Hansen Transport: signed, feedback given on 2 March, a commitment due 1 June; Soltoft to call on 5 March."""
    mette = team.recruiter
    hansen = hansen_transport(crm, mette, owner_id=mette)
    director = crm.register_contact(mette, hansen, "Birthe Hansen", "top_management")
    agreement = crm.open_agreement(mette, hansen)
    for key in STANDARD_REQUIREMENTS:
        crm.confirm_requirement(mette, agreement, key, contact_id=director if key == STANDARD_REQUIREMENTS[0] else None)
    crm.sign_agreement(mette, agreement)
    crm.record_delivery(team.health_consultant, agreement, health_checks=12)
    crm.deliver_feedback(team.health_consultant, agreement, "Mere bevægelse")
    commitment = crm.add_commitment(mette, agreement, "fruit_scheme", "Frugt til alle", due_on=date(2026, 6, 1))
    soltoft = crm.register_company(mette, "Soltoft Pleje", "care", owner_id=mette)
    crm.log_attempt(mette, soltoft, "call", "meeting_booked", next_follow_up=date(2026, 3, 5))
    return {"hansen": hansen, "agreement": agreement, "commitment": commitment, "soltoft": soltoft}


def test_the_feed_has_follow_ups_and_agreement_dates_as_all_day_events(as_role, web, partner):
    client = as_role("recruiter")
    client.post("/calendar/renew")
    path = feed_path(client)
    events = events_of(web.get(path))  # a calendar program: not signed in
    assert sorted(events) == sorted(
        [
            f"follow-up-{partner['soltoft']}@workplace-crm",
            f"one-month-{partner['agreement']}@workplace-crm",
            f"commitment-{partner['agreement']}-{partner['commitment']}@workplace-crm",
        ]
    )
    follow_up = events[f"follow-up-{partner['soltoft']}@workplace-crm"]
    assert str(follow_up["summary"]) == "Opfølgning: Soltoft Pleje"
    assert follow_up.decoded("dtstart") == date(2026, 3, 5) and follow_up.decoded("dtend") == date(2026, 3, 6)
    assert str(follow_up["url"]).endswith(f"/companies/{partner['soltoft']}")
    one_month = events[f"one-month-{partner['agreement']}@workplace-crm"]
    assert one_month.decoded("dtstart") == date(2026, 4, 2)
    assert str(one_month["summary"]) == "Opfølgning efter en måned: Hansen Transport ApS"
    due = events[f"commitment-{partner['agreement']}-{partner['commitment']}@workplace-crm"]
    assert due.decoded("dtstart") == date(2026, 6, 1) and "Frugt til alle" in str(due["description"])


def test_a_moved_follow_up_keeps_its_uid(as_role, web, crm, team, partner):
    client = as_role("recruiter")
    client.post("/calendar/renew")
    path = feed_path(client)
    crm.log_attempt(team.recruiter, partner["soltoft"], "call", "call_back", next_follow_up=date(2026, 3, 9))
    event = events_of(web.get(path))[f"follow-up-{partner['soltoft']}@workplace-crm"]
    assert event.decoded("dtstart") == date(2026, 3, 9)


def test_renewing_stops_the_old_address_and_revoking_stops_all(as_role, web, partner):
    client = as_role("recruiter")
    client.post("/calendar/renew")
    old = feed_path(client)
    assert client.post("/calendar/renew").status_code == 303
    new = feed_path(client)
    assert new != old and web.get(old).status_code == 404 and web.get(new).status_code == 200
    client.post("/calendar/revoke")
    assert web.get(new).status_code == 404
    assert "Lav min kalenderadresse" in client.get("/calendar").get_data(as_text=True)


def test_each_user_sees_only_their_own_companies(as_role, web, partner):
    client = as_role("health_consultant")
    client.post("/calendar/renew")
    assert events_of(web.get(feed_path(client))) == {}


def test_a_disabled_users_feed_is_gone(as_role, web, crm, team, partner):
    client = as_role("recruiter")
    client.post("/calendar/renew")
    path = feed_path(client)
    crm.disable_user(team.admin, team.recruiter)
    assert web.get(path).status_code == 404


def test_one_follow_up_downloads_as_an_ics_file(as_role, partner):
    client = as_role("recruiter")
    page = client.get(f"/companies/{partner['soltoft']}").get_data(as_text=True)
    assert f"/calendar/follow-up/{partner['soltoft']}.ics" in page
    response = client.get(f"/calendar/follow-up/{partner['soltoft']}.ics")
    assert response.headers["Content-Disposition"] == 'attachment; filename="opfoelgning.ics"'
    assert list(events_of(response)) == [f"follow-up-{partner['soltoft']}@workplace-crm"]
    assert client.get(f"/calendar/follow-up/{partner['hansen']}.ics").status_code == 404  # no next follow-up
