"""The Merkle tree's costs: on the write path, for a proof at a million events, and for the auditor's verifier.

    python -m benchmarks.tree_cost write-cost --out /tmp/tree-bench
    python -m benchmarks.tree_cost proofs --db /tmp/crm-audit-bench.sqlite3
    python -m benchmarks.tree_cost verifier --db /tmp/crm-audit-bench.sqlite3 --out /tmp/tree-bench

write-cost writes the same events into fresh SQLite files with the tree and
without it (the chain alone, as before the tree), alternating, and reports the
median rate of each and their ratio: in bulk (benchmarks/dataset.py, 200
aggregates per save) and one command per transaction (`log_attempt`, as from
the web), by the wall clock and by the process's CPU time (steadier on a shared
machine; it leaves out waiting for the disk). proofs and verifier run on a log made by benchmarks/audit_throughput.py
(its `load` phase). Prints markdown rows for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from crm.application import CrmApplication
from crm.persistence import sqlalchemy_env


@contextmanager
def without_tree():
    """The recorder as it was before the tree: chain rows of a position and a link only, no leaf hashed, no subtree."""
    from crm.audit.chain import ChainedApplicationRecorder

    saved = ChainedApplicationRecorder._with_leaves

    def links_only(self, session, last, links):
        return [{"position": position, "link": link} for position, link, _ in links]

    ChainedApplicationRecorder._with_leaves = links_only
    try:
        yield
    finally:
        ChainedApplicationRecorder._with_leaves = saved


def _fresh_app(folder: Path, name: str) -> CrmApplication:
    path = folder / f"{name}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return CrmApplication(env=sqlalchemy_env(f"sqlite:///{path}"))


def _bulk(app: CrmApplication, events: int) -> float:
    from benchmarks import dataset

    started, cpu = time.perf_counter(), time.process_time()
    written = dataset.load(app, events)
    return written / (time.perf_counter() - started), written / (time.process_time() - cpu)


def _commands(app: CrmApplication, commands: int) -> float:
    from benchmarks import dataset
    from crm.permissions import SYSTEM_ACTOR_ID

    dataset.load(app, 2000)
    user = app.register_user(SYSTEM_ACTOR_ID, "caller", "Ringer", "health", "recruiter")
    companies = [app.register_company(user, name=f"Firma {n}", industry="care") for n in range(20)]
    before = app.recorder.max_notification_id()
    started, cpu = time.perf_counter(), time.process_time()
    for n in range(commands):
        app.log_attempt(user, companies[n % len(companies)], "call", "no_answer")
    written = app.recorder.max_notification_id() - before
    return written / (time.perf_counter() - started), written / (time.process_time() - cpu)


def write_cost(out: Path, repeats: int, events: int, commands: int) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for title, measure, amount in (
        ("bulk: dataset.py, 200 aggregates per save", _bulk, events),
        ("one command per transaction: log_attempt", _commands, commands),
    ):
        rates: dict[str, list[tuple[float, float]]] = {"tree": [], "chain only": []}
        for _ in range(repeats):
            for variant in ("tree", "chain only"):
                if variant == "tree":
                    app = _fresh_app(out, "tree")
                    rates[variant].append(measure(app, amount))
                else:
                    with without_tree():
                        app = _fresh_app(out, "plain")
                        rates[variant].append(measure(app, amount))
                app.factory.datastore.engine.dispose()  # type: ignore[attr-defined]
        for clock, which in (("wall", 0), ("CPU", 1)):
            with_tree = statistics.median(r[which] for r in rates["tree"])
            plain = statistics.median(r[which] for r in rates["chain only"])
            print(f"| {title}, {clock} time | {plain:,.0f} | {with_tree:,.0f} | {with_tree / plain:.3f} | {repeats} |")
        print(f"  runs (wall, CPU): tree {[(round(w), round(c)) for w, c in rates['tree']]}")
        print(f"  chain only {[(round(w), round(c)) for w, c in rates['chain only']]}")


def _median_ms(action: Callable[[], Any], runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def proofs(url: str, runs: int) -> None:
    from crm.audit.checkpoint import Signer, consistency_proof, inclusion_proof, make_checkpoint

    app = CrmApplication.for_database(url)
    with tempfile.TemporaryDirectory() as folder:
        signer = Signer.load(Path(folder) / "bench.key")
        checkpoint_ms = _median_ms(lambda: make_checkpoint(app, signer), 5)
    size = make_checkpoint(app, signer).size
    rng = random.Random(9162)
    positions = [rng.randint(1, app.recorder.max_notification_id()) for _ in range(runs)]
    inclusion = _median_ms(lambda: inclusion_proof(app, positions.pop(), size), runs)
    pairs = [sorted(rng.sample(range(1, size + 1), 2)) for _ in range(runs)]
    consistency = _median_ms(lambda: consistency_proof(app, *pairs.pop()), runs)
    print(f"tree of {size:,} leaves; median of {runs} (checkpoints: of 5), ms")
    print(f"| sign and store a checkpoint | {checkpoint_ms:.2f} |")
    print(f"| inclusion proof of a random event | {inclusion:.2f} |")
    print(f"| consistency proof between two random sizes | {consistency:.2f} |")


def _raw_read_rate(app: CrmApplication) -> float:
    """Events/s of the driver's own cursor reading the events table in order: the ceiling of any export."""
    engine = app.factory.datastore.engine  # type: ignore[attr-defined]
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        started, count = time.perf_counter(), 0
        cursor.execute("SELECT id, originator_id, originator_version, topic, state FROM crm_events ORDER BY id")
        while rows := cursor.fetchmany(5000):
            count += len(rows)
        return count / (time.perf_counter() - started)
    finally:
        connection.close()


def verifier(url: str, out: Path) -> None:
    from crm.audit.auditor import verify_bundle
    from crm.audit.bundle import prove_export
    from crm.audit.checkpoint import Signer
    from crm.audit.export import verify_export, write_export
    from crm.permissions import SYSTEM_ACTOR_ID

    app = CrmApplication.for_database(url)
    raw = _raw_read_rate(app)
    signer = Signer.load(out / "bench.key")
    started = time.perf_counter()
    events, manifest, written = write_export(
        app, out, None, None, SYSTEM_ACTOR_ID, place="benchmark", prove=lambda s: prove_export(app, s, signer)
    )
    export_rate = written["count"] / (time.perf_counter() - started)
    started = time.perf_counter()
    chain = verify_export(events, manifest)
    chain_rate = chain.count / (time.perf_counter() - started)
    started = time.perf_counter()
    verdict = verify_bundle(events, manifest, signer.key)
    tree_rate = verdict.checked / (time.perf_counter() - started)
    assert chain.ok and verdict.ok, (chain.problems[:3], verdict.problems[:3])
    print(f"{written['count']:,} events, {events.stat().st_size / 1e6:,.0f} MB; events/s and ratio to the raw read")
    for title, rate in (
        ("raw driver read of the events table (every column an export needs)", raw),
        ("export with the checkpoint and tree proof", export_rate),
        ("re-verify the chain of the export (`verify_export`)", chain_rate),
        ("stand-alone verifier: every event proven in the signed tree", tree_rate),
    ):
        print(f"| {title} | {rate:,.0f} | {rate / raw:.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("what", choices=["write-cost", "proofs", "verifier"])
    parser.add_argument("--db", default="/tmp/crm-audit-bench.sqlite3")
    parser.add_argument("--out", type=Path, default=Path("/tmp/crm-tree-bench"))
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--commands", type=int, default=300)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    url = args.db if "://" in args.db else f"sqlite:///{args.db}"
    if args.what == "write-cost":
        write_cost(args.out, args.repeats, args.events, args.commands)
    elif args.what == "proofs":
        proofs(url, args.runs)
    else:
        args.out.mkdir(parents=True, exist_ok=True)
        verifier(url, args.out)


if __name__ == "__main__":
    main()
