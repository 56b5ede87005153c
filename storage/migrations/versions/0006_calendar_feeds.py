"""Calendar feeds: each user's secret feed address, renewable and revocable.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

A new table only; nothing existing is touched.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "crm_calendar_feeds" not in set(sa.inspect(op.get_bind()).get_table_names()):
        op.create_table(
            "crm_calendar_feeds",
            sa.Column("user_id", sa.Uuid, primary_key=True),
            sa.Column("token", sa.String(64), nullable=False, unique=True),
            sa.Column("created_at", sa.DateTime, nullable=False),
        )


def downgrade() -> None:
    # Losing the table only makes every feed address ask to be renewed; no record of the CRM is lost.
    op.drop_table("crm_calendar_feeds")
