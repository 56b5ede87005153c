import pytest

from crm.contacts import Contact
from crm.errors import InvalidInput, NotFound
from tests.support import hansen_transport, make_team


def test_a_contact_is_registered_with_role_and_normalised_phone_and_email(app):
    team = make_team(app)
    company_id = hansen_transport(app, team.recruiter)
    contact_id = app.register_contact(
        team.recruiter,
        company_id,
        name="Lars Hansen",
        role="top_management",
        phone="20 30 40 50",
        email="lars@Hansen-Transport.dk",
        is_decision_maker=True,
    )
    contact = app.load(Contact, contact_id)
    assert (contact.company_id, contact.phone, contact.email, contact.is_decision_maker) == (
        company_id,
        "+4520304050",
        "lars@hansen-transport.dk",
        True,
    )


def test_a_contact_needs_an_existing_company(app):
    team = make_team(app)
    from uuid import uuid4

    with pytest.raises(NotFound):
        app.register_contact(team.recruiter, uuid4(), name="Ingen", role="other")


def test_personal_data_lives_only_in_the_contacts_own_events(app):
    team = make_team(app)
    company_id = hansen_transport(app, team.recruiter)
    contact_id = app.register_contact(
        team.recruiter, company_id, name="Karin Mørk", role="hr", phone="11223344", email="karin@hansen.dk"
    )
    app.log_attempt(team.recruiter, company_id, "call", "interested", contact_id=contact_id)
    app.share_lead(team.consultant, company_id, "Højt sygefravær", suggested_contact_id=contact_id)
    agreement_id = app.open_agreement(team.recruiter, company_id)
    app.add_commitment(team.recruiter, agreement_id, "health_policy", "Sundhedspolitik", owner_contact_id=contact_id)

    # Check no other aggregate's stored event holds the name, phone or e-mail.
    for notification in app.recorder.select_notifications(start=1, limit=1000):
        if notification.originator_id != contact_id:
            for personal in (b"Karin", b"11223344", b"karin@hansen.dk"):
                assert personal not in notification.state, notification.topic


def test_changing_details_to_the_same_values_records_no_event(app):
    team = make_team(app)
    company_id = hansen_transport(app, team.recruiter)
    contact_id = app.register_contact(team.recruiter, company_id, name="Lars Hansen", role="manager", phone="20304050")
    app.change_contact_details(team.recruiter, contact_id, name="Lars Hansen", phone="+45 20 30 40 50", email=None)
    assert app.load(Contact, contact_id).version == 1


def test_a_promotion_changes_the_role_and_decision_power(app):
    team = make_team(app)
    company_id = hansen_transport(app, team.recruiter)
    contact_id = app.register_contact(team.recruiter, company_id, name="Lars Hansen", role="manager")
    app.change_contact_role(team.recruiter, contact_id, "top_management", True)
    contact = app.load(Contact, contact_id)
    assert (contact.role, contact.is_decision_maker) == ("top_management", True)


def test_an_unknown_contact_role_is_refused(app):
    team = make_team(app)
    company_id = hansen_transport(app, team.recruiter)
    with pytest.raises(InvalidInput):
        app.register_contact(team.recruiter, company_id, name="Lars Hansen", role="king")
