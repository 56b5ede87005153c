"""Projection throughput: rebuild rate beside the raw read rate, and the catch-up cost added to one command.

    python -m benchmarks.projection_throughput --events 1000000 --db /tmp/bench.sqlite3

Prints a markdown table; docs/benchmarks.md keeps the figures with machine and date.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks import dataset
from crm.application import CrmApplication
from projections.runner import Projector
from projections.upstream import read_notifications

BATCH = 5000


def driver_read_rate(url: str) -> float:
    """Every row of the events table through the database driver alone (sqlite3 or psycopg): the ceiling."""
    table = "crm_events"
    started = time.perf_counter()
    if url.startswith("sqlite"):
        import sqlite3

        connection = sqlite3.connect(url.split(":///", 1)[1])
        rows = sum(1 for _ in connection.execute(f"SELECT * FROM {table} ORDER BY id"))  # nosec B608
    else:
        import psycopg

        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as connection:
            cursor = connection.cursor(name="raw")  # server-side, as a rebuild reads: in batches
            cursor.itersize = 5000
            cursor.execute(f"SELECT * FROM {table} ORDER BY id")  # nosec B608
            rows = sum(1 for _ in cursor)
    connection.close()
    return rows / (time.perf_counter() - started)


def raw_read_rate(app: CrmApplication, head: int) -> float:
    """Notifications read in batches, nothing decoded or written: the floor a projection cannot beat."""
    started = time.perf_counter()
    position = 0
    while position < head:
        batch = app.recorder.select_notifications(start=position + 1, limit=BATCH)
        position = batch[-1].id
    return head / (time.perf_counter() - started)


def core_read_rate(app: CrmApplication, head: int) -> float:
    """Notifications read in batches as a rebuild reads them (SQLAlchemy Core, projections/upstream.py)."""
    started = time.perf_counter()
    position = 0
    while position < head:
        position = read_notifications(app, position + 1, head, BATCH)[-1].id
    return head / (time.perf_counter() - started)


def decode_rate(app: CrmApplication, head: int) -> float:
    """Read as a rebuild reads and decode into domain events, still writing nothing: with the keys of a
    batch's sealed values read in one query first, as a catch-up reads them (projections/runner.py)."""
    started = time.perf_counter()
    position = 0
    while position < head:
        batch = read_notifications(app, position + 1, head, BATCH)
        app.mapper.prefetch(batch)
        for notification in batch:
            app.mapper.to_domain_event(notification)
        position = batch[-1].id
    return head / (time.perf_counter() - started)


def decode_cpu_us(app: CrmApplication, head: int, rounds: int = 7) -> float:
    """Decoding alone: the CPU microseconds per event of turning the log, read beforehand, into domain events
    (the keys of each batch read first, from an empty cache, as a rebuild reads them); the lowest of `rounds`,
    as the figure least disturbed by the machine's other work."""
    batches, position = [], 0
    while position < head:
        batches.append(read_notifications(app, position + 1, head, BATCH))
        position = batches[-1][-1].id
    mapper: Any = app.mapper
    measured = []
    for _ in range(rounds):
        mapper.keys.forget()
        started = time.process_time()
        for batch in batches:
            mapper.prefetch(batch)
            for notification in batch:
                mapper.to_domain_event(notification)
        measured.append((time.process_time() - started) / head * 1e6)
    return min(measured)


def command_cost(app: CrmApplication, projector: Projector, rounds: int = 200) -> tuple[float, float]:
    """Median milliseconds of one log_attempt alone, and of log_attempt followed by the catch-up of every view."""
    actor = app.user_id_for("bench0")
    company = app.register_company(actor, name="Målevirksomhed", industry="transport")
    projector.catch_up()
    alone, with_catch_up = [], []
    for _i in range(rounds):
        started = time.perf_counter()
        app.log_attempt(actor, company, "call", "no_answer", next_follow_up=None)
        alone.append(time.perf_counter() - started)
        projector.catch_up()
        started = time.perf_counter()
        app.log_attempt(actor, company, "call", "no_answer", next_follow_up=None)
        projector.catch_up()
        with_catch_up.append(time.perf_counter() - started)
    return statistics.median(alone) * 1000, statistics.median(with_catch_up) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--db", default="/tmp/crm-bench.sqlite3", help="SQLite file (created) or a PostgreSQL URL")
    parser.add_argument("--reuse", action="store_true", help="measure the events already in --db instead of loading")
    args = parser.parse_args()
    url = args.db if "://" in args.db else f"sqlite:///{args.db}"
    if "://" not in args.db and not args.reuse:
        Path(args.db).unlink(missing_ok=True)
    app = CrmApplication.for_database(url)
    started = time.perf_counter()
    head = app.recorder.max_notification_id() if args.reuse else dataset.load(app, args.events)
    print(
        f"{'reused' if args.reuse else 'loaded'} {head} events in {time.perf_counter() - started:.0f} s "
        f"into {url.split('@')[-1]}"
    )

    raw = statistics.median(driver_read_rate(url) for _ in range(3))
    library = raw_read_rate(app, head)
    core = core_read_rate(app, head)
    decoded = decode_rate(app, head)
    decode_us = decode_cpu_us(app, head)
    projector = Projector(app)
    rows = [
        ("raw driver read of the events table", raw, 1.0),
        ("the library's select_notifications", library, library / raw),
        ("the rebuild's read (SQLAlchemy Core)", core, core / raw),
        ("the rebuild's read + decode", decoded, decoded / raw),
    ]
    one_by_one = 0.0
    for name in projector.projections:
        started = time.perf_counter()
        projector.rebuild(name, batch_size=BATCH)
        seconds = time.perf_counter() - started
        one_by_one += seconds
        rows.append((f"rebuild {name}", head / seconds, head / seconds / raw))
    rows.append(("every view rebuilt one after another (the sum)", head / one_by_one, head / one_by_one / raw))
    started = time.perf_counter()
    stopped = projector.rebuild_together(batch_size=BATCH)
    rate = head / (time.perf_counter() - started)
    rows.append(("every view rebuilt together" + (" (some stopped)" if stopped else ""), rate, rate / raw))
    alone, with_catch_up = command_cost(app, projector)

    print(f"\n{date.today().isoformat()}, {head} events, {url.split(':')[0]}\n")
    print("| what | events/s | ratio to raw read |")
    print("|---|---:|---:|")
    for name, rate, ratio in rows:
        print(f"| {name} | {rate:,.0f} | {ratio:.2f} |")
    print(
        f"\nlog_attempt alone: median {alone:.1f} ms; with catch-up of every view: median {with_catch_up:.1f} ms "
        f"(catch-up adds {with_catch_up - alone:.1f} ms, {(with_catch_up - alone) / alone:.2f} of the command)"
    )
    print(f"decoding alone (read beforehand): {decode_us:.1f} CPU microseconds per event, the lowest of 7")


if __name__ == "__main__":
    main()
