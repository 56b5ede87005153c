"""The keys that personal data is encrypted under, one per person (and one per redactable free text).

Crypto-shredding: a person's name, phone and e-mail travel in their Contact's
events only as AES-GCM ciphertext (crm/sealing.py); erasing the person destroys
their key here, and the ciphertext that stays in the immutable, hash-chained
events can never be read again. A destroyed key leaves a tombstone (its id and
the time, no key bytes), so the same id never gets a new key: nothing written
after an erasure can bring the person back under their old id.

The table lives in the application's database (made by migration 0009), or in a
database of its own when CRM_KEYS_DATABASE_URL names one, so the keys can be kept
and backed up apart from the events. Keys are cached in the process for a short
while (KEY_CACHE_SECONDS); a key destroyed by another process stops decrypting
there within that time, and at once in the process that destroyed it. A rebuild of the
views forgets the cache first (`forget`), so it never copies a text redacted elsewhere.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from eventsourcing_sqlalchemy.datastore import SQLAlchemyDatastore
from sqlalchemy import Column, DateTime, LargeBinary, MetaData, String, Table, any_, bindparam, func, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crm.erasure_ledger import ErasureLedger
from storage.ddl import schema_lock
from storage.location import driver_url

KEYS_DATABASE_URL_VAR = "CRM_KEYS_DATABASE_URL"
KEY_CACHE_SECONDS = 30.0
# At most this many keys cached: a rebuild reads one per free text, hundreds of thousands in all.
KEY_CACHE_SIZE = 100_000
KEY_BYTES = 32  # AES-256

# Created by the migrations in storage/migrations/ (0009); this is the shape the queries use.
metadata = MetaData()
personal_keys = Table(
    "crm_personal_keys",
    metadata,
    Column("key_id", String(120), primary_key=True),
    Column("key", LargeBinary, nullable=True),  # NULL once destroyed
    Column("created_at", DateTime, nullable=False),
    Column("destroyed_at", DateTime, nullable=True),
)


class KeyDestroyed(Exception):
    """Something tried to encrypt under a key that was destroyed: the person or text is erased."""


class PersonalKeys:
    """Get-or-create, read and destroy keys by id, with a short in-process cache."""

    def __init__(self, datastore: SQLAlchemyDatastore, now: Any = None, ledger: ErasureLedger | None = None) -> None:
        self.datastore = datastore
        self.ledger = ledger or ErasureLedger(None)
        self._now = now or (lambda: datetime.now(UTC).replace(tzinfo=None, microsecond=0))
        self._cache: dict[str, tuple[bytes | None, float]] = {}

    @classmethod
    def separate(cls, url: str, ledger: ErasureLedger | None = None) -> PersonalKeys:
        """Keys in a database of their own: the table is made there if missing."""
        datastore = SQLAlchemyDatastore(url=driver_url(url))
        engine = datastore.engine
        if not isinstance(engine, Engine):
            raise RuntimeError("a keys database without an engine")
        with schema_lock(engine) as connection:
            metadata.create_all(connection, tables=[personal_keys])
        return cls(datastore, ledger=ledger)

    @staticmethod
    def separate_url(env: Any = None) -> str | None:
        getter = env.get if env is not None else os.environ.get
        value = getter(KEYS_DATABASE_URL_VAR)
        return str(value) if value else None

    def _cached(self, key_id: str) -> tuple[bool, bytes | None]:
        entry = self._cache.get(key_id)
        if entry is None:
            return False, None
        key, until = entry
        if key is None or time.monotonic() < until:  # a destroyed key stays destroyed
            return True, key
        self._cache.pop(key_id, None)  # (`forget` may have replaced the cache meanwhile, from another thread)
        return False, None

    def forget(self) -> None:
        """Read every key afresh from now on: a rebuild that replaces redacted texts in the views must not open
        one with a key another process destroyed since this one cached it."""
        self._cache = {}  # a new dict, so a thread reading the old one meanwhile is not disturbed

    def _remember(
        self, key_id: str, key: bytes | None, cache: dict[str, tuple[bytes | None, float]] | None = None
    ) -> None:
        """Cache the key read; into `cache`, the cache as it was before the read, when given: a key read before
        `forget` then never enters the cache that follows it."""
        cache = self._cache if cache is None else cache
        if len(cache) >= KEY_CACHE_SIZE:
            # The oldest go, not all: a batch's keys, read together just before its events are decoded, must
            # stay until they are. (Clearing dropped them mid-batch, and each was read again on its own: 8,819
            # single reads in a replay of 251,374 events.) list() takes the ids in one C call, under the GIL.
            for old in list(islice(cache, len(cache) // 4)):
                cache.pop(old, None)
        cache[key_id] = (key, time.monotonic() + KEY_CACHE_SECONDS)

    def _read(self, key_id: str) -> tuple[bool, bytes | None]:
        """(the id is known, its key or None when destroyed)."""
        c = personal_keys.c
        with self.datastore.transaction(commit=False) as session:
            row = session.execute(select(c.key).where(c.key_id == key_id)).first()
        if row is None:
            return False, None
        return True, bytes(row[0]) if row[0] is not None else None

    def load_many(self, key_ids: Iterable[str]) -> None:
        """Cache the keys of these ids that are not cached yet, read in one query."""
        cache = self._cache
        wanted = sorted({k for k in key_ids if not self._cached(k)[0]})
        c = personal_keys.c
        engine = self.datastore.engine
        # PostgreSQL takes the ids as one array (a rebuild reads a key per free text: tens of thousands);
        # an IN list of as many parameters costs it several times more.
        array = isinstance(engine, Engine) and engine.dialect.name == "postgresql"
        chunk = 5000 if array else 500
        for start in range(0, len(wanted), chunk):
            ids = wanted[start : start + chunk]
            chosen = c.key_id == any_(bindparam("ids", ids, type_=ARRAY(String))) if array else c.key_id.in_(ids)
            with self.datastore.transaction(commit=False) as session:
                rows = session.execute(select(c.key_id, c.key).where(chosen)).all()
            for key_id, key in rows:
                self._remember(key_id, bytes(key) if key is not None else None, cache)

    def for_opening(self, key_id: str) -> bytes | None:
        """The key, or None when it was destroyed (or never existed)."""
        cache = self._cache
        hit, key = self._cached(key_id)
        if hit:
            return key
        known, key = self._read(key_id)
        if known:
            self._remember(key_id, key, cache)
        return key

    def for_sealing(self, key_id: str) -> bytes:
        """The key, made now if the id has none; KeyDestroyed when it was destroyed."""
        hit, key = self._cached(key_id)
        if hit and key is not None:
            return key
        known, key = self._read(key_id)
        if not known:
            fresh = secrets.token_bytes(KEY_BYTES)
            try:
                with self.datastore.transaction(commit=True) as session:
                    session.execute(personal_keys.insert().values(key_id=key_id, key=fresh, created_at=self._now()))
                key = fresh
            except IntegrityError:  # made by another writer meanwhile
                known, key = self._read(key_id)
        if key is None:
            self._remember(key_id, None)
            raise KeyDestroyed(key_id)
        self._remember(key_id, key)
        return key

    def ensure(self, key_ids: Iterable[str]) -> None:
        """Make the keys of these ids that have none yet, in one transaction (a destroyed one stays destroyed)."""
        wanted = sorted({k for k in key_ids if not self._cached(k)[0]})
        if not wanted:
            return
        c = personal_keys.c
        try:
            with self.datastore.transaction(commit=True) as session:
                rows = session.execute(select(c.key_id, c.key).where(c.key_id.in_(wanted))).all()
                found: dict[str, bytes | None] = {row[0]: row[1] for row in rows}
                now = self._now()
                fresh = {k: secrets.token_bytes(KEY_BYTES) for k in wanted if k not in found}
                if fresh:
                    made = [{"key_id": k, "key": v, "created_at": now} for k, v in fresh.items()]
                    session.execute(personal_keys.insert(), made)
        except IntegrityError:
            return  # another writer made one meanwhile: sealing reads or makes each key on its own
        for key_id, key in {**found, **fresh}.items():
            self._remember(key_id, bytes(key) if key is not None else None)

    def destroy(self, key_ids: Iterable[str]) -> int:
        """Destroy these keys (a tombstone is kept); returns how many held a key until now."""
        wanted = sorted(set(key_ids))
        if not wanted:
            return 0
        # The ledger first: an erasure it names is re-applied after any restore, even if this one is cut short.
        self.ledger.append(wanted, self._now())
        return self.destroy_again(wanted)

    def destroy_again(self, key_ids: Iterable[str]) -> int:
        """Destroy these keys without noting them in the ledger (they are there already: a restore)."""
        wanted = sorted(set(key_ids))
        if not wanted:
            return 0
        with self.datastore.transaction(commit=True) as session:
            destroyed = self._destroy_in(session, wanted)
        self._forget_destroyed(wanted)
        return destroyed

    @contextmanager
    def destroying(self, key_ids: Iterable[str]) -> Iterator[Session]:
        """Destroy these keys in a transaction of the keys' database that the caller writes in first: a redaction
        stores its own record there, so the record and the destroyed key commit together, or neither does (a
        rebuild that reads the record then always finds the key destroyed)."""
        wanted = sorted(set(key_ids))
        with self.datastore.transaction(commit=True) as session:
            yield session
            if wanted:
                # The ledger before the keys, as `destroy` does, but once the caller's own writes went through:
                # a redaction refused (a conflict) names no key there.
                self.ledger.append(wanted, self._now())
            self._destroy_in(session, wanted)
        self._forget_destroyed(wanted)

    def _destroy_in(self, session: Session, wanted: list[str]) -> int:
        if not wanted:
            return 0
        c = personal_keys.c
        engine = self.datastore.engine
        if isinstance(engine, Engine) and engine.dialect.name == "sqlite":
            # Overwrite the freed bytes too, so the key is not left in the file's free pages.
            session.execute(text("PRAGMA secure_delete = ON"))
        rows = session.execute(select(c.key_id, c.key.is_not(None)).where(c.key_id.in_(wanted))).all()
        known = {row[0] for row in rows}
        destroyed = sum(1 for row in rows if row[1])
        session.execute(
            personal_keys.update()
            .where(c.key_id.in_(wanted), c.key.is_not(None))
            .values(key=None, destroyed_at=self._now())
        )
        now = self._now()
        missing = [k for k in wanted if k not in known]
        if missing:
            tombstones = [{"key_id": k, "key": None, "created_at": now, "destroyed_at": now} for k in missing]
            session.execute(personal_keys.insert(), tombstones)
        return destroyed

    def _forget_destroyed(self, wanted: list[str]) -> None:
        """After the destruction committed: this process opens nothing more with them, and no copy is left."""
        for key_id in wanted:
            self._remember(key_id, None)
        if wanted:
            self._compact()

    def last_destroyed(self) -> datetime | None:
        """When a key was last destroyed (an erasure or a redaction): a kept replay of the past made before then
        may hold what is gone, and is not served (projections/replays.py)."""
        with self.datastore.transaction(commit=False) as session:
            found = session.execute(select(func.max(personal_keys.c.destroyed_at))).scalar()
        return found if isinstance(found, datetime) else None

    def is_destroyed(self, key_id: str) -> bool:
        known, key = self._read(key_id)
        return known and key is None

    def _compact(self) -> None:
        """Leave no old copy of a destroyed key behind: SQLite's write-ahead log, PostgreSQL's dead rows."""
        engine = self.datastore.engine
        if not isinstance(engine, Engine):
            return
        if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
            with engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        elif engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text(f"VACUUM {personal_keys.name}"))  # nosec B608  # a constant table name
