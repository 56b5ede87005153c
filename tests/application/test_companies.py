from datetime import date, timedelta

import pytest

from crm.attempts import OutreachAttempt
from crm.companies import Company
from crm.errors import AlreadyExists, IllegalTransition, InvalidCvr, InvalidInput, NotAllowed, TooEarlyToReapproach
from tests.support import HANSEN_TRANSPORT_CVR, SOLTOFT_PLEJE_CVR, hansen_transport, make_team, topics_of


def test_a_recruiter_registers_a_company_that_starts_identified(app):
    team = make_team(app)
    company_id = hansen_transport(app, team.recruiter, owner_id=team.recruiter)

    # Check the company is stored with its details and its owner.
    company = app.load(Company, company_id)
    assert (company.name, company.cvr, company.stage, company.owner_id) == (
        "Hansen Transport ApS",
        HANSEN_TRANSPORT_CVR,
        "identified",
        team.recruiter,
    )


def test_a_public_workplace_needs_no_cvr_number(app):
    team = make_team(app)
    company_id = app.register_company(team.recruiter, name="Plejecenter Solbakken", industry="care", sector="public")
    assert app.load(Company, company_id).cvr is None


def test_a_wrong_cvr_number_is_refused_and_nothing_is_stored(app):
    team = make_team(app)
    before = app.recorder.max_notification_id()
    with pytest.raises(InvalidCvr):
        app.register_company(team.recruiter, name="Fejl ApS", industry="other", cvr="12345678")
    assert app.recorder.max_notification_id() == before


def test_two_companies_cannot_share_a_cvr_number(app):
    team = make_team(app)
    hansen_transport(app, team.recruiter)
    with pytest.raises(AlreadyExists):
        hansen_transport(app, team.recruiter, name="Hansen Transport (dublet)")


def test_a_corrected_cvr_number_frees_the_old_one(app):
    team = make_team(app)
    company_id = hansen_transport(app, team.recruiter)
    app.change_company_details(team.recruiter, company_id, cvr=SOLTOFT_PLEJE_CVR)

    # Check the old number can now be used by another company, and the new one cannot.
    hansen_transport(app, team.recruiter, name="Den rigtige Hansen Transport")
    with pytest.raises(AlreadyExists):
        app.register_company(team.recruiter, name="Soltoft", industry="care", cvr=SOLTOFT_PLEJE_CVR)


def test_unknown_choices_are_refused_with_the_field_named(app):
    team = make_team(app)
    with pytest.raises(InvalidInput) as caught:
        app.register_company(team.recruiter, name="Ukendt", industry="space_travel")
    assert caught.value.params["field"] == "industry"


def test_a_company_has_several_workplaces_with_p_numbers(app):
    team = make_team(app)
    company_id = app.register_company(
        team.recruiter, name="Horsens Kommune Plejecentre", industry="care", sector="public"
    )
    north = app.add_workplace(team.recruiter, company_id, name="Plejecenter Nord", p_number="1012345678")
    app.add_workplace(team.recruiter, company_id, name="Plejecenter Syd", p_number="1012345679")
    with pytest.raises(InvalidInput):
        app.add_workplace(team.recruiter, company_id, name="Nord igen", p_number="1012345678")
    app.remove_workplace(team.recruiter, company_id, north, reason="Lukket 2026")
    assert [w["name"] for w in app.load(Company, company_id).workplaces.values()] == ["Plejecenter Syd"]


def test_removing_a_workplace_needs_a_reason(app):
    team = make_team(app)
    company_id = hansen_transport(app, team.recruiter)
    site = app.add_workplace(team.recruiter, company_id, name="Lager")
    with pytest.raises(InvalidInput) as caught:
        app.remove_workplace(team.recruiter, company_id, site)
    assert caught.value.params["field"] == "reason"


class TestThePath:
    def test_plain_moves_follow_the_path_and_illegal_ones_are_refused(self, app):
        team = make_team(app)
        company_id = hansen_transport(app, team.recruiter)
        app.move_company(team.recruiter, company_id, "contacted")
        app.move_company(team.recruiter, company_id, "meeting")
        with pytest.raises(IllegalTransition):
            app.move_company(team.recruiter, company_id, "partner")
        with pytest.raises(IllegalTransition):
            app.move_company(team.recruiter, company_id, "identified")
        assert app.load(Company, company_id).stage == "meeting"

    def test_declining_records_the_reason_and_the_date_to_approach_again(self, app, clock):
        team = make_team(app)
        company_id = hansen_transport(app, team.recruiter)
        after = date(2026, 9, 1)
        app.decline_company(team.recruiter, company_id, approach_again_after=after, reason="Ingen tid før efteråret")
        company = app.load(Company, company_id)
        assert (company.stage, company.closed_reason, company.approach_again_after) == (
            "declined",
            "Ingen tid før efteråret",
            after,
        )

    def test_declining_without_a_reason_is_refused(self, app):
        team = make_team(app)
        company_id = hansen_transport(app, team.recruiter)
        with pytest.raises(InvalidInput):
            app.decline_company(team.recruiter, company_id)

    def test_the_approach_again_date_cannot_be_in_the_past(self, app):
        team = make_team(app)
        company_id = hansen_transport(app, team.recruiter)
        with pytest.raises(InvalidInput):
            app.park_company(team.recruiter, company_id, approach_again_after=date(2020, 1, 1), reason="Travlt")

    def test_reapproaching_waits_for_the_date_then_starts_a_new_round_keeping_the_old(self, app, clock):
        team = make_team(app)
        company_id = hansen_transport(app, team.recruiter)
        app.log_attempt(team.recruiter, company_id, "call", "not_now")
        app.park_company(team.recruiter, company_id, approach_again_after=date(2026, 3, 16), reason="Travl sæson")
        with pytest.raises(TooEarlyToReapproach):
            app.reapproach_company(team.recruiter, company_id)

        clock.advance(timedelta(days=14))
        app.reapproach_company(team.recruiter, company_id)
        attempt_id = app.log_attempt(team.recruiter, company_id, "call", "interested")

        # Check the new round is numbered, and the first round is still in the history.
        company = app.load(Company, company_id)
        assert (company.stage, company.round) == ("contacted", 2)
        assert app.load(OutreachAttempt, attempt_id).round == 2
        assert topics_of(app, company_id).count("crm.companies:Company.Parked") == 1

    def test_a_company_in_outreach_cannot_be_reapproached(self, app):
        team = make_team(app)
        company_id = hansen_transport(app, team.recruiter)
        with pytest.raises(IllegalTransition):
            app.reapproach_company(team.recruiter, company_id)


def test_an_auditor_cannot_register_a_company(app):
    team = make_team(app)
    with pytest.raises(NotAllowed) as caught:
        hansen_transport(app, team.auditor)
    assert caught.value.params["role"] == "auditor"
