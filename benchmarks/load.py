"""HTTP load on a served CRM: recruiters at their day's work, a consultant sharing leads, a project lead
reading reports and an auditor reading the event log.

    python -m benchmarks.load --db postgresql://postgres@127.0.0.1:5432/bench --companies 10000 \\
        --workers 1 2 4 --clients 1 8 --seconds 20

Prepares the database once (benchmarks/dataset.py, passwords for the recruiters bench0..bench19),
then for each number of web processes starts `crm serve --workers N` (waitress for 1 on SQLite,
gunicorn with the projection worker on PostgreSQL; `--threads` each, or crm serve's default) on
127.0.0.1, and for each number of clients replays the mix, then the trivial route /health alone (the
ceiling of the same setup). Each client is signed in as its own recruiter and as the three others of
a team's day, and picks each request by weight: recruiters' My day : company page : log an attempt =
50 : 30 : 20, a business-service consultant's leads page and sharing a lead 2 : 2, an auditor's
event log 2, a project lead's reports page 1 (about one request in sixteen is not a recruiter's).
`--mix recruiters` leaves the others out.
Bounded: each run stops at --seconds or --requests, whichever comes first, and only 127.0.0.1 is
ever contacted. Every attempt carries a unique note, so `check` can find each acknowledged write
in the log exactly once, and every shared lead its unique reason.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import statistics
import subprocess  # nosec B404  # starts our own server on 127.0.0.1
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

PASSWORD = "bench-kode-123"  # nosec B105  # a benchmark's own users
MIX = (("my_day", 50), ("company", 30), ("log_attempt", 20))
# The other people of the mix: username, role, department, and what they do (kind, weight in the same mix).
OTHERS = (
    ("mix-consultant", "consultant", "business_service", (("leads", 2), ("share_lead", 2))),
    ("mix-auditor", "auditor", "other", (("event_log", 2),)),
    ("mix-projectlead", "project_lead", "health", (("reports", 1),)),
)
KINDS = tuple(kind for kind, _ in MIX) + tuple(kind for *_, work in OTHERS for kind, _ in work)
PAGES = {"my_day": "/my-day", "leads": "/leads", "reports": "/reports", "event_log": "/audit/"}
TOKEN = re.compile(r'name="csrf[-_]token" (?:value|content)="([^"]+)"')


class Client:
    """One signed-in person: a cookie jar, the CSRF token of the session, 127.0.0.1 only."""

    def __init__(self, base: str) -> None:
        if urllib.parse.urlsplit(base).hostname != "127.0.0.1":
            raise ValueError("the load generator contacts 127.0.0.1 only")
        self.base = base.rstrip("/")
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )
        self.token = ""
        self.headers: Any = {}

    def request(self, path: str, data: dict[str, str] | None = None, headers: dict[str, str] | None = None):
        """The status and the body; `self.headers` keeps the answer's headers."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers=headers or {})  # nosec B310
        try:
            with self.opener.open(request, timeout=30) as response:
                self.headers = response.headers
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            self.headers = error.headers
            return error.code, error.read().decode(errors="replace")

    def login(self, username: str) -> None:
        _, page = self.request("/login")
        status, _ = self.request("/login", {"username": username, "password": PASSWORD, "csrf_token": _token(page)})
        if status != 302:
            raise RuntimeError(f"{username} could not sign in ({status})")
        _, page = self.request("/my-day")
        self.token = _token(page)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _token(page: str) -> str:
    found = TOKEN.search(page)
    if not found:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)


@dataclass
class Result:
    seconds: float = 0.0
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter[str] = field(default_factory=Counter)
    acknowledged: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(t) for t in self.times.values())

    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def p95(self, kind: str) -> float:
        times = sorted(self.times.get(kind, []))
        return times[max(0, int(len(times) * 0.95) - 1)] if times else 0.0

    def median(self, kind: str) -> float:
        return statistics.median(self.times[kind]) if self.times.get(kind) else 0.0


def run(
    base: str,
    users: list[tuple[str, list[str]]],
    clients: int,
    seconds: float,
    max_requests: int,
    trivial: bool = False,
    seed: int = 1,
    everyone: bool = True,
) -> Result:
    """`clients` threads, each signed in as its own recruiter and as the others of the mix (see the module's
    docstring), until the time or the count runs out."""
    result = Result()
    lock = threading.Lock()
    work = list(MIX) + [kind for *_, done in OTHERS for kind in done] * everyone
    every_company = [company for _, owned in users for company in owned]
    sessions = []
    for i in range(clients):
        recruiter, owned = users[i % len(users)]
        people = {kind: (recruiter, owned) for kind, _ in MIX}
        people.update({kind: (username, every_company) for username, *_, done in OTHERS for kind, _ in done})
        signed_in: dict[str, Client] = {}
        for username in {people[kind][0] for kind, _ in work}:
            signed_in[username] = Client(base)
            signed_in[username].login(username)
        sessions.append({kind: (signed_in[people[kind][0]], people[kind][1]) for kind, _ in work})
    budget = {"left": max_requests}
    deadline = time.monotonic() + seconds

    def one(people: dict[str, Any], kinds: random.Random, rng: random.Random, n: int) -> tuple[str, int, str | None]:
        kind = "trivial" if trivial else kinds.choices([k for k, _ in work], [w for _, w in work])[0]
        client, companies = people["my_day" if trivial else kind]
        company = rng.choice(companies)
        if kind == "trivial":
            return kind, client.request("/health")[0], None
        if kind in PAGES:
            return kind, client.request(PAGES[kind])[0], None
        if kind == "company":
            return kind, client.request(f"/companies/{company}")[0], None
        note = f"load-{threading.get_ident()}-{n}-{rng.random():.12f}"
        if kind == "share_lead":
            form = {"company_id": company, "lead_reason": note, "urgency": "normal", "csrf_token": client.token}
            status, _ = client.request("/leads", form)
            # Shared: back to the leads page (303); refused: the form again with its message (200).
            return kind, 200 if status == 303 else 422 if status == 200 else status, note
        form = {"channel": "call", "outcome": "no_answer", "note": note, "csrf_token": client.token}
        form["next_follow_up_on"] = (date.today() + timedelta(days=rng.randint(1, 14))).isoformat()
        status, _ = client.request(
            f"/companies/{company}/attempts", form, {"HX-Request": "true", "HX-Target": "company-attempts"}
        )
        # A refused form is shown again with its message (200 too); only a change announces itself.
        if status == 200 and "company-changed" not in (client.headers.get("HX-Trigger") or ""):
            return kind, 422, None
        return kind, status, note

    def loop(index: int) -> None:
        people = sessions[index]
        # The kinds a client asks for, in order, depend on the seed alone (the rest draws from its own generator).
        kinds, rng = random.Random(seed * 1000 + index), random.Random(seed * 1000 + index + 500)
        n = 0
        while time.monotonic() < deadline:
            with lock:
                if budget["left"] <= 0:
                    return
                budget["left"] -= 1
            n += 1
            started = time.perf_counter()
            try:
                kind, status, note = one(people, kinds, rng, n)
            except Exception as error:  # noqa: BLE001  # counted as an error of the run
                with lock:
                    result.errors[type(error).__name__] += 1
                continue
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                result.times.setdefault(kind, []).append(elapsed)
                if status != 200:
                    result.errors[f"{kind} {status}"] += 1
                elif note is not None:
                    result.acknowledged.append(note)

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    return result


class LagSampler:
    """The projection lag while a run lasts: every `interval` s the log's head and the slowest live view's position;
    a head's lag is the time from when it was first seen until every view had applied it."""

    def __init__(self, url: str, interval: float = 0.1) -> None:
        from sqlalchemy import create_engine

        from crm.persistence import sqlalchemy_env

        self.engine = create_engine(sqlalchemy_env(url)["SQLALCHEMY_URL"])
        self.interval = interval
        self.lags: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> LagSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self._stop.set()
        self._thread.join()
        self.engine.dispose()

    def _sample(self) -> None:
        from sqlalchemy import text

        query = text(
            "SELECT (SELECT max(id) FROM crm_events), (SELECT min(position) FROM projection_generations WHERE live)"
        )
        waiting: dict[int, float] = {}  # head -> when first seen
        while not self._stop.wait(self.interval):
            with self.engine.connect() as connection:
                head, applied = connection.execute(query).one()
            now = time.monotonic()
            waiting.setdefault(int(head or 0), now)
            for seen in [h for h in waiting if h <= int(applied or 0)]:
                self.lags.append(now - waiting.pop(seen))

    def p95(self) -> float | None:
        lags = sorted(self.lags)
        return lags[max(0, int(len(lags) * 0.95) - 1)] if lags else None


def _process_tree(pid: int, file: str) -> Iterator[tuple[int, str, str]]:
    """(pid, role, the text of /proc/<pid>/<file>) for a process and every process under it; role is master (the
    process itself), projection-worker or web. A process that ended meanwhile is left out."""
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            text = Path(f"/proc/{current}/{file}").read_text()
            command = Path(f"/proc/{current}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        yield (
            current,
            "projection-worker" if "projections run" in command else "master" if current == pid else "web",
            text,
        )
        pending += [int(child) for child in children]


def peak_memory_mb(pid: int) -> dict[str, float]:
    """Peak resident memory (VmHWM) of a process and every process under it, by command, in MB."""
    found: dict[str, float] = {}
    for current, role, status in _process_tree(pid, "status"):
        peak = next((line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")), "0")
        found[f"{role} {current}"] = int(peak) / 1024
    return found


def cpu_seconds(pid: int) -> dict[str, float]:
    """CPU time used so far (user and system) by a process and every process under it, by role, in seconds."""
    tick = os.sysconf("SC_CLK_TCK")
    found: dict[str, float] = {}
    for _current, role, stat in _process_tree(pid, "stat"):
        fields = stat.rsplit(")", 1)[1].split()  # after the command's name, which may hold spaces
        found[role] = found.get(role, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return found


def machine_busy_seconds() -> float:
    """CPU time the whole machine has spent working (every core, every process), in seconds: user, nice, system,
    irq and softirq of /proc/stat's first line; not idle, waiting for disk, or taken by the hypervisor (steal)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:8]]
    return (values[0] + values[1] + values[2] + values[5] + values[6]) / os.sysconf("SC_CLK_TCK")


# --- the database and the server --------------------------------------------------------------------


def prepare(url: str, companies: int, attempts_per_company: int = 20) -> list[tuple[str, list[str]]]:
    """Load the dataset once (when the database has no events), and name each recruiter's companies."""
    from sqlalchemy import text

    from benchmarks import dataset
    from crm.application import CrmApplication
    from crm.permissions import SYSTEM_ACTOR_ID
    from crm.users import User
    from projections.runner import Projector

    app = CrmApplication.for_database(url)
    if not app.recorder.max_notification_id():
        started = time.perf_counter()
        dataset.load(app, companies * (attempts_per_company + 5), attempts_per_company=attempts_per_company)
        for i in range(20):
            app.set_password(SYSTEM_ACTOR_ID, app.user_id_for(f"bench{i}"), PASSWORD)
        print(f"loaded {app.recorder.max_notification_id()} events in {time.perf_counter() - started:.0f} s")
    for username, role, department, _ in OTHERS:
        # Also on a database loaded before they joined the mix.
        if not app.exists(User, app.user_id_for(username)):
            app.register_user(SYSTEM_ACTOR_ID, username, username, department, role, password=PASSWORD)
    projector = Projector(app)
    projector.catch_up(batch_size=5000)
    # The planner's statistics of every table and the trigram indexes' pending entries merged, as autovacuum
    # keeps them in production (this machine's server runs with autovacuum off: a load this size would
    # otherwise be read with empty-table plans, and every search would read through the GIN pending list).
    with projector.datastore.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE" if connection.dialect.name == "postgresql" else "ANALYZE"))
    users = []
    with projector.datastore.transaction(commit=False) as session:
        for i in range(20):
            owner = app.user_id_for(f"bench{i}")
            rows = session.execute(
                text("SELECT company_id FROM rm_companies WHERE owner_id = :owner ORDER BY company_id LIMIT 200"),
                {"owner": owner if projector.datastore.engine.dialect.name == "postgresql" else owner.hex},
            )
            users.append((f"bench{i}", [str(_uuid(row[0])) for row in rows]))
    projector.datastore.engine.dispose()
    return users


def _uuid(value: Any) -> Any:
    import uuid

    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def serve(url: str, port: int, workers: int, threads: int | None = None) -> subprocess.Popen[bytes]:
    """`crm serve` on 127.0.0.1:port, once /health answers; `threads` per process, or `crm serve`'s default."""
    env = {**os.environ, "CRM_DATABASE_URL": url, "CRM_SECRET_KEY": "load-benchmark"}
    command = [sys.executable, "-c", "from cli import main; main()", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", str(workers)] + (["--threads", str(threads)] if threads else [])
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)  # nosec B603
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2):  # nosec B310
                return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError("the server did not answer within two minutes")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=90)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def check(url: str, acknowledged: list[str]) -> list[str]:
    """What is wrong after a load: an acknowledged attempt or lead missing or doubled, a view unlike a fresh replay."""
    from crm.application import CrmApplication
    from projections import verify_projections

    app = CrmApplication.for_database(url)
    notes: Counter[str] = Counter()
    written = {"crm.attempts:OutreachAttempt.Logged": "note", "crm.leads:Lead.Shared": "lead_reason"}
    for notification in app.recorder.select_notifications(start=1, limit=10**9, topics=list(written)):
        note = getattr(app.mapper.to_domain_event(notification), written[notification.topic]) or ""
        if note.startswith("load-"):
            notes[note] += 1
    problems = [f"acknowledged write {n} is in the log {notes[n]} times" for n in acknowledged if notes[n] != 1]
    problems += [f"write {n} is in the log {c} times" for n, c in notes.items() if c > 1]
    for found in verify_projections(app):
        if not found.equal:
            differing = [t.name for t in found.tables if not t.equal]
            problems.append(f"the {found.name} view differs from a fresh replay: {found.error or differing}")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="SQLite file or PostgreSQL URL")
    parser.add_argument("--companies", type=int, default=10_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=1, help="runs of each setting; the median is shown")
    parser.add_argument("--threads", type=int, help="threads per web process [default: crm serve's]")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--json", help="write the figures here too (for the chart)")
    parser.add_argument("--check", action="store_true", help="verify the log and the views after the runs")
    parser.add_argument(
        "--mix", choices=("everyone", "recruiters"), default="everyone", help="who the clients are (see above)"
    )
    args = parser.parse_args()
    from cli.serve import threads_per_process

    url = args.db if "://" in args.db else f"sqlite:///{Path(args.db).resolve()}"
    users = prepare(url, args.companies)
    rows, acknowledged = [], []
    for workers in args.workers:
        server = serve(url, args.port, workers, args.threads)
        try:
            for clients in args.clients:
                cpu_before, busy_before, started = cpu_seconds(server.pid), machine_busy_seconds(), time.monotonic()
                with LagSampler(url) as lag:
                    runs = [
                        run(
                            f"http://127.0.0.1:{args.port}",
                            users,
                            clients,
                            args.seconds,
                            args.requests,
                            seed=r,
                            everyone=args.mix == "everyone",
                        )
                        for r in range(args.repeats)
                    ]
                cpu_after, busy, elapsed = cpu_seconds(server.pid), machine_busy_seconds(), time.monotonic() - started
                trivial = run(
                    f"http://127.0.0.1:{args.port}", users, clients, min(args.seconds, 10), args.requests, trivial=True
                )
                best = sorted(runs, key=Result.rate)[len(runs) // 2]
                for each in runs:
                    acknowledged += each.acknowledged
                rows.append(
                    {
                        "workers": workers,
                        "threads": threads_per_process(workers, args.threads),
                        "clients": clients,
                        "rps": statistics.median(r.rate() for r in runs),
                        "trivial_rps": trivial.rate(),
                        "p95": {kind: best.p95(kind) for kind in KINDS if best.times.get(kind)},
                        "median": {kind: best.median(kind) for kind in KINDS if best.times.get(kind)},
                        "errors": sum(sum(r.errors.values()) for r in runs),
                        "requests": sum(r.count for r in runs),
                        "lag_p95_s": lag.p95(),
                        "lag_samples": len(lag.lags),
                        "memory_mb": peak_memory_mb(server.pid),
                        # Over the mix's runs: the web processes' CPU per request answered, and how many of the
                        # machine's cores were busy (ours, the database's, the load's own, anyone's).
                        "web_cpu_ms": (cpu_after.get("web", 0.0) - cpu_before.get("web", 0.0))
                        * 1000
                        / max(1, sum(r.count for r in runs)),
                        "busy_cores": (busy - busy_before) / elapsed,
                    }
                )
                print(json.dumps(rows[-1]), flush=True)
        finally:
            stop(server)
    print(f"\n{time.strftime('%Y-%m-%d')}, {url.split('://')[0]}, {args.companies} companies\n")
    print(
        "| web processes | threads each | clients | requests/s | /health requests/s | ratio | p95 by kind "
        "| errors | projection lag p95 | peak memory per process | web CPU per request | busy cores |"
    )
    print("|---:|---:|---:|---:|---:|---:|---|---:|---:|---|---:|---:|")
    for r in rows:
        lag = r["lag_p95_s"]
        p95 = ", ".join(f"{kind} {ms:.0f} ms" for kind, ms in r["p95"].items())
        memory = ", ".join(f"{name.split()[0]} {mb:.0f}" for name, mb in sorted(r["memory_mb"].items()))
        print(
            f"| {r['workers']} | {r['threads']} | {r['clients']} | {r['rps']:.1f} | {r['trivial_rps']:.0f} | "
            f"{r['rps'] / r['trivial_rps']:.3f} | {p95} | {r['errors']} | "
            f"{'-' if lag is None else f'{lag:.2f} s'} | {memory} MB | {r['web_cpu_ms']:.1f} ms | "
            f"{r['busy_cores']:.2f} of {os.cpu_count()} |"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    if args.check:
        problems = check(url, acknowledged)
        print("\ncheck:", "every acknowledged write once, every view equal to a fresh replay" if not problems else "")
        for problem in problems:
            print("  ", problem)
        if problems:
            sys.exit(1)


if __name__ == "__main__":
    main()
