"""Where events are stored: one SQLAlchemy URL for the event store and the read models."""

from __future__ import annotations

from datetime import date

from eventsourcing.persistence import Transcoding

from storage.location import driver_url


def sqlalchemy_env(url: str) -> dict[str, str]:
    """The eventsourcing environment that stores the application's events at `url`.

    eventsourcing_sqlalchemy's persistence, with a recorder that also writes the
    audit hash chain in the events' transaction (crm/audit/chain.py).
    """
    return {"PERSISTENCE_MODULE": "crm.audit.factory:Factory", "SQLALCHEMY_URL": driver_url(url)}


class DateAsISO(Transcoding):
    """Dates typed by users (follow-up, due date) are calendar dates, not instants."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)
