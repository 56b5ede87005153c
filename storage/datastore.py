"""The library's SQLAlchemy datastore, with reads on PostgreSQL that cost one round trip a statement.

A screen reads through many short read-only transactions (the signed-in user, the settings, each
query of each view). In the library each is BEGIN, the statement, ROLLBACK: three round trips to the
server, of which two carry nothing. Under PostgreSQL's default READ COMMITTED every statement sees
its own snapshot either way, so a read-only transaction opened outside any other runs its statements
in autocommit instead: the same rows, a third of the round trips. A read nested in a writing
transaction still joins that transaction (it must see the writes before they commit), and writes are
untouched. SQLite needs none of this: its driver begins no transaction for a SELECT.

Within `shared_reads()` (a web request) those lone reads go further: they share one session per
datastore, made at the first read and closed when the block ends, instead of a session, a connection
checked out of the pool and handed back for every statement. The rows seen are the same: no
transaction is held open between the statements (autocommit on PostgreSQL; SQLite's driver begins
none for a read), so each still sees every write committed before it, its own request's included.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from eventsourcing_sqlalchemy.datastore import SQLAlchemyDatastore, Transaction, transactions
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

# The sessions the lone reads of the current `shared_reads()` block share, one per datastore.
_shared: ContextVar[dict[SQLAlchemyDatastore, Session] | None] = ContextVar("shared_reads", default=None)


@contextmanager
def shared_reads() -> Iterator[None]:
    """Let the lone reads of this block share one session per datastore (see the module's docstring)."""
    sessions: dict[SQLAlchemyDatastore, Session] = {}
    token = _shared.set(sessions)
    try:
        yield
    finally:
        _shared.reset(token)
        for session in sessions.values():
            session.close()


class CrmDatastore(SQLAlchemyDatastore):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._reading: sessionmaker | None = None
        engine = self.engine
        if self.scoped_session is None and isinstance(engine, Engine) and engine.dialect.name == "postgresql":
            # The same pool: a connection is put in autocommit when checked out for a read, and back after.
            self._reading = sessionmaker(bind=engine.execution_options(isolation_level="AUTOCOMMIT"))

    def transaction(self, commit: bool) -> Transaction:
        if commit or transactions.get(None) is not None or self.scoped_session is not None:
            return super().transaction(commit)
        shared = _shared.get()
        # An in-memory SQLite database has one connection, which its lock hands to one transaction at a time.
        if shared is not None and self.access_lock is None:
            session = shared.get(self)
            if session is None:
                session = shared[self] = self._reading() if self._reading is not None else self._new_session()
            # The library's "scoped" transaction: it neither begins, ends nor closes the session it is given,
            # and is not made the current transaction, so a write in the block still opens its own.
            return Transaction(session, commit=False, lock=None, is_scoped_session=True)
        if self._reading is None:
            return super().transaction(commit)
        transaction = Transaction(self._reading(), commit=False, lock=None)
        transaction.token = transactions.set(transaction)
        return transaction

    def _new_session(self) -> Session:
        if not self._tried_init_sqlite_wal_mode:
            self.init_sqlite_wal_mode()
        assert self.session_maker is not None  # nosec B101  # set whenever no scoped session is
        session: Session = self.session_maker()
        return session


def snapshot_read(datastore: SQLAlchemyDatastore) -> Transaction:
    """A read-only transaction that is one (the library's, on any datastore): for a long read that streams
    its rows through a server-side cursor, which PostgreSQL opens only inside a transaction, and sees one
    snapshot of the data throughout."""
    return SQLAlchemyDatastore.transaction(datastore, commit=False)
