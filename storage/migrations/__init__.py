"""Migrations of the tables that cannot be rebuilt from events (Alembic, scripts in versions/).

The event store's own tables belong to the eventsourcing library, and the
read models are rebuilt from the events; everything else in the database
(password hashes, the access log, the hash-chain links, ...) is kept by these
migrations. `upgrade(engine)` brings a database to the newest revision: the
CRM application calls it whenever it opens a SQL store, and `crm migrate`
calls it by hand. It is cheap when there is nothing to do (one read of the
version table), and safe when several processes start at once: the first
takes a lock (an advisory lock on PostgreSQL, the write lock on SQLite),
the others wait for it and then find nothing left to do.

How to add a migration: docs/architecture.md.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

from storage.ddl import schema_lock

FOLDER = Path(__file__).resolve().parent


def config(connection: Connection | None = None) -> Config:
    """Alembic's configuration, built in code: no alembic.ini is needed to run the migrations."""
    cfg = Config()
    cfg.set_main_option("script_location", str(FOLDER))
    cfg.set_main_option("path_separator", "os")
    cfg.attributes["connection"] = connection
    cfg.attributes["applied"] = []
    return cfg


@cache
def heads() -> frozenset[str]:
    """The newest revision(s) of the scripts (read once per process)."""
    return frozenset(ScriptDirectory.from_config(config()).get_heads())


def revisions() -> list[str]:
    """Every revision of the scripts, oldest first (the order a fresh database gets them in)."""
    return [script.revision for script in reversed(list(ScriptDirectory.from_config(config()).walk_revisions()))]


def current(connection: Connection) -> frozenset[str]:
    """The revision(s) the database is at; empty for a database never migrated."""
    return frozenset(MigrationContext.configure(connection).get_current_heads())


def upgrade(engine: Engine) -> list[str]:
    """Bring the database to the newest revision; returns the revisions applied (none when it was there)."""
    with engine.connect() as connection:
        if current(connection) == heads():
            return []
    with schema_lock(engine) as connection:
        cfg = config(connection)
        # env.py runs in this locked transaction: every step commits together, or none does.
        command.upgrade(cfg, "heads")
    return list(cfg.attributes["applied"])
