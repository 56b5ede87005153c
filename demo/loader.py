"""A demo municipality's first weeks, loaded only through the application's commands.

`load_demo(app, clock)` plays about twelve weeks, working day by working day, on a
SimulatedClock: the admin adds the team, recruiters register companies and ring
them again and again, consultants share leads, and some companies go all the way
from the first call to a signed, delivered and followed-up cooperation agreement.
Every choice is drawn from `random.Random(seed)`, so one seed gives one history.

All names, numbers and e-mail domains are made up (the domains end in the
reserved `.example`); only the unions and the company-sports federation are real.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from crm.application import CrmApplication
from crm.clock import SimulatedClock
from demo.leads import Leads
from demo.notes import AGREEMENT_FATES, OUTREACH_FATES
from demo.words import USERS


@dataclass(frozen=True)
class DemoSummary:
    """What was loaded; `users` lists (username, role, display_name) for the sign-in hints."""

    users: tuple[tuple[str, str, str], ...]
    partners: int
    companies: int
    contacts: int
    leads: int
    attempts: int
    agreements: int
    first_day: date | None
    last_day: date | None


def load_demo(
    app: CrmApplication, clock: SimulatedClock, seed: int = 2026, companies: int = 200, weeks: int = 12
) -> DemoSummary:
    """Load the demo into an empty application, moving `clock` forward from where the caller set it.

    The working days run up to the day before `weeks` have passed since the clock's start, and
    the clock is left on the last of them; follow-ups written for the next working day fall due
    on the day the weeks are up. An application that already has the demo team refuses the
    second load (AlreadyExists).
    """
    if companies < 20:
        raise ValueError("the demo needs at least 20 companies")
    if weeks < 1:
        raise ValueError("the demo needs at least one week")
    return _Demo(app, clock, random.Random(seed), companies, weeks).run()  # noqa: S311  # nosec B311  # a repeatable demo, no secret


class _Demo(Leads):
    """The whole demo: plan every company, then play the days."""

    def run(self) -> DemoSummary:
        self._team_and_partners()
        self._plan_companies()
        self._plan_leads()
        for i, day in enumerate(self.days):
            self.today = i
            self._morning(day)
            for _, _, step in sorted(self.agenda.get(i, ()), key=lambda s: s[:2]):
                step()
            self._queue_work(i)
            self._consultant_visit(i)
            if i == len(self.days) // 3:
                self._correct_an_attempt()
            if i == len(self.days) // 2:
                self._void_a_mistaken_attempt()
        return DemoSummary(
            users=tuple((u, role, name) for u, name, _, role in USERS),
            partners=len(self.partners),
            first_day=self.days[0] if self.days else None,
            last_day=self.days[-1] if self.days else None,
            **self.counts,
        )

    def _plan_companies(self) -> None:
        r, n = self.rng, self.n
        agreements = max(4, round(n * 0.075))
        counts = {
            "declined": max(2, round(n * 0.12)),
            "parked": max(1, round(n * 0.05)),
            "meeting": max(2, round(n * 0.10)),
            "reapproached": max(1, round(n * 0.01)),
            "untouched": max(2, round(n * 0.08)),
        }
        counts["cold"] = n - agreements - sum(counts.values())
        fates = [AGREEMENT_FATES[k] if k < len(AGREEMENT_FATES) else "signed" for k in range(agreements)]
        fates += [fate for fate in OUTREACH_FATES for _ in range(counts[fate])]
        r.shuffle(fates)
        for seq, fate in enumerate(fates):
            p = self._new_prospect(seq, fate)
            self.prospects.append(p)
            if fate in OUTREACH_FATES:
                self._plan_outreach(p)
            else:
                self._plan_agreement(p)
