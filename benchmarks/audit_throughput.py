"""Audit throughput: chain verification and export rates beside the raw read rate, on a large log.

    python -m benchmarks.audit_throughput --events 1000000 --db /tmp/crm-audit-bench.sqlite3

The log is made by benchmarks/dataset.py (domain aggregates saved many per
transaction through the application, so every event gets its chain link as
in production). Each measurement runs in a fresh child process, so its peak
memory (maxrss) is its own. Prints a markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

BATCH = 1000


def _app(url: str):
    from crm.application import CrmApplication

    return CrmApplication.for_database(url)


def phase_load(url: str, events: int) -> dict:
    from benchmarks import dataset

    app = _app(url)
    started = time.perf_counter()
    head = dataset.load(app, events)
    return {"events": head, "seconds": time.perf_counter() - started}


def phase_raw(url: str) -> dict:
    """Notifications read in batches through the library's recorder, nothing decoded: the floor."""
    app = _app(url)
    head = app.recorder.max_notification_id()
    started = time.perf_counter()
    position = 0
    while position < head:
        position = app.recorder.select_notifications(start=position + 1, limit=BATCH)[-1].id
    return {"events": head, "seconds": time.perf_counter() - started}


def phase_stream(url: str) -> dict:
    """The keyset reader verify and export use (SQLAlchemy Core rows, 5,000 a batch)."""
    from crm.audit.chain import iter_events

    app = _app(url)
    started = time.perf_counter()
    count = sum(1 for _ in iter_events(app.recorder.datastore, app.recorder.events_table))
    return {"events": count, "seconds": time.perf_counter() - started}


def phase_verify(url: str) -> dict:
    from crm.audit.verify import verify_chain

    app = _app(url)
    started = time.perf_counter()
    report = verify_chain(app)
    seconds = time.perf_counter() - started
    assert report.ok, report.problems[:3]
    return {"events": report.checked, "seconds": seconds}


def phase_export(url: str, out: str) -> dict:
    from crm.audit.export import write_export
    from crm.permissions import SYSTEM_ACTOR_ID

    app = _app(url)
    started = time.perf_counter()
    events_path, _, manifest = write_export(app, Path(out), None, None, SYSTEM_ACTOR_ID, place="benchmark")
    seconds = time.perf_counter() - started
    return {"events": manifest["count"], "seconds": seconds, "bytes": events_path.stat().st_size}


def phase_verify_export(out: str) -> dict:
    from crm.audit.export import file_names, verify_export

    events_name, manifest_name = file_names(None, None)
    started = time.perf_counter()
    check = verify_export(Path(out) / events_name, Path(out) / manifest_name)
    seconds = time.perf_counter() - started
    assert check.ok, check.problems[:3]
    return {"events": check.count, "seconds": seconds}


def phase_event_log(url: str) -> dict:
    """Index the log for the event-log screen, then time pages of it (index query + reading its 50 events)."""
    from crm.audit.log import events_at
    from projections import EventFilters, Projector
    from projections.event_log import EventIndexProjection

    app = _app(url)
    projector = Projector(app, projection_classes=(EventIndexProjection,))
    index = projector["audit_events"]
    started = time.perf_counter()
    indexed = projector.rebuild("audit_events", batch_size=5000)  # from the first event, also on a reused file
    index_seconds = time.perf_counter() - started
    head = app.recorder.max_notification_id()
    some_user = app.user_id_for("bench7")
    cases = {
        "first page": (EventFilters(), {}),
        "page at 90 % of the log": (EventFilters(), {"after": int(head * 0.9)}),
        "last page": (EventFilters(), {"last": True}),
        "one recruiter, last page": (EventFilters(actor_id=some_user), {"last": True}),
        "one event type, from the middle": (EventFilters(event_type="Contact.Registered"), {"after": head // 2}),
        "one week (2-8 June 2025)": (EventFilters(date_from=date(2025, 6, 2), date_to=date(2025, 6, 8)), {}),
    }
    timings = {}
    for name, (filters, kwargs) in cases.items():
        runs = []
        for _ in range(5):
            started = time.perf_counter()
            page = index.page(filters, limit=50, **kwargs)
            events_at(app, page.positions)
            runs.append(time.perf_counter() - started)
        timings[name] = {"ms": sorted(runs)[2] * 1000, "rows": len(page.positions)}
    return {"events": indexed, "seconds": index_seconds, "pages": timings}


def phase_write_cost(out: str, events: int = 100_000) -> dict:
    """The same dataset written with and without the chain, into two scratch files: what the links cost."""
    from benchmarks import dataset
    from crm.application import CrmApplication
    from crm.persistence import sqlalchemy_env

    rates = {}
    for name, module in (("plain", "eventsourcing_sqlalchemy"), ("chained", None)):
        path = Path(out) / f"write-cost-{name}.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        env = sqlalchemy_env(f"sqlite:///{path}")
        if module:
            env["PERSISTENCE_MODULE"] = module
        app = CrmApplication(env=env)
        started = time.perf_counter()
        written = dataset.load(app, events)
        rates[name] = written / (time.perf_counter() - started)
        app.factory.datastore.engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    return {"events": events, "seconds": 0.0, "plain": rates["plain"], "chained": rates["chained"]}


PHASES = {
    "write-cost": phase_write_cost,
    "load": phase_load,
    "raw": phase_raw,
    "stream": phase_stream,
    "verify": phase_verify,
    "export": phase_export,
    "verify-export": phase_verify_export,
    "event-log": phase_event_log,
}


def run_phase(name: str, args: argparse.Namespace) -> dict:
    """One measurement in a fresh interpreter, with its own peak memory."""
    command = [
        sys.executable,
        "-m",
        "benchmarks.audit_throughput",
        "--phase",
        name,
        "--db",
        args.db,
        "--events",
        str(args.events),
        "--out",
        args.out,
    ]
    found = subprocess.run(command, check=True, capture_output=True, text=True)
    result = json.loads(found.stdout.strip().splitlines()[-1])
    print(f"  {name}: {result}", file=sys.stderr)
    return result


def child(args: argparse.Namespace) -> None:
    url = args.db if "://" in args.db else f"sqlite:///{args.db}"
    function = PHASES[args.phase]
    if args.phase == "load":
        result = function(url, args.events)
    elif args.phase == "export":
        result = function(url, args.out)
    elif args.phase == "verify-export" or args.phase == "write-cost":
        result = function(args.out)
    else:
        result = function(url)
    result["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--db", default="/tmp/crm-audit-bench.sqlite3", help="SQLite file or a PostgreSQL URL")
    parser.add_argument("--out", default="/tmp/crm-audit-bench-export", help="folder for the exported files")
    parser.add_argument("--reuse", action="store_true", help="keep an existing SQLite file instead of loading anew")
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        child(args)
        return
    if "://" not in args.db and not args.reuse:
        for suffix in ("", "-wal", "-shm"):
            Path(args.db + suffix).unlink(missing_ok=True)
    results = {}
    if not args.reuse:
        results["load"] = run_phase("load", args)
    for name in ("raw", "stream", "verify", "export", "verify-export", "event-log", "write-cost"):
        results[name] = run_phase(name, args)

    raw = results["raw"]["events"] / results["raw"]["seconds"]
    rows = [
        ("raw read (select_notifications, 1,000 a batch)", "raw"),
        ("keyset read of rows (SQLAlchemy Core, 5,000 a batch)", "stream"),
        ("verify the chain (`crm audit verify --chain-only`)", "verify"),
        ("export the whole log (JSON Lines + manifest)", "export"),
        ("re-verify the exported file alone", "verify-export"),
        ("index the log for the event-log screen", "event-log"),
    ]
    if "load" in results:
        rows.insert(0, ("load: events written with their chain links", "load"))
    events = results["raw"]["events"]
    print(f"\n{date.today().isoformat()}, {events:,} events, {args.db.split('@')[-1]}\n")
    print("| what | events/s | ratio to raw read | seconds | peak memory (MB) |")
    print("|---|---:|---:|---:|---:|")
    for title, key in rows:
        r = results[key]
        rate = r["events"] / r["seconds"]
        print(f"| {title} | {rate:,.0f} | {rate / raw:.2f} | {r['seconds']:.1f} | {r['maxrss_mb']:.0f} |")
    print(f"\nExported file: {results['export']['bytes'] / 1e6:,.0f} MB for {results['export']['events']:,} events.")
    cost = results["write-cost"]
    print(
        f"\nWriting {cost['events']:,} events through the application (dataset.py, many aggregates per save): "
        f"{cost['plain']:,.0f} events/s without the chain, {cost['chained']:,.0f} events/s with it "
        f"({100 * (1 - cost['chained'] / cost['plain']):.0f} % slower)."
    )
    print("\n| event-log page (50 events) | median of 5, ms | rows |")
    print("|---|---:|---:|")
    for name, timing in results["event-log"]["pages"].items():
        print(f"| {name} | {timing['ms']:.1f} | {timing['rows']} |")


if __name__ == "__main__":
    main()
