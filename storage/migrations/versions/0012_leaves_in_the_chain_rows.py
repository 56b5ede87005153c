"""The tree's leaves move into the chain's rows; the tree table keeps the subtrees of 16 leaves and more.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02

Each event wrote a link row and a leaf row (with two indexes: the leaf's place and
the event's position) in its transaction. The leaf's index and hash now go into the
event's chain row (`crm_event_chain.idx`, `.leaf`), so an event writes one row;
a stored subtree carries the position of its last leaf, by which its block of
leaves is found again (crm/audit/tree.py). The leaf rows are copied, then dropped
with the index on position. Hashes are not recomputed: what was stored moves as it is.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    columns = {column["name"] for column in sa.inspect(bind).get_columns("crm_event_chain")}
    if "leaf" in columns:
        return
    op.add_column("crm_event_chain", sa.Column("idx", sa.BigInteger, nullable=True))
    op.add_column("crm_event_chain", sa.Column("leaf", sa.LargeBinary(32), nullable=True))
    op.execute(
        "UPDATE crm_event_chain SET "
        "idx = (SELECT t.idx FROM crm_event_tree t WHERE t.level = 0 AND t.position = crm_event_chain.position), "
        "leaf = (SELECT t.hash FROM crm_event_tree t WHERE t.level = 0 AND t.position = crm_event_chain.position)"
    )
    # The position is no longer unique in the table once subtrees carry their last leaf's (and nothing looks it up).
    op.execute("DROP INDEX IF EXISTS crm_event_tree_position")
    # A subtree's last leaf is leaf (index + 1) * 2^level - 1. Subtrees are stored from level 4 up (STORED_FROM in
    # crm/audit/tree.py); the leaf rows and nothing else lie below.
    op.execute(
        "UPDATE crm_event_tree SET position = (SELECT t.position FROM crm_event_tree t WHERE t.level = 0 "
        "AND t.idx = (crm_event_tree.idx + 1) * (CAST(1 AS BIGINT) << CAST(crm_event_tree.level AS INTEGER)) - 1) "
        "WHERE level >= 4"
    )
    op.execute("DELETE FROM crm_event_tree WHERE level < 4")


def downgrade() -> None:
    raise NotImplementedError("the leaf rows are not made again by this revision: plant the tree anew instead")
