"""A varied log for the evaluation reports, played through the commands at random (seeded) over eight
simulated weeks: three recruiters in two departments, companies with and without an owner, arena and
strategy, leads from two consultants (some companies shared twice) and channel partners; attempts of
every channel and outcome, some backdated, some voided; meetings and moves back, agreements signed,
completed and terminated, companies declined, parked and approached again (several rounds)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from crm.application import CrmApplication
from crm.clock import SimulatedClock, local_date
from crm.errors import CrmError
from crm.permissions import SYSTEM_ACTOR_ID
from crm.vocabulary import ARENAS, CHANNELS, INDUSTRIES, OUTCOMES, SIZE_BANDS, STRATEGIES
from tests.support import make_team

DAYS = 56


@dataclass
class Varied:
    app: CrmApplication
    clock: SimulatedClock
    recruiters: list[UUID]
    consultants: list[UUID]
    partners: list[UUID]
    start: datetime

    def moment(self, n: int) -> datetime:
        return self.start + timedelta(days=n, hours=10)


def play_varied(app: CrmApplication, clock: SimulatedClock, companies: int = 24, seed: int = 16) -> Varied:
    rng = random.Random(seed)
    start = clock.now()
    team = make_team(app)
    recruiters = [
        team.recruiter,
        app.register_user(SYSTEM_ACTOR_ID, "ole", "Ole Brandt", "job_centre", "recruiter"),
        app.register_user(SYSTEM_ACTOR_ID, "lise", "Lise Dam", "health", "recruiter"),
    ]
    consultants = [team.consultant, app.register_user(SYSTEM_ACTOR_ID, "karl", "Karl Bo", "hr", "consultant")]
    partners = [app.register_partner(team.consultant, name, "union") for name in ("3F Horsens", "HK Østjylland")]
    ids: list[UUID] = []
    for n in range(companies):
        ids.append(
            app.register_company(
                rng.choice(recruiters),
                name=f"Virksomhed {n}",
                industry=rng.choice(INDUSTRIES[:4]),
                size_band=rng.choice((None, *SIZE_BANDS[:2])),
                owner_id=rng.choice((None, *recruiters)),
                arena=rng.choice((None, *ARENAS[:2])),
                strategy=rng.choice((None, *STRATEGIES)),
                source_partner_id=rng.choice((None, None, *partners)),
            )
        )
    agreements: dict[UUID, UUID] = {}
    signed: set[UUID] = set()
    made: list[tuple[UUID, UUID]] = []  # (actor, attempt)
    for day in range(DAYS):
        clock.set(start + timedelta(days=day, hours=rng.choice((0, 3, 7))))
        for company in rng.sample(ids, k=len(ids) // 3):
            actor = rng.choice(recruiters)
            action = rng.random()
            try:
                if company in signed and action < 0.2:
                    agreement = agreements.pop(company)
                    signed.discard(company)
                    app.record_delivery(team.health_consultant, agreement, health_checks=3)
                    app.deliver_feedback(team.health_consultant, agreement, focus_points="Søvn")
                    app.hold_follow_up(team.health_consultant, agreement)
                    app.complete_agreement(team.project_lead, agreement)
                elif action < 0.05:
                    app.share_lead(rng.choice(consultants), company, "Højt sygefravær")
                elif action < 0.55:
                    today = local_date(clock.now())
                    occurred = today - timedelta(days=rng.choice((0, 0, 0, 1, 3)))
                    due = rng.choice((None, occurred, occurred + timedelta(days=2), occurred + timedelta(days=9)))
                    if due is not None and due < today:
                        due = today
                    outcome = rng.choice(OUTCOMES)
                    attempt = app.log_attempt(
                        actor,
                        company,
                        rng.choice(CHANNELS),
                        outcome,
                        occurred_on=occurred,
                        next_follow_up=due,
                    )
                    made.append((actor, attempt))
                    if rng.random() < 0.2:  # a second one at the same instant: a tie in the order of attempts
                        due = rng.choice((None, today, today + timedelta(days=5)))
                        attempt = app.log_attempt(
                            actor, company, "call", "no_answer", occurred_on=occurred, next_follow_up=due
                        )
                        made.append((actor, attempt))
                elif action < 0.6 and made:
                    app.void_attempt(*made.pop(rng.randrange(len(made))), reason="Forkert virksomhed")
                elif action < 0.66:
                    app.move_company(actor, company, rng.choice(("contacted", "meeting")))
                elif action < 0.72:
                    agreements[company] = app.open_agreement(actor, company)
                elif action < 0.8 and company in agreements:
                    agreement = agreements[company]
                    contact = app.register_contact(actor, company, name="Direktør", role="top_management")
                    for key in ("top_management_sponsor", "rooms_on_site", "conversations_in_working_hours"):
                        app.confirm_requirement(actor, agreement, key, contact_id=contact)
                    app.confirm_requirement(actor, agreement, "company_coordinator")
                    app.sign_agreement(team.project_lead, agreement)
                    signed.add(company)
                elif action < 0.84 and company in agreements:
                    app.terminate_agreement(team.project_lead, agreements.pop(company), reason="Ingen tid")
                    signed.discard(company)
                elif action < 0.9:
                    closing = app.decline_company if rng.random() < 0.5 else app.park_company
                    closing(actor, company, reason="Ingen tid i år")
                else:
                    app.reapproach_company(actor, company)
            except CrmError:
                continue  # not a move this company can make now: the log only holds what the commands allow
    clock.set(start + timedelta(days=DAYS))
    return Varied(app, clock, recruiters, consultants, partners, start)
