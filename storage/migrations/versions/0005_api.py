"""The JSON API: tokens, idempotency keys, webhook subscribers and their deliveries.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

New tables only, each created only when missing, like 0001 and 0002.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def big_id() -> sa.types.TypeEngine[int]:
    # SQLite numbers rows itself only in an INTEGER PRIMARY KEY column.
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "crm_api_tokens" not in existing:
        op.create_table(
            "crm_api_tokens",
            sa.Column("token_id", sa.Uuid, primary_key=True),
            sa.Column("user_id", sa.Uuid, nullable=False),
            sa.Column("label", sa.String(100), nullable=False),
            sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
            sa.Column("created_at", sa.DateTime, nullable=False),
            sa.Column("created_by", sa.Uuid, nullable=False),
            sa.Column("expires_at", sa.DateTime),
            sa.Column("last_used_at", sa.DateTime),
            sa.Column("revoked_at", sa.DateTime),
        )
        op.create_index("crm_api_tokens_user", "crm_api_tokens", ["user_id"])
    if "crm_idempotency_keys" not in existing:
        op.create_table(
            "crm_idempotency_keys",
            sa.Column("user_id", sa.Uuid, primary_key=True),
            sa.Column("key", sa.String(255), primary_key=True),
            sa.Column("fingerprint", sa.String(64), nullable=False),
            sa.Column("created_at", sa.DateTime, nullable=False),
            sa.Column("status", sa.Integer),
            sa.Column("body", sa.Text),
            sa.Column("location", sa.String(300)),
        )
        op.create_index("crm_idempotency_keys_created", "crm_idempotency_keys", ["created_at"])
    if "crm_webhooks" not in existing:
        op.create_table(
            "crm_webhooks",
            sa.Column("webhook_id", sa.Uuid, primary_key=True),
            sa.Column("url", sa.String(2000), nullable=False),
            sa.Column("event_types", sa.Text, nullable=False),
            sa.Column("secret", sa.String(100), nullable=False),
            sa.Column("created_at", sa.DateTime, nullable=False),
            sa.Column("created_by", sa.Uuid, nullable=False),
            sa.Column("active", sa.Boolean, nullable=False),
            sa.Column("position", sa.BigInteger, nullable=False),
            sa.Column("failures", sa.Integer, nullable=False),
            sa.Column("next_try_at", sa.DateTime),
        )
    if "crm_webhook_deliveries" not in existing:
        op.create_table(
            "crm_webhook_deliveries",
            sa.Column("id", big_id(), primary_key=True, autoincrement=True),
            sa.Column("webhook_id", sa.Uuid, nullable=False),
            sa.Column("position", sa.BigInteger, nullable=False),
            sa.Column("event_type", sa.String(100), nullable=False),
            sa.Column("at", sa.DateTime, nullable=False),
            sa.Column("status", sa.Integer),
            sa.Column("error", sa.String(300)),
            sa.Column("delivered", sa.Boolean, nullable=False),
        )
        op.create_index("crm_webhook_deliveries_hook", "crm_webhook_deliveries", ["webhook_id", "id"])


def downgrade() -> None:
    raise NotImplementedError("tokens and webhook deliveries are kept: they cannot be rebuilt from events")
