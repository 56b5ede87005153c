"""Server time of the busiest screens with 10,000 companies and 200,000 attempts loaded.

    python -m benchmarks.web_screens --db /tmp/crm-web-bench.sqlite3

Measures in-process (Flask's test client, so no network): the time from request
to response for My day, the company list search and the pipeline board.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from benchmarks import dataset
from crm.application import CrmApplication
from crm.permissions import SYSTEM_ACTOR_ID
from projections.runner import Projector

PASSWORD = "bench-kode-123"


def prepare(db: str, companies: int, attempts_per_company: int) -> str:
    url = f"sqlite:///{db}"
    if Path(db).exists():
        return url
    app = CrmApplication.for_database(url)
    per_company = 1 + 2 + attempts_per_company + 2
    started = time.perf_counter()
    dataset.load(app, companies * per_company, attempts_per_company=attempts_per_company)
    app.set_password(SYSTEM_ACTOR_ID, app.user_id_for("bench0"), PASSWORD)
    print(f"loaded {app.recorder.max_notification_id()} events in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    Projector(app).catch_up(batch_size=2000)
    print(f"projected in {time.perf_counter() - started:.0f} s")
    return url


def timed(client, url: str, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="/tmp/crm-web-bench.sqlite3")
    parser.add_argument("--companies", type=int, default=10_000)
    parser.add_argument("--attempts-per-company", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    url = prepare(args.db, args.companies, args.attempts_per_company)

    os.environ["CRM_INSTANCE_PATH"] = tempfile.mkdtemp()
    from web import create_app

    flask_app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    crm = flask_app.extensions["crm"].crm
    companies = crm.recorder.select_notifications(start=1, limit=1, topics=["crm.companies:Company.Registered"])
    client = flask_app.test_client()
    assert client.post("/login", data={"username": "bench0", "password": PASSWORD}).status_code == 302
    screens = [
        ("My day (recruiter with ~500 companies)", "/my-day"),
        ("Company list, first page", "/companies"),
        ("Company list, search 'virksomhed 77'", "/companies?q=virksomhed+77"),
        ("Company list, search by CVR prefix '1234'", "/companies?q=1234"),
        ("Pipeline board", "/pipeline"),
    ]
    print(
        f"\n{date.today().isoformat()}, {args.companies} companies, "
        f"{crm.recorder.max_notification_id()} events, first company {companies[0].originator_id}\n"
    )
    print("| screen | median ms | p90 ms |")
    print("|---|---:|---:|")
    for name, path in screens:
        timed(client, path, 3)  # warm caches
        times = sorted(timed(client, path, args.rounds))
        print(f"| {name} | {statistics.median(times):.1f} | {times[int(len(times) * 0.9) - 1]:.1f} |")


if __name__ == "__main__":
    main()
