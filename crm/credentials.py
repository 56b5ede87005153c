"""Password hashes, kept beside the event store but never in an event.

An audit export of the events must not carry anything that helps guess a
password; the User aggregate records only that a password was set, by whom.
"""

from __future__ import annotations

import os
from uuid import UUID

from eventsourcing_sqlalchemy.datastore import SQLAlchemyDatastore
from sqlalchemy import Column, MetaData, String, Table, Uuid, select
from werkzeug.security import check_password_hash, generate_password_hash

from crm.errors import InvalidInput

MIN_LENGTH = 8
# werkzeug's default (scrypt) unless set; the tests choose a cheap method, as they sign in hundreds of times.
HASH_METHOD_VAR = "CRM_PASSWORD_HASH_METHOD"

# Created and changed by the migrations in storage/migrations/; this is the shape the queries use.
metadata = MetaData()
credentials = Table(
    "crm_credentials",
    metadata,
    Column("user_id", Uuid, primary_key=True),
    Column("password_hash", String(256), nullable=False),
)


def check_password_rules(password: str) -> str:
    if len(password or "") < MIN_LENGTH:
        raise InvalidInput(field="password", problem="at least %(limit)s characters", limit=MIN_LENGTH)
    return password


class Credentials:
    """Hashes in the application's own database (SQLAlchemy), or in memory for the in-memory store."""

    def __init__(self, datastore: SQLAlchemyDatastore | None = None) -> None:
        self.datastore = datastore
        self._memory: dict[UUID, str] = {}

    def store(self, user_id: UUID, password: str) -> None:
        """Store the hash; inside a command's transaction it commits with the command's events."""
        method = os.environ.get(HASH_METHOD_VAR)
        hashed = generate_password_hash(password, method=method) if method else generate_password_hash(password)
        if self.datastore is None:
            self._memory[user_id] = hashed
            return
        with self.datastore.transaction(commit=True) as session:
            session.execute(credentials.delete().where(credentials.c.user_id == user_id))
            session.execute(credentials.insert().values(user_id=user_id, password_hash=hashed))

    def verify(self, user_id: UUID, password: str) -> bool:
        if self.datastore is None:
            hashed = self._memory.get(user_id)
        else:
            with self.datastore.transaction(commit=False) as session:
                hashed = session.execute(
                    select(credentials.c.password_hash).where(credentials.c.user_id == user_id)
                ).scalar()
        return hashed is not None and check_password_hash(hashed, password or "")
