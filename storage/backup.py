"""Backing up and restoring the whole database: SQLite's online backup API, PostgreSQL's pg_dump and pg_restore.

A SQLite backup is taken page by page while the application serves (readers and
writers go on; a write during the copy restarts it, as SQLite's API does). On
PostgreSQL, pg_dump's custom format takes a consistent snapshot. Restoring goes
into an empty database only, so nothing newer is overwritten by mistake.
`crm backup` and `crm restore` (cli/backup.py) wrap these and, after a restore,
re-apply the erasure ledger (crm/erasure_ledger.py), verify the chain and rebuild the views.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess  # nosec B404  # pg_dump and pg_restore, the operator's own tools
from pathlib import Path

from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url

from storage.location import driver_url


class BackupError(Exception):
    pass


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if parsed.database in (None, "", ":memory:"):
        raise BackupError("an in-memory database has nothing to back up")
    return Path(parsed.database)


def _libpq_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def backup(url: str, target: Path) -> None:
    """Write a backup of the database at `url` to the file `target` (which must not exist)."""
    if target.exists():
        raise BackupError(f"{target} exists already")
    source = _sqlite_file(url)
    if source is not None:
        with sqlite3.connect(source) as live, sqlite3.connect(target) as copy:
            live.backup(copy)
        return
    tool = shutil.which("pg_dump")
    if tool is None:
        raise BackupError("pg_dump is not installed")
    subprocess.run([tool, "--format=custom", "--file", str(target), _libpq_url(url)], check=True)  # noqa: S603  # nosec B603  # the operator's tool, our arguments


def is_empty(url: str) -> bool:
    engine = create_engine(driver_url(url))
    try:
        return not inspect(engine).get_table_names()
    finally:
        engine.dispose()


def restore(url: str, source: Path) -> None:
    """Load the backup `source` into the empty database at `url`."""
    if not source.exists():
        raise BackupError(f"{source} does not exist")
    target = _sqlite_file(url)
    if target is not None:
        if target.exists() and target.stat().st_size and not is_empty(url):
            raise BackupError(f"{target} is not empty: restore into an empty database")
        with sqlite3.connect(source) as backup_copy, sqlite3.connect(target) as live:
            backup_copy.backup(live)
        return
    if not is_empty(url):
        raise BackupError("the database is not empty: restore into an empty database")
    tool = shutil.which("pg_restore")
    if tool is None:
        raise BackupError("pg_restore is not installed")
    subprocess.run([tool, "--no-owner", "--dbname", _libpq_url(url), str(source)], check=True)  # noqa: S603  # nosec B603  # the operator's tool, our arguments


def compact(url: str) -> None:
    """Leave no freed page holding old bytes (a dropped view generation, a destroyed key): SQLite's VACUUM."""
    path = _sqlite_file(url)
    if path is None:
        return
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("VACUUM")
    finally:
        connection.close()
