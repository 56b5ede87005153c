"""The demo's working days and its agenda of steps, and what it plans for each company (a Prospect)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
from uuid import UUID

from crm.application import CrmApplication
from crm.clock import COPENHAGEN, SimulatedClock, local_date


@dataclass
class Prospect:
    """One company's plan in the demo, and what the demo knows of it as the weeks pass."""

    seq: int
    fate: str
    name: str
    industry: str
    sector: str
    size_band: str
    owner: str
    registered_by: str = ""
    intro: int = 0
    start: int | None = None
    id: UUID | None = None
    contacts: list[tuple[UUID, str, str]] = field(default_factory=list)  # id, role, first name
    stage: str = "identified"
    due: int | None = None
    attempts: int = 0
    decisive: int = 0
    meeting_pending: bool = False
    lead_id: UUID | None = None
    last_attempt: UUID | None = None
    agreement_id: UUID | None = None
    requirements: list[str] = field(default_factory=list)
    confirmed: list[str] = field(default_factory=list)
    commitments: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    planned: tuple[int, int] = (0, 0)
    arena: tuple[str | None, str | None, UUID | None] = (None, None, None)  # arena, strategy, source partner


class Schedule:
    """The days the demo plays, the steps planned on each, and the clock that moves through them."""

    def __init__(self, app: CrmApplication, clock: SimulatedClock, rng: random.Random, companies: int, weeks: int):
        self.app, self.clock, self.rng, self.n = app, clock, rng, companies
        start = clock.now()
        last = local_date(start + timedelta(weeks=weeks))
        first = local_date(start)
        self.days = [first + timedelta(d) for d in range((last - first).days) if (first + timedelta(d)).weekday() < 5]
        self.ids: dict[str, UUID] = {}
        self.partners: dict[str, UUID] = {}
        self.prospects: list[Prospect] = []
        self.agenda: dict[int, list[tuple[int, int, partial[None]]]] = {}
        self.counts = dict.fromkeys(("companies", "contacts", "leads", "attempts", "agreements"), 0)
        self.used_names: set[str] = set()
        self.used_cvrs: set[str] = set()
        self.today = -1
        self.abandoner: Prospect | None = None
        self.withdrawer: Prospect | None = None

    def _morning(self, day: date) -> None:
        moment = datetime.combine(day, time(8, 0), COPENHAGEN) + timedelta(minutes=self.rng.randint(0, 40))
        if moment > self.clock.now():
            self.clock.advance(moment - self.clock.now())

    def _tick(self) -> None:
        late = self.clock.now().astimezone(COPENHAGEN).hour >= 16
        pause = timedelta(seconds=self.rng.randint(20, 60)) if late else timedelta(minutes=self.rng.randint(3, 16))
        self.clock.advance(pause)

    def _date(self, index: int) -> date:
        """The working day with this index, counting on past the demo's last day."""
        if index < len(self.days):
            return self.days[index]
        day = self.days[-1]
        for _ in range(index - len(self.days) + 1):
            day += timedelta(days=3 if day.weekday() == 4 else 1)
        return day

    def _index_on_or_after(self, day: date) -> int | None:
        return next((i for i, d in enumerate(self.days) if d >= day), None)

    def _at(self, index: int, phase: int, step: partial[None]) -> None:
        if 0 <= index < len(self.days):
            steps = self.agenda.setdefault(index, [])
            steps.append((phase, len(steps), step))
