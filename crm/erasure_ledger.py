"""The erasure ledger: which keys were destroyed and when, kept outside the database it protects.

A backup taken before an erasure still holds the person's key; restoring it would
bring the person back. So every destroyed key id is also appended to this file
(key ids and times only: "contact:<uuid>", "text:<uuid>:<version>:<field>", no
personal data), and `crm restore` destroys every key the ledger names after loading
a backup. Where it lives: CRM_ERASURE_LEDGER if set; else beside a SQLite database
file ("<file>.erasure-ledger.jsonl"); else the instance folder. Keep it with the
backups' catalogue, not inside any backup. docs/operations.md says more.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from storage.location import instance_path

LEDGER_VAR = "CRM_ERASURE_LEDGER"


def ledger_path(database_url: str | None) -> Path | None:
    """Where the ledger of this database lives (None for an in-memory store, which has no backups)."""
    configured = os.environ.get(LEDGER_VAR)
    if configured:
        return Path(configured)
    if database_url is None:
        return None
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database in (None, "", ":memory:"):
            return None
        return Path(f"{url.database}.erasure-ledger.jsonl")
    return instance_path() / "erasure-ledger.jsonl"


class ErasureLedger:
    def __init__(self, path: Path | None) -> None:
        self.path = path

    def append(self, key_ids: Iterable[str], at: datetime) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            for key_id in key_ids:
                handle.write(json.dumps({"key_id": key_id, "destroyed_at": at.isoformat()}) + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def key_ids(self) -> list[str]:
        if self.path is None or not self.path.exists():
            return []
        with self.path.open(encoding="utf-8") as handle:
            return [json.loads(line)["key_id"] for line in handle if line.strip()]
