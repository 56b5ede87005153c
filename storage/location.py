"""Where the database is: one SQLAlchemy URL for the event store, the read models and the tables beside them."""

from __future__ import annotations

import os
from pathlib import Path

DATABASE_URL_VAR = "CRM_DATABASE_URL"
INSTANCE_PATH_VAR = "CRM_INSTANCE_PATH"


def instance_path() -> Path:
    return Path(os.environ.get(INSTANCE_PATH_VAR) or Path.cwd() / "instance")


def database_url() -> str:
    """CRM_DATABASE_URL, or a SQLite file in the instance folder (created on first use)."""
    url = os.environ.get(DATABASE_URL_VAR)
    if url:
        return url
    folder = instance_path()
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'crm.sqlite3'}"


# How long a SQLite connection waits for another process's write lock before it gives up (seconds).
# The driver's 5 s is shorter than a migration or a first chain link under load takes: two processes
# starting at once must queue, not fail.
SQLITE_BUSY_SECONDS = 30


def driver_url(url: str) -> str:
    """The URL SQLAlchemy needs: plain postgresql:// URLs are served by psycopg 3; a SQLite file waits
    SQLITE_BUSY_SECONDS for a lock unless the URL names its own timeout."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://") :]
    if url.startswith("sqlite") and ":memory:" not in url and "mode=memory" not in url and "timeout=" not in url:
        return f"{url}{'&' if '?' in url else '?'}timeout={SQLITE_BUSY_SECONDS}"
    return url
