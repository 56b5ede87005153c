"""Where events are stored: one SQLAlchemy URL for the event store and the read models."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from eventsourcing.persistence import Transcoding

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


def sqlalchemy_env(url: str) -> dict[str, str]:
    """The eventsourcing environment that stores the application's events at `url`.

    eventsourcing_sqlalchemy's persistence, with a recorder that also writes the
    audit hash chain in the events' transaction (crm/audit/chain.py).
    """
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return {"PERSISTENCE_MODULE": "crm.audit.factory:Factory", "SQLALCHEMY_URL": url}


class DateAsISO(Transcoding):
    """Dates typed by users (follow-up, due date) are calendar dates, not instants."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)
