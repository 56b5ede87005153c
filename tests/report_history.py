"""A small history for the evaluation reports, played through the commands over nine simulated weeks.

Day 0 is Monday 2 March 2026 (the clock fixture's start); every command runs at 08:00 UTC on its day.

- Hansen Transport (Mette; transport, private workplace, targeted): no answer on days 0 and 2, a meeting
  booked on day 7, negotiating from day 14; the sponsor and rooms confirmed on day 21, conversations in
  working hours on day 25, the coordinator on day 28, signed then with two commitments (a fruit scheme due
  on day 42 and fulfilled then, a health policy due on day 50 and never fulfilled); 20 checks and 10
  conversations planned, 12 checks delivered on day 35, 8 checks and 6 conversations on day 42 with the
  written feedback, the follow-up on day 49, completed on day 56.
- Soltoft Pleje (Ole; care, union, open; a lead from the consultant Jonas): interested by e-mail on day 1,
  a meeting booked on day 11, negotiating from day 15 to the end (rooms on site confirmed on day 20).
- Bager Nielsen (Mette; retail, public, open; from the union 3F): no answer on days 0 and 4, parked on day 18.
- Dalgas Rengøring (nobody; cleaning, online, bounded): registered and never contacted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from crm.application import CrmApplication
from crm.clock import SimulatedClock
from crm.permissions import SYSTEM_ACTOR_ID
from tests.support import SOLTOFT_PLEJE_CVR, Team, hansen_transport, make_team

DAY_0 = date(2026, 3, 2)


def day(n: int) -> date:
    return DAY_0 + timedelta(days=n)


@dataclass
class History:
    app: CrmApplication
    clock: SimulatedClock
    team: Team
    ole: UUID
    partner: UUID
    hansen: UUID
    soltoft: UUID
    bager: UUID
    dalgas: UUID
    agreement: UUID
    soltoft_agreement: UUID
    policy: str

    def moment(self, n: int) -> datetime:
        """The end of day n, as an instant (for a report as of then)."""
        return datetime.combine(day(n), datetime.min.time()).replace(tzinfo=self.clock.now().tzinfo) + timedelta(
            hours=22
        )


def play(app: CrmApplication, clock: SimulatedClock, team: Team | None = None) -> History:
    start = clock.now()

    def on(n: int) -> None:
        clock.set(start + timedelta(days=n))

    team = team or make_team(app)
    mette = team.recruiter
    ole = app.register_user(SYSTEM_ACTOR_ID, "ole", "Ole Brandt", "job_centre", "recruiter")
    partner = app.register_partner(team.consultant, "3F Horsens", "union")
    hansen = hansen_transport(app, mette, owner_id=mette)
    soltoft = app.register_company(
        mette,
        name="Soltoft Pleje",
        industry="care",
        cvr=SOLTOFT_PLEJE_CVR,
        owner_id=ole,
        arena="union",
        strategy="open",
    )
    app.share_lead(team.consultant, soltoft, "Højt sygefravær blandt social- og sundhedshjælperne")
    bager = app.register_company(
        mette,
        name="Bager Nielsen",
        industry="retail",
        owner_id=mette,
        arena="public",
        strategy="open",
        source_partner_id=partner,
    )
    dalgas = app.register_company(
        mette, name="Dalgas Rengøring", industry="cleaning", arena="online", strategy="bounded"
    )

    app.log_attempt(mette, hansen, "call", "no_answer", next_follow_up=day(2))
    app.log_attempt(mette, bager, "call", "no_answer", next_follow_up=day(3))
    on(1)
    app.log_attempt(ole, soltoft, "email", "interested", next_follow_up=day(4))
    on(2)
    app.log_attempt(mette, hansen, "call", "no_answer", next_follow_up=day(7))
    on(4)
    app.log_attempt(mette, bager, "call", "no_answer", next_follow_up=day(9))
    on(7)
    app.log_attempt(mette, hansen, "call", "meeting_booked")
    on(11)
    app.log_attempt(ole, soltoft, "call", "meeting_booked", next_follow_up=day(15))
    on(14)
    director = app.register_contact(mette, hansen, name="Lars Hansen", role="top_management", is_decision_maker=True)
    agreement = app.open_agreement(mette, hansen)
    on(15)
    soltoft_agreement = app.open_agreement(ole, soltoft)
    on(18)
    app.park_company(mette, bager, reason="Ingen tid i år")
    on(20)
    app.confirm_requirement(ole, soltoft_agreement, "rooms_on_site")
    on(21)
    app.confirm_requirement(mette, agreement, "top_management_sponsor", contact_id=director)
    app.confirm_requirement(mette, agreement, "rooms_on_site")
    on(25)
    app.confirm_requirement(mette, agreement, "conversations_in_working_hours")
    on(28)
    app.confirm_requirement(mette, agreement, "company_coordinator")
    app.sign_agreement(team.project_lead, agreement)
    fruit = app.add_commitment(mette, agreement, "fruit_scheme", "Frugtordning i kantinen", due_on=day(42))
    policy = app.add_commitment(mette, agreement, "health_policy", "Sundhedspolitik", due_on=day(50))
    on(35)
    app.plan_services(team.health_consultant, agreement, health_checks=20, conversations=10)
    app.record_delivery(team.health_consultant, agreement, health_checks=12)
    on(42)
    app.fulfil_commitment(mette, agreement, fruit)
    app.record_delivery(team.health_consultant, agreement, health_checks=8, conversations=6)
    app.deliver_feedback(team.health_consultant, agreement, focus_points="Søvn og bevægelse")
    on(49)
    app.hold_follow_up(team.health_consultant, agreement)
    on(56)
    app.complete_agreement(team.project_lead, agreement)
    on(60)
    return History(app, clock, team, ole, partner, hansen, soltoft, bager, dalgas, agreement, soltoft_agreement, policy)
