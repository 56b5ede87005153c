"""What each screen costs: server time (median of repeats) and SQL statements per request, in-process.

    python -m benchmarks.screen_cost --db /tmp/crm-1k.sqlite3 --companies 1000
    python -m benchmarks.screen_cost --db postgresql://postgres@127.0.0.1:5432/bench --companies 10000

Prepares the database as benchmarks/load.py does (once), signs in as a recruiter through
Flask's test client (no network), and counts the statements each request sends to the
database (an engine hook), catch-ups and the access log included. Also times one
access-log write, and one command alone against the same command with the catch-up of
the views its page reads.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event

from benchmarks import load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True)
    parser.add_argument("--companies", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    url = args.db if "://" in args.db else f"sqlite:///{Path(args.db).resolve()}"
    users = load.prepare(url, args.companies)
    os.environ["CRM_INSTANCE_PATH"] = tempfile.mkdtemp()
    from web import create_app

    flask_app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    services = flask_app.extensions["crm"]
    engine = services.projector.datastore.engine
    counted = {"n": 0}

    def count(*_args: Any) -> None:
        counted["n"] += 1

    event.listen(engine, "before_cursor_execute", count)
    username, companies = users[0]
    clients: dict[str, Any] = {}
    for person in (username, *(other[0] for other in load.OTHERS)):
        clients[person] = flask_app.test_client()
        signed_in = clients[person].post("/login", data={"username": person, "password": load.PASSWORD})
        assert signed_in.status_code == 302, person  # nosec B101  # a benchmark's own check
    company = companies[0]
    consultant, project_lead, auditor = (other[0] for other in load.OTHERS)
    screens = [
        ("My day", username, "GET", "/my-day"),
        ("Company page", username, "GET", f"/companies/{company}"),
        ("Company list, first page", username, "GET", "/companies"),
        ("Company list, search 'virksomhed 77'", username, "GET", "/companies?q=virksomhed+77"),
        # A term with a full first page at every size: 'virksomhed 77' shows 11 rows at about 1,000 companies.
        ("Company list, search 'virksomhed 1'", username, "GET", "/companies?q=virksomhed+1"),
        ("Pipeline board", username, "GET", "/pipeline"),
        ("Leads (consultant)", consultant, "GET", "/leads"),
        ("Reports (project lead)", project_lead, "GET", "/reports"),
        ("Event log (auditor)", auditor, "GET", "/audit/"),
        ("Log an attempt (company page)", username, "POST", f"/companies/{company}/attempts"),
        # The next company offered and claimed; the answer redirects to it.
        ("Call mode, the next company", username, "GET", "/call"),
    ]
    redirects = {"/call": 303}
    print(
        f"\n{time.strftime('%Y-%m-%d')}, {url.split('://')[0]}, {args.companies} companies, "
        f"{services.crm.recorder.max_notification_id()} events\n"
    )
    # The server's own CPU per request (this thread's CPU time), lowest quartile: on a shared machine the wall
    # time of a request swings with the neighbours, its CPU time much less, and its lowest quartile least.
    # And the Python function calls of one more request (cProfile's count): the same in every run whatever the
    # machine's neighbours do, so two checkouts' screens compare even when their times swing.
    print("| screen | median ms | CPU ms, lowest quartile | Python calls | statements |")
    print("|---|---:|---:|---:|---:|")
    for name, person, method, path in screens:
        client = clients[person]
        times, cpu, statements = [], [], []
        for i in range(args.repeats + 2):
            counted["n"] = 0
            started, cpu_started = time.perf_counter(), time.thread_time()
            if method == "GET":
                response = client.get(path)
            else:
                response = client.post(
                    path,
                    data={"channel": "call", "outcome": "no_answer", "note": f"måling {i}"},
                    headers={"HX-Request": "true", "HX-Target": "company-attempts"},
                )
            elapsed = (time.perf_counter() - started) * 1000
            cpu_used = (time.thread_time() - cpu_started) * 1000
            assert response.status_code == redirects.get(path, 200), (path, response.status_code)
            if i >= 2:  # the first two learn what the endpoint reads and warm the caches
                times.append(elapsed)
                cpu.append(cpu_used)
                statements.append(counted["n"])
        lowest = statistics.quantiles(cpu, n=4)[0]
        calls = _python_calls(client.get, path) if method == "GET" else "-"
        median, sent = statistics.median(times), statistics.median(statements)
        print(f"| {name} | {median:.1f} | {lowest:.1f} | {calls} | {sent:.0f} |")
    _command_and_access_log(services, users, company, args.repeats)


def _python_calls(get: Any, path: str) -> str:
    """How many Python function calls one GET makes, counted by cProfile."""
    import cProfile
    import io
    import pstats

    profile = cProfile.Profile()
    profile.enable()
    get(path)
    profile.disable()
    return f"{pstats.Stats(profile, stream=io.StringIO()).total_calls:,}"


def _command_and_access_log(services: Any, users: list[tuple[str, list[str]]], company: str, repeats: int) -> None:
    from uuid import UUID, uuid4

    app, projector = services.crm, services.projector
    actor = app.user_id_for(users[0][0])
    # The views the company page reads (all of them with code from before per-screen catch-ups).
    page_views = projector.read_by(["outreach", "timeline"]) if hasattr(projector, "read_by") else None
    alone, with_catch_up, access = [], [], []
    for _ in range(repeats):
        started = time.perf_counter()
        app.log_attempt(actor, UUID(company), "call", "no_answer", next_follow_up=None)
        alone.append(time.perf_counter() - started)
        projector.catch_up(page_views)
        started = time.perf_counter()
        app.log_attempt(actor, UUID(company), "call", "no_answer", next_follow_up=None)
        projector.catch_up(page_views)
        with_catch_up.append(time.perf_counter() - started)
        started = time.perf_counter()
        app.access_log.record(actor, "page", [uuid4() for _ in range(100)], place="/benchmark")
        access.append(time.perf_counter() - started)
    command, total = statistics.median(alone) * 1000, statistics.median(with_catch_up) * 1000
    print(
        f"\nlog_attempt alone: median {command:.1f} ms; with the catch-up of the views the company page reads: "
        f"{total:.1f} ms (the catch-up adds {total - command:.1f} ms, {(total - command) / command:.2f} of the command)"
    )
    print(f"one access-log write (a page that showed 100 people): median {statistics.median(access) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
