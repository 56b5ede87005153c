"""Bounds where input enters: an absurd number, date or text is refused with the reason and nothing is stored."""

from datetime import date, timedelta

import pytest

from crm.agreements import PartnershipAgreement
from crm.attempts import OutreachAttempt
from crm.companies import Company
from crm.errors import InvalidInput
from crm.validation import MAX_PER_DAY, MAX_PLANNED, NOTE_LENGTH, REASON_LENGTH
from tests.support import hansen_transport, make_team


@pytest.fixture
def team(app):
    return make_team(app)


@pytest.fixture
def hansen(app, team):
    return hansen_transport(app, team.recruiter)


@pytest.fixture
def agreement(app, team, hansen):
    app.log_attempt(team.recruiter, hansen, "call", "meeting_booked")
    return app.open_agreement(team.recruiter, hansen)


def refused_and_nothing_stored(app, command, *args, **kwargs) -> InvalidInput:
    head = app.recorder.max_notification_id()
    with pytest.raises(InvalidInput) as caught:
        command(*args, **kwargs)
    assert app.recorder.max_notification_id() == head
    return caught.value


def test_the_absurd_delivery_plan_of_the_demo_is_refused_and_nothing_is_stored(app, team, agreement):
    error = refused_and_nothing_stored(app, app.plan_services, team.health_consultant, agreement, 10**20, 40)
    assert error.params["field"] == "health_checks"
    assert error.params["maximum"] == MAX_PLANNED
    # Check the agreement still has the plan it had.
    assert app.load(PartnershipAgreement, agreement).planned == {"health_checks": 0, "conversations": 0}


def test_a_plan_up_to_the_domain_maximum_is_kept(app, team, agreement):
    app.plan_services(team.health_consultant, agreement, MAX_PLANNED, 0)
    assert app.load(PartnershipAgreement, agreement).planned["health_checks"] == MAX_PLANNED
    error = refused_and_nothing_stored(app, app.plan_services, team.health_consultant, agreement, 0, MAX_PLANNED + 1)
    assert error.params["field"] == "conversations"


def test_a_day_on_site_records_at_most_the_daily_maximum(app, team, hansen):
    director = app.register_contact(team.recruiter, hansen, name="Lars Hansen", role="top_management")
    app.log_attempt(team.recruiter, hansen, "call", "meeting_booked")
    agreement = app.open_agreement(team.recruiter, hansen)
    for key in list(app.load(PartnershipAgreement, agreement).requirements):
        app.confirm_requirement(
            team.recruiter, agreement, key, contact_id=director if key == "top_management_sponsor" else None
        )
    app.sign_agreement(team.project_lead, agreement)
    error = refused_and_nothing_stored(
        app, app.record_delivery, team.health_consultant, agreement, referrals=MAX_PER_DAY + 1
    )
    assert error.params["field"] == "referrals"
    refused_and_nothing_stored(app, app.record_delivery, team.health_consultant, agreement, health_checks=-3)


@pytest.mark.parametrize(
    "dates, field",
    [
        pytest.param({"occurred_on": date(1999, 12, 31)}, "occurred_on", id="happened-before-2000"),
        pytest.param({"occurred_on": date(2026, 3, 3)}, "occurred_on", id="happened-tomorrow"),
        pytest.param({"next_follow_up": date(9999, 12, 31)}, "next_follow_up", id="follow-up-in-9999"),
        pytest.param({"next_follow_up": date(2026, 3, 1)}, "next_follow_up", id="follow-up-before-the-call"),
    ],
)
def test_an_attempt_dated_outside_the_window_is_refused(app, team, hansen, dates, field):
    error = refused_and_nothing_stored(app, app.log_attempt, team.recruiter, hansen, "call", "no_answer", **dates)
    assert error.params["field"] == field


def test_a_follow_up_within_five_years_is_kept(app, team, hansen):
    attempt = app.log_attempt(team.recruiter, hansen, "call", "call_back", next_follow_up=date(2031, 3, 2))
    assert app.load(OutreachAttempt, attempt).next_follow_up == date(2031, 3, 2)


def test_a_correction_is_bounded_as_the_attempt_was(app, team, hansen):
    attempt = app.log_attempt(team.recruiter, hansen, "call", "call_back")
    error = refused_and_nothing_stored(
        app, app.correct_attempt, team.recruiter, attempt, next_follow_up=date(2100, 1, 1), reason="tastefejl"
    )
    assert error.params["field"] == "next_follow_up"
    refused_and_nothing_stored(
        app, app.correct_attempt, team.recruiter, attempt, occurred_on=date(1, 1, 1), reason="tastefejl"
    )


@pytest.mark.parametrize(
    "note, problem",
    [
        pytest.param("x" * (NOTE_LENGTH + 1), "at most %(limit)s characters", id="too-long"),
        pytest.param("x" * 1_000_000, "at most %(limit)s characters", id="a-megabyte"),
        pytest.param("Ring\x00igen", "contains a character that cannot be stored", id="nul"),
        pytest.param("Ring \udc00igen", "contains a character that cannot be stored", id="lone-surrogate"),
    ],
)
def test_a_note_no_database_should_hold_is_refused(app, team, hansen, note, problem):
    error = refused_and_nothing_stored(app, app.log_attempt, team.recruiter, hansen, "call", "no_answer", note=note)
    assert (error.params["field"], error.params["problem"]) == ("note", problem)


def test_a_reason_longer_than_its_limit_is_refused(app, team, hansen):
    error = refused_and_nothing_stored(app, app.park_company, team.recruiter, hansen, reason="travlt " * REASON_LENGTH)
    assert error.params["field"] == "reason"


def test_approach_again_after_is_at_most_a_few_years_ahead(app, team, hansen):
    error = refused_and_nothing_stored(
        app, app.decline_company, team.recruiter, hansen, approach_again_after=date(9999, 1, 1), reason="nej tak"
    )
    assert error.params["field"] == "approach_again_after"
    app.decline_company(team.recruiter, hansen, approach_again_after=date(2027, 1, 1), reason="nej tak")
    assert app.load(Company, hansen).approach_again_after == date(2027, 1, 1)


def test_a_commitment_due_in_the_far_future_is_refused(app, team, agreement):
    error = refused_and_nothing_stored(
        app, app.add_commitment, team.recruiter, agreement, "fruit_scheme", "Frugtordning", due_on=date(9999, 1, 1)
    )
    assert error.params["field"] == "due_on"


def test_a_buy_in_confirmed_tomorrow_is_refused(app, team, agreement):
    error = refused_and_nothing_stored(
        app, app.confirm_requirement, team.recruiter, agreement, "rooms_on_site", confirmed_on=date(2026, 3, 3)
    )
    assert error.params["field"] == "confirmed_on"


def test_an_agreement_takes_a_bounded_number_of_own_requirements(app, team, hansen):
    app.log_attempt(team.recruiter, hansen, "call", "meeting_booked")
    labels = [f"Krav {n}" for n in range(21)]
    error = refused_and_nothing_stored(app, app.open_agreement, team.recruiter, hansen, extra_requirements=labels)
    assert error.params["problem"] == "at most %(limit)s items"


def test_a_stage_that_is_not_on_the_path_is_refused_without_echoing_it(app, team, hansen):
    error = refused_and_nothing_stored(app, app.move_company, team.recruiter, hansen, "x" * 1_000_000)
    assert error.params == {"field": "stage", "problem": "is not one of the choices"}


def test_a_form_version_beyond_any_integer_is_refused_as_input(app, team, hansen):
    error = refused_and_nothing_stored(
        app, app.change_company_details, team.recruiter, hansen, expected_version=10**20, name="Hansen"
    )
    assert error.params["field"] == "version"


def test_a_name_of_a_megabyte_is_refused(app, team):
    error = refused_and_nothing_stored(app, app.register_company, team.recruiter, "Hansen " * 150_000, "transport")
    assert error.params["field"] == "name"


def test_a_delivery_dated_before_2000_is_refused(app, team, agreement):
    # The delivery needs a signed agreement; the date is checked first, so the refusal names it.
    with pytest.raises(InvalidInput) as caught:
        app.record_delivery(
            team.health_consultant, agreement, health_checks=1, delivered_on=date(2026, 3, 2) - timedelta(days=10_000)
        )
    assert caught.value.params["field"] == "delivered_on"
