"""The project lead's rules reach the screens: the default follow-ups, the flag on a long round, call mode's gap."""

from __future__ import annotations

from datetime import date, timedelta

from tests.support import hansen_transport


def rules_form(**changes):
    values = {
        "attempts_before_flag": "2",
        "min_gap_minutes": "30",
        "follow_up_no_answer": "in_2_weeks",
        "follow_up_call_back": "tomorrow",
        "follow_up_not_now": "none",
        "follow_up_interested": "in_2_days",
        "follow_up_meeting_booked": "next_week",
    }
    return {**values, **changes}


def test_the_project_lead_sets_the_rules_and_the_log_form_follows_them(as_role, crm, team):
    lead = as_role("project_lead")
    assert lead.post("/rules", rules_form()).status_code == 303
    assert 'value="in_2_weeks" selected' in lead.get("/rules").get_data(as_text=True)
    hansen = hansen_transport(crm, team.recruiter, owner_id=team.recruiter)
    form = as_role("recruiter").htmx_get(f"/my-day/{hansen}/attempts", f"queue-row-{hansen}").get_data(as_text=True)
    assert 'value="no_answer" data-pick="2026-03-16"' in form and 'value="not_now" data-pick="none"' in form


def test_a_refused_value_shows_its_message(as_role, crm):
    response = as_role("project_lead").post("/rules", rules_form(attempts_before_flag="0"))
    assert response.status_code == 200 and "skal være et helt tal fra 1 til 50" in response.get_data(as_text=True)


def test_a_round_with_the_set_attempts_is_flagged_on_my_day(as_role, crm, team):
    as_role("project_lead").post("/rules", rules_form())
    hansen = hansen_transport(crm, team.recruiter, owner_id=team.recruiter)
    for day in (date(2026, 2, 20), date(2026, 2, 23)):
        crm.log_attempt(team.recruiter, hansen, "call", "no_answer", occurred_on=day, next_follow_up=date(2026, 2, 25))
    assert "Tag stilling" in as_role("recruiter").get("/my-day").get_data(as_text=True)


def test_call_mode_waits_the_set_gap(as_role, crm, team, clock):
    as_role("project_lead").post("/rules", rules_form())  # 30 minutes
    hansen = hansen_transport(crm, team.recruiter, owner_id=team.recruiter)
    crm.log_attempt(team.recruiter, hansen, "call", "no_answer", next_follow_up=date(2026, 3, 2))
    client = as_role("recruiter")
    assert client.get("/call").status_code == 200  # nobody to call yet
    clock.advance(timedelta(minutes=31))
    assert as_role("recruiter").get("/call").headers["Location"].endswith(str(hansen))  # a new session


def test_only_the_project_lead_opens_the_rules(as_role):
    assert as_role("recruiter").get("/rules").status_code == 403
