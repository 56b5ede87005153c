"""The Merkle tree's head row is gone: the recorder keeps the tree's right edge itself.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01

`crm_event_tree_head` held the tree's size and right edge, read and rewritten in
every write transaction. The recorder now keeps the right edge from its own last
write, checked against the chain's last link, and reads it from the tree's own
nodes when another process wrote since (crm/audit/chain.py). The row would only go
stale, so the table is dropped; nothing in it cannot be read from the tree.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "crm_event_tree_head" in set(sa.inspect(op.get_bind()).get_table_names()):
        op.drop_table("crm_event_tree_head")


def downgrade() -> None:
    raise NotImplementedError("the head row cannot be made again by this revision: recompute it from the tree")
