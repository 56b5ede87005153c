"""Signing in: the throttle's counts, the append-only sign-in log, the users' session generations.

Revision ID: 0002
Revises: 0001
Create Date: 2026-03-02

New tables only, so nothing existing is touched; like 0001, each is created only
when it is missing (a database that ran the branch before migrations has them).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SIGN_IN_LOG_APPEND_ONLY = {
    "sqlite": [
        "CREATE TRIGGER IF NOT EXISTS crm_sign_in_log_no_update BEFORE UPDATE ON crm_sign_in_log "
        "BEGIN SELECT RAISE(ABORT, 'the sign-in log is append-only'); END",
        "CREATE TRIGGER IF NOT EXISTS crm_sign_in_log_no_delete BEFORE DELETE ON crm_sign_in_log "
        "BEGIN SELECT RAISE(ABORT, 'the sign-in log is append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION crm_sign_in_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'the sign-in log is append-only'; END $$",
        "DROP TRIGGER IF EXISTS crm_sign_in_log_append_only ON crm_sign_in_log",
        "CREATE TRIGGER crm_sign_in_log_append_only BEFORE UPDATE OR DELETE ON crm_sign_in_log "
        "FOR EACH ROW EXECUTE FUNCTION crm_sign_in_log_append_only()",
    ],
}


def big_id() -> sa.types.TypeEngine[int]:
    # SQLite numbers rows itself only in an INTEGER PRIMARY KEY column.
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "crm_sign_in_throttle" not in existing:
        op.create_table(
            "crm_sign_in_throttle",
            sa.Column("scope", sa.String(16), primary_key=True),
            sa.Column("key", sa.String(256), primary_key=True),
            sa.Column("failures", sa.Integer, nullable=False),
            sa.Column("window_start", sa.DateTime, nullable=False),
            sa.Column("locked_until", sa.DateTime),
        )
    if "crm_sign_in_log" not in existing:
        op.create_table(
            "crm_sign_in_log",
            sa.Column("id", big_id(), primary_key=True, autoincrement=True),
            sa.Column("at", sa.DateTime, nullable=False),
            sa.Column("event", sa.String(24), nullable=False),
            sa.Column("username", sa.String(256), nullable=False),
            sa.Column("user_id", sa.Uuid),
            sa.Column("address", sa.String(64)),
            sa.Column("detail", sa.String(16)),
            sa.Column("actor_id", sa.Uuid),
        )
        op.create_index("crm_sign_in_log_username", "crm_sign_in_log", ["username", "at"])
    for statement in SIGN_IN_LOG_APPEND_ONLY.get(op.get_bind().dialect.name, []):
        op.execute(statement)
    if "crm_session_generations" not in existing:
        op.create_table(
            "crm_session_generations",
            sa.Column("user_id", sa.Uuid, primary_key=True),
            sa.Column("generation", sa.Integer, nullable=False),
        )


def downgrade() -> None:
    raise NotImplementedError("the sign-in log is kept: it records who signed in, and cannot be rebuilt")
