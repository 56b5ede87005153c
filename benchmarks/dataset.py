"""A large, realistic event log made fast: domain aggregates saved many per transaction.

The events are the real domain events (same classes, same stamping of actor
and clock time); only the per-command overhead (authorisation, one transaction
per command) is skipped, so a million events take about a minute, not an hour.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from crm import acting
from crm.application import CrmApplication
from crm.attempts import OutreachAttempt
from crm.clock import SimulatedClock, local_date
from crm.companies import Company
from crm.contacts import Contact
from crm.permissions import SYSTEM_ACTOR_ID
from crm.vocabulary import CHANNELS, INDUSTRIES, OUTCOMES

START = datetime(2025, 1, 6, 8, tzinfo=UTC)


def load(app: CrmApplication, events: int, seed: int = 7, batch: int = 200, attempts_per_company: int = 9) -> int:
    """Append about `events` events: companies with two contacts and a run of attempts each."""
    rng = random.Random(seed)
    clock = SimulatedClock(START)
    recruiters = [
        app.register_user(SYSTEM_ACTOR_ID, f"bench{i}", f"Bænk {i}", "health", "recruiter") for i in range(20)
    ]
    written = app.recorder.max_notification_id() or 0
    n = 0
    while written < events:
        pending = []
        for _ in range(batch):
            n += 1
            clock.advance(timedelta(minutes=3))
            actor = rng.choice(recruiters)
            with acting.acting(actor, None, clock.now()):
                company = Company(
                    name=f"Virksomhed {n} ApS",
                    cvr=None,
                    industry=rng.choice(INDUSTRIES),
                    size_band="10-49",
                    address=f"Vej {n}, 8800 Viborg",
                    sector="private",
                    target_group_note=None,
                    owner_id=actor,
                    arena="workplace_private",
                    strategy="targeted",
                    source_partner_id=None,
                )
                contacts = [
                    Contact(
                        company_id=company.id,
                        name=f"Person {n}-{k}",
                        role=role,
                        phone=f"+45{20000000 + n:08d}",
                        email=None,
                        is_decision_maker=role == "top_management",
                    )
                    for k, role in enumerate(("top_management", "hr"))
                ]
                pending += [company, *contacts]
                for j in range(attempts_per_company):
                    outcome = rng.choice(OUTCOMES[:3]) if j < attempts_per_company - 1 else rng.choice(OUTCOMES)
                    day = local_date(clock.now())
                    pending.append(
                        OutreachAttempt(
                            company_id=company.id,
                            contact_id=contacts[0].id,
                            user_id=actor,
                            channel=rng.choice(CHANNELS),
                            outcome=outcome,
                            note="Ringede op",
                            occurred_on=day,
                            next_follow_up=day + timedelta(days=rng.randint(1, 14)),
                            lead_id=None,
                            source_partner_id=None,
                            arena=None,
                            strategy=None,
                            round=1,
                        )
                    )
                    company.note_outreach(outcome) if company.stage in ("identified", "contacted") else None
        app.save(*pending)
        written = app.recorder.max_notification_id() or 0
    return written
