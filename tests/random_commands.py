"""Random but valid-looking sequences of commands, for property tests and benchmarks.

Many commands are refused by the domain (a sign before buy-in, a claim of a
claimed lead): those refusals are part of a realistic history and are counted.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from uuid import UUID

from crm.agreements import PartnershipAgreement
from crm.application import CrmApplication
from crm.clock import SimulatedClock
from crm.errors import CrmError
from crm.vocabulary import (
    ARENAS,
    CHANNELS,
    COMMITMENT_KINDS,
    CONTACT_ROLES,
    INDUSTRIES,
    OUTCOMES,
    STANDARD_REQUIREMENTS,
    STRATEGIES,
)
from tests.support import make_team


@dataclass
class RandomHistory:
    app: CrmApplication
    clock: SimulatedClock
    rng: random.Random
    users: list[UUID] = field(default_factory=list)
    companies: list[UUID] = field(default_factory=list)
    contacts: dict[UUID, list[UUID]] = field(default_factory=dict)
    attempts: list[UUID] = field(default_factory=list)
    agreements: list[UUID] = field(default_factory=list)
    commitments: list[tuple[UUID, str]] = field(default_factory=list)
    leads: list[UUID] = field(default_factory=list)
    partners: list[UUID] = field(default_factory=list)
    accepted: int = 0
    refused: int = 0

    @classmethod
    def start(cls, app: CrmApplication, clock: SimulatedClock, seed: int) -> RandomHistory:
        history = cls(app, clock, random.Random(seed))
        team = make_team(app)
        history.users = [team.recruiter, team.consultant, team.health_consultant, team.project_lead]
        return history

    def run(self, commands: int, after_each: Callable[[int], None] | None = None) -> None:
        steps = [
            (self.register_company, 8),
            (self.register_contact, 6),
            (self.log_attempt, 30),
            (self.correct_attempt, 3),
            (self.void_attempt, 1),
            (self.move_company, 3),
            (self.decline, 2),
            (self.park, 1),
            (self.reapproach, 2),
            (self.open_agreement, 3),
            (self.confirm, 8),
            (self.withdraw, 1),
            (self.sign, 3),
            (self.deliver, 4),
            (self.feedback, 2),
            (self.follow_up, 2),
            (self.add_commitment, 3),
            (self.close_commitment, 2),
            (self.complete, 1),
            (self.terminate, 1),
            (self.share_lead, 3),
            (self.claim_lead, 2),
            (self.decline_lead, 1),
            (self.change_details, 2),
            (self.change_contact, 2),
            (self.partner, 1),
            (self.absence, 1),
            (self.pass_time, 6),
        ]
        actions = [a for a, _ in steps]
        weights = [w for _, w in steps]
        for i in range(commands):
            action = self.rng.choices(actions, weights)[0]
            try:
                action()
                self.accepted += 1
            except CrmError:
                self.refused += 1
            if after_each is not None:
                after_each(i)

    # --- helpers -----------------------------------------------------------------
    def _user(self) -> UUID:
        return self.rng.choice(self.users)

    def _company(self) -> UUID:
        if not self.companies:
            self.register_company()
        return self.rng.choice(self.companies)

    def _pick(self, items: list):
        if not items:
            raise CrmError()
        return self.rng.choice(items)

    # --- commands ----------------------------------------------------------------
    def register_company(self) -> None:
        n = len(self.companies)
        self.companies.append(
            self.app.register_company(
                self._user(),
                name=f"Virksomhed {n} {self.rng.choice(['ApS', 'A/S', 'I/S'])}",
                industry=self.rng.choice(INDUSTRIES),
                owner_id=self.rng.choice([*self.users, None]),
                arena=self.rng.choice(ARENAS),
                strategy=self.rng.choice(STRATEGIES),
            )
        )

    def register_contact(self) -> None:
        company = self._company()
        contact = self.app.register_contact(
            self._user(),
            company,
            name=f"Person {self.rng.randrange(10_000)}",
            role=self.rng.choice(CONTACT_ROLES),
            phone=f"{self.rng.randrange(20_000_000, 99_999_999)}",
        )
        self.contacts.setdefault(company, []).append(contact)

    def log_attempt(self) -> None:
        company = self._company()
        follow_up = (
            self.clock.now().date() + timedelta(days=self.rng.randrange(1, 20)) if self.rng.random() < 0.8 else None
        )
        contact = self.rng.choice(self.contacts.get(company, [None]))
        lead = self.rng.choice(self.leads) if self.leads and self.rng.random() < 0.1 else None
        self.attempts.append(
            self.app.log_attempt(
                self._user(),
                company,
                self.rng.choice(CHANNELS),
                self.rng.choice(OUTCOMES),
                note="Notat",
                next_follow_up=follow_up,
                contact_id=contact,
                lead_id=lead,
            )
        )

    def run_caught_up(self, projector: Any, commands: int, every: int) -> None:
        """`commands` random commands, the projector catching up in batches of 7 after every `every`th."""
        self.run(commands, after_each=lambda i: projector.catch_up(batch_size=7) if i % every == 0 else None)

    def change_earlier_attempts(self, corrected: int = 5, voided: int = 2) -> None:
        """Correct, then void, attempts picked at random (of earlier batches, once caught up); a change a
        command refuses (an attempt voided already) is skipped."""
        for change in [self.correct_attempt] * corrected + [self.void_attempt] * voided:
            with suppress(CrmError):
                change()

    def correct_attempt(self) -> None:
        self.app.correct_attempt(
            self._user(), self._pick(self.attempts), outcome=self.rng.choice(OUTCOMES), reason="Rettelse"
        )

    def void_attempt(self) -> None:
        self.app.void_attempt(self._user(), self._pick(self.attempts), reason="Fejl")

    def move_company(self) -> None:
        self.app.move_company(self._user(), self._company(), self.rng.choice(["contacted", "meeting"]))

    def decline(self) -> None:
        after = self.clock.now().date() + timedelta(days=self.rng.randrange(0, 30))
        self.app.decline_company(self._user(), self._company(), approach_again_after=after, reason="Nej tak")

    def park(self) -> None:
        self.app.park_company(self._user(), self._company(), reason="Travlt")

    def reapproach(self) -> None:
        self.app.reapproach_company(self._user(), self._company())

    def open_agreement(self) -> None:
        self.agreements.append(self.app.open_agreement(self._user(), self._company()))

    def confirm(self) -> None:
        agreement_id = self._pick(self.agreements)
        key = self.rng.choice(STANDARD_REQUIREMENTS)
        contact = None
        if key == "top_management_sponsor":
            company = self.app.load(PartnershipAgreement, agreement_id).company_id
            contact = self.app.register_contact(self._user(), company, name="Direktør", role="top_management")
        self.app.confirm_requirement(self._user(), agreement_id, key, contact_id=contact)

    def withdraw(self) -> None:
        self.app.withdraw_requirement(
            self._user(), self._pick(self.agreements), self.rng.choice(STANDARD_REQUIREMENTS), reason="Trukket tilbage"
        )

    def sign(self) -> None:
        self.app.sign_agreement(self.users[3], self._pick(self.agreements))

    def deliver(self) -> None:
        self.app.record_delivery(
            self.users[2],
            self._pick(self.agreements),
            health_checks=self.rng.randrange(0, 20),
            conversations=self.rng.randrange(1, 10),
        )

    def feedback(self) -> None:
        self.app.deliver_feedback(self.users[2], self._pick(self.agreements), focus_points="Søvn")

    def follow_up(self) -> None:
        self.app.hold_follow_up(self.users[2], self._pick(self.agreements), note="Opfølgning")

    def add_commitment(self) -> None:
        agreement_id = self._pick(self.agreements)
        due = self.clock.now().date() + timedelta(days=self.rng.randrange(-10, 60))
        commitment = self.app.add_commitment(
            self._user(), agreement_id, self.rng.choice(COMMITMENT_KINDS), "Strukturel indsats", due_on=due
        )
        self.commitments.append((agreement_id, commitment))

    def close_commitment(self) -> None:
        agreement_id, commitment = self._pick(self.commitments)
        if self.rng.random() < 0.7:
            self.app.fulfil_commitment(self._user(), agreement_id, commitment)
        else:
            self.app.abandon_commitment(self._user(), agreement_id, commitment, reason="Opgivet")

    def complete(self) -> None:
        self.app.complete_agreement(self.users[3], self._pick(self.agreements))

    def terminate(self) -> None:
        self.app.terminate_agreement(self.users[3], self._pick(self.agreements), reason="Stoppet")

    def share_lead(self) -> None:
        self.leads.append(
            self.app.share_lead(
                self.users[1], self._company(), "Højt sygefravær", urgency=self.rng.choice(["low", "normal", "high"])
            )
        )

    def claim_lead(self) -> None:
        self.app.claim_lead(self.users[0], self._pick(self.leads))

    def decline_lead(self) -> None:
        self.app.decline_lead(self.users[0], self._pick(self.leads), reason="Kendt i forvejen")

    def change_details(self) -> None:
        self.app.change_company_details(self._user(), self._company(), name=f"Omdøbt {self.rng.randrange(1000)}")

    def change_contact(self) -> None:
        company = self._company()
        contact = self._pick(self.contacts.get(company, []))
        if self.rng.random() < 0.5:
            self.app.change_contact_role(self._user(), contact, self.rng.choice(CONTACT_ROLES), self.rng.random() < 0.5)
        else:
            self.app.archive_contact(self._user(), contact)

    def partner(self) -> None:
        """Register a channel partner, or archive one."""
        if self.partners and self.rng.random() < 0.5:
            self.app.archive_partner(self._user(), self.rng.choice(self.partners))
        else:
            self.partners.append(
                self.app.register_partner(self._user(), f"Partner {self.rng.randrange(1000)}", "union")
            )

    def absence(self) -> None:
        """Mark days away soon, with a stand-in or none (overlapping ones are refused), or cancel one."""
        user = self._user()
        first = self.clock.now().date() + timedelta(days=self.rng.randrange(0, 20))
        if self.rng.random() < 0.2:
            self.app.cancel_absence(user, first)
            return
        stand_in = self.rng.choice([None, *self.users])
        self.app.mark_absence(
            user,
            first,
            first + timedelta(days=self.rng.randrange(0, 10)),
            stand_in_id=stand_in if stand_in != user else None,
        )

    def pass_time(self) -> None:
        self.clock.advance(timedelta(hours=self.rng.choice([1, 3, 20, 48])))
