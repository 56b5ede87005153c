"""The library's SQLAlchemy datastore, with reads on PostgreSQL that cost one round trip a statement.

A screen reads through many short read-only transactions (the signed-in user, the settings, each
query of each view). In the library each is BEGIN, the statement, ROLLBACK: three round trips to the
server, of which two carry nothing. Under PostgreSQL's default READ COMMITTED every statement sees
its own snapshot either way, so a read-only transaction opened outside any other runs its statements
in autocommit instead: the same rows, a third of the round trips. A read nested in a writing
transaction still joins that transaction (it must see the writes before they commit), and writes are
untouched. SQLite needs none of this: its driver begins no transaction for a SELECT.
"""

from __future__ import annotations

from typing import Any

from eventsourcing_sqlalchemy.datastore import SQLAlchemyDatastore, Transaction, transactions
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker


class CrmDatastore(SQLAlchemyDatastore):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._reading: sessionmaker | None = None
        engine = self.engine
        if self.scoped_session is None and isinstance(engine, Engine) and engine.dialect.name == "postgresql":
            # The same pool: a connection is put in autocommit when checked out for a read, and back after.
            self._reading = sessionmaker(bind=engine.execution_options(isolation_level="AUTOCOMMIT"))

    def transaction(self, commit: bool) -> Transaction:
        if commit or self._reading is None or transactions.get(None) is not None:
            return super().transaction(commit)
        transaction = Transaction(self._reading(), commit=False, lock=None)
        transaction.token = transactions.set(transaction)
        return transaction


def snapshot_read(datastore: SQLAlchemyDatastore) -> Transaction:
    """A read-only transaction that is one (the library's, on any datastore): for a long read that streams
    its rows through a server-side cursor, which PostgreSQL opens only inside a transaction, and sees one
    snapshot of the data throughout."""
    return SQLAlchemyDatastore.transaction(datastore, commit=False)
