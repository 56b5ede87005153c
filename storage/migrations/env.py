"""Alembic's environment: runs the migrations on the connection storage.migrations.upgrade() opened and locked."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from alembic import context
from alembic.runtime.migration import MigrationContext, MigrationInfo

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run the migrations with storage.migrations.upgrade(engine) or `crm migrate`")


def _applied(ctx: MigrationContext, step: MigrationInfo, heads: Collection[Any], run_args: Mapping[str, Any]) -> None:
    config.attributes["applied"].append(step.up_revision_id)


# The connection is already in a transaction, so Alembic neither begins nor commits one: upgrade() commits.
context.configure(connection=connection, transactional_ddl=True, on_version_apply=_applied)
with context.begin_transaction():
    context.run_migrations()
