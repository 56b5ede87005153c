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
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
from uuid import UUID

from crm.application import CrmApplication
from crm.clock import COPENHAGEN, SimulatedClock, local_date
from crm.permissions import SYSTEM_ACTOR_ID
from crm.validation import CVR_WEIGHTS
from crm.vocabulary import STANDARD_REQUIREMENTS
from demo.words import (
    AGREEMENT_FATES,
    ASCII,
    CALL_NOTES,
    COMMITMENTS,
    CONSULTANT_NOTES,
    CONSULTANTS,
    EXTRA_REQUIREMENTS,
    FEMALE,
    FOCUS_POINTS,
    FOLLOW_UP_NOTES,
    HEALTH,
    INDUSTRY_WEIGHTS,
    LEAD,
    LEAD_DECLINES,
    LEAD_REASONS,
    MALE,
    MEETING_NOTES,
    NAMES,
    OUTREACH_FATES,
    PARK_REASONS,
    PARTNERS,
    PHONE_PREFIXES,
    PLACES,
    PUBLIC_SHARE,
    RECRUITERS,
    STREETS,
    SURNAMES,
    TARGET_NOTES,
    TOWNS,
    UNION_FOR,
    USERS,
    WRITTEN_NOTES,
)


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


@dataclass
class _Prospect:
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


class _Demo:
    def __init__(self, app: CrmApplication, clock: SimulatedClock, rng: random.Random, companies: int, weeks: int):
        self.app, self.clock, self.rng, self.n = app, clock, rng, companies
        start = clock.now()
        last = local_date(start + timedelta(weeks=weeks))
        first = local_date(start)
        self.days = [first + timedelta(d) for d in range((last - first).days) if (first + timedelta(d)).weekday() < 5]
        self.ids: dict[str, UUID] = {}
        self.partners: dict[str, UUID] = {}
        self.prospects: list[_Prospect] = []
        self.agenda: dict[int, list[tuple[int, int, Callable[[], None]]]] = {}
        self.counts = dict.fromkeys(("companies", "contacts", "leads", "attempts", "agreements"), 0)
        self.used_names: set[str] = set()
        self.used_cvrs: set[str] = set()
        self.today = -1
        self.abandoner: _Prospect | None = None
        self.withdrawer: _Prospect | None = None

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

    # --- time ----------------------------------------------------------------
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

    def _at(self, index: int, phase: int, step: Callable[[], None]) -> None:
        if 0 <= index < len(self.days):
            steps = self.agenda.setdefault(index, [])
            steps.append((phase, len(steps), step))

    # --- the team, the partners and the companies ---------------------------------
    def _team_and_partners(self) -> None:
        username, name, department, role = USERS[0]
        admin = self.app.register_user(SYSTEM_ACTOR_ID, username, name, department, role, reason="Demodata")
        self.ids[username] = admin
        for username, name, department, role in USERS[1:]:
            self.ids[username] = self.app.register_user(admin, username, name, department, role)
            self._tick()
        for name, kind, note in PARTNERS:
            self.partners[name] = self.app.register_partner(self.ids[LEAD], name, kind, note)
            self._tick()

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

    def _new_prospect(self, seq: int, fate: str) -> _Prospect:
        r = self.rng
        industry = r.choices(list(INDUSTRY_WEIGHTS), list(INDUSTRY_WEIGHTS.values()))[0]
        sector = "public" if r.random() < PUBLIC_SHARE.get(industry, 0) else "private"
        size = r.choices(("1-9", "10-49", "50-249", "250+"), (15, 45, 30, 10))[0]
        if fate not in OUTREACH_FATES and size == "1-9":
            size = "10-49"
        name = self._unique_name(industry, sector)
        return _Prospect(seq, fate, name, industry, sector, size, owner=r.choice(RECRUITERS))

    def _unique_name(self, industry: str, sector: str) -> str:
        templates = NAMES[(industry, sector)]
        for _ in range(50):
            name = self.rng.choice(templates).format(place=self.rng.choice(PLACES), surname=self.rng.choice(SURNAMES))
            if name not in self.used_names:
                break
        else:
            name = f"{name} {len(self.used_names)}"
        self.used_names.add(name)
        return name

    def _plan_outreach(self, p: _Prospect) -> None:
        r, last = self.rng, len(self.days) - 1
        p.registered_by = p.owner
        if p.fate == "untouched":
            p.intro = r.randint(0, last)
        else:
            latest = max(0, last - {"meeting": 15, "declined": 8, "parked": 8, "reapproached": 35}.get(p.fate, 3))
            p.start = r.randint(0, min(4, latest)) if r.random() < 0.4 else r.randint(0, latest)
            p.intro = max(0, p.start - r.randint(0, 3))
            p.decisive = {
                "declined": r.randint(1, 4),
                "parked": r.randint(1, 3),
                "meeting": r.randint(2, 5),
                "reapproached": r.randint(1, 2),
            }.get(p.fate, 0)
        self._at(p.intro, 0, partial(self._register, p))

    def _register(self, p: _Prospect) -> None:
        r, actor = self.rng, self.ids[p.registered_by]
        arena, strategy, partner = self._arena(p)
        p.arena = (arena, strategy, self.partners.get(partner))
        street, (postcode, town) = r.choice(STREETS), r.choice(TOWNS)
        public = p.sector == "public"
        p.id = self.app.register_company(
            actor,
            p.name,
            p.industry,
            sector=p.sector,
            cvr=None if public or r.random() < 0.4 else self._cvr(),
            size_band=p.size_band,
            address=f"{street} {r.randint(1, 120)}, {postcode} {town}",
            target_group_note=r.choice(TARGET_NOTES).format(pct=r.randrange(40, 90, 5), age=r.randint(42, 52)),
            owner_id=None if p.registered_by in CONSULTANTS else self.ids[p.owner],
            arena=arena,
            strategy=strategy,
            source_partner_id=self.partners.get(partner),
        )
        self.counts["companies"] += 1
        self._tick()
        if p.fate in OUTREACH_FATES:
            roles = [r.choices(("top_management", "manager", "hr"), (40, 30, 30))[0]]
            others = [
                x for x in ("hr", "manager", "union_representative", "work_environment_representative") if x != roles[0]
            ]
            roles += r.sample(others, r.choices((0, 1, 2), (30, 45, 25))[0])
        else:
            roles = ["top_management", "hr"]
            roles += r.sample(["union_representative", "work_environment_representative"], r.randint(0, 1))
        for role in roles:
            self._register_contact(p, actor, role)
        if r.random() < 0.15:
            place = r.choice(PLACES)
            self.app.add_workplace(
                actor,
                p.id,
                f"{p.name}, afdeling {place}",
                str(r.randint(10**9, 10**10 - 1)),
                f"{r.choice(STREETS)} {r.randint(1, 80)}, {' '.join(r.choice(TOWNS))}",
            )
            self._tick()
        if p.start is not None and p.fate in OUTREACH_FATES:
            p.due = p.start

    def _arena(self, p: _Prospect) -> tuple[str, str, str | None]:
        r = self.rng
        strategy = r.choices(("targeted", "bounded", "open"), (65, 25, 10))[0]
        if p.sector == "public":
            bupl = p.name.startswith("Børnehuset") and r.random() < 0.5
            return "workplace_public", strategy, "BUPL" if bupl else None
        arena = r.choices(
            (
                "workplace_private",
                "union",
                "municipal_actor",
                "business_network",
                "event",
                "housing_association",
                "online",
            ),
            (45, 15, 15, 10, 6, 4, 5),
        )[0]
        partner = {
            "union": UNION_FOR.get(p.industry),
            "business_network": "Erhvervsklubben Midt",
            "event": "Dansk Firmaidrætsforbund",
            "housing_association": "Boligforeningen Vestervang",
        }.get(arena)
        if arena == "union" and partner is None:
            arena = "workplace_private"
        return arena, strategy, partner

    def _register_contact(self, p: _Prospect, actor: UUID, role: str) -> None:
        r = self.rng
        first, surname = r.choice(r.choice((FEMALE, MALE))), r.choice(SURNAMES)
        slug = re.sub(r"\b(aps|a/s|i/s)\b", "", p.name.lower()).translate(ASCII)
        local = f"{first}.{surname[0]}".lower().translate(ASCII)
        digits = r.choice(PHONE_PREFIXES) + f"{r.randint(0, 999999):06d}"
        contact_id = self.app.register_contact(
            actor,
            p.id,
            f"{first} {surname}",
            role,
            phone=" ".join(digits[k : k + 2] for k in range(0, 8, 2)),
            email=f"{local}@{re.sub(r'[^a-z0-9]+', '-', slug).strip('-')}.example",
            is_decision_maker=role == "top_management",
        )
        p.contacts.append((contact_id, role, first))
        self.counts["contacts"] += 1
        self._tick()

    def _cvr(self) -> str:
        while True:
            digits = [self.rng.randint(1, 9)] + [self.rng.randint(0, 9) for _ in range(6)]
            check = -sum(d * w for d, w in zip(digits, CVR_WEIGHTS, strict=False)) % 11
            cvr = "".join(map(str, digits)) + str(check)
            if check < 10 and cvr not in self.used_cvrs:
                self.used_cvrs.add(cvr)
                return cvr

    # --- leads ------------------------------------------------------------------------
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

    def _reschedule_registration(self, p: _Prospect) -> None:
        for index, steps in self.agenda.items():
            self.agenda[index] = [s for s in steps if not (s[2].func == self._register and s[2].args == (p,))]
        self._at(p.intro, 0, partial(self._register, p))

    def _share_lead(self, p: _Prospect, claim_day: int | None, decline_day: int | None = None) -> None:
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

    def _claim_lead(self, p: _Prospect) -> None:
        self.app.claim_lead(self.ids[p.owner], p.lead_id)
        self.app.assign_company_owner(self.ids[p.owner], p.id, self.ids[p.owner])
        self._tick()

    def _decline_lead(self, p: _Prospect, lead_id: UUID) -> None:
        self.app.decline_lead(self.ids[p.owner], lead_id, reason=self.rng.choice(LEAD_DECLINES))
        self._tick()

    # --- the way to a cooperation agreement, scripted in working days from the first call ---
    def _plan_agreement(self, p: _Prospect) -> None:
        r, fast = self.rng, p.fate == "completed"

        def gap(lo: int, hi: int) -> int:
            return r.randint(lo, (lo + hi) // 2 if fast else hi)

        steps: list[tuple[int, Callable[[], None]]] = [(0, partial(self._script_call, p, "no_answer"))]
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
        p: _Prospect,
        steps: list[tuple[int, Callable[[], None]]],
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

    def _contact(self, p: _Prospect, *roles: str) -> tuple[UUID | None, str]:
        for role in roles:
            for contact_id, contact_role, first in p.contacts:
                if contact_role == role:
                    return contact_id, first
        return None, "kontaktpersonen"

    def _script_call(self, p: _Prospect, outcome: str, follow_up: int | None = None) -> None:
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

    def _hold_meeting(self, p: _Prospect) -> None:
        contact_id, _ = self._contact(p, "top_management")
        note = self.rng.choice(MEETING_NOTES).format(pct=self.rng.randint(5, 11))
        self._log(p, "visit", "interested", note, self.today + self.rng.randint(2, 5), contact_id)
        p.agreement_id = self.app.open_agreement(self.ids[p.owner], p.id)
        p.requirements = list(STANDARD_REQUIREMENTS)
        self.counts["agreements"] += 1
        self._tick()

    def _add_requirement(self, p: _Prospect) -> None:
        label = self.rng.choice(EXTRA_REQUIREMENTS)
        p.requirements.append(self.app.add_requirement(self.ids[LEAD], p.agreement_id, label))
        self._tick()

    def _confirm_next(self, p: _Prospect) -> None:
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

    def _withdraw(self, p: _Prospect) -> None:
        key = p.confirmed.pop()
        self.app.withdraw_requirement(
            self.ids[p.owner], p.agreement_id, key, reason="Direktøren trak tilsagnet tilbage efter budgetmødet"
        )
        self._tick()

    def _sign(self, p: _Prospect, promised: int) -> None:
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

    def _commit(self, p: _Prospect, kind: str) -> None:
        owner, _ = self._contact(p, *self.rng.sample(["hr", "work_environment_representative", "top_management"], 3))
        due_on = self._date(self.today) + timedelta(days=self.rng.randint(30, 120))
        p.kinds.append(kind)
        p.commitments.append(
            self.app.add_commitment(
                self.ids[HEALTH], p.agreement_id, kind, COMMITMENTS[kind], owner_contact_id=owner, due_on=due_on
            )
        )
        self._tick()

    def _deliver(self, p: _Prospect, deliveries: int) -> None:
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

    def _feedback(self, p: _Prospect, extra_commitment: bool) -> None:
        self.app.deliver_feedback(self.ids[HEALTH], p.agreement_id, focus_points=self.rng.choice(FOCUS_POINTS))
        self._tick()
        if extra_commitment:
            self._commit(p, self.rng.choice([k for k in COMMITMENTS if k not in p.kinds] or list(COMMITMENTS)))

    def _fulfil(self, p: _Prospect, k: int) -> None:
        if k < len(p.commitments):
            self.app.fulfil_commitment(self.ids[p.owner], p.agreement_id, p.commitments[k])
            self._tick()

    def _abandon(self, p: _Prospect, k: int) -> None:
        reason = "Kantinen er lagt ud til en ekstern leverandør; ordningen kunne ikke fortsætte"
        self.app.abandon_commitment(self.ids[LEAD], p.agreement_id, p.commitments[k], reason=reason)
        self._tick()

    def _follow_up(self, p: _Prospect) -> None:
        self.app.hold_follow_up(self.ids[HEALTH], p.agreement_id, note=self.rng.choice(FOLLOW_UP_NOTES))
        self._tick()

    def _complete(self, p: _Prospect) -> None:
        self.app.complete_agreement(self.ids[LEAD], p.agreement_id)
        self._tick()

    def _terminate(self, p: _Prospect) -> None:
        self.app.terminate_agreement(
            self.ids[LEAD],
            p.agreement_id,
            reason="Virksomheden er solgt, og den nye ledelse vil ikke prioritere samtalerne",
        )
        self._tick()

    # --- persistent contact: each recruiter works through the companies that are due ------
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

    def _outreach(self, p: _Prospect, i: int) -> None:
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

    def _note(self, outcome: str, channel: str, first: str) -> str:
        written = WRITTEN_NOTES.get(outcome) if channel in ("email", "sms", "letter") else None
        text = self.rng.choice(written or CALL_NOTES[outcome]).format(first=first)
        return text[0].upper() + text[1:]

    def _log(
        self,
        p: _Prospect,
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

    # --- the rest of a working day --------------------------------------------------
    def _in_contact(self) -> list[_Prospect]:
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
