"""Where the time goes: a screen's SQL against its whole server time, and a view's rebuild under cProfile.

    python -m benchmarks.profile screen --db postgresql://postgres@127.0.0.1:5432/bench --companies 10000 --path /my-day
    python -m benchmarks.profile rebuild --db postgresql://postgres@127.0.0.1:5432/bench --view timeline
    python -m benchmarks.profile cpu --db postgresql://postgres@127.0.0.1:5432/bench --companies 10000

`screen` prepares the database as benchmarks/load.py does (once), signs in as bench0 and times
`--path` in-process (COMPANY in it stands for one of bench0's companies), with every statement's
time taken by engine hooks: the request's total, its SQL, and the costliest statements.
`rebuild` rebuilds one view under cProfile and prints the functions by cumulative and own time.
`cpu` gives the CPU time of one request of each kind in the load mix, in-process, against `/health` in the same
run: on a shared machine a process's own CPU time varies far less than a load's throughput. Each kind is asked
`--rounds` times 20 requests in turn; the minimum and the median round are shown, and the Python function calls
of a request (counted by cProfile, the same however busy the machine is).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from typing import Any

from sqlalchemy import event

from benchmarks import load


def signed_in(url: str, companies: int) -> tuple[Any, Any, list[str]]:
    """The app on the prepared database, a test client signed in as bench0, and bench0's companies."""
    users = load.prepare(url, companies)
    os.environ["CRM_INSTANCE_PATH"] = tempfile.mkdtemp()
    from web import create_app

    flask_app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    client = flask_app.test_client()
    username, owned = users[0]
    client.post("/login", data={"username": username, "password": load.PASSWORD})
    return flask_app, client, owned


def screen(url: str, companies: int, path: str, repeats: int) -> None:
    flask_app, client, owned = signed_in(url, companies)
    engine = flask_app.extensions["crm"].projector.datastore.engine
    timings: list[tuple[float, str]] = []

    @event.listens_for(engine, "before_cursor_execute")
    def started(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        conn.info["started"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def ended(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        timings.append(((time.perf_counter() - conn.info["started"]) * 1000, statement))

    path = path.replace("COMPANY", owned[0])
    for _ in range(3):
        client.get(path)
    timings.clear()
    begun = time.perf_counter()
    for _ in range(repeats):
        assert client.get(path).status_code == 200, path  # nosec B101  # a benchmark's own check
    total = (time.perf_counter() - begun) * 1000 / repeats
    print(
        f"{path}: {total:.1f} ms a request, {len(timings) / repeats:.0f} statements, "
        f"{sum(t for t, _ in timings) / repeats:.1f} ms of SQL"
    )
    by_statement: dict[str, list[float]] = {}
    for ms, statement in timings:
        by_statement.setdefault(statement, []).append(ms)
    for statement, times in sorted(by_statement.items(), key=lambda kv: -sum(kv[1]))[:8]:
        print(f"{sum(times) / repeats:7.2f} ms  {' '.join(statement.split())[:160]}")


def cpu(url: str, companies: int, rounds: int) -> None:
    _, client, owned = signed_in(url, companies)
    picks = random.Random(1)
    logged = iter(range(1, 1_000_000))

    def log_attempt() -> Any:
        form = {"channel": "call", "outcome": "no_answer", "note": f"cpu-{next(logged)}-{picks.random():.12f}"}
        form["next_follow_up_on"] = (date.today() + timedelta(days=3)).isoformat()
        target = {"HX-Request": "true", "HX-Target": "company-attempts"}
        return client.post(f"/companies/{picks.choice(owned)}/attempts", data=form, headers=target)

    kinds = {
        "/health": lambda: client.get("/health"),
        "my_day": lambda: client.get("/my-day"),
        "company": lambda: client.get(f"/companies/{picks.choice(owned)}"),
        "log_attempt": log_attempt,
        "leads": lambda: client.get("/leads"),
    }
    for ask in kinds.values():
        for _ in range(3):
            assert ask().status_code == 200  # nosec B101  # a benchmark's own check
    spent: dict[str, list[float]] = {kind: [] for kind in kinds}
    for _ in range(rounds):
        for kind, ask in kinds.items():
            begun = time.process_time()
            for _ in range(20):
                ask()
            spent[kind].append((time.process_time() - begun) * 1000 / 20)
    trivial = statistics.median(spent["/health"])
    for kind, times in spent.items():
        middle = statistics.median(times)
        shown = f"min {min(times):6.2f} ms, median {middle:6.2f} ms, {middle / trivial:5.1f}x /health"
        print(f"{kind:12} CPU per request: {shown}; {python_calls(kinds[kind]):,.0f} Python calls")


def python_calls(ask: Any, requests: int = 5) -> float:
    """Python function calls per request, counted by cProfile: unlike time, the same on a busy machine."""
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(requests):
        ask()
    profile.disable()
    return pstats.Stats(profile).total_calls / requests  # type: ignore[attr-defined]  # set by Stats


def rebuild(url: str, view: str) -> None:
    from crm.application import CrmApplication
    from projections.runner import Projector

    projector = Projector(CrmApplication.for_database(url))
    profile = cProfile.Profile()
    begun = time.perf_counter()
    profile.enable()
    projector.rebuild(view)
    profile.disable()
    print(f"rebuild {view}: {time.perf_counter() - begun:.1f} s under the profiler")
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(order).print_stats(30)
        print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="what", required=True)
    one = sub.add_parser("screen")
    one.add_argument("--db", required=True)
    one.add_argument("--companies", type=int, default=10_000)
    one.add_argument("--path", required=True)
    one.add_argument("--repeats", type=int, default=5)
    spend = sub.add_parser("cpu")
    spend.add_argument("--db", required=True)
    spend.add_argument("--companies", type=int, default=10_000)
    spend.add_argument("--rounds", type=int, default=10)
    other = sub.add_parser("rebuild")
    other.add_argument("--db", required=True)
    other.add_argument("--view", required=True)
    args = parser.parse_args()
    if args.what == "screen":
        screen(args.db, args.companies, args.path, args.repeats)
    elif args.what == "cpu":
        cpu(args.db, args.companies, args.rounds)
    else:
        rebuild(args.db, args.view)


if __name__ == "__main__":
    main()
