"""Each read model projected from empty, one after another, timed: the rebuild of a whole log.

    python -m benchmarks.catch_up --db postgresql://postgres@127.0.0.1:5432/bench [--together]

The database must hold the events (benchmarks/load.py's `prepare` loads them) and no read models yet;
prints the seconds and events/s of each view, then the whole, and analyses the tables afterwards.
With --together every view is projected in one catch-up, the log read and decoded once for all of
them (as a deploy that changes every view's version, a restore and `crm projections rebuild` do).
"""

from __future__ import annotations

import argparse
import time

from sqlalchemy import text

from crm.application import CrmApplication
from projections.registry import ALL
from projections.runner import Projector


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="PostgreSQL URL or sqlite:/// URL")
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--together", action="store_true", help="every view in one catch-up")
    args = parser.parse_args()
    app = CrmApplication.for_database(args.db)
    head = app.recorder.max_notification_id() or 0
    print(f"head {head}", flush=True)
    began = time.perf_counter()
    for cls in ALL if not args.together else ():
        started = time.perf_counter()
        Projector(app, projection_classes=[cls]).catch_up(batch_size=args.batch)
        seconds = time.perf_counter() - started
        print(f"{cls.name}: {seconds:.0f} s, {head / seconds:,.0f} events/s", flush=True)
    if args.together:
        Projector(app).catch_up(batch_size=args.batch)
    seconds = time.perf_counter() - began
    print(f"all{' together' if args.together else ''}: {seconds:.0f} s, {head / seconds:,.0f} events/s", flush=True)
    engine = app.recorder.datastore.engine
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE" if connection.dialect.name == "postgresql" else "ANALYZE"))


if __name__ == "__main__":
    main()
