"""A history built through the commands over five simulated weeks, for the audit tests.

Week 1: Mette registers Hansen Transport ApS and Lars Hansen, calls (no answer), calls again and books a meeting.
Week 2: negotiations open; Lars confirms the buy-in, one requirement after another.
Week 3: the agreement is signed, services planned, a structural commitment recorded.
Week 4: Jonas shares a lead on Soltoft Pleje; Mette claims it and calls; Soltoft declines.
Week 5: health checks and conversations delivered, written feedback, the commitment fulfilled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from uuid import UUID

from crm.application import CrmApplication
from crm.clock import SimulatedClock
from crm.vocabulary import STANDARD_REQUIREMENTS
from tests.support import SOLTOFT_PLEJE_CVR, Team, hansen_transport, make_team


@dataclass
class History:
    team: Team
    hansen: UUID
    soltoft: UUID
    lars: UUID
    pia: UUID
    agreement: UUID
    commitment: str
    first_attempt: UUID
    lead: UUID
    # The clock at the end of each week (index 1 = end of week 1).
    week_end: dict[int, datetime] = field(default_factory=dict)


def build_history(app: CrmApplication, clock: SimulatedClock, team: Team | None = None) -> History:
    """Play the five weeks; pass `team` when the web fixtures have registered it already."""
    start = clock.now()
    team = team or make_team(app)
    mette, jonas, sofie = team.recruiter, team.consultant, team.health_consultant
    week_end: dict[int, datetime] = {}

    def end_week(number: int) -> None:
        clock.set(start + timedelta(weeks=number) - timedelta(hours=1))
        week_end[number] = clock.now()

    # Week 1
    hansen = hansen_transport(app, mette, owner_id=mette)
    clock.advance(timedelta(hours=1))
    lars = app.register_contact(
        mette,
        hansen,
        name="Lars Hansen",
        role="top_management",
        phone="20304050",
        email="lars@hansen-transport.example",
        is_decision_maker=True,
    )
    first_attempt = app.log_attempt(
        mette, hansen, "call", "no_answer", note="Ingen tog telefonen", next_follow_up=date(2026, 3, 4), contact_id=lars
    )
    clock.advance(timedelta(days=2))
    app.log_attempt(
        mette,
        hansen,
        "call",
        "meeting_booked",
        note="Møde med direktøren",
        contact_id=lars,
        next_follow_up=date(2026, 3, 10),
    )
    end_week(1)

    # Week 2
    clock.advance(timedelta(days=1, hours=2))
    agreement = app.open_agreement(mette, hansen)
    for key in STANDARD_REQUIREMENTS:
        clock.advance(timedelta(hours=3))
        app.confirm_requirement(mette, agreement, key, contact_id=lars if key == "top_management_sponsor" else None)
    end_week(2)

    # Week 3
    clock.advance(timedelta(days=1, hours=2))
    app.sign_agreement(team.project_lead, agreement)
    app.plan_services(sofie, agreement, health_checks=40, conversations=25)
    commitment = app.add_commitment(
        mette,
        agreement,
        "exercise_in_working_hours",
        "Motion i arbejdstiden",
        owner_contact_id=lars,
        due_on=date(2026, 6, 1),
    )
    app.change_company_details(mette, hansen, address="Industrivej 14, 8700 Horsens")
    end_week(3)

    # Week 4
    clock.advance(timedelta(days=1, hours=2))
    soltoft = app.register_company(
        jonas,
        name="Soltoft Pleje A/S",
        industry="care",
        cvr=SOLTOFT_PLEJE_CVR,
        sector="private",
        arena="workplace_private",
        strategy="targeted",
    )
    pia = app.register_contact(jonas, soltoft, name="Pia Holm", role="hr", email="pia@soltoft.example")
    lead = app.share_lead(jonas, soltoft, "Højt sygefravær, tal med HR", suggested_contact_id=pia, urgency="high")
    clock.advance(timedelta(hours=4))
    app.claim_lead(mette, lead)
    app.log_attempt(
        mette,
        soltoft,
        "call",
        "declined",
        note="Ikke nu",
        contact_id=pia,
        lead_id=lead,
        approach_again_after=date(2026, 9, 1),
    )
    end_week(4)

    # Week 5
    clock.advance(timedelta(days=1, hours=2))
    app.record_delivery(sofie, agreement, health_checks=30, conversations=12, referrals=3)
    clock.advance(timedelta(days=1))
    app.deliver_feedback(sofie, agreement, focus_points="Bevægelse og søvn")
    app.fulfil_commitment(mette, agreement, commitment)
    end_week(5)
    return History(team, hansen, soltoft, lars, pia, agreement, commitment, first_attempt, lead, week_end)
