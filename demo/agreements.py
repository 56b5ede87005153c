"""The way to a cooperation agreement in the demo, scripted in working days from the first call."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from crm.vocabulary import STANDARD_REQUIREMENTS
from demo.notes import COMMITMENTS, EXTRA_REQUIREMENTS, FOCUS_POINTS, FOLLOW_UP_NOTES, MEETING_NOTES
from demo.outreach import Outreach
from demo.schedule import Prospect
from demo.words import HEALTH, LEAD


class Agreements(Outreach):
    def _plan_agreement(self, p: Prospect) -> None:
        r, fast = self.rng, p.fate == "completed"

        def gap(lo: int, hi: int) -> int:
            return r.randint(lo, (lo + hi) // 2 if fast else hi)

        steps: list[tuple[int, partial[None]]] = [(0, partial(self._script_call, p, "no_answer"))]
        t = gap(1, 3)
        steps.append((t, partial(self._script_call, p, "call_back")))
        t += gap(1, 3)
        meeting = t + gap(3, 6)
        steps.append((t, partial(self._script_call, p, "meeting_booked", meeting)))
        t = meeting
        steps.append((t, partial(self._hold_meeting, p)))
        confirmations = 4
        if r.random() < 0.5:
            t += 1
            steps.append((t, partial(self._add_requirement, p)))
            confirmations += 1
        withdraw = p.fate == "negotiating" and self.withdrawer is None
        if p.fate == "negotiating":
            confirmations = 3 if withdraw else r.randint(1, 2)
            self.withdrawer = self.withdrawer or p
        for k in range(confirmations):
            t += gap(1, 3) if k % 2 == 0 else 0
            steps.append((t, partial(self._confirm_next, p)))
        if p.fate in ("negotiating", "ready"):
            if withdraw:
                t += gap(1, 3)
                steps.append((t, partial(self._withdraw, p)))
            t += gap(1, 3)
            steps.append((t, partial(self._script_call, p, "call_back" if p.fate == "negotiating" else "interested")))
            self._schedule_script(p, steps, late=True)
            return
        abandon = p.fate == "completed" and self.abandoner is None
        self.abandoner = self.abandoner or (p if abandon else None)
        promised = r.randint(1, 2) + abandon
        t += gap(2, 4)
        steps.append((t, partial(self._sign, p, promised)))
        sign_day = t
        deliveries = 1 if p.fate == "terminated" else 3 if p.size_band in ("50-249", "250+") else 2
        for _ in range(deliveries):
            t += gap(3, 6)
            steps.append((t, partial(self._deliver, p, deliveries)))
        if p.fate == "terminated":
            steps.append((t + gap(4, 8), partial(self._terminate, p)))
            self._schedule_script(p, steps, milestone=steps[-1][0])
            return
        t += gap(3, 6)
        extra = r.random() < 0.5
        steps.append((t, partial(self._feedback, p, extra)))
        for k in range(promised + extra):
            if k == 0 and abandon:
                steps.append((t + gap(3, 8), partial(self._abandon, p, k)))
            elif (abandon and k == 1) or r.random() < 0.6:
                steps.append((t + gap(2, 15), partial(self._fulfil, p, k)))
        t += gap(19, 22)
        steps.append((t, partial(self._follow_up, p)))
        if p.fate == "completed":
            steps.append((t + gap(1, 2), partial(self._complete, p)))
        self._schedule_script(p, steps, milestone=max(s[0] for s in steps) if fast else sign_day + 1)

    def _schedule_script(
        self,
        p: Prospect,
        steps: list[tuple[int, partial[None]]],
        milestone: int | None = None,
        late: bool = False,
    ) -> None:
        """Start the script on a day that still lets it reach its milestone (its last step, unless one is named)."""
        latest = max(0, len(self.days) - 1 - (milestone if milestone is not None else max(s[0] for s in steps)))
        p.start = self.rng.randint(latest // 2 if late else 0, latest)
        p.intro = max(0, p.start - self.rng.randint(0, 2))
        p.registered_by = p.owner
        self._at(p.intro, 0, partial(self._register, p))
        for offset, step in sorted(steps, key=lambda s: s[0]):
            self._at(p.start + offset, 2, step)

    def _script_call(self, p: Prospect, outcome: str, follow_up: int | None = None) -> None:
        contact_id, first = self._contact(p, "top_management")
        channel = "email" if outcome == "call_back" and self.rng.random() < 0.3 else "call"
        if outcome == "interested":
            note = "Aftalen er klar til underskrift; projektlederen sender den til direktøren"
        elif outcome == "call_back" and p.agreement_id:
            note = "Venter på svar fra bestyrelsen om lokaler og tid til samtalerne"
        else:
            note = self._note(outcome, channel, first)
        due = p.start + follow_up if follow_up is not None else self.today + self.rng.randint(2, 6)
        self._log(p, channel, outcome, note, due, contact_id if outcome != "no_answer" else None)

    def _hold_meeting(self, p: Prospect) -> None:
        contact_id, _ = self._contact(p, "top_management")
        note = self.rng.choice(MEETING_NOTES).format(pct=self.rng.randint(5, 11))
        self._log(p, "visit", "interested", note, self.today + self.rng.randint(2, 5), contact_id)
        p.agreement_id = self.app.open_agreement(self.ids[p.owner], p.id)
        p.requirements = list(STANDARD_REQUIREMENTS)
        self.counts["agreements"] += 1
        self._tick()

    def _add_requirement(self, p: Prospect) -> None:
        label = self.rng.choice(EXTRA_REQUIREMENTS)
        p.requirements.append(self.app.add_requirement(self.ids[LEAD], p.agreement_id, label))
        self._tick()

    def _confirm_next(self, p: Prospect) -> None:
        key = next(k for k in p.requirements if k not in p.confirmed)
        roles = {
            "top_management_sponsor": ("top_management",),
            "conversations_in_working_hours": ("top_management",),
            "rooms_on_site": ("hr", "top_management"),
            "company_coordinator": ("hr",),
        }
        contact_id, _ = self._contact(p, *roles.get(key, ("union_representative", "hr")))
        actor = self.ids[self.rng.choice((p.owner, LEAD))]
        self.app.confirm_requirement(actor, p.agreement_id, key, contact_id=contact_id)
        p.confirmed.append(key)
        self._tick()

    def _withdraw(self, p: Prospect) -> None:
        key = p.confirmed.pop()
        self.app.withdraw_requirement(
            self.ids[p.owner], p.agreement_id, key, reason="Direktøren trak tilsagnet tilbage efter budgetmødet"
        )
        self._tick()

    def _sign(self, p: Prospect, promised: int) -> None:
        r = self.rng
        self.app.sign_agreement(self.ids[LEAD], p.agreement_id)
        self._tick()
        checks, talks = {
            "10-49": ((25, 45), (15, 30)),
            "50-249": ((80, 200), (40, 90)),
            "250+": ((250, 400), (100, 160)),
        }[p.size_band]
        planned_checks = r.randint(*checks)
        p.planned = (planned_checks, min(planned_checks, r.randint(*talks)))
        self.app.plan_services(self.ids[HEALTH], p.agreement_id, *p.planned)
        self._tick()
        for kind in r.sample(list(COMMITMENTS), promised):
            self._commit(p, kind)

    def _commit(self, p: Prospect, kind: str) -> None:
        owner, _ = self._contact(p, *self.rng.sample(["hr", "work_environment_representative", "top_management"], 3))
        due_on = self._date(self.today) + timedelta(days=self.rng.randint(30, 120))
        p.kinds.append(kind)
        p.commitments.append(
            self.app.add_commitment(
                self.ids[HEALTH], p.agreement_id, kind, COMMITMENTS[kind], owner_contact_id=owner, due_on=due_on
            )
        )
        self._tick()

    def _deliver(self, p: Prospect, deliveries: int) -> None:
        r = self.rng
        planned_checks, planned_talks = p.planned
        checks = max(1, round(planned_checks / deliveries * r.uniform(0.7, 1.05)))
        talks = round(planned_talks / deliveries * r.uniform(0.6, 1.0))
        self.app.record_delivery(
            self.ids[HEALTH],
            p.agreement_id,
            health_checks=checks,
            conversations=talks,
            referrals=round(talks * r.uniform(0.1, 0.3)),
        )
        self._tick()

    def _feedback(self, p: Prospect, extra_commitment: bool) -> None:
        self.app.deliver_feedback(self.ids[HEALTH], p.agreement_id, focus_points=self.rng.choice(FOCUS_POINTS))
        self._tick()
        if extra_commitment:
            self._commit(p, self.rng.choice([k for k in COMMITMENTS if k not in p.kinds] or list(COMMITMENTS)))

    def _fulfil(self, p: Prospect, k: int) -> None:
        if k < len(p.commitments):
            self.app.fulfil_commitment(self.ids[p.owner], p.agreement_id, p.commitments[k])
            self._tick()

    def _abandon(self, p: Prospect, k: int) -> None:
        reason = "Kantinen er lagt ud til en ekstern leverandør; ordningen kunne ikke fortsætte"
        self.app.abandon_commitment(self.ids[LEAD], p.agreement_id, p.commitments[k], reason=reason)
        self._tick()

    def _follow_up(self, p: Prospect) -> None:
        self.app.hold_follow_up(self.ids[HEALTH], p.agreement_id, note=self.rng.choice(FOLLOW_UP_NOTES))
        self._tick()

    def _complete(self, p: Prospect) -> None:
        self.app.complete_agreement(self.ids[LEAD], p.agreement_id)
        self._tick()

    def _terminate(self, p: Prospect) -> None:
        self.app.terminate_agreement(
            self.ids[LEAD],
            p.agreement_id,
            reason="Virksomheden er solgt, og den nye ledelse vil ikke prioritere samtalerne",
        )
        self._tick()
