"""The Merkle tree over the log (its nodes and its right edge) and the signed checkpoints of it.

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-01

New tables only. A log recorded before the tree existed gets its leaves when the
application first opens it (`ChainedApplicationRecorder.plant_tree`). Checkpoints
are append-only: a trigger refuses to change or delete one.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0002"
branch_labels = None
depends_on = None

CHECKPOINTS_APPEND_ONLY = {
    "sqlite": [
        "CREATE TRIGGER IF NOT EXISTS crm_audit_checkpoints_no_update BEFORE UPDATE ON crm_audit_checkpoints "
        "BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END",
        "CREATE TRIGGER IF NOT EXISTS crm_audit_checkpoints_no_delete BEFORE DELETE ON crm_audit_checkpoints "
        "BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION crm_audit_checkpoints_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'checkpoints are append-only'; END $$",
        "DROP TRIGGER IF EXISTS crm_audit_checkpoints_append_only ON crm_audit_checkpoints",
        "CREATE TRIGGER crm_audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON crm_audit_checkpoints "
        "FOR EACH ROW EXECUTE FUNCTION crm_audit_checkpoints_append_only()",
    ],
}


def big_id() -> sa.types.TypeEngine[int]:
    # SQLite numbers rows itself only in an INTEGER PRIMARY KEY column.
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "crm_event_tree" not in existing:
        op.create_table(
            "crm_event_tree",
            sa.Column("level", sa.SmallInteger, primary_key=True, autoincrement=False),
            sa.Column("idx", big_id(), primary_key=True, autoincrement=False),
            sa.Column("hash", sa.LargeBinary(32), nullable=False),
            sa.Column("position", sa.BigInteger, nullable=True),
        )
        op.create_index("crm_event_tree_position", "crm_event_tree", ["position"], unique=True)
    if "crm_event_tree_head" not in existing:
        op.create_table(
            "crm_event_tree_head",
            sa.Column("id", sa.SmallInteger, primary_key=True, autoincrement=False),
            sa.Column("size", sa.BigInteger, nullable=False),
            sa.Column("frontier", sa.LargeBinary, nullable=False),
        )
    if "crm_audit_checkpoints" not in existing:
        op.create_table(
            "crm_audit_checkpoints",
            sa.Column("id", big_id(), primary_key=True, autoincrement=True),
            sa.Column("made_at", sa.DateTime, nullable=False),
            sa.Column("size", sa.BigInteger, nullable=False),
            sa.Column("last_position", sa.BigInteger, nullable=True),
            sa.Column("root", sa.LargeBinary(32), nullable=False),
            sa.Column("note", sa.Text, nullable=False),
        )
        op.create_index("crm_audit_checkpoints_size", "crm_audit_checkpoints", ["size"])
    for statement in CHECKPOINTS_APPEND_ONLY.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade() -> None:
    raise NotImplementedError("signed checkpoints are kept: they cannot be made again for the past")
