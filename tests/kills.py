"""Kill the server (SIGKILL) while it writes under load, again and again; then check that nothing acknowledged is lost.

A real server (`crm serve`, waitress) runs in its own process on a SQLite file or a
PostgreSQL schema. Several clients sign in and write as fast as they can: each
registers a company (acknowledged by the 303 to its page, which names its id) and
adds a contact to it (acknowledged by a 303). Meanwhile the server is killed with
SIGKILL at random moments and started again; the clients keep going (a request the
kill cut off has no answer, so it was never acknowledged). Afterwards:

- every acknowledged company and contact is in the event store;
- `crm audit verify` passes: the hash chain is whole, and the read models equal a replay;
- the read models catch up to the last event with no view failed, and show every
  acknowledged company.

tests/integration/test_kills.py runs a short version; benchmarks/kills.py the long one.
"""

from __future__ import annotations

import http.client
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from crm.application import CrmApplication
from crm.permissions import SYSTEM_ACTOR_ID

USERNAME, PASSWORD = "mette", "kaffe-og-kage-2026"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
_COMPANY = re.compile(r"/companies/([0-9a-f-]{36})")


@dataclass
class Outcome:
    kills: int = 0
    companies: list[tuple[UUID, str]] = field(default_factory=list)
    contacts: list[tuple[UUID, str]] = field(default_factory=list)
    cut_off: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    refused: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def acknowledged(self) -> int:
        return len(self.companies) + len(self.contacts)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """`crm serve` in its own process group, killed with SIGKILL and started again."""

    def __init__(self, env: dict[str, str], port: int, log: Path) -> None:
        self.env, self.port, self.log = env, port, log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> None:
        command = [sys.executable, "-c", "import cli; cli.main()", "serve", "--port", str(self.port)]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, env=self.env, stdout=log, stderr=log, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if request(self.port, "GET", "/health")[0] == 200:
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"the server did not start; see {self.log}")

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


def request(port: int, method: str, path: str, body: dict[str, str] | None = None, cookie: str = "") -> tuple:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Cookie": cookie} if cookie else {}
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        return (
            response.status,
            response.getheader("Location") or "",
            response.getheader("Set-Cookie") or "",
            (response.read().decode("utf-8", "replace")),
        )
    finally:
        connection.close()


class Writer(threading.Thread):
    """One signed-in person writing companies and contacts until told to stop."""

    def __init__(self, number: int, port: int, outcome: Outcome, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.number, self.port, self.outcome, self.stop = number, port, outcome, stop
        self.cookie, self.token = "", ""

    def call(self, method: str, path: str, body: dict[str, str] | None = None) -> tuple:
        status, location, set_cookie, text = request(self.port, method, path, body, self.cookie)
        if set_cookie.startswith("session="):
            self.cookie = set_cookie.split(";", 1)[0]
        return status, location, text

    def sign_in(self) -> None:
        self.cookie = ""
        _, _, page = self.call("GET", "/login")
        body = {"username": USERNAME, "password": PASSWORD, "csrf_token": _TOKEN.findall(page)[0]}
        status, _, _ = self.call("POST", "/login", body)
        if status != 302:
            self.refused(status, "/login")
            return
        _, _, page = self.call("GET", "/companies")
        self.token = _TOKEN.findall(page)[0]

    def run(self) -> None:
        n = 0
        while not self.stop.is_set():
            try:
                if not self.token:
                    self.sign_in()
                    continue
                n += 1
                self.write(n)
            except (OSError, http.client.HTTPException, IndexError) as error:
                with self.outcome.lock:
                    self.outcome.cut_off += 1
                    self.outcome.errors[type(error).__name__] += 1
                self.token = "" if not self.cookie else self.token
                time.sleep(0.05)

    def write(self, n: int) -> None:
        name = f"Drabstest {self.number}-{n} ApS"
        status, location, _ = self.call(
            "POST", "/companies", {"name": name, "industry": "transport", "sector": "private", "csrf_token": self.token}
        )
        found = _COMPANY.search(location)
        if status != 303 or not found:
            self.refused(status, "/companies")
            return
        company_id = UUID(found.group(1))
        with self.outcome.lock:
            self.outcome.companies.append((company_id, name))
        person = f"Person {self.number}-{n}"
        body = {"name": person, "role": "hr", "phone": "20304050", "csrf_token": self.token}
        status, _, _ = self.call("POST", f"/companies/{company_id}/contacts", body)
        if status != 303:
            self.refused(status, "/contacts")
            return
        with self.outcome.lock:
            self.outcome.contacts.append((company_id, person))

    def refused(self, status: int, what: str) -> None:
        with self.outcome.lock:
            self.outcome.refused.append(f"{what}: {status}")
        if status in (302, 400):  # signed out or a stale token: sign in again
            self.token = ""


def prepare(url: str) -> None:
    app = CrmApplication.for_database(url)
    user = app.register_user(SYSTEM_ACTOR_ID, USERNAME, "Mette Kjær", "health", "recruiter")
    app.set_password(SYSTEM_ACTOR_ID, user, PASSWORD)
    app.factory.datastore.engine.dispose()


def run(url: str, folder: Path, kills: int, writers: int, seed: int = 8, writes: tuple[int, int] = (5, 30)) -> Outcome:
    """Write with `writers` clients while the server is killed `kills` times, and once more at the end.

    Each kill comes when a random number of writes (within `writes`) has been acknowledged since the
    server started, so it always falls under load, however fast the machine.
    """
    prepare(url)
    env = {
        **os.environ,
        "CRM_DATABASE_URL": url,
        "CRM_INSTANCE_PATH": str(folder / "instance"),
        "CRM_SECRET_KEY": "kills",
        "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
    }
    server = Server(env, free_port(), folder / "server.log")
    server.start()
    outcome, stop = Outcome(), threading.Event()
    clients = [Writer(i, server.port, outcome, stop) for i in range(writers)]
    for client in clients:
        client.start()
    rng = random.Random(seed)
    try:
        for _ in range(kills):
            _await_writes(outcome, rng.randint(*writes))
            server.kill()
            outcome.kills += 1
            server.start()
        _await_writes(outcome, rng.randint(*writes))
    finally:
        stop.set()
        server.kill()  # the last one too, with the writers still at it
        outcome.kills += 1
        for client in clients:
            client.join(timeout=60)
    return outcome


def _await_writes(outcome: Outcome, count: int, timeout: float = 300) -> None:
    target, deadline = outcome.acknowledged + count, time.monotonic() + timeout
    while outcome.acknowledged < target and time.monotonic() < deadline:
        time.sleep(0.01)


def check(url: str, outcome: Outcome, folder: Path) -> dict[str, Any]:
    """What is missing after the kills (nothing, if all is well), the audit verification and the read models."""
    from projections import company
    from projections.runner import Projector

    app = CrmApplication.for_database(url)
    try:
        missing_companies = [name for company_id, name in outcome.companies if not _registered(app, company_id, name)]
        stored_contacts = set()
        for notification in app.recorder.select_notifications(
            start=1, limit=10**9, topics=["crm.contacts:Contact.Registered"]
        ):
            event = app.mapper.to_domain_event(notification)
            stored_contacts.add((event.company_id, event.name))
        missing_contacts = [c for c in outcome.contacts if c not in stored_contacts]
        env = {**os.environ, "CRM_DATABASE_URL": url, "CRM_INSTANCE_PATH": str(folder / "instance")}
        projector = Projector(app)
        projector.catch_up()
        statuses = projector.status()
        behind = [
            f"{s.name}: {s.position}/{s.head} {s.failure}" for s in statuses if s.live and (s.behind or s.failure)
        ]
        not_shown = [
            name for company_id, name in outcome.companies if company(projector["outreach"], company_id) is None
        ]
        verify = subprocess.run(
            [sys.executable, "-c", "import cli; cli.main()", "audit", "verify"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        return {
            "events": app.recorder.max_notification_id(),
            "missing_companies": missing_companies,
            "missing_contacts": missing_contacts,
            "views_behind_or_failed": behind,
            "companies_not_in_read_model": not_shown,
            "audit_verify_exit": verify.returncode,
            "audit_verify_output": (verify.stdout + verify.stderr).strip()[-2000:],
        }
    finally:
        app.factory.datastore.engine.dispose()


def _registered(app: CrmApplication, company_id: UUID, name: str) -> bool:
    events = list(app.recorder.select_events(company_id, limit=1))
    return bool(events) and events[0].topic.endswith("Company.Registered") and name.encode() in events[0].state
