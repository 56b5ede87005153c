"""The demo's team, channel partners and companies with their contacts, registered through the commands."""

from __future__ import annotations

import re
from functools import partial
from uuid import UUID

from crm.permissions import SYSTEM_ACTOR_ID
from crm.validation import CVR_WEIGHTS
from demo.notes import OUTREACH_FATES, TARGET_NOTES
from demo.schedule import Prospect, Schedule
from demo.words import (
    ASCII,
    CONSULTANTS,
    FEMALE,
    INDUSTRY_WEIGHTS,
    LEAD,
    MALE,
    NAMES,
    PARTNERS,
    PHONE_PREFIXES,
    PLACES,
    PUBLIC_SHARE,
    RECRUITERS,
    STREETS,
    SURNAMES,
    TOWNS,
    UNION_FOR,
    USERS,
)


class Companies(Schedule):
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

    def _new_prospect(self, seq: int, fate: str) -> Prospect:
        r = self.rng
        industry = r.choices(list(INDUSTRY_WEIGHTS), list(INDUSTRY_WEIGHTS.values()))[0]
        sector = "public" if r.random() < PUBLIC_SHARE.get(industry, 0) else "private"
        size = r.choices(("1-9", "10-49", "50-249", "250+"), (15, 45, 30, 10))[0]
        if fate not in OUTREACH_FATES and size == "1-9":
            size = "10-49"
        name = self._unique_name(industry, sector)
        return Prospect(seq, fate, name, industry, sector, size, owner=r.choice(RECRUITERS))

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

    def _plan_outreach(self, p: Prospect) -> None:
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

    def _register(self, p: Prospect) -> None:
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

    def _arena(self, p: Prospect) -> tuple[str, str, str | None]:
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

    def _register_contact(self, p: Prospect, actor: UUID, role: str) -> None:
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
