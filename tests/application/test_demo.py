"""The demo dataset: weeks of outreach loaded through the commands, the same history for the same seed."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from eventsourcing.utils import get_topic

from crm.agreements import SPONSOR, PartnershipAgreement
from crm.application import CrmApplication
from crm.attempts import OutreachAttempt
from crm.clock import SimulatedClock, local_date
from crm.companies import Company
from crm.contacts import Contact
from crm.errors import AlreadyExists
from crm.leads import Lead
from crm.users import User
from crm.validation import is_valid_cvr
from crm.vocabulary import ROLES
from demo import load_demo

# A Monday morning in Copenhagen, twelve weeks before the demo's "now".
START = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)


def load(seed: int = 2026, companies: int = 30):
    clock = SimulatedClock(START)
    app = CrmApplication(clock=clock)
    return app, clock, load_demo(app, clock, seed=seed, companies=companies)


def loaded(app: CrmApplication, cls: type, created: type) -> list:
    """Every aggregate of a class, in the order the demo created them."""
    found = app.recorder.select_notifications(start=1, limit=100_000, topics=[get_topic(created)])
    return [app.load(cls, n.originator_id) for n in found]


def history(app: CrmApplication) -> list[tuple[str, int, datetime]]:
    events = app.recorder.select_notifications(start=1, limit=100_000)
    return [(n.topic, n.originator_version, app.mapper.to_domain_event(n).timestamp) for n in events]


@pytest.fixture(scope="module")
def demo():
    return load()


def test_the_team_has_a_user_of_every_role_with_a_department_that_fits(demo):
    app, _, summary = demo
    users = {username: app.load(User, app.user_id_for(username)) for username, _, _ in summary.users}
    # Check the summary the CLI prints matches what was registered.
    assert [(u.username, u.role, u.display_name) for u in users.values()] == list(summary.users)
    assert {u.role for u in users.values()} == set(ROLES)
    departments = {(u.role, u.department) for u in users.values()}
    assert {
        ("recruiter", "health"),
        ("consultant", "business_service"),
        ("consultant", "job_centre"),
        ("health_consultant", "health"),
        ("project_lead", "health"),
        ("auditor", "other"),
        ("admin", "other"),
    } == departments
    assert Counter(u.role for u in users.values())["recruiter"] == 2
    assert all(u.username.isascii() and u.username.islower() for u in users.values())


def test_the_requested_companies_stand_at_every_step_of_the_path(demo):
    app, _, summary = demo
    companies = loaded(app, Company, Company.Registered)
    assert len(companies) == summary.companies == 30
    stages = Counter(c.stage for c in companies)
    assert {
        "identified",
        "contacted",
        "meeting",
        "negotiating",
        "partner",
        "completed",
        "ended",
        "declined",
        "parked",
    } <= set(stages)
    # Check the declined and parked companies keep their reasons (declined on the phone: in the attempt's note).
    for company in (c for c in companies if c.stage in ("declined", "parked") and not c.closed_reason):
        declined = [e for e in app.repository.event_store.get(company.id) if isinstance(e, Company.Declined)][-1]
        assert app.load(OutreachAttempt, declined.attempt_id).note


def test_cvr_numbers_are_valid_and_unique_and_public_workplaces_have_none(demo):
    app, _, _ = demo
    companies = loaded(app, Company, Company.Registered)
    cvrs = [c.cvr for c in companies if c.cvr]
    assert cvrs and all(is_valid_cvr(cvr) for cvr in cvrs)
    assert len(set(cvrs)) == len(cvrs)
    assert all(c.cvr is None for c in companies if c.sector == "public")
    assert len({c.name for c in companies}) == len(companies)


def test_every_company_has_one_to_three_contacts_with_danish_phone_numbers(demo):
    app, _, _ = demo
    contacts = loaded(app, Contact, Contact.Registered)
    per_company = Counter(c.company_id for c in contacts)
    assert set(per_company.values()) <= {1, 2, 3}
    assert len(per_company) == 30
    assert all(c.phone.startswith("+45") and len(c.phone) == 11 for c in contacts)
    assert all(c.email.endswith(".example") for c in contacts)


def test_a_signed_agreement_has_a_top_management_sponsor_delivery_and_structural_commitments(demo):
    app, _, _ = demo
    signed = [a for a in loaded(app, PartnershipAgreement, PartnershipAgreement.Drafted) if a.signed_on]
    assert signed
    agreement = signed[0]
    sponsor = app.load(Contact, agreement.requirements[SPONSOR]["contact_id"])
    assert sponsor.role == "top_management" and sponsor.company_id == agreement.company_id
    assert agreement.planned["health_checks"] > 0
    assert agreement.delivered["health_checks"] > 0
    assert agreement.commitments and all(c["owner_contact_id"] for c in agreement.commitments.values())


def test_agreements_also_stall_in_negotiation_complete_and_end_early(demo):
    app, _, _ = demo
    agreements = {a.status: a for a in loaded(app, PartnershipAgreement, PartnershipAgreement.Drafted)}
    assert agreements["negotiating"].missing_requirements
    completed = agreements["completed"]
    assert completed.feedback_on and completed.follow_up_on
    assert {"fulfilled", "abandoned"} <= {c["state"] for c in completed.commitments.values()}
    abandoned = app.recorder.select_notifications(
        start=1, limit=100_000, topics=[get_topic(PartnershipAgreement.CommitmentAbandoned)]
    )
    assert [app.mapper.to_domain_event(n).reason for n in abandoned] == [
        "Kantinen er lagt ud til en ekstern leverandør; ordningen kunne ikke fortsætte"
    ]
    assert agreements["terminated"].termination_reason


def test_consultants_leads_are_left_open_claimed_or_declined_and_claimed_ones_start_outreach(demo):
    app, _, summary = demo
    leads = loaded(app, Lead, Lead.Shared)
    assert len(leads) == summary.leads
    assert {"open", "claimed", "declined"} <= {lead.status for lead in leads}
    consultants = {app.user_id_for("lars"), app.user_id_for("birgitte")}
    assert {lead.shared_by for lead in leads} <= consultants
    attempts = {a.id: a for a in loaded(app, OutreachAttempt, OutreachAttempt.Logged)}
    for lead in leads:
        if lead.status == "claimed":
            assert attempts[lead.started_attempt_id].lead_id == lead.id


def test_twelve_weeks_of_attempts_fall_on_working_days_and_never_after_the_clock(demo):
    app, clock, summary = demo
    attempts = loaded(app, OutreachAttempt, OutreachAttempt.Logged)
    assert len(attempts) == summary.attempts > 100
    days = [a.occurred_on for a in attempts]
    assert all(day.weekday() < 5 for day in days)
    assert local_date(START) <= min(days) and max(days) <= local_date(clock.now())
    last_day = local_date(clock.now())
    assert local_date(START + timedelta(weeks=11)) < last_day < local_date(START + timedelta(weeks=12))
    # Check the recruiters mostly write a next step, but not always.
    missing = sum(a.next_follow_up is None for a in attempts)
    assert 0 < missing < len(attempts) / 3
    outcomes = {a.outcome for a in attempts}
    assert {"no_answer", "call_back", "not_now", "declined", "interested", "meeting_booked"} <= outcomes


def test_loading_twice_with_the_same_seed_records_the_same_history(demo):
    app, clock, _ = demo
    again, again_clock, _ = load()
    assert history(again) == history(app)
    assert again_clock.now() == clock.now()


def test_another_seed_gives_other_companies(demo):
    app, _, _ = demo
    other, _, _ = load(seed=7)
    names = [c.name for c in loaded(app, Company, Company.Registered)]
    assert [c.name for c in loaded(other, Company, Company.Registered)] != names


def test_the_demo_loads_once_per_application(demo):
    app, clock, _ = demo
    with pytest.raises(AlreadyExists):
        load_demo(app, clock, companies=30)
