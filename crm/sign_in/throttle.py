"""Failed sign-ins are limited per account and per client address, across every server process.

Why tables in the application's database and not Flask-Limiter: the database is
the one thing every server process already shares, so the counts hold across
processes and restarts with nothing more to run. Flask-Limiter shares its counts
only through Redis, Memcached, MongoDB or etcd, which a municipality would have to
run for this alone; and it counts requests, while this counts failures: a
colleague's successful sign-in from the same office address must not use up the
address's allowance, and a lock-out must be an event that is logged.

The rule, for each key (the account name tried, and the client address):
- an attempt reserves a failure before its password is checked, in one atomic
  UPDATE, so attempts sent in parallel cannot check more passwords than the limit;
- a success gives its reservation back: the account's count starts again, the
  address's count goes down by one;
- when the failures within the window (which starts at the first failure) reach
  the limit, the key is locked for `lockout`; meanwhile every attempt is refused
  before its password is checked, and is not counted.
An unknown account name is limited exactly like a known one, so the answers tell
nothing about which names exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, and_, case, or_, select, update

from storage.sql import upsert


@dataclass(frozen=True)
class Limit:
    scope: str
    failures: int
    window: timedelta
    lockout: timedelta


# Five guesses per quarter of an hour for one account; fifty for one address, as a
# municipal office may sign in from behind one address.
ACCOUNT = Limit("account", failures=5, window=timedelta(minutes=15), lockout=timedelta(minutes=15))
ADDRESS = Limit("address", failures=50, window=timedelta(minutes=15), lockout=timedelta(minutes=15))
# Rows no longer counting or locking anything are removed after a day.
STALE_AFTER = timedelta(days=1)

# Created by the migrations in storage/migrations/ (0002); this is the shape the queries use.
metadata = MetaData()
sign_in_throttle = Table(
    "crm_sign_in_throttle",
    metadata,
    Column("scope", String(16), primary_key=True),
    Column("key", String(256), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("window_start", DateTime, nullable=False),
    Column("locked_until", DateTime),
)


@dataclass(frozen=True)
class Refusal:
    """No password is checked for this key until `until` (naive UTC)."""

    scope: str
    until: datetime


class SignInThrottle:
    """The counts in `crm_sign_in_throttle`; times are naive UTC, as stored."""

    def __init__(self, datastore: Any, account: Limit = ACCOUNT, address: Limit = ADDRESS) -> None:
        self.datastore = datastore
        self.dialect = datastore.engine.dialect.name
        # The address first: every process takes the two rows' locks in the same order.
        self.limits = (address, account)

    def admit(self, account: str, address: str, now: datetime) -> Refusal | None:
        """Reserve one failure for the account and the address, or say which is locked and until when."""
        keys = self._keys(account, address)
        with self.datastore.transaction(commit=True) as session:
            reserved: list[tuple[Limit, str]] = []
            for limit, key in keys:
                refusal = self._reserve(session, limit, key, now)
                if refusal is not None:
                    for earlier_limit, earlier_key in reserved:
                        self._give_back(session, earlier_limit, earlier_key)
                    return refusal
                reserved.append((limit, key))
        return None

    def take(self, limit: Limit, key: str, now: datetime) -> Refusal | None:
        """Count one use of `key` (an API token's requests, say), or refuse it until its window ends."""
        with self.datastore.transaction(commit=True) as session:
            return self._reserve(session, limit, key[:256], now)

    def failed(self, account: str, address: str, now: datetime) -> list[Refusal]:
        """The reserved failures stand; the keys whose limit they reached are locked now."""
        locks = []
        with self.datastore.transaction(commit=True) as session:
            for limit, key in self._keys(account, address):
                until = now + limit.lockout
                locked = session.execute(
                    update(sign_in_throttle)
                    .where(self._row(limit, key), sign_in_throttle.c.failures >= limit.failures)
                    .values(failures=0, locked_until=until)
                )
                if locked.rowcount:
                    locks.append(Refusal(limit.scope, until))
        return locks

    def succeeded(self, account: str, address: str, now: datetime) -> None:
        """Give the reservations back: the account starts afresh, the address has one failure fewer."""
        (address_limit, address_key), (account_limit, account_key) = self._keys(account, address)
        with self.datastore.transaction(commit=True) as session:
            session.execute(sign_in_throttle.delete().where(self._row(account_limit, account_key)))
            self._give_back(session, address_limit, address_key)
            session.execute(
                sign_in_throttle.delete().where(
                    sign_in_throttle.c.window_start < now - STALE_AFTER,
                    or_(sign_in_throttle.c.locked_until.is_(None), sign_in_throttle.c.locked_until < now),
                )
            )

    def _keys(self, account: str, address: str) -> list[tuple[Limit, str]]:
        values = {"account": account, "address": address}
        return [(limit, values[limit.scope][:256]) for limit in self.limits]

    @staticmethod
    def _row(limit: Limit, key: str) -> Any:
        return and_(sign_in_throttle.c.scope == limit.scope, sign_in_throttle.c.key == key)

    def _reserve(self, session: Any, limit: Limit, key: str, now: datetime) -> Refusal | None:
        session.execute(
            upsert(sign_in_throttle, self.dialect)
            .values(scope=limit.scope, key=key, failures=0, window_start=now, locked_until=None)
            .on_conflict_do_nothing()
        )
        column = sign_in_throttle.c
        window_over = column.window_start <= now - limit.window
        reserved = session.execute(
            update(sign_in_throttle)
            .where(
                self._row(limit, key),
                or_(column.locked_until.is_(None), column.locked_until <= now),
                or_(window_over, column.failures < limit.failures),
            )
            .values(
                failures=case((window_over, 1), else_=column.failures + 1),
                window_start=case((window_over, now), else_=column.window_start),
            )
        )
        if reserved.rowcount:
            return None
        row = session.execute(select(column.window_start, column.locked_until).where(self._row(limit, key))).one()
        if row.locked_until is not None and row.locked_until > now:
            return Refusal(limit.scope, row.locked_until)
        # The last allowed attempt is still being checked: refused until its window ends.
        return Refusal(limit.scope, row.window_start + limit.window)

    def _give_back(self, session: Any, limit: Limit, key: str) -> None:
        session.execute(
            update(sign_in_throttle)
            .where(self._row(limit, key), sign_in_throttle.c.failures > 0)
            .values(failures=sign_in_throttle.c.failures - 1)
        )
