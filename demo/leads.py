"""Consultants' leads in the demo, and what the recruiters do with them."""

from __future__ import annotations

from functools import partial
from uuid import UUID

from demo.agreements import Agreements
from demo.notes import LEAD_DECLINES, LEAD_REASONS
from demo.schedule import Prospect
from demo.words import CONSULTANTS


class Leads(Agreements):
    def _plan_leads(self) -> None:
        r, last = self.rng, len(self.days) - 1
        n = max(3, round(self.n * 0.15))
        n_declined, n_open = max(1, round(n * 0.13)), max(1, round(n * 0.2))
        n_claimed = n - n_declined - n_open
        signed = [p for p in self.prospects if p.fate in ("signed", "completed")]
        for p in signed[: max(1, n_claimed // 6)]:
            self._at(p.intro, 1, partial(self._share_lead, p, None))
            n_claimed -= 1
        pool = [p for p in self.prospects if p.fate in ("cold", "meeting", "declined", "parked") and p.start >= 2]
        untouched = [p for p in self.prospects if p.fate == "untouched"]
        r.shuffle(pool)
        for p in pool[:n_claimed]:
            lead_day = max(0, p.start - r.randint(1, 3))
            if r.random() < 0.4:  # the consultant knew the company before the recruiters did
                p.registered_by, p.intro = r.choice(CONSULTANTS), lead_day
            p.intro = min(p.intro, lead_day)
            self._reschedule_registration(p)
            explicit = p.registered_by in CONSULTANTS or r.random() < 0.5
            self._at(lead_day, 1, partial(self._share_lead, p, r.randint(lead_day, p.start) if explicit else None))
        for p in pool[n_claimed : n_claimed + n_declined]:
            lead_day = r.randint(p.intro, max(p.intro, last - 3))
            self._at(lead_day, 1, partial(self._share_lead, p, None, r.randint(lead_day + 1, lead_day + 3)))
        for p in untouched[:n_open]:
            p.intro = r.randint(max(0, last - 25), last)
            p.registered_by = r.choice(CONSULTANTS)
            self._reschedule_registration(p)
            self._at(p.intro, 1, partial(self._share_lead, p, None))

    def _reschedule_registration(self, p: Prospect) -> None:
        for index, steps in self.agenda.items():
            self.agenda[index] = [s for s in steps if not (s[2].func == self._register and s[2].args == (p,))]
        self._at(p.intro, 0, partial(self._register, p))

    def _share_lead(self, p: Prospect, claim_day: int | None, decline_day: int | None = None) -> None:
        r = self.rng
        consultant = p.registered_by if p.registered_by in CONSULTANTS else r.choice(CONSULTANTS)
        hr = [c for c, role, _ in p.contacts if role == "hr"]
        lead_id = self.app.share_lead(
            self.ids[consultant],
            p.id,
            r.choice(LEAD_REASONS[consultant]),
            suggested_contact_id=hr[0] if hr and r.random() < 0.6 else None,
            suggested_role=r.choice(("hr", "hr", "top_management", "manager")),
            urgency=r.choices(("normal", "high", "low"), (60, 25, 15))[0],
            arena="municipal_actor",
            strategy="targeted",
        )
        self.counts["leads"] += 1
        self._tick()
        if decline_day is not None:
            self._at(decline_day, 1, partial(self._decline_lead, p, lead_id))
            return
        if p.start is not None:  # the recruiter's attempts cite the lead; the first one claims it if nobody has
            p.lead_id = lead_id
        if claim_day == self.today:
            self._claim_lead(p)
        elif claim_day is not None:
            self._at(claim_day, 1, partial(self._claim_lead, p))

    def _claim_lead(self, p: Prospect) -> None:
        self.app.claim_lead(self.ids[p.owner], p.lead_id)
        self.app.assign_company_owner(self.ids[p.owner], p.id, self.ids[p.owner])
        self._tick()

    def _decline_lead(self, p: Prospect, lead_id: UUID) -> None:
        self.app.decline_lead(self.ids[p.owner], lead_id, reason=self.rng.choice(LEAD_DECLINES))
        self._tick()
