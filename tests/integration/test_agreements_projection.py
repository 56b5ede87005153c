"""The agreements read model: buy-in tracker, commitment tracker and the agreement itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID, uuid4

import pytest

from crm.agreements import PartnershipAgreement
from crm.clock import local_date
from projections.agreement_tables import agreements, commitments, requirements
from projections.agreements import AgreementsProjection
from projections.leads import LeadsProjection
from projections.outreach import OutreachProjection
from projections.runner import Projector
from projections.users import UsersProjection
from tests.support import SOLTOFT_PLEJE_CVR, Team, hansen_transport, make_team

PROJECTIONS = (UsersProjection, OutreachProjection, LeadsProjection, AgreementsProjection)
STANDARD = ["top_management_sponsor", "conversations_in_working_hours", "rooms_on_site", "company_coordinator"]


@dataclass
class Negotiation:
    app: object
    team: Team
    hansen: UUID
    director: UUID
    coordinator: UUID
    agreement: UUID

    def projector(self) -> Projector:
        projector = Projector(self.app, projection_classes=PROJECTIONS)
        projector.catch_up()
        return projector

    def confirm_all(self) -> None:
        for key in list(self.app.load(PartnershipAgreement, self.agreement).requirements):
            self.app.confirm_requirement(
                self.team.recruiter,
                self.agreement,
                key,
                contact_id=self.director if key == "top_management_sponsor" else None,
            )

    def sign(self) -> None:
        self.confirm_all()
        self.app.sign_agreement(self.team.project_lead, self.agreement)


@pytest.fixture
def negotiation(sql_database, clock) -> Negotiation:
    """Hansen Transport negotiating, with its director and its HR coordinator as contacts."""
    app = sql_database.app(clock=clock)
    team = make_team(app)
    hansen = hansen_transport(app, team.recruiter)
    director = app.register_contact(
        team.recruiter, hansen, name="Lars Hansen", role="top_management", is_decision_maker=True
    )
    coordinator = app.register_contact(team.recruiter, hansen, name="Pia Holm", role="hr")
    app.log_attempt(team.recruiter, hansen, "call", "meeting_booked")
    agreement = app.open_agreement(team.recruiter, hansen, extra_requirements=["Ledere tager samtalen først"])
    return Negotiation(app, team, hansen, director, coordinator, agreement)


def test_the_buy_in_tracker_lists_each_requirement_in_order_met_or_missing_and_who_confirmed_it(negotiation, clock):
    n = negotiation
    clock.advance(timedelta(days=1))
    n.app.confirm_requirement(n.team.recruiter, n.agreement, "top_management_sponsor", contact_id=n.director)
    n.app.confirm_requirement(n.team.consultant, n.agreement, "rooms_on_site")
    key = n.app.add_requirement(n.team.recruiter, n.agreement, "Tillidsrepræsentanten er med")

    tracker = n.projector()["agreements"].buy_in_tracker()

    assert [(a["agreement_id"], a["company_name"], a["missing"]) for a in tracker] == [
        (n.agreement, "Hansen Transport ApS", 4),
    ]
    checklist = [
        (r["key"], r["label"], r["met"], r["confirmed_by"], r["confirmed_on"], r["contact_id"], r["contact_name"])
        for r in tracker[0]["requirements"]
    ]
    assert checklist == [
        ("top_management_sponsor", None, True, n.team.recruiter, date(2026, 3, 3), n.director, "Lars Hansen"),
        ("conversations_in_working_hours", None, False, None, None, None, None),
        ("rooms_on_site", None, True, n.team.consultant, date(2026, 3, 3), None, None),
        ("company_coordinator", None, False, None, None, None, None),
        ("custom_ledere_tager_samtalen_foerst", "Ledere tager samtalen først", False, None, None, None, None),
        (key, "Tillidsrepræsentanten er med", False, None, None, None, None),
    ]


def test_withdrawing_a_requirement_makes_it_missing_again(negotiation):
    n = negotiation
    n.app.confirm_requirement(n.team.recruiter, n.agreement, "company_coordinator", contact_id=n.coordinator)
    n.app.withdraw_requirement(
        n.team.recruiter, n.agreement, "company_coordinator", reason="Pia Holm er gået på barsel"
    )

    tracker = n.projector()["agreements"].buy_in_tracker()

    coordinator = next(r for r in tracker[0]["requirements"] if r["key"] == "company_coordinator")
    assert (coordinator["met"], coordinator["confirmed_by"], coordinator["contact_id"]) == (False, None, None)
    assert tracker[0]["missing"] == 5


def test_a_signed_agreement_leaves_the_buy_in_tracker(negotiation):
    negotiation.sign()

    projector = negotiation.projector()

    assert projector["agreements"].buy_in_tracker() == []
    agreement = projector["agreements"].agreement(negotiation.agreement)
    assert (agreement["status"], agreement["signed_on"], agreement["missing"]) == ("signed", date(2026, 3, 2), 0)


def test_deliveries_add_up_against_the_plan_and_the_agreement_follows_to_completion(negotiation, clock):
    n = negotiation
    n.app.plan_services(n.team.health_consultant, n.agreement, health_checks=120, conversations=40)
    n.sign()
    clock.advance(timedelta(days=7))
    n.app.record_delivery(n.team.health_consultant, n.agreement, health_checks=80, conversations=25, referrals=6)
    n.app.record_delivery(n.team.health_consultant, n.agreement, health_checks=30, conversations=10)
    n.app.deliver_feedback(n.team.health_consultant, n.agreement, focus_points="Søvn og bevægelse")
    clock.advance(timedelta(days=30))
    n.app.hold_follow_up(n.team.health_consultant, n.agreement, note="12 flere vil på rygestop")
    n.app.complete_agreement(n.team.project_lead, n.agreement)

    agreement = n.projector()["agreements"].agreement(n.agreement)

    assert {
        k: agreement[k]
        for k in (
            "planned_health_checks",
            "planned_conversations",
            "delivered_health_checks",
            "delivered_conversations",
            "delivered_referrals",
        )
    } == {
        "planned_health_checks": 120,
        "planned_conversations": 40,
        "delivered_health_checks": 110,
        "delivered_conversations": 35,
        "delivered_referrals": 6,
    }
    assert (agreement["feedback_on"], agreement["focus_points"]) == (date(2026, 3, 9), "Søvn og bevægelse")
    assert (agreement["follow_up_on"], agreement["follow_up_note"]) == (date(2026, 4, 8), "12 flere vil på rygestop")
    assert (agreement["status"], agreement["closed_on"]) == ("completed", date(2026, 4, 8))


def test_the_agreement_keeps_the_aggregates_version_for_the_forms(negotiation):
    n = negotiation
    n.app.confirm_requirement(n.team.recruiter, n.agreement, "rooms_on_site")
    n.app.add_commitment(n.team.recruiter, n.agreement, "fruit_scheme", "Frugtordning")
    n.app.withdraw_requirement(n.team.recruiter, n.agreement, "rooms_on_site", reason="Kantinen ombygges")

    agreement = n.projector()["agreements"].agreement(n.agreement)

    assert agreement["version"] == n.app.load(PartnershipAgreement, n.agreement).version == 4


def test_a_terminated_agreement_keeps_its_reason(negotiation):
    n = negotiation
    n.sign()
    n.app.terminate_agreement(n.team.project_lead, n.agreement, reason="Fusion med anden virksomhed")

    agreement = n.projector()["agreements"].agreement_for_company(n.hansen)

    assert (
        agreement["agreement_id"],
        agreement["status"],
        agreement["closed_on"],
        agreement["termination_reason"],
    ) == (n.agreement, "terminated", date(2026, 3, 2), "Fusion med anden virksomhed")


def test_the_company_shows_its_latest_agreement(negotiation, clock):
    n = negotiation
    n.app.terminate_agreement(n.team.project_lead, n.agreement, reason="Ledelsen trak sig")
    clock.advance(timedelta(days=200))
    n.app.reapproach_company(n.team.recruiter, n.hansen)
    second = n.app.open_agreement(n.team.recruiter, n.hansen)

    view = n.projector()["agreements"]

    assert view.agreement_for_company(n.hansen)["agreement_id"] == second
    assert [a["agreement_id"] for a in view.buy_in_tracker()] == [second]
    assert view.agreement_for_company(uuid4()) is None
    assert view.agreement(uuid4()) is None


@pytest.fixture
def commitments_made(negotiation, clock):
    """Five commitments from Hansen Transport, made on 2 March 2026."""
    n = negotiation
    add = n.app.add_commitment
    made = dict(
        canteen=add(
            n.team.recruiter,
            n.agreement,
            "healthier_canteen",
            "Sundere kantine",
            owner_contact_id=n.coordinator,
            due_on=date(2026, 3, 20),
        ),
        exercise=add(
            n.team.recruiter,
            n.agreement,
            "exercise_in_working_hours",
            "Motion i arbejdstiden",
            owner_contact_id=n.director,
            due_on=date(2026, 5, 1),
        ),
        policy=add(n.team.recruiter, n.agreement, "smoking_policy", "Røgfri arbejdstid", due_on=date(2026, 3, 10)),
        ambassadors=add(
            n.team.recruiter,
            n.agreement,
            "health_ambassadors",
            "Uddannede sundhedsambassadører",
            owner_contact_id=n.coordinator,
        ),
        assessment=add(
            n.team.recruiter, n.agreement, "workplace_assessment", "Sundhed i APV", due_on=date(2026, 3, 25)
        ),
    )
    clock.advance(timedelta(days=14))
    n.app.fulfil_commitment(n.team.recruiter, n.agreement, made["assessment"])
    return made


def test_the_commitment_tracker_tells_overdue_from_due_soon_open_fulfilled_and_abandoned(
    negotiation, commitments_made, clock
):
    n, made = negotiation, commitments_made
    n.app.abandon_commitment(n.team.recruiter, n.agreement, made["ambassadors"], reason="Ingen frivillige")
    today = local_date(clock.now())

    tracker = n.projector()["agreements"].commitment_tracker(today, due_soon_days=30)

    assert today == date(2026, 3, 16)
    assert [(r["commitment_id"], r["status"]) for r in tracker] == [
        (made["policy"], "overdue"),
        (made["canteen"], "due_soon"),
        (made["exercise"], "open"),
        (made["assessment"], "fulfilled"),
        (made["ambassadors"], "abandoned"),
    ]
    canteen = tracker[1]
    assert (canteen["company_name"], canteen["company_id"], canteen["owner_name"], canteen["kind"]) == (
        "Hansen Transport ApS",
        n.hansen,
        "Pia Holm",
        "healthier_canteen",
    )
    assert (tracker[3]["closed_on"], tracker[4]["closed_on"], tracker[4]["abandon_reason"]) == (
        date(2026, 3, 16),
        date(2026, 3, 16),
        "Ingen frivillige",
    )


def test_commitments_fall_due_as_the_days_pass(negotiation, commitments_made, clock):
    view = negotiation.projector()["agreements"]

    def statuses(days: int) -> dict[str, str]:
        today = local_date(clock.now()) + timedelta(days=days)
        by_id = {r["commitment_id"]: r["status"] for r in view.commitment_tracker(today, due_soon_days=10)}
        return {name: by_id[commitment_id] for name, commitment_id in commitments_made.items()}

    assert statuses(0) == dict(
        canteen="due_soon", exercise="open", policy="overdue", ambassadors="open", assessment="fulfilled"
    )
    assert statuses(4)["canteen"] == "due_soon"
    assert statuses(5)["canteen"] == "overdue"
    assert statuses(40)["exercise"] == "due_soon"
    assert statuses(46)["exercise"] == "due_soon"
    assert statuses(47) == dict(
        canteen="overdue", exercise="overdue", policy="overdue", ambassadors="open", assessment="fulfilled"
    )


def test_the_commitment_tracker_filters_by_state_kind_and_owner(negotiation, commitments_made, clock):
    n, made = negotiation, commitments_made
    view = n.projector()["agreements"]
    today = local_date(clock.now())

    def ids(**filters) -> set[str]:
        return {r["commitment_id"] for r in view.commitment_tracker(today, **filters)}

    assert ids(state="fulfilled") == {made["assessment"]}
    assert ids(state="open") == {made["canteen"], made["exercise"], made["policy"], made["ambassadors"]}
    assert ids(kind="smoking_policy") == {made["policy"]}
    assert ids(owner_contact_id=n.coordinator) == {made["canteen"], made["ambassadors"]}
    assert ids(state="open", owner_contact_id=n.director) == {made["exercise"]}


def test_the_agreement_carries_its_requirements_and_commitments(negotiation, commitments_made, clock):
    n, made = negotiation, commitments_made

    agreement = n.projector()["agreements"].agreement(n.agreement, today=local_date(clock.now()))

    assert [r["key"] for r in agreement["requirements"]] == [*STANDARD, "custom_ledere_tager_samtalen_foerst"]
    assert [(c["commitment_id"], c["status"]) for c in agreement["commitments"]] == [
        (made["policy"], "overdue"),
        (made["canteen"], "due_soon"),
        (made["assessment"], "fulfilled"),
        (made["exercise"], "open"),
        (made["ambassadors"], "open"),
    ]


def test_catching_up_again_applies_nothing_twice_and_equals_a_rebuild(negotiation, clock):
    n = negotiation
    projector = n.projector()
    n.confirm_all()
    n.app.plan_services(n.team.health_consultant, n.agreement, health_checks=60, conversations=20)
    n.app.sign_agreement(n.team.project_lead, n.agreement)
    assert projector.catch_up() > 0

    n.app.record_delivery(n.team.health_consultant, n.agreement, health_checks=25, conversations=5, referrals=2)
    canteen = n.app.add_commitment(
        n.team.recruiter,
        n.agreement,
        "healthier_canteen",
        "Sundere kantine",
        owner_contact_id=n.coordinator,
        due_on=date(2026, 5, 1),
    )
    n.app.add_commitment(n.team.recruiter, n.agreement, "fruit_scheme", "Frugtordning")
    n.app.fulfil_commitment(n.team.recruiter, n.agreement, canteen)
    other = n.app.register_company(n.team.recruiter, name="Soltoft Pleje", industry="care", cvr=SOLTOFT_PLEJE_CVR)
    n.app.open_agreement(n.team.recruiter, other)
    assert projector.catch_up() > 0
    assert projector.catch_up() == 0

    view = projector["agreements"]
    tables = (agreements, requirements, commitments)
    before = [view.rows(table) for table in tables]
    assert view.agreement(n.agreement)["delivered_health_checks"] == 25
    projector.rebuild("agreements")

    assert [view.rows(table) for table in tables] == before
    assert [len(rows) for rows in before] == [2, 9, 2]
