from datetime import date, timedelta

import pytest

from crm.attempts import OutreachAttempt
from crm.companies import Company
from crm.errors import AttemptVoided, InvalidInput
from tests.support import hansen_transport, make_team, store_version_1_decline, topics_of


def test_logging_an_attempt_records_it_and_moves_an_identified_company_to_contacted(app):
    team = make_team(app)
    company_id = hansen_transport(app, team.recruiter)
    attempt_id = app.log_attempt(
        team.recruiter,
        company_id,
        "call",
        "call_back",
        note="Direktøren er på ferie, ring igen mandag",
        next_follow_up=date(2026, 3, 9),
    )

    # Check the attempt is a fact with its user, date and next step.
    attempt = app.load(OutreachAttempt, attempt_id)
    assert (attempt.user_id, attempt.occurred_on, attempt.next_follow_up, attempt.outcome) == (
        team.recruiter,
        date(2026, 3, 2),
        date(2026, 3, 9),
        "call_back",
    )
    assert app.load(Company, company_id).stage == "contacted"


def test_a_booked_meeting_moves_the_company_to_meeting(app):
    team = make_team(app)
    company_id = hansen_transport(app, team.recruiter)
    app.log_attempt(team.recruiter, company_id, "call", "meeting_booked", next_follow_up=date(2026, 3, 12))
    assert app.load(Company, company_id).stage == "meeting"


def test_a_declined_attempt_declines_the_company_naming_the_attempt_not_copying_its_note(app):
    team = make_team(app)
    company_id = hansen_transport(app, team.recruiter)
    attempt_id = app.log_attempt(
        team.recruiter,
        company_id,
        "call",
        "declined",
        note="Lars Hansen siger de har egen sundhedsordning",
        approach_again_after=date(2027, 1, 1),
    )
    company = app.load(Company, company_id)
    assert (company.stage, company.closed_reason, company.approach_again_after) == ("declined", None, date(2027, 1, 1))
    declined = [n for n in app.recorder.select_notifications(start=1, limit=100) if n.topic.endswith("Declined")]
    # Check the note has one home, the attempt: the company's event names the attempt instead.
    assert len(declined) == 1 and b"Lars Hansen" not in declined[0].state
    [event] = [e for e in app.repository.event_store.get(company_id) if isinstance(e, Company.Declined)]
    assert (event.attempt_id, event.closed_reason) == (attempt_id, None)


def test_a_decline_stored_by_version_1_is_read_with_its_copied_note(app):
    team = make_team(app)
    company_id = hansen_transport(app, team.recruiter)
    store_version_1_decline(app, company_id, "Har egen sundhedsordning")

    company = app.load(Company, company_id)
    assert (company.stage, company.closed_reason) == ("declined", "Har egen sundhedsordning")
    [event] = [e for e in app.repository.event_store.get(company_id) if isinstance(e, Company.Declined)]
    assert (event.attempt_id, event.closed_reason) == (None, "Har egen sundhedsordning")


@pytest.mark.parametrize(
    "changes, field",
    [
        pytest.param({"channel": "pigeon"}, "channel", id="unknown-channel"),
        pytest.param({"outcome": "maybe"}, "outcome", id="unknown-outcome"),
        pytest.param({"occurred_on": date(2026, 3, 3)}, "occurred_on", id="future-date"),
        pytest.param({"next_follow_up": date(2026, 3, 1)}, "next_follow_up", id="follow-up-before-attempt"),
    ],
)
def test_bad_input_is_refused_with_the_field_named_and_nothing_changes(app, changes, field):
    team = make_team(app)
    company_id = hansen_transport(app, team.recruiter)
    before = app.recorder.max_notification_id()
    values = {"channel": "call", "outcome": "no_answer", **changes}
    with pytest.raises(InvalidInput) as caught:
        app.log_attempt(team.recruiter, company_id, **values)
    assert caught.value.params["field"] == field
    assert app.recorder.max_notification_id() == before
    assert app.load(Company, company_id).stage == "identified"


def test_the_contact_of_an_attempt_must_work_at_that_company(app):
    team = make_team(app)
    hansen = hansen_transport(app, team.recruiter)
    other = app.register_company(team.recruiter, name="Soltoft Rengøring", industry="cleaning")
    stranger = app.register_contact(team.recruiter, other, name="Lise Soltoft", role="top_management")
    with pytest.raises(InvalidInput) as caught:
        app.log_attempt(team.recruiter, hansen, "call", "no_answer", contact_id=stranger)
    assert caught.value.params["field"] == "contact"


def test_a_correction_is_a_new_event_beside_the_original(app, clock):
    team = make_team(app)
    company_id = hansen_transport(app, team.recruiter)
    attempt_id = app.log_attempt(team.recruiter, company_id, "call", "no_answer")
    clock.advance(timedelta(hours=2))
    app.correct_attempt(
        team.recruiter, attempt_id, outcome="call_back", next_follow_up=date(2026, 3, 4), reason="Valgte forkert udfald"
    )

    attempt = app.load(OutreachAttempt, attempt_id)
    assert (attempt.outcome, attempt.next_follow_up) == ("call_back", date(2026, 3, 4))
    stored = app.recorder.select_events(attempt_id)
    assert [e.topic for e in stored] == [
        "crm.attempts:OutreachAttempt.Logged",
        "crm.attempts:OutreachAttempt.Corrected",
    ]
    # Check the original fact is still the first event, untouched.
    original = app.mapper.to_domain_event(stored[0])
    assert original.outcome == "no_answer"


def test_a_correction_needs_a_reason(app):
    team = make_team(app)
    company_id = hansen_transport(app, team.recruiter)
    attempt_id = app.log_attempt(team.recruiter, company_id, "call", "no_answer")
    with pytest.raises(InvalidInput):
        app.correct_attempt(team.recruiter, attempt_id, outcome="call_back")


def test_a_voided_attempt_stays_in_the_history_and_cannot_be_changed(app):
    team = make_team(app)
    company_id = hansen_transport(app, team.recruiter)
    attempt_id = app.log_attempt(team.recruiter, company_id, "email", "no_answer")
    app.void_attempt(team.recruiter, attempt_id, reason="Logget på forkert virksomhed")
    with pytest.raises(AttemptVoided):
        app.correct_attempt(team.recruiter, attempt_id, note="x", reason="y")
    assert topics_of(app, attempt_id)[-1] == "crm.attempts:OutreachAttempt.Voided"


def test_attempts_record_their_round_arena_strategy_and_source(app):
    team = make_team(app)
    foa = app.register_partner(team.recruiter, "FOA Horsens", "union")
    company_id = hansen_transport(app, team.recruiter)
    attempt_id = app.log_attempt(
        team.recruiter,
        company_id,
        "network_meeting",
        "interested",
        source_partner_id=foa,
        arena="union",
        strategy="targeted",
    )
    attempt = app.load(OutreachAttempt, attempt_id)
    assert (attempt.source_partner_id, attempt.arena, attempt.strategy, attempt.round) == (foa, "union", "targeted", 1)
