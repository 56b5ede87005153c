"""Kill the server with SIGKILL mid-write under load, many times, and check that no acknowledged write is lost.

    python -m benchmarks.kills --kills 20                                          # SQLite file
    python -m benchmarks.kills --kills 20 --database postgresql://postgres@127.0.0.1:5432/test

The machinery is tests/kills.py (a short version runs in tests/integration/test_kills.py):
`crm serve` in its own process, writers registering companies and adding contacts,
SIGKILL at random moments and a restart each time. Afterwards every acknowledged
write must be in the event store, `crm audit verify` must pass, and the read models
must catch up with every acknowledged company in them. Exits 1 otherwise.
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
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("CRM_PASSWORD_HASH_METHOD", "pbkdf2:sha256:1000")

from tests import kills


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--writers", type=int, default=6, help="clients writing at once")
    parser.add_argument("--writes", type=int, nargs=2, default=(5, 30), help="acknowledged writes between kills")
    parser.add_argument("--database", help="a PostgreSQL URL (a private schema is made in it); default a SQLite file")
    parser.add_argument("--json", help="write the summary to this file too")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="crm-kills-"))
    url = f"sqlite:///{folder / 'kills.sqlite3'}"
    if args.database:
        from tests.databases import private_schema_url

        url = private_schema_url(args.database)
    started = time.perf_counter()
    outcome = kills.run(url, folder, args.kills, args.writers, writes=(args.writes[0], args.writes[1]))
    checked = kills.check(url, outcome, folder)
    summary = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "database": "postgresql" if args.database else "sqlite file",
        "kills": outcome.kills,
        "writers": args.writers,
        "acknowledged_companies": len(outcome.companies),
        "acknowledged_contacts": len(outcome.contacts),
        "requests_cut_off_or_refused_connection": outcome.cut_off,
        "client_errors": dict(outcome.errors),
        "answers_other_than_ack": outcome.refused[:20],
        "seconds": round(time.perf_counter() - started),
        **checked,
    }
    print(json.dumps(summary, indent=2, default=str))
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=2, default=str))
    lost = checked["missing_companies"] or checked["missing_contacts"] or checked["companies_not_in_read_model"]
    sys.exit(1 if lost or checked["views_behind_or_failed"] or checked["audit_verify_exit"] else 0)


if __name__ == "__main__":
    main()
