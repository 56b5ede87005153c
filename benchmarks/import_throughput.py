"""Import throughput: a 50,000-row Danish Excel CSV, previewed and committed, beside ceilings from the same run.

    python -m benchmarks.import_throughput --rows 50000 --direct-rows 2000 --dir /tmp/crm-import-bench

Each row is a distinct company with a valid CVR number, a P-number and a contact (so each
commits three aggregates: the company, its CVR claim, the contact). Ceilings:
- preview: reading the file alone (`read_table`), the floor any preview pays;
- commit: the same companies and contacts registered by calling `register_company`,
  `add_workplace` and `register_contact` directly, on a fresh database.
The preview is timed `--repeats` times (median) on the whole file; the commit once, on its own fresh
database, on the first `--commit-rows` rows of the plan (the whole file when 0), in batches of rows per
transaction (crm/imports/commit.py); the ceiling's commands once on the first `--direct-rows` rows
(each command is its own transaction, so its rate does not depend on how many rows it is given).
Prints a markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import time
from pathlib import Path

from crm.application import CrmApplication
from crm.imports import commit_plan, plan_import, read_table
from crm.imports.commit import BATCH_ROWS
from crm.permissions import SYSTEM_ACTOR_ID
from crm.validation import is_valid_cvr

HEADER = ["Virksomhedsnavn", "CVR-nr.", "P-nummer", "Adresse", "Postnr.", "By", "Branche", "Antal ansatte",
          "Kontaktperson", "Stilling", "Telefon", "E-mail"]  # fmt: skip


def cvr_numbers(count: int) -> list[str]:
    found, n = [], 10_000_000
    while len(found) < count:
        if is_valid_cvr(str(n)):
            found.append(str(n))
        n += 1
    return found


def make_file(rows: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for i, cvr in enumerate(cvr_numbers(rows)):
        writer.writerow([f"Virksomhed nr. {i} ApS", cvr, f"{1_000_000_000 + i}", f"Æblevej {i % 200 + 1}", "8700",
                         "Horsens", "Rengøring", str(5 + i % 300), f"Søren Ødegård {i}", "Direktør",
                         f"{20_000_000 + i}", f"kontakt{i}@firma{i}.dk"])  # fmt: skip
    return out.getvalue().encode("cp1252")


def fresh_app(folder: Path, name: str) -> tuple[CrmApplication, object]:
    path = folder / f"{name}.sqlite3"
    path.unlink(missing_ok=True)
    app = CrmApplication.for_database(f"sqlite:///{path}")
    user = app.register_user(SYSTEM_ACTOR_ID, "importer", "Ida Import", "health", "recruiter")
    return app, user


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--commit-rows", type=int, default=0)
    parser.add_argument("--direct-rows", type=int, default=2_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/crm-import-bench"))
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    data = make_file(args.rows)
    print(f"file: {args.rows} rows, {len(data) / 1e6:.1f} MB (Windows-1252, semicolons)")

    reads, previews = [], []
    plan = None
    for _ in range(args.repeats):
        started = time.perf_counter()
        header, body = read_table(data, "bench.csv")
        reads.append(time.perf_counter() - started)
        started = time.perf_counter()
        header, body = read_table(data, "bench.csv")
        plan = plan_import("bench.csv", header, body, [])
        previews.append(time.perf_counter() - started)
    assert plan is not None and plan.counts()["create"] == args.rows, plan.counts()

    committing = args.commit_rows or args.rows
    plan.rows = plan.rows[:committing]
    direct_rows = min(args.direct_rows, committing)
    app, user = fresh_app(args.dir, "direct")
    started = time.perf_counter()
    for row in plan.rows[:direct_rows]:
        company = app.register_company(user, **row.company)
        app.add_workplace(user, company, row.workplace["name"], row.workplace["p_number"], row.workplace["address"])
        app.register_contact(user, company, **row.contact)
    direct = time.perf_counter() - started

    app, user = fresh_app(args.dir, "import")
    started = time.perf_counter()
    result = commit_plan(app, user, plan)
    committed = time.perf_counter() - started
    assert result.created == committing and not result.failed

    read, preview = statistics.median(reads), statistics.median(previews)
    table = [
        ("read the file (ceiling for the preview)", read, args.rows / read, 1.0),
        ("preview: read, validate, match", preview, args.rows / preview, read / preview),
        (f"commands called directly, {direct_rows:,} rows (ceiling)", direct, direct_rows / direct, 1.0),
        (
            f"commit: `import_rows` in batches of {BATCH_ROWS}, {committing:,} rows",
            committed,
            committing / committed,
            (committing / committed) / (direct_rows / direct),
        ),
    ]
    print("| what | seconds | rows/s | ratio to ceiling |")
    print("|---|---:|---:|---:|")
    for what, seconds, rate, ratio in table:
        print(f"| {what} | {seconds:.2f} | {rate:,.1f} | {ratio:.2f} |")


if __name__ == "__main__":
    main()
