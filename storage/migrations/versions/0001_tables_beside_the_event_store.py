"""The tables beside the event store: password hashes, the access log, the hash-chain links.

Revision ID: 0001
Revises:
Create Date: 2026-03-02

Also the baseline of every database created before migrations existed: those
already hold some or all of these tables (with rows that cannot be rebuilt),
so each table, index and trigger is created only when it is missing.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ACCESS_LOG_APPEND_ONLY = {
    "sqlite": [
        "CREATE TRIGGER IF NOT EXISTS crm_access_log_no_update BEFORE UPDATE ON crm_access_log "
        "BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END",
        "CREATE TRIGGER IF NOT EXISTS crm_access_log_no_delete BEFORE DELETE ON crm_access_log "
        "BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION crm_access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'the access log is append-only'; END $$",
        "DROP TRIGGER IF EXISTS crm_access_log_append_only ON crm_access_log",
        "CREATE TRIGGER crm_access_log_append_only BEFORE UPDATE OR DELETE ON crm_access_log "
        "FOR EACH ROW EXECUTE FUNCTION crm_access_log_append_only()",
    ],
}


def big_id() -> sa.types.TypeEngine[int]:
    # SQLite numbers rows itself only in an INTEGER PRIMARY KEY column.
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "crm_credentials" not in existing:
        op.create_table(
            "crm_credentials",
            sa.Column("user_id", sa.Uuid, primary_key=True),
            sa.Column("password_hash", sa.String(256), nullable=False),
        )
    if "crm_access_log" not in existing:
        op.create_table(
            "crm_access_log",
            sa.Column("id", big_id(), primary_key=True, autoincrement=True),
            sa.Column("at", sa.DateTime, nullable=False),
            sa.Column("user_id", sa.Uuid, nullable=False),
            sa.Column("use", sa.String(16), nullable=False),
            sa.Column("contact_id", sa.Uuid),
            sa.Column("criterion", sa.Text),
            sa.Column("place", sa.String(300)),
        )
        op.create_index("crm_access_log_contact", "crm_access_log", ["contact_id", "at"])
        op.create_index("crm_access_log_user", "crm_access_log", ["user_id", "at"])
    for statement in ACCESS_LOG_APPEND_ONLY.get(op.get_bind().dialect.name, []):
        op.execute(statement)
    if "crm_event_chain" not in existing:
        op.create_table(
            "crm_event_chain",
            sa.Column("position", big_id(), primary_key=True, autoincrement=False),
            sa.Column("link", sa.String(64), nullable=False),
        )


def downgrade() -> None:
    raise NotImplementedError("the baseline is not undone: its tables hold data that cannot be rebuilt from events")
