"""The site under fuzz: the web application on a real database, a little of everything in it, every role signed in.

The data is played through the commands (cheaply: a few companies, not the demo's
two hundred; the first left untouched for two years, for the retention review), so
every screen has rows, forms and links to find: companies at
several stages, contacts, a workplace, attempts, an open lead, an agreement being
negotiated and one signed with a plan and commitments, a calendar address and an API
token for everyone, and (in `answers`) the preview of an uploaded spreadsheet.

The fuzzer may sign a visitor out, disable a user, change a role or a password:
`restore()` puts the team back as it was and signs every visitor in again, so the
next request is again sent as the role it claims to be.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import timedelta
from io import BytesIO
from itertools import count
from pathlib import Path
from typing import Any

from crm.permissions import SYSTEM_ACTOR_ID
from crm.users import User
from tests.support import SOLTOFT_PLEJE_CVR, Team, hansen_transport, make_team

PASSWORD = "kaffe-og-kage"
USERNAMES = {
    "recruiter": "mette",
    "consultant": "jonas",
    "health_consultant": "sofie",
    "project_lead": "henrik",
    "auditor": "birgit",
    "admin": "admin",
}
ANONYMOUS = "anonymous"
IMPORT_FILE = Path(__file__).parent.parent / "fixtures" / "imports" / "companies-excel-da.csv"
VISITORS = (ANONYMOUS, *USERNAMES)
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"|name="csrf-token" content="([^"]+)"')


def seed(crm: Any) -> Team:
    """A small municipality with something at every step; returns the team (passwords set)."""
    team = make_team(crm)
    for user_id in vars(team).values():
        crm.set_password(SYSTEM_ACTOR_ID, user_id, PASSWORD)
    recruiter, consultant = team.recruiter, team.consultant
    # A company nobody has touched for over two years: the retention review lists its person, with the erase form.
    quiet = hansen_transport(crm, recruiter, name="Stille Smedje ApS", cvr=None, owner_id=recruiter)
    crm.register_contact(recruiter, quiet, "Sven Smed", "manager")
    # An employee who left over a year ago: the review offers to erase the name.
    former = crm.register_user(team.admin, "gunnar", "Gunnar Gammel", "health", "recruiter")
    crm.disable_user(team.admin, former)
    crm.clock.advance(timedelta(days=25 * 31))
    today = crm.clock.now().date()
    partner = crm.register_partner(SYSTEM_ACTOR_ID, "FOA", "union")

    hansen = hansen_transport(crm, recruiter, owner_id=recruiter)
    director = crm.register_contact(recruiter, hansen, "Birthe Hansen", "top_management", phone="20304050")
    crm.register_contact(recruiter, hansen, "Ole Lager", "hr", email="ole@hansen.example")
    crm.add_workplace(recruiter, hansen, "Lageret", address="Industrivej 14, 8700 Horsens")
    # A note that names the director: the privacy screen offers it for redaction.
    crm.log_attempt(recruiter, hansen, "call", "interested", note="Birthe Hansen: ring igen", next_follow_up=today)
    negotiating = crm.open_agreement(recruiter, hansen)
    crm.confirm_requirement(recruiter, negotiating, "top_management_sponsor", contact_id=director)
    crm.add_commitment(recruiter, negotiating, "fruit_scheme", "Frugt til alle skift", owner_contact_id=director)

    soltoft = hansen_transport(
        crm, recruiter, name="Soltoft Pleje A/S", cvr=SOLTOFT_PLEJE_CVR, industry="care", owner_id=recruiter
    )
    sponsor = crm.register_contact(recruiter, soltoft, "Karin Soltoft", "top_management", phone="30405060")
    crm.log_attempt(recruiter, soltoft, "visit", "interested", contact_id=sponsor)
    signed = crm.open_agreement(recruiter, soltoft)
    for key in ("top_management_sponsor", "conversations_in_working_hours", "rooms_on_site", "company_coordinator"):
        crm.confirm_requirement(recruiter, signed, key, contact_id=sponsor if key == "top_management_sponsor" else None)
    crm.sign_agreement(recruiter, signed)
    crm.plan_services(team.health_consultant, signed, 40, 20)
    crm.record_delivery(team.health_consultant, signed, health_checks=12, conversations=6, referrals=1)
    crm.deliver_feedback(team.health_consultant, signed, "Mere bevægelse i pauserne")
    crm.add_commitment(
        recruiter, signed, "smoking_cessation_in_working_hours", "Røgfri arbejdstid", due_on=today + timedelta(days=10)
    )

    for n, outcome in enumerate(("no_answer", "declined", "not_now")):
        company = hansen_transport(crm, recruiter, name=f"Firma {n} ApS", cvr=None, owner_id=recruiter)
        crm.log_attempt(recruiter, company, "call", outcome, approach_again_after=today + timedelta(days=1))
    crm.share_lead(consultant, hansen, "Mange sygemeldte chauffører", source_partner_id=partner)
    lonely = hansen_transport(crm, consultant, name="Uden Ejer I/S", cvr=None)
    crm.share_lead(consultant, lonely, "Ny leder vil gerne i gang", urgency="high")
    for user_id in vars(team).values():  # a calendar address and an API token each, so both can be stopped
        crm.calendar_feeds.renew(user_id)
        crm.create_api_token(user_id, user_id, "Fuzz")
    # Days away two weeks on, so the absence page offers to cancel them.
    crm.mark_absence(
        recruiter, today + timedelta(days=14), today + timedelta(days=16), stand_in_id=team.health_consultant
    )
    # A week on: the declined and parked companies may be approached again, and follow-ups are due.
    crm.clock.advance(timedelta(days=7))
    return team


@dataclass
class Visitor:
    role: str
    client: Any
    token: str = ""


@dataclass
class Site:
    """The application, its team and one signed-in visitor per role (and one anonymous)."""

    app: Any
    team: Team
    visitors: dict[str, Visitor] = field(default_factory=dict)
    addresses: count = field(default_factory=lambda: count(1))
    # Pages that only a POST answers with, by role: (role, the page's URL, its HTML).
    answers: list[tuple[str, str, str]] = field(default_factory=list)

    @classmethod
    def open(cls, database_url: str, clock: Any) -> Site:
        from web import create_app

        # Not TESTING: an exception is answered 500 and logged, as in production.
        app = create_app({"SECRET_KEY": "fuzz", "DATABASE_URL": database_url, "CLOCK": clock})
        crm = app.extensions["crm"].crm
        team = seed(crm) if not crm.recorder.max_notification_id() else _team_of(crm)
        site = cls(app, team)
        site.restore()
        site.answers.append(("recruiter", "/import", site.stage_import("recruiter")))
        return site

    def stage_import(self, role: str) -> str:
        """The preview of an uploaded spreadsheet: the only page with the form that confirms an import."""
        visitor = self.visitors[role]
        response = visitor.client.post(
            "/import",
            data={"file": (BytesIO(IMPORT_FILE.read_bytes()), IMPORT_FILE.name), "csrf_token": visitor.token},
            content_type="multipart/form-data",
            environ_base={"REMOTE_ADDR": self.address()},
        )
        assert response.status_code == 200, f"the import preview answered {response.status_code}"
        return response.get_data(as_text=True)

    @property
    def crm(self) -> Any:
        return self.app.extensions["crm"].crm

    def address(self) -> str:
        """A fresh client address per request: the sign-in throttle counts per address, and the fuzz fails many."""
        n = next(self.addresses)
        return f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"

    def restore(self, roles: set[str] | None = None) -> None:
        """The team as seeded (role, active, password) and its visitors signed in afresh (all, or those named)."""
        crm = self.crm
        roles = set(VISITORS) if roles is None else roles
        for role in sorted(roles - {ANONYMOUS}):
            user_id = getattr(self.team, role)
            user = crm.load(User, user_id)
            if not user.active:
                crm.enable_user(SYSTEM_ACTOR_ID, user_id)
            if user.role != role:
                crm.change_user_role(SYSTEM_ACTOR_ID, user_id, role)
            crm.set_password(SYSTEM_ACTOR_ID, user_id, PASSWORD)
        self.visitors.update({role: self._sign_in(role) for role in sorted(roles)})

    def _sign_in(self, role: str) -> Visitor:
        client = self.app.test_client()
        environ = {"REMOTE_ADDR": self.address()}
        page = client.get("/login", environ_base=environ).get_data(as_text=True)
        if role != ANONYMOUS:
            data = {"username": USERNAMES[role], "password": PASSWORD, "csrf_token": token_of(page)}
            response = client.post("/login", data=data, environ_base=environ)
            assert response.status_code == 302, f"{role} could not sign in: {response.status_code}"
            page = client.get("/login", environ_base=environ).get_data(as_text=True)
        return Visitor(role, client, token_of(page))

    def close(self) -> None:
        self.crm.factory.datastore.engine.dispose()


def _team_of(crm: Any) -> Team:
    return Team(**{role: crm.user_id_for(username) for role, username in USERNAMES.items()})


def token_of(html: str) -> str:
    found = _TOKEN.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1) or found.group(2)


class LogWatch(logging.Handler):
    """Every record logged at ERROR or with a traceback, from any logger, while installed."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR or record.exc_info:
            self.records.append(record)

    def __enter__(self) -> LogWatch:
        logging.getLogger().addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        logging.getLogger().removeHandler(self)

    def take(self) -> list[str]:
        """The records since the last call, formatted with their tracebacks."""
        taken, self.records = self.records, []
        return [logging.Formatter().format(record) for record in taken]
