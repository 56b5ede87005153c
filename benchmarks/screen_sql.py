"""What a screen asks of PostgreSQL: its reads of the read models re-run under EXPLAIN (ANALYZE, BUFFERS).

    python -m benchmarks.screen_sql --db postgresql://postgres@127.0.0.1:5432/bench --companies 10000

Prepares the database as benchmarks/load.py does (once), signs in as bench0 and GETs each screen
in-process, catching the SELECTs it sends to the read models (an engine hook); then runs each again
under EXPLAIN and sums the database's execution time (median of repeats) and the shared buffers the
plans touch. Buffers do not depend on how busy the machine is, so they show whether a screen's cost
grows with the companies where screen_cost's server times are lost in the noise of a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
from typing import Any

from sqlalchemy import event

from benchmarks import load

SCREENS = (
    ("My day", "/my-day"),
    ("Company list, first page", "/companies"),
    ("Company list, search 'virksomhed 77'", "/companies?q=virksomhed+77"),
    ("Company list, search 'virksomhed' (every company)", "/companies?q=virksomhed"),
    ("Pipeline board", "/pipeline"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="a PostgreSQL URL")
    parser.add_argument("--companies", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    users = load.prepare(args.db, args.companies)
    os.environ["CRM_INSTANCE_PATH"] = tempfile.mkdtemp()
    from web import create_app

    flask_app = create_app({"DATABASE_URL": args.db, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    engine = flask_app.extensions["crm"].projector.datastore.engine
    caught: list[tuple[str, Any]] = []

    def catch(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, executemany: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "rm_" in statement and not executemany:
            caught.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", catch)
    client = flask_app.test_client()
    username = users[0][0]
    assert client.post("/login", data={"username": username, "password": load.PASSWORD}).status_code == 302
    print("| screen | reads | database ms | shared buffers |")
    print("|---|---:|---:|---:|")
    for name, path in SCREENS:
        client.get(path)  # the first one catches the views up
        caught.clear()
        assert client.get(path).status_code == 200, path
        statements = list(caught)
        times, buffers = [], 0
        for _ in range(args.repeats):
            total, buffers = 0.0, 0
            with engine.connect() as connection:
                for statement, parameters in statements:
                    explained = connection.exec_driver_sql(
                        "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement, parameters
                    ).scalar()
                    plan = (explained if isinstance(explained, list) else json.loads(explained))[0]
                    total += plan["Execution Time"]
                    buffers += plan["Plan"].get("Shared Hit Blocks", 0) + plan["Plan"].get("Shared Read Blocks", 0)
                connection.rollback()
            times.append(total)
        print(f"| {name} | {len(statements)} | {statistics.median(times):.2f} | {buffers} |")


if __name__ == "__main__":
    main()
