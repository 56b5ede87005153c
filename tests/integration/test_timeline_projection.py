"""The company timeline: every event of a company and of its contacts, attempts, agreement and lead."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

import pytest
from eventsourcing.utils import get_topic

from crm.agreements import PartnershipAgreement
from crm.attempts import OutreachAttempt
from crm.companies import Company
from crm.contacts import Contact
from crm.leads import Lead
from projections.outreach import OutreachProjection
from projections.outreach_tables import contacts
from projections.runner import Projector
from projections.timeline import TimelineProjection, subjects, timeline
from projections.users import UsersProjection
from tests.support import SOLTOFT_PLEJE_CVR, Team, hansen_transport, make_team


@dataclass
class History:
    team: Team
    hansen: UUID
    soltoft: UUID
    lead: UUID
    director: UUID
    coordinator: UUID
    first_call: UUID
    mistaken_call: UUID
    agreement: UUID
    projector: Projector

    def timeline(self, company_id: UUID, **kwargs) -> list[dict]:
        return self.projector["timeline"].for_company(company_id, **kwargs)


@pytest.fixture
def history(sql_database, clock) -> History:
    """A week with Hansen Transport, from a consultant's lead to a signed agreement, beside Soltoft Pleje."""
    app = sql_database.app(clock=clock)
    team = make_team(app)
    hansen = hansen_transport(app, team.recruiter)
    soltoft = app.register_company(team.recruiter, name="Soltoft Pleje", industry="care", cvr=SOLTOFT_PLEJE_CVR)

    clock.advance(timedelta(days=1))
    coordinator = app.register_contact(team.recruiter, hansen, name="Pia Holm", role="hr", phone="20 30 40 50")
    director = app.register_contact(
        team.recruiter, hansen, name="Lars Hansen", role="manager", email="lars@hansen-transport.dk"
    )
    lead = app.share_lead(
        team.consultant, hansen, "Højt sygefravær blandt chaufførerne, tal med HR", suggested_contact_id=coordinator
    )

    clock.advance(timedelta(days=1))
    first_call = app.log_attempt(
        team.recruiter,
        hansen,
        "call",
        "call_back",
        contact_id=coordinator,
        lead_id=lead,
        next_follow_up=date(2026, 3, 6),
    )
    mistaken_call = app.log_attempt(team.recruiter, soltoft, "call", "interested", note="Vil gerne høre mere")
    app.void_attempt(team.recruiter, mistaken_call, reason="Opkaldet var til Hansen Transport")

    clock.advance(timedelta(days=1))
    app.change_contact_role(team.recruiter, director, "top_management", True, reason="Ny administrerende direktør")
    app.log_attempt(team.recruiter, hansen, "call", "meeting_booked", contact_id=director)

    clock.advance(timedelta(days=1))
    agreement = app.open_agreement(team.recruiter, hansen)
    for key in list(app.load(PartnershipAgreement, agreement).requirements):
        app.confirm_requirement(
            team.recruiter, agreement, key, contact_id=director if key == "top_management_sponsor" else None
        )
    app.sign_agreement(team.project_lead, agreement)

    projector = Projector(app, projection_classes=(UsersProjection, OutreachProjection, TimelineProjection))
    projector.catch_up()
    return History(team, hansen, soltoft, lead, director, coordinator, first_call, mistaken_call, agreement, projector)


HANSEN_OLDEST_FIRST = [
    ("company", "Registered"),
    ("contact", "Registered"),
    ("contact", "Registered"),
    ("lead", "Shared"),
    ("attempt", "Logged"),
    ("company", "StageChanged"),
    ("company", "OwnerAssigned"),
    ("lead", "Claimed"),
    ("lead", "OutreachStarted"),
    ("contact", "RoleChanged"),
    ("attempt", "Logged"),
    ("company", "StageChanged"),
    ("agreement", "Drafted"),
    ("company", "NegotiationOpened"),
    ("agreement", "RequirementConfirmed"),
    ("agreement", "RequirementConfirmed"),
    ("agreement", "RequirementConfirmed"),
    ("agreement", "RequirementConfirmed"),
    ("agreement", "Signed"),
    ("company", "BecamePartner"),
]


def test_the_timeline_holds_the_company_and_its_contacts_attempts_agreement_and_lead_newest_first(history):
    rows = history.timeline(history.hansen, limit=100)

    assert [(r["aggregate"], r["event_type"]) for r in rows] == HANSEN_OLDEST_FIRST[::-1]
    ids = [r["notification_id"] for r in rows]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == len(ids)
    assert history.projector["timeline"].count_for_company(history.hansen) == len(HANSEN_OLDEST_FIRST)
    assert {r["company_id"] for r in rows} == {history.hansen}


def test_each_entry_records_who_acted_when_and_why(history):
    rows = history.timeline(history.hansen, limit=100)
    newest, oldest = rows[0], rows[-1]

    assert (newest["event_type"], newest["actor_id"], newest["occurred_at"]) == (
        "BecamePartner",
        history.team.project_lead,
        datetime(2026, 3, 6, 8, 0),
    )
    assert (oldest["event_type"], oldest["originator_id"], oldest["data"]["name"]) == (
        "Registered",
        history.hansen,
        "Hansen Transport ApS",
    )
    shared = next(r for r in rows if r["event_type"] == "Shared")
    assert (shared["originator_id"], shared["actor_id"], shared["reason"]) == (
        history.lead,
        history.team.consultant,
        None,
    )
    # Check dates and ids are kept as strings, and the envelope is not repeated in the data.
    logged = next(r for r in rows if r["originator_id"] == history.first_call)
    assert logged["data"]["occurred_on"] == "2026-03-04"
    assert logged["data"]["contact_id"] == str(history.coordinator)
    assert not {"originator_id", "originator_version", "timestamp", "actor_id", "reason"} & set(logged["data"])


def test_an_event_that_does_not_name_its_company_is_filed_under_the_company_of_its_contact(history):
    role_changes = [r for r in history.timeline(history.hansen, limit=100) if r["event_type"] == "RoleChanged"]

    assert len(role_changes) == 1
    change = role_changes[0]
    assert (change["originator_id"], change["actor_id"], change["reason"]) == (
        history.director,
        history.team.recruiter,
        "Ny administrerende direktør",
    )
    assert change["data"] == {"role": "top_management", "is_decision_maker": True}
    remembered = {r["originator_id"]: r["company_id"] for r in history.projector["timeline"].rows(subjects)}
    assert remembered[history.director] == history.hansen


def test_an_attempt_voided_because_it_was_logged_on_the_wrong_company_stays_on_that_company(history):
    soltoft = history.timeline(history.soltoft, limit=100)
    hansen = history.timeline(history.hansen, limit=100)

    voided = [r for r in soltoft if r["event_type"] == "Voided"]
    assert [(r["originator_id"], r["actor_id"], r["reason"]) for r in voided] == [
        (history.mistaken_call, history.team.recruiter, "Opkaldet var til Hansen Transport"),
    ]
    assert history.mistaken_call not in {r["originator_id"] for r in hansen}


def test_events_of_another_company_are_not_on_the_timeline(history):
    soltoft = history.timeline(history.soltoft, limit=100)

    assert [(r["aggregate"], r["event_type"]) for r in soltoft] == [
        ("attempt", "Voided"),
        ("company", "StageChanged"),
        ("attempt", "Logged"),
        ("company", "Registered"),
    ]
    hansen_originators = {r["originator_id"] for r in history.timeline(history.hansen, limit=100)}
    assert history.soltoft not in hansen_originators
    assert {r["originator_id"] for r in soltoft} == {history.soltoft, history.mistaken_call}


def test_the_next_page_starts_after_the_last_row_of_the_previous_one(history):
    everything = history.timeline(history.hansen, limit=100)

    first = history.timeline(history.hansen, limit=8)
    second = history.timeline(history.hansen, limit=8, before=first[-1]["notification_id"])
    third = history.timeline(history.hansen, limit=8, before=second[-1]["notification_id"])
    assert (len(first), len(second), len(third)) == (8, 8, 4)
    assert first + second + third == everything
    assert history.timeline(history.hansen, limit=8, before=third[-1]["notification_id"]) == []


def test_a_contacts_personal_details_appear_only_in_that_contacts_own_entries(history):
    rows = history.timeline(history.hansen, limit=100)

    for row in rows:
        text = json.dumps(row["data"], ensure_ascii=False)
        if row["aggregate"] != "contact":
            assert "Lars Hansen" not in text and "Pia Holm" not in text and "20304050" not in text
    registered = next(r for r in rows if r["originator_id"] == history.coordinator)
    assert registered["data"]["name"] == "Pia Holm"


def test_a_rebuild_gives_the_same_rows(history):
    view = history.projector["timeline"]
    before = (view.rows(timeline), view.rows(subjects))

    history.projector.rebuild("timeline")

    assert (view.rows(timeline), view.rows(subjects)) == before
    assert len(before[0]) == len(HANSEN_OLDEST_FIRST) + 4


@pytest.mark.parametrize("aggregate", [Company, Contact, OutreachAttempt, PartnershipAgreement, Lead])
def test_every_event_of_the_five_aggregates_is_on_the_timeline(aggregate):
    events = [
        value
        for name, value in vars(aggregate).items()
        if isinstance(value, type) and issubclass(value, aggregate.Event) and name not in ("Event", "Created")
    ]

    assert events
    assert {get_topic(cls) for cls in events} <= set(TimelineProjection.topics)


def test_no_stored_row_keeps_a_contacts_name_phone_or_email(history):
    stored = " ".join(row["data"] for row in history.projector["timeline"].rows(timeline))

    for personal in ("Lars Hansen", "Pia Holm", "20304050", "lars@hansen-transport.dk"):
        assert personal not in stored
    assert str(history.coordinator) in stored  # people are named by id


def test_a_contacts_registration_shows_the_name_the_contacts_read_model_holds_now(history):
    app, team = history.projector.app, history.team
    app.change_contact_details(team.recruiter, history.coordinator, "Pia Holm-Berg", "20 30 40 51", None)
    history.projector.catch_up()
    rows = history.timeline(history.hansen, limit=100)

    registered = next(r for r in rows if r["originator_id"] == history.coordinator and r["event_type"] == "Registered")
    corrected = next(r for r in rows if r["event_type"] == "DetailsChanged")
    assert registered["data"]["name"] == "Pia Holm-Berg"
    assert corrected["data"] == {"changes": ["name", "phone"]}

    # Check a person erased from the contacts read model leaves their entries nameless, not broken.
    outreach = history.projector["outreach"]
    with outreach.transaction(commit=True) as session:
        session.execute(contacts.delete().where(contacts.c.contact_id == history.coordinator))
    registered = next(
        r
        for r in history.timeline(history.hansen, limit=100)
        if r["originator_id"] == history.coordinator and r["event_type"] == "Registered"
    )
    assert "name" not in registered["data"] and registered["data"]["role"] == "hr"
