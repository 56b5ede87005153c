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


def driver_url(url: str) -> str:
    """The URL SQLAlchemy needs: plain postgresql:// URLs are served by psycopg 3."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://") :]
    return url
