"""The long fuzz: tens of thousands of hostile requests to every route, as every role, on SQLite or PostgreSQL.

    python -m benchmarks.fuzz --requests 20000                                   # SQLite file
    python -m benchmarks.fuzz --requests 5000 --database postgresql://postgres@127.0.0.1:5432/test

The same machinery as the CI test (tests/web/test_fuzz.py, tests/fuzzing/): the routes
from the URL map, the fields from the pages, hostile values drawn by hypothesis. It runs
in rounds: each round finds the forms again (the requests before it changed the data:
contacts archived, agreements ended, companies added) and draws with its own seed. It
prints the requests sent per role and per answer, the slowest requests and every
failure (a 5xx, an exception, anything logged at ERROR), and exits 1 when there was one.
Results go to docs/reliability.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("CRM_PASSWORD_HASH_METHOD", "pbkdf2:sha256:1000")

from crm.clock import SimulatedClock
from tests.fuzzing.discovery import discover
from tests.fuzzing.runner import Fuzzer
from tests.fuzzing.site import LogWatch, Site


def database_url(given: str | None, folder: Path) -> str:
    if not given:
        return f"sqlite:///{folder / 'fuzz.sqlite3'}"
    if given.startswith("postgresql"):
        from tests.databases import private_schema_url

        return private_schema_url(given)
    return given


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=20_000, help="at least this many requests in all")
    parser.add_argument("--examples-per-round", type=int, default=20, help="drawn requests per route in a round")
    parser.add_argument("--database", help="a PostgreSQL URL (a private schema is made in it); default a SQLite file")
    parser.add_argument("--minutes", type=float, help="stop after the route under way when this time is up")
    parser.add_argument("--seed", type=int, default=1, help="round n draws with seed 1000 * seed + n")
    parser.add_argument("--json", help="write the summary to this file too")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="crm-fuzz-"))
    os.environ["CRM_INSTANCE_PATH"] = str(folder / "instance")
    url = database_url(args.database, folder)
    started = time.perf_counter()
    site = Site.open(url, SimulatedClock(datetime(2026, 3, 2, 8, tzinfo=UTC)))
    routes: Counter[str] = Counter()
    rounds = 0
    deadline = started + 60 * args.minutes if args.minutes else None
    with LogWatch() as watch:
        fuzzer = Fuzzer(site, {}, watch)
        while fuzzer.sent < args.requests and not (deadline and time.perf_counter() > deadline):
            rounds += 1
            fuzzer.targets = discover(site)
            for key in sorted(fuzzer.targets):
                if deadline and time.perf_counter() > deadline:
                    break
                before, failed = fuzzer.sent, len(fuzzer.failures)
                fuzzer.fuzz(fuzzer.targets[key], args.examples_per_round, seed=1000 * args.seed + rounds)
                routes["{} {}".format(*key)] += fuzzer.sent - before
                for failure in fuzzer.failures[failed:]:
                    print("FAILURE", failure[:4000], flush=True)
                print(
                    f"round {rounds}, {key[1]} {key[0]}: {fuzzer.sent} requests in all, "
                    f"{len(fuzzer.failures)} failures, {time.perf_counter() - started:.0f} s",
                    flush=True,
                )
    site.close()
    elapsed = time.perf_counter() - started
    summary = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.node()}, {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "database": url.split("?")[0].split("@")[-1] if "@" in url else "sqlite file",
        "requests": fuzzer.sent,
        "rounds": rounds,
        "seed": args.seed,
        "routes": len(routes),
        "seconds": round(elapsed),
        "answers": dict(sorted(fuzzer.answers.items())),
        "by_role": dict(sorted(fuzzer.by_role.items())),
        "fewest_per_route": min(routes.values()),
        "failures": len(fuzzer.failures),
    }
    print(json.dumps(summary, indent=2))
    print("slowest requests:")
    for seconds, described in fuzzer.slowest:
        print(f"  {seconds:6.2f} s  {described[:300]}")
    if args.json:
        Path(args.json).write_text(json.dumps({**summary, "failures_seen": fuzzer.failures[:50]}, indent=2))
    sys.exit(1 if fuzzer.failures else 0)


if __name__ == "__main__":
    main()
