"""The access log's retention, the retention review and the data subject's copy, as the project lead sees them."""

from __future__ import annotations

from datetime import timedelta

from crm.permissions import SYSTEM_ACTOR_ID


def test_a_purge_of_the_access_log_is_in_the_event_log_in_plain_danish(as_role, crm, team, clock):
    crm.access_log.record(team.recruiter, "page", [team.consultant], place="/companies/x")
    clock.advance(timedelta(days=200))
    assert crm.purge_access_log(SYSTEM_ACTOR_ID, 183) == 1
    events = as_role("auditor").get("/audit/").get_data(as_text=True)
    said = "Systemet slettede 1 rækker i adgangsloggen ældre end 183 dage (deres opbevaringsperiode var udløbet)"
    assert said in events
