"""Personal keys: one AES key per person (and per redactable free text), destroyed to erase.

Revision ID: 0009
Revises: 0008
Create Date: 2026-03-02

A new table only. A destroyed key keeps its row (id and times, no key bytes) as a
tombstone, so the same id never gets a new key. The table may instead live in a
database of its own (CRM_KEYS_DATABASE_URL, crm/personal_keys.py); it is made here
in any case, and stays empty then.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "crm_personal_keys" not in existing:
        op.create_table(
            "crm_personal_keys",
            sa.Column("key_id", sa.String(120), primary_key=True),
            sa.Column("key", sa.LargeBinary, nullable=True),
            sa.Column("created_at", sa.DateTime, nullable=False),
            sa.Column("destroyed_at", sa.DateTime, nullable=True),
        )


def downgrade() -> None:
    raise NotImplementedError("the keys are kept: without them the personal data in the events cannot be read")
