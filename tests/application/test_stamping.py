from datetime import UTC, date, datetime, timedelta

from crm.attempts import OutreachAttempt
from tests.support import hansen_transport, make_team


def test_every_event_carries_the_actor_and_the_reason(app):
    team = make_team(app)
    company_id = hansen_transport(app, team.recruiter)
    attempt_id = app.log_attempt(team.recruiter, company_id, "call", "no_answer")
    app.void_attempt(team.recruiter, attempt_id, reason="Forkert virksomhed")

    events = [app.mapper.to_domain_event(s) for s in app.recorder.select_events(attempt_id)]
    assert [(e.actor_id, e.reason) for e in events] == [(team.recruiter, None), (team.recruiter, "Forkert virksomhed")]


def test_event_timestamps_follow_the_injected_clock_over_simulated_weeks(app, clock):
    team = make_team(app)
    company_id = hansen_transport(app, team.recruiter)
    for _week in range(3):
        clock.advance(timedelta(weeks=1))
        app.log_attempt(team.recruiter, company_id, "call", "no_answer")

    attempts = [
        app.mapper.to_domain_event(n)
        for n in app.recorder.select_notifications(start=1, limit=1000)
        if n.topic == "crm.attempts:OutreachAttempt.Logged"
    ]
    start = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    assert [a.timestamp for a in attempts] == [start + timedelta(weeks=w) for w in (1, 2, 3)]
    assert [a.occurred_on for a in attempts] == [date(2026, 3, 9), date(2026, 3, 16), date(2026, 3, 23)]


def test_today_is_the_date_in_denmark_not_in_utc(app, clock):
    team = make_team(app)
    company_id = hansen_transport(app, team.recruiter)
    # 23:30 UTC on 2 March is already 3 March in Copenhagen.
    clock.set(datetime(2026, 3, 2, 23, 30, tzinfo=UTC))
    attempt_id = app.log_attempt(team.recruiter, company_id, "sms", "no_answer")
    assert app.load(OutreachAttempt, attempt_id).occurred_on == date(2026, 3, 3)
