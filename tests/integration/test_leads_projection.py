"""The leads read model: the recruiters' inbox and what came of each consultant's leads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID, uuid4

import pytest

from crm.clock import local_date
from crm.leads import Lead
from projections.agreements import AgreementsProjection
from projections.leads import LeadsProjection, leads
from projections.outreach import OutreachProjection
from projections.runner import Projector
from projections.users import UsersProjection
from tests.support import SOLTOFT_PLEJE_CVR, Team, hansen_transport, make_team

PROJECTIONS = (UsersProjection, OutreachProjection, LeadsProjection, AgreementsProjection)


@dataclass
class Inbox:
    app: object
    team: Team
    hansen: UUID
    soltoft: UUID
    bager: UUID
    vognmand: UUID
    slow: UUID
    urgent: UUID
    recent: UUID
    quiet: UUID

    def projector(self) -> Projector:
        projector = Projector(self.app, projection_classes=PROJECTIONS)
        projector.catch_up()
        return projector


@pytest.fixture
def inbox(sql_database, clock) -> Inbox:
    """Four leads shared over four days by Jonas, the business-service consultant."""
    app = sql_database.app(clock=clock)
    team = make_team(app)
    hansen = hansen_transport(app, team.consultant)
    soltoft = app.register_company(team.consultant, name="Soltoft Pleje", industry="care", cvr=SOLTOFT_PLEJE_CVR)
    bager = app.register_company(team.consultant, name="Horsens Bageri", industry="production")
    vognmand = app.register_company(team.consultant, name="Vognmand Jensen", industry="transport")

    slow = app.share_lead(
        team.consultant,
        hansen,
        "Højt sygefravær blandt chaufførerne, tal med HR-chefen",
        suggested_role="hr",
        arena="municipal_actor",
        strategy="targeted",
    )
    clock.advance(timedelta(days=2))
    urgent = app.share_lead(team.consultant, soltoft, "Ny direktør vil gøre noget ved nedslidning", urgency="high")
    clock.advance(timedelta(days=1))
    recent = app.share_lead(team.consultant, bager, "Mange natarbejdere over 50")
    clock.advance(timedelta(hours=1))
    quiet = app.share_lead(team.consultant, vognmand, "Måske interesseret senere", urgency="low")
    return Inbox(app, team, hansen, soltoft, bager, vognmand, slow, urgent, recent, quiet)


def test_the_inbox_shows_urgent_leads_first_then_the_oldest_so_none_waits_forever(inbox, clock):
    projector = inbox.projector()
    today = local_date(clock.now())

    rows = projector["leads"].inbox(today)

    # Check the high-urgency lead leads, the two normal ones follow oldest first, and low comes last.
    assert [(r["lead_id"], r["urgency"], r["age_days"]) for r in rows] == [
        (inbox.urgent, "high", 1),
        (inbox.slow, "normal", 3),
        (inbox.recent, "normal", 0),
        (inbox.quiet, "low", 0),
    ]
    assert rows[1]["company_name"] == "Hansen Transport ApS"
    assert rows[1]["shared_on"] == date(2026, 3, 2)


def test_the_age_of_a_lead_grows_with_the_days_it_waits(inbox, clock):
    projector = inbox.projector()
    clock.advance(timedelta(days=10))

    ages = {r["lead_id"]: r["age_days"] for r in projector["leads"].inbox(local_date(clock.now()))}

    assert ages == {inbox.slow: 13, inbox.urgent: 11, inbox.recent: 10, inbox.quiet: 10}


def test_claimed_and_declined_leads_leave_the_open_inbox_and_show_under_their_status(inbox, clock):
    clock.advance(timedelta(hours=1))
    inbox.app.claim_lead(inbox.team.recruiter, inbox.urgent)
    clock.advance(timedelta(hours=1))
    inbox.app.decline_lead(inbox.team.recruiter, inbox.quiet, reason="Vi har allerede kontakt via 3F")
    projector = inbox.projector()
    view = projector["leads"]
    today = local_date(clock.now())

    # Check the open inbox keeps its order without the decided leads.
    assert [r["lead_id"] for r in view.inbox(today)] == [inbox.slow, inbox.recent]

    claimed = view.inbox(today, status="claimed")
    assert [(r["lead_id"], r["claimed_by"]) for r in claimed] == [(inbox.urgent, inbox.team.recruiter)]
    declined = view.inbox(today, status="declined")
    assert [(r["lead_id"], r["decline_reason"]) for r in declined] == [
        (inbox.quiet, "Vi har allerede kontakt via 3F"),
    ]

    # Check every lead shows without a status filter: open ones first, then the latest decision first.
    assert [r["lead_id"] for r in view.inbox(today, status=None)] == [
        inbox.slow,
        inbox.recent,
        inbox.quiet,
        inbox.urgent,
    ]


def test_a_consultant_sees_what_came_of_each_lead_shared(inbox, clock):
    app, team = inbox.app, inbox.team
    clock.advance(timedelta(days=1))
    first_call = app.log_attempt(team.recruiter, inbox.hansen, "call", "no_answer", lead_id=inbox.slow)
    app.log_attempt(team.recruiter, inbox.hansen, "call", "meeting_booked", lead_id=inbox.slow)
    app.log_attempt(team.recruiter, inbox.hansen, "visit", "interested")
    agreement_id = app.open_agreement(team.recruiter, inbox.hansen)
    app.decline_lead(team.recruiter, inbox.quiet, reason="Uden for målgruppen")
    other_consultant = app.register_user(team.admin, "karin", "Karin Dahl", "job_centre", "consultant")
    app.share_lead(other_consultant, inbox.soltoft, "Fastholdelsessamtaler viser slidte medarbejdere")
    projector = inbox.projector()

    mine = projector["leads"].shared_by(team.consultant)

    # Check Jonas sees his own four leads, newest first, each with the company's current path.
    assert [r["lead_id"] for r in mine] == [inbox.quiet, inbox.recent, inbox.urgent, inbox.slow]
    slow = mine[-1]
    assert (slow["status"], slow["claimed_by"], slow["started_attempt_id"]) == ("claimed", team.recruiter, first_call)
    assert (slow["company_name"], slow["stage"], slow["attempts_in_round"], slow["agreement_id"]) == (
        "Hansen Transport ApS",
        "negotiating",
        3,
        agreement_id,
    )
    quiet = mine[0]
    assert (quiet["status"], quiet["decline_reason"], quiet["stage"], quiet["attempts_in_round"]) == (
        "declined",
        "Uden for målgruppen",
        "identified",
        0,
    )
    assert [r["lead_reason"] for r in projector["leads"].shared_by(other_consultant)] == [
        "Fastholdelsessamtaler viser slidte medarbejdere",
    ]


def test_one_lead_carries_everything_the_consultant_shared(inbox, clock):
    projector = inbox.projector()

    lead = projector["leads"].lead(inbox.slow, today=date(2026, 3, 9))

    assert lead is not None
    assert {
        k: lead[k]
        for k in (
            "company_id",
            "shared_by",
            "lead_reason",
            "suggested_role",
            "urgency",
            "arena",
            "strategy",
            "status",
            "claimed_by",
            "decided_at",
            "age_days",
            "version",
        )
    } == {
        "company_id": inbox.hansen,
        "shared_by": inbox.team.consultant,
        "lead_reason": "Højt sygefravær blandt chaufførerne, tal med HR-chefen",
        "suggested_role": "hr",
        "urgency": "normal",
        "arena": "municipal_actor",
        "strategy": "targeted",
        "status": "open",
        "claimed_by": None,
        "decided_at": None,
        "age_days": 7,
        "version": 1,
    }
    assert projector["leads"].lead(uuid4()) is None


def test_the_lead_keeps_the_aggregates_version_and_the_time_it_was_decided(inbox, clock):
    clock.advance(timedelta(hours=3))
    inbox.app.log_attempt(inbox.team.recruiter, inbox.bager, "call", "interested", lead_id=inbox.recent)
    projector = inbox.projector()

    lead = projector["leads"].lead(inbox.recent)

    assert lead["version"] == inbox.app.load(Lead, inbox.recent).version == 3
    assert lead["decided_at"] == clock.now().replace(tzinfo=None)


def test_a_lead_shows_while_the_outreach_view_lags_behind(inbox, clock):
    projector = Projector(inbox.app, projection_classes=PROJECTIONS)
    projector.catch_up(["leads"])

    rows = projector["leads"].inbox(local_date(clock.now()))

    assert next((r["lead_id"], r["company_name"], r["stage"]) for r in rows) == (inbox.urgent, None, None)
    assert len(rows) == 4


def test_catching_up_again_applies_nothing_twice_and_equals_a_rebuild(inbox, clock):
    app, team = inbox.app, inbox.team
    projector = inbox.projector()
    clock.advance(timedelta(days=1))
    app.log_attempt(team.recruiter, inbox.hansen, "call", "call_back", lead_id=inbox.slow)
    app.decline_lead(team.recruiter, inbox.quiet, reason="Lukker til sommer")
    app.share_lead(team.consultant, inbox.hansen, "Ny HR-chef starter 1. april", urgency="high")

    assert projector.catch_up() > 0
    assert projector.catch_up() == 0
    view = projector["leads"]
    before = view.rows(leads)
    projector.rebuild("leads")

    assert view.rows(leads) == before
    assert len(before) == 5
