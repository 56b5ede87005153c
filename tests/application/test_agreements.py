from datetime import date, timedelta

import pytest

from crm.agreements import PartnershipAgreement
from crm.companies import Company
from crm.errors import AgreementNotReady, AgreementNotSigned, IllegalTransition, InvalidInput, NotAllowed
from tests.support import hansen_transport, make_team


@pytest.fixture
def negotiation(app):
    team = make_team(app)
    company_id = hansen_transport(app, team.recruiter)
    director = app.register_contact(
        team.recruiter, company_id, name="Lars Hansen", role="top_management", is_decision_maker=True
    )
    coordinator = app.register_contact(team.recruiter, company_id, name="Pia Holm", role="hr")
    app.log_attempt(team.recruiter, company_id, "call", "meeting_booked")
    agreement_id = app.open_agreement(team.recruiter, company_id, extra_requirements=["Ledere tager samtalen først"])
    return team, company_id, agreement_id, director, coordinator


def confirm_all(app, team, agreement_id, director):
    for key in list(app.load(PartnershipAgreement, agreement_id).requirements):
        app.confirm_requirement(
            team.recruiter, agreement_id, key, contact_id=director if key == "top_management_sponsor" else None
        )


def test_opening_an_agreement_puts_the_company_in_negotiation_with_the_buy_in_checklist(app, negotiation):
    team, company_id, agreement_id, _, _ = negotiation
    company = app.load(Company, company_id)
    assert (company.stage, company.agreement_id) == ("negotiating", agreement_id)
    assert list(app.load(PartnershipAgreement, agreement_id).requirements) == [
        "top_management_sponsor",
        "conversations_in_working_hours",
        "rooms_on_site",
        "company_coordinator",
        "custom_ledere_tager_samtalen_foerst",
    ]


def test_signing_without_buy_in_is_refused_with_the_missing_items_and_nothing_changes(app, negotiation):
    team, company_id, agreement_id, director, _ = negotiation
    app.confirm_requirement(team.recruiter, agreement_id, "rooms_on_site")
    with pytest.raises(AgreementNotReady) as caught:
        app.sign_agreement(team.project_lead, agreement_id)
    assert "top_management_sponsor" in caught.value.missing and "rooms_on_site" not in caught.value.missing
    assert app.load(Company, company_id).stage == "negotiating"


def test_the_sponsor_must_be_a_top_manager_of_the_company(app, negotiation):
    team, company_id, agreement_id, _, coordinator = negotiation
    with pytest.raises(InvalidInput) as caught:
        app.confirm_requirement(team.recruiter, agreement_id, "top_management_sponsor", contact_id=coordinator)
    assert caught.value.params["field"] == "contact"


def test_each_requirement_records_who_confirmed_it_and_when(app, negotiation, clock):
    team, _, agreement_id, director, _ = negotiation
    app.confirm_requirement(team.recruiter, agreement_id, "top_management_sponsor", contact_id=director)
    requirement = app.load(PartnershipAgreement, agreement_id).requirements["top_management_sponsor"]
    assert (
        requirement["met"],
        requirement["confirmed_by"],
        requirement["confirmed_on"],
        requirement["contact_id"],
    ) == (
        True,
        team.recruiter,
        date(2026, 3, 2),
        director,
    )


def test_signing_after_buy_in_makes_the_company_a_partner(app, negotiation):
    team, company_id, agreement_id, director, _ = negotiation
    confirm_all(app, team, agreement_id, director)
    app.sign_agreement(team.project_lead, agreement_id)
    assert app.load(Company, company_id).stage == "partner"
    assert app.load(PartnershipAgreement, agreement_id).signed_on == date(2026, 3, 2)


def test_the_whole_cooperation_from_signing_to_completion(app, negotiation, clock):
    team, company_id, agreement_id, director, coordinator = negotiation
    confirm_all(app, team, agreement_id, director)
    app.plan_services(team.health_consultant, agreement_id, health_checks=120, conversations=40)
    with pytest.raises(AgreementNotSigned):
        app.record_delivery(team.health_consultant, agreement_id, health_checks=10)
    app.sign_agreement(team.project_lead, agreement_id)
    canteen = app.add_commitment(
        team.recruiter,
        agreement_id,
        "healthier_canteen",
        "Sundere kantine med frugtordning",
        owner_contact_id=coordinator,
        due_on=date(2026, 6, 1),
    )
    policy = app.add_commitment(team.recruiter, agreement_id, "smoking_policy", "Røgfri arbejdstid")
    clock.advance(timedelta(days=7))
    app.record_delivery(team.health_consultant, agreement_id, health_checks=80, conversations=25, referrals=6)
    app.record_delivery(team.health_consultant, agreement_id, health_checks=30, conversations=10)
    app.deliver_feedback(team.health_consultant, agreement_id, focus_points="Søvn og bevægelse")
    clock.advance(timedelta(days=30))
    app.hold_follow_up(team.health_consultant, agreement_id, note="12 flere vil på rygestop")
    app.fulfil_commitment(team.recruiter, agreement_id, canteen)
    app.abandon_commitment(team.recruiter, agreement_id, policy, reason="Ledelsen vil vente til næste år")
    app.complete_agreement(team.project_lead, agreement_id)

    agreement = app.load(PartnershipAgreement, agreement_id)
    assert agreement.delivered == {"health_checks": 110, "conversations": 35, "referrals": 6}
    assert agreement.planned == {"health_checks": 120, "conversations": 40}
    assert (agreement.commitments[canteen]["state"], agreement.commitments[policy]["state"]) == (
        "fulfilled",
        "abandoned",
    )
    assert (agreement.status, agreement.follow_up_on) == ("completed", date(2026, 4, 8))
    assert app.load(Company, company_id).stage == "completed"


def test_terminating_needs_a_reason_and_ends_the_partnership(app, negotiation):
    team, company_id, agreement_id, director, _ = negotiation
    confirm_all(app, team, agreement_id, director)
    app.sign_agreement(team.project_lead, agreement_id)
    with pytest.raises(InvalidInput):
        app.terminate_agreement(team.project_lead, agreement_id)
    app.terminate_agreement(team.project_lead, agreement_id, reason="Fusion med anden virksomhed")
    company = app.load(Company, company_id)
    assert (company.stage, company.closed_reason) == ("ended", "Fusion med anden virksomhed")


def test_an_agreement_needs_a_company_on_the_path_to_it(app, negotiation):
    team, company_id, _, _, _ = negotiation
    with pytest.raises(IllegalTransition):
        app.open_agreement(team.recruiter, company_id)


def test_a_consultant_may_negotiate_but_not_sign(app, negotiation):
    team, _, agreement_id, director, _ = negotiation
    confirm_all(app, team, agreement_id, director)
    with pytest.raises(NotAllowed):
        app.sign_agreement(team.consultant, agreement_id)


def test_a_delivery_cannot_be_dated_in_the_future(app, negotiation):
    team, _, agreement_id, director, _ = negotiation
    confirm_all(app, team, agreement_id, director)
    app.sign_agreement(team.project_lead, agreement_id)
    with pytest.raises(InvalidInput):
        app.record_delivery(team.health_consultant, agreement_id, conversations=3, delivered_on=date(2026, 3, 9))
