import pytest

from crm.companies import Company
from crm.errors import InvalidInput, LeadAlreadyDecided, NotAllowed
from crm.leads import Lead
from tests.support import hansen_transport, make_team


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
