"""Persistent contact in the demo: each recruiter works through the companies that are due."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from demo.companies import Companies
from demo.notes import CALL_NOTES, CONSULTANT_NOTES, MEETING_NOTES, OUTREACH_FATES, PARK_REASONS, WRITTEN_NOTES
from demo.schedule import Prospect
from demo.words import CONSULTANTS, RECRUITERS


class Outreach(Companies):
    def _contact(self, p: Prospect, *roles: str) -> tuple[UUID | None, str]:
        for role in roles:
            for contact_id, contact_role, first in p.contacts:
                if contact_role == role:
                    return contact_id, first
        return None, "kontaktpersonen"

    def _note(self, outcome: str, channel: str, first: str) -> str:
        written = WRITTEN_NOTES.get(outcome) if channel in ("email", "sms", "letter") else None
        text = self.rng.choice(written or CALL_NOTES[outcome]).format(first=first)
        return text[0].upper() + text[1:]

    def _log(
        self,
        p: Prospect,
        channel: str,
        outcome: str,
        note: str,
        follow_up: int | None,
        contact_id: UUID | None,
        approach_again_after: date | None = None,
    ) -> None:
        arena, strategy, partner = p.arena if p.attempts == 0 else (None, None, None)
        p.last_attempt = self.app.log_attempt(
            self.ids[p.owner],
            p.id,
            channel,
            outcome,
            note=note,
            next_follow_up=self._date(follow_up) if follow_up is not None else None,
            contact_id=contact_id,
            lead_id=p.lead_id,
            source_partner_id=partner,
            arena=arena,
            strategy=strategy,
            approach_again_after=approach_again_after,
        )
        p.attempts += 1
        self.counts["attempts"] += 1
        if outcome == "declined":
            p.stage = "declined"
        elif outcome == "meeting_booked" and p.stage in ("identified", "contacted"):
            p.stage = "meeting"
        elif p.stage == "identified":
            p.stage = "contacted"
        self._tick()

    def _queue_work(self, i: int) -> None:
        for recruiter in RECRUITERS:
            due = [
                p
                for p in self.prospects
                if p.owner == recruiter and p.id and p.fate in OUTREACH_FATES and p.due is not None and p.due <= i
            ]
            due.sort(key=lambda p: (p.due, p.seq))
            capacity = self.rng.randint(5, 9) - (2 if self.days[i].weekday() == 4 else 0)
            for p in due[:capacity]:
                self._outreach(p, i)

    def _outreach(self, p: Prospect, i: int) -> None:
        r, actor = self.rng, self.ids[p.owner]
        if p.stage == "declined":  # its approach-again date has come: a second round
            self.app.reapproach_company(actor, p.id)
            self._tick()
            p.stage, p.fate, p.attempts, p.decisive, p.lead_id = "identified", "meeting", 0, r.randint(1, 2), None
        if p.meeting_pending:
            p.meeting_pending = False
            contact_id, _ = self._contact(p, "top_management", "manager", "hr")
            note = r.choice(MEETING_NOTES).format(pct=r.randint(5, 11))
            p.due = i + r.randint(5, 10)
            self._log(p, "visit", "interested", note, p.due, contact_id)
            if r.random() < 0.5:
                note = f"Efter mødet: ca. {r.randrange(50, 85, 5)} % kortuddannede, mange 40-60-årige på skiftehold"
                self.app.change_company_details(actor, p.id, target_group_note=note)
                self._tick()
            return
        if p.attempts + 1 == p.decisive:
            outcome = {
                "declined": "declined",
                "reapproached": "declined",
                "parked": "not_now",
                "meeting": "meeting_booked",
            }[p.fate]
        elif p.stage == "meeting":
            outcome = r.choices(("call_back", "interested", "not_now", "no_answer"), (45, 30, 15, 10))[0]
        else:
            outcome = r.choices(
                ("no_answer", "call_back", "not_now", "interested"),
                (55, 30, 5, 10) if p.attempts == 0 else (40, 35, 15, 10),
            )[0]
        channel = r.choices(("call", "email", "sms", "visit", "letter"), (72, 18, 6, 3, 1))[0]
        if outcome in ("meeting_booked", "declined") and channel in ("sms", "letter"):
            channel = "call"
        if outcome == "meeting_booked":
            contact_id, first = self._contact(p, "top_management", "manager", "hr")
        elif r.random() < 0.75:
            contact_id, _, first = r.choice(p.contacts)
        else:
            contact_id, first = None, "kontaktpersonen"
        today = self.days[i]
        approach, written = None, None
        if outcome == "declined":
            p.due = None
            if p.fate == "reapproached":
                approach = today + timedelta(days=r.randint(20, 30))
                p.due = self._index_on_or_after(approach + timedelta(days=r.randint(0, 2)))
            elif r.random() < 0.7:
                approach = today + timedelta(days=r.randint(90, 180))
        elif p.fate == "parked" and p.attempts + 1 == p.decisive:
            p.due = None
        else:
            gaps = {
                "no_answer": (1, 4),
                "call_back": (2, 7),
                "not_now": (15, 40),
                "interested": (2, 5),
                "meeting_booked": (3, 7),
            }
            p.due = written = i + r.randint(*gaps[outcome])
            if outcome != "meeting_booked" and r.random() < 0.12:  # the next step was never written down
                p.due, written = i + r.randint(6, 15), None
            p.meeting_pending = outcome == "meeting_booked"
        self._log(p, channel, outcome, self._note(outcome, channel, first), written, contact_id, approach)
        if p.fate == "parked" and p.due is None:
            harvest = "Høstsæson; vend tilbage, når markarbejdet er overstået"
            reason = harvest if p.industry == "agriculture" else r.choice(PARK_REASONS)
            again = today + timedelta(days=r.randint(60, 150))
            self.app.park_company(actor, p.id, approach_again_after=again, reason=reason)
            p.stage = "parked"
            self._tick()

    def _in_contact(self) -> list[Prospect]:
        return [p for p in self.prospects if p.fate in OUTREACH_FATES and p.stage in ("contacted", "meeting")]

    def _consultant_visit(self, i: int) -> None:
        """One municipality, one voice: a consultant's own visit is logged on the same company."""
        candidates = self._in_contact()
        if not candidates or self.rng.random() > 0.2:
            return
        p, consultant = self.rng.choice(candidates), self.rng.choice(CONSULTANTS)
        self.app.log_attempt(self.ids[consultant], p.id, "visit", "interested", note=self.rng.choice(CONSULTANT_NOTES))
        self.counts["attempts"] += 1
        self._tick()

    def _correct_an_attempt(self) -> None:
        candidates = [p for p in self._in_contact() if p.last_attempt]
        if candidates:
            p = self.rng.choice(candidates)
            self.app.correct_attempt(
                self.ids[p.owner],
                p.last_attempt,
                note="Talte med HR, ikke direktøren; ring igen i næste uge",
                reason="Noten nævnte den forkerte kontaktperson",
            )
            self._tick()

    def _void_a_mistaken_attempt(self) -> None:
        candidates = self._in_contact()
        if candidates:
            p = self.rng.choice(candidates)
            actor = self.ids[p.owner]
            attempt_id = self.app.log_attempt(actor, p.id, "call", "call_back", note="Ring til direktøren fredag")
            self._tick()
            self.app.void_attempt(actor, attempt_id, reason="Registreret på den forkerte virksomhed")
            self.counts["attempts"] += 1
            self._tick()
