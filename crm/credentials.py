"""Password hashes, kept beside the event store but never in an event; and the rules a password must meet.

An audit export of the events must not carry anything that helps guess a
password; the User aggregate records only that a password was set, by whom.
"""

from __future__ import annotations

import gzip
import os
import re
import secrets
from functools import cache
from pathlib import Path
from uuid import UUID

from eventsourcing_sqlalchemy.datastore import SQLAlchemyDatastore
from sqlalchemy import Column, MetaData, String, Table, Uuid, select
from werkzeug.security import check_password_hash, generate_password_hash

from crm.errors import InvalidInput

MIN_LENGTH = 12
# Longer is refused rather than hashed: nobody types more, and hashing a megabyte costs.
MAX_LENGTH = 256
# A password of fewer different characters (aaaaaaaaaaaa, 121212121212) is guessed at once.
MIN_DISTINCT = 5
# werkzeug's default (scrypt) unless set; the tests choose a cheap method, as they sign in hundreds of times.
HASH_METHOD_VAR = "CRM_PASSWORD_HASH_METHOD"
COMMON_LISTS = Path(__file__).parent / "passwords"
# Digits, punctuation and spaces that people put around a common word: Velkommen2024!, 1sommer.
AROUND_A_WORD = re.compile(r"^[\W\d_]+|[\W\d_]+$")

# Created and changed by the migrations in storage/migrations/; this is the shape the queries use.
metadata = MetaData()
credentials = Table(
    "crm_credentials",
    metadata,
    Column("user_id", Uuid, primary_key=True),
    Column("password_hash", String(256), nullable=False),
)


@cache
def common_passwords() -> frozenset[str]:
    """The shipped lists (crm/passwords/README.md), lowercase."""
    with gzip.open(COMMON_LISTS / "common-passwords.txt.gz", "rt", encoding="utf-8") as handle:
        words = {line.strip() for line in handle}
    with (COMMON_LISTS / "danish.txt").open(encoding="utf-8") as handle:
        words |= {line.strip() for line in handle if not line.startswith("#")}
    return frozenset(word for word in words if word)


def is_common(password: str) -> bool:
    """On a list, a listed word with digits or symbols around it, a listed word repeated, or no word at all."""
    lowered = password.lower()
    core = AROUND_A_WORD.sub("", lowered)
    listed = common_passwords()
    if lowered in listed or core in listed or not core:
        return True
    for size in range(1, len(core) // 2 + 1):
        if len(core) % size == 0 and core == core[:size] * (len(core) // size) and core[:size] in listed:
            return True
    return False


def contains_own_name(password: str, username: str = "", display_name: str = "") -> bool:
    """The username, or a part of the display name, anywhere in the password (case and spacing ignored)."""
    letters = re.sub(r"[\W_]+", "", password.lower())
    names = [username, *re.split(r"[\W_]+", display_name or "")]
    return any(len(name) >= 3 and re.sub(r"[\W_]+", "", name.lower()) in letters for name in names if name)


def check_password_rules(password: str, username: str = "", display_name: str = "") -> str:
    """The password, when it is long enough, not common and not the user's own name; InvalidInput otherwise."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        raise InvalidInput(field="password", problem="at least %(limit)s characters", limit=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        raise InvalidInput(field="password", problem="at most %(limit)s characters", limit=MAX_LENGTH)
    if len(set(password)) < MIN_DISTINCT or is_common(password):
        raise InvalidInput(field="password", problem="is too common or too easy to guess")
    if contains_own_name(password, username, display_name):
        raise InvalidInput(field="password", problem="must not contain the username or the user's name")
    return password


def _hash(password: str) -> str:
    method = os.environ.get(HASH_METHOD_VAR)
    return generate_password_hash(password, method=method) if method else generate_password_hash(password)


@cache
def _stand_in_hash(method: str | None) -> str:
    """A hash of a random password: checked against when the user has none, to take the same time."""
    return _hash(secrets.token_urlsafe(16))


class Credentials:
    """Hashes in the application's own database (SQLAlchemy), or in memory for the in-memory store."""

    def __init__(self, datastore: SQLAlchemyDatastore | None = None) -> None:
        self.datastore = datastore
        self._memory: dict[UUID, str] = {}

    def store(self, user_id: UUID, password: str) -> None:
        """Store the hash; inside a command's transaction it commits with the command's events."""
        hashed = _hash(password)
        if self.datastore is None:
            self._memory[user_id] = hashed
            return
        with self.datastore.transaction(commit=True) as session:
            session.execute(credentials.delete().where(credentials.c.user_id == user_id))
            session.execute(credentials.insert().values(user_id=user_id, password_hash=hashed))

    def verify(self, user_id: UUID, password: str) -> bool:
        """Whether the password is the user's; as slow for a user without a password as for one with."""
        if self.datastore is None:
            hashed = self._memory.get(user_id)
        else:
            with self.datastore.transaction(commit=False) as session:
                hashed = session.execute(
                    select(credentials.c.password_hash).where(credentials.c.user_id == user_id)
                ).scalar()
        # Longer than the rules allow is nobody's password: it is checked as an empty one, as fast as any.
        typed = password if password and len(password) <= MAX_LENGTH else ""
        if not hashed:
            check_password_hash(_stand_in_hash(os.environ.get(HASH_METHOD_VAR)), typed)
            return False
        return check_password_hash(hashed, typed)
