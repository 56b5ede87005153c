import pytest

from crm.commands.leads import NewCompany, NewContact
from crm.companies import Company
from crm.contacts import Contact
from crm.cvr_index import CvrIndex
from crm.errors import AlreadyExists, InvalidInput, LeadAlreadyDecided, NotAllowed
from crm.leads import Lead
from tests.support import SOLTOFT_PLEJE_CVR, hansen_transport, make_team


def test_a_consultant_shares_a_lead_that_a_recruiter_claims(app):
    team = make_team(app)
    company_id = hansen_transport(app, team.consultant)
    lead_id = app.share_lead(
        team.consultant,
        company_id,
        "Højt sygefravær blandt chaufførerne, tal med HR-chefen",
        suggested_role="hr",
        urgency="high",
        arena="municipal_actor",
        strategy="targeted",
    )
    app.claim_lead(team.recruiter, lead_id)
    lead = app.load(Lead, lead_id)
    assert (lead.shared_by, lead.status, lead.claimed_by, lead.urgency) == (
        team.consultant,
        "claimed",
        team.recruiter,
        "high",
    )
    # Check the company had no owner, so the recruiter who claimed it now owns it.
    assert app.load(Company, company_id).owner_id == team.recruiter


def test_a_lead_is_claimed_or_declined_once(app):
    team = make_team(app)
    lead_id = app.share_lead(team.consultant, hansen_transport(app, team.consultant), "Ny direktør")
    app.decline_lead(team.recruiter, lead_id, reason="Vi har allerede kontakt")
    with pytest.raises(LeadAlreadyDecided):
        app.claim_lead(team.project_lead, lead_id)


def test_declining_a_lead_needs_a_reason_the_consultant_can_read(app):
    team = make_team(app)
    lead_id = app.share_lead(team.consultant, hansen_transport(app, team.consultant), "Ny direktør")
    with pytest.raises(InvalidInput):
        app.decline_lead(team.recruiter, lead_id)


def test_a_consultant_cannot_claim_leads(app):
    team = make_team(app)
    lead_id = app.share_lead(team.consultant, hansen_transport(app, team.consultant), "Ny direktør")
    with pytest.raises(NotAllowed):
        app.claim_lead(team.consultant, lead_id)


def test_the_first_attempt_on_a_lead_claims_it_and_is_linked_as_the_outreach_it_started(app):
    team = make_team(app)
    company_id = hansen_transport(app, team.consultant)
    lead_id = app.share_lead(team.consultant, company_id, "Fastholdelsessamtaler viser slidte medarbejdere")
    first = app.log_attempt(team.recruiter, company_id, "call", "no_answer", lead_id=lead_id)
    app.log_attempt(team.recruiter, company_id, "call", "interested", lead_id=lead_id)
    lead = app.load(Lead, lead_id)
    assert (lead.status, lead.claimed_by, lead.started_attempt_id) == ("claimed", team.recruiter, first)


def test_an_attempt_cannot_cite_a_lead_about_another_company(app):
    team = make_team(app)
    hansen = hansen_transport(app, team.consultant)
    other = app.register_company(team.consultant, name="Soltoft Rengøring", industry="cleaning")
    lead_id = app.share_lead(team.consultant, other, "Mange deltidsansatte")
    with pytest.raises(InvalidInput):
        app.log_attempt(team.recruiter, hansen, "call", "no_answer", lead_id=lead_id)


def test_a_lead_on_a_new_company_with_a_new_contact_is_one_save(app):
    team = make_team(app)
    partner = app.register_partner(team.consultant, "3F Horsens", "union")
    before = app.recorder.max_notification_id()
    lead_id = app.share_lead(
        team.consultant,
        None,
        "Mange nattevagter over 50, tal med plejehjemslederen",
        suggested_role="hr",
        arena="union",
        strategy="targeted",
        source_partner_id=partner,
        new_company=NewCompany(name="Soltoft Pleje A/S", industry="care", cvr=SOLTOFT_PLEJE_CVR),
        new_contact=NewContact(name="Pia Holm", phone="20 30 40 50"),
    )

    lead = app.load(Lead, lead_id)
    company = app.load(Company, lead.company_id)
    contact = app.load(Contact, lead.suggested_contact_id)
    # Check the company carries where the lead came from, and the contact the suggested role.
    assert (company.name, company.arena, company.strategy, company.source_partner_id) == (
        "Soltoft Pleje A/S",
        "union",
        "targeted",
        partner,
    )
    assert (contact.company_id, contact.name, contact.role, contact.phone) == (
        company.id,
        "Pia Holm",
        "hr",
        "+4520304050",
    )
    assert app.load(CvrIndex, CvrIndex.create_id(SOLTOFT_PLEJE_CVR)).company_id == company.id
    # Check every event came from one save: one run of notifications, the lead last.
    stored = list(app.recorder.select_notifications(start=before + 1, limit=10))
    assert [n.originator_id for n in stored] == [company.id, CvrIndex.create_id(SOLTOFT_PLEJE_CVR), contact.id, lead_id]


def test_a_lead_with_a_bad_new_contact_stores_no_company_either(app):
    team = make_team(app)
    before = app.recorder.max_notification_id()
    with pytest.raises(InvalidInput) as refused:
        app.share_lead(
            team.consultant,
            None,
            "Mange nattevagter over 50",
            new_company=NewCompany(name="Soltoft Pleje A/S", industry="care", cvr=SOLTOFT_PLEJE_CVR),
            new_contact=NewContact(name="Pia Holm", email="ikke en adresse"),
        )
    assert refused.value.params["field"] == "email"
    assert app.recorder.max_notification_id() == before


def test_a_new_company_on_a_lead_may_not_take_a_cvr_number_in_use(app):
    team = make_team(app)
    hansen = hansen_transport(app, team.consultant)
    cvr = app.load(Company, hansen).cvr
    with pytest.raises(AlreadyExists):
        app.share_lead(team.consultant, None, "Ny direktør", new_company=NewCompany("Hansen II", "transport", cvr))


@pytest.mark.parametrize(
    "company, new_company",
    [pytest.param(None, None, id="neither"), pytest.param("existing", NewCompany("Soltoft", "care"), id="both")],
)
def test_a_lead_names_one_company(app, company, new_company):
    team = make_team(app)
    company_id = hansen_transport(app, team.consultant) if company else None
    with pytest.raises(InvalidInput) as refused:
        app.share_lead(team.consultant, company_id, "Ny direktør", new_company=new_company)
    assert refused.value.params["field"] == "company"
