"""Server time of the evaluation reports over 10,000 companies and 200,000 attempts.

    python -m benchmarks.reports --db /tmp/crm-reports-bench.sqlite3

Each figure is timed in-process on the live read models (median of the rounds), beside a ceiling
measured in the same run: reading the rows every report must read at least (the attempts and the
stage entries, plainly, with no work on them). Then the whole /reports page through Flask's test
client, the page as of a past moment (first look, then again from the kept replay), and the replay
of the reports' read models to a past moment alone (projections.reports_as_of).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

import projections
from benchmarks.web_screens import PASSWORD, prepare
from crm.application import CrmApplication
from crm.errors import CrmError
from crm.permissions import SYSTEM_ACTOR_ID
from projections.outreach_tables import attempts
from projections.reading import fetch
from projections.reports.tables import stage_entries
from projections.runner import Projector


def median_ms(work: Callable[[], Any], rounds: int) -> float:
    work()  # warm caches
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="/tmp/crm-reports-bench.sqlite3")
    parser.add_argument("--companies", type=int, default=10_000)
    parser.add_argument("--attempts-per-company", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    url = prepare(args.db, args.companies, args.attempts_per_company)
    app = CrmApplication.for_database(url)
    projector = Projector(app)
    started = time.perf_counter()
    projector.catch_up(batch_size=2000)
    print(f"caught up in {time.perf_counter() - started:.0f} s")
    view = projector["reports"]
    criteria = projections.ReportCriteria(start=date(2025, 1, 1), end=date(2026, 12, 31), today=date(2026, 12, 31))

    def ceiling() -> None:
        fetch(view, select(attempts.c.company_id, attempts.c.round, attempts.c.outcome, attempts.c.occurred_on))
        fetch(view, select(stage_entries.c.company_id, stage_entries.c.stage, stage_entries.c.entered_on))

    reference = median_ms(ceiling, args.rounds)
    figures: list[tuple[str, Callable[[], Any]]] = [
        ("funnel", lambda: projections.funnel(view, criteria)),
        ("funnel by industry", lambda: projections.funnel_by(view, criteria, "industry")),
        ("attempts until answer, meeting, agreement, giving up", lambda: projections.attempts_until(view, criteria)),
        ("outcomes by channel", lambda: projections.outcomes_by_channel(view, criteria)),
        ("active without a next step", lambda: projections.without_next_step(view, criteria)),
        ("follow-ups per recruiter", lambda: projections.follow_ups(view, criteria)),
    ]
    events = app.recorder.max_notification_id()
    print(f"\n{date.today().isoformat()}, {args.companies} companies, {events} events, {args.rounds} rounds\n")
    print("| what | median ms | ratio to the ceiling |")
    print("|---|---:|---:|")
    print(f"| ceiling: read the attempts and stage entries | {reference:.0f} | 1.0 |")
    for name, work in figures:
        took = median_ms(work, args.rounds)
        print(f"| {name} | {took:.0f} | {took / reference:.1f} |")

    os.environ["CRM_INSTANCE_PATH"] = tempfile.mkdtemp()
    from web import create_app

    flask_app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    crm = flask_app.extensions["crm"].crm
    lead = crm.user_id_for("benchlead")
    with contextlib.suppress(CrmError):  # registered by an earlier run on the same database
        crm.register_user(SYSTEM_ACTOR_ID, "benchlead", "Bænk Leder", "health", "project_lead")
    crm.set_password(SYSTEM_ACTOR_ID, lead, PASSWORD)
    client = flask_app.test_client()
    assert client.post("/login", data={"username": "benchlead", "password": PASSWORD}).status_code == 302
    page = "/reports?start=2025-01-01&end=2026-12-31"
    took = median_ms(lambda: client.get(page), args.rounds)
    print(f"| the whole /reports page (every report) | {took:.0f} | {took / reference:.1f} |")

    as_of_page = f"{page}&as_of=2025-01-20T12:00"  # two thirds of the log (benchmarks/dataset.py: 3 minutes a company)
    started = time.perf_counter()
    assert client.get(as_of_page).status_code == 200
    first = (time.perf_counter() - started) * 1000
    took = median_ms(lambda: client.get(as_of_page), args.rounds)
    print(f"| the /reports page as of a past moment, first look (replays) | {first:.0f} | {first / reference:.1f} |")
    print(f"| the same page again (the kept replay) | {took:.0f} | {took / reference:.1f} |")

    moment = datetime(2025, 1, 20, tzinfo=UTC)
    started = time.perf_counter()
    past = projections.reports_as_of(app, moment)
    replay = (time.perf_counter() - started) * 1000
    took = median_ms(lambda: projections.funnel(past["reports"], criteria), args.rounds)
    past.close()
    print(f"| replay to {moment.isoformat()} (reports' read models, once) | {replay:.0f} | {replay / reference:.1f} |")
    print(f"| funnel on that replay | {took:.0f} | {took / reference:.1f} |")


if __name__ == "__main__":
    main()
