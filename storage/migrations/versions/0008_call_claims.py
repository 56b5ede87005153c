"""Call mode's short claims on companies.

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-01

A new table only; nothing existing is touched.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "crm_call_claims" not in set(sa.inspect(op.get_bind()).get_table_names()):
        op.create_table(
            "crm_call_claims",
            sa.Column("company_id", sa.Uuid, primary_key=True),
            sa.Column("user_id", sa.Uuid, nullable=False),
            sa.Column("until", sa.DateTime, nullable=False),
        )


def downgrade() -> None:
    # Claims expire within minutes; nothing of value is lost.
    op.drop_table("crm_call_claims")
