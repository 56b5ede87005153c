"""The Merkle tree over the log (RFC 9162 hashing, crm/audit/auditor.py), stored beside the events.

The leaves live in the chain's own rows (`crm_event_chain`: position, link, idx,
leaf): the i-th stored event in notification order has leaf index i and the leaf
hash of its stored bytes, written in the same row as its link, so a new event adds
no row of its own to the tree. The table `crm_event_tree` holds the complete
subtrees from level STORED_FROM up: (level, index, hash, position), where level k
index i is the hash of leaves [i*2^k, (i+1)*2^k) and position is the event of its
last leaf (how a block of leaves is found again without an index on the leaf index).
Smaller subtrees are folded from their leaves when needed.

Appending needs the right edge (one hash per set bit of the size): the recorder
keeps it from its own last write, checked against the chain's last link, and reads
it from the tree only when another process wrote since; it writes in the events'
transaction, under the same lock as the chain links (crm/audit/chain.py).

Any hash a proof needs, the hash of leaves [a, b) with a aligned to the largest power
of two not below b - a, is the fold of at most log2(n) stored complete subtrees and
of the leaves of at most two blocks, so an inclusion or consistency proof is a few
small queries at any size of log.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, Column, Integer, LargeBinary, MetaData, SmallInteger, Table, and_, or_, select
from sqlalchemy.orm import Session

from crm.audit.auditor import Frontier, node_hash

# Subtrees of 2 to 8 leaves are not stored (they are folded from their leaves when a proof needs one): a new
# event then writes its leaf in its chain row and, one time in 16, a subtree, instead of a node nearly every time.
STORED_FROM = 4
BLOCK = 1 << STORED_FROM
# Notification ids start at 1: the chain and the tree cover positions from here on, nothing below.
FIRST_POSITION = 1


def tree_table_for(events_table_name: str, schema_name: str | None = None) -> Table:
    """crm_events -> crm_event_tree, in its own MetaData (several recorders may each define it)."""
    name = events_table_name.removesuffix("_events").removesuffix("_event") + "_event_tree"
    return Table(
        name,
        MetaData(),
        Column("level", SmallInteger, primary_key=True, autoincrement=False),
        Column("idx", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=False),
        Column("hash", LargeBinary(32), nullable=False),
        Column("position", BigInteger, nullable=True),  # the position of the subtree's last leaf
        schema=schema_name,
    )


@dataclass(frozen=True)
class StoredTree:
    """Where the tree lies: its leaves in the chain's rows (position, idx, leaf), its larger subtrees in `nodes`."""

    leaves: Table
    nodes: Table


def largest_power_of_two_below(n: int) -> int:
    return 1 << ((n - 1).bit_length() - 1)


def inclusion_ranges(index: int, lo: int, hi: int) -> list[tuple[int, int]]:
    """RFC 9162 PATH(m, D[lo:hi]) as the leaf ranges whose hashes make the proof, nearest first."""
    if hi - lo <= 1:
        return []
    k = largest_power_of_two_below(hi - lo)
    if index - lo < k:
        return [*inclusion_ranges(index, lo, lo + k), (lo + k, hi)]
    return [*inclusion_ranges(index, lo + k, hi), (lo, lo + k)]


def consistency_ranges(size1: int, size2: int) -> list[tuple[int, int]]:
    """RFC 9162 PROOF(m, D[0:n]) as leaf ranges."""
    if size1 <= 0 or size1 >= size2:
        return []
    return _subproof(size1, 0, size2, True)


def _subproof(m: int, lo: int, hi: int, whole: bool) -> list[tuple[int, int]]:
    if m == hi - lo:
        return [] if whole else [(lo, hi)]
    k = largest_power_of_two_below(hi - lo)
    if m <= k:
        return [*_subproof(m, lo, lo + k, whole), (lo + k, hi)]
    return [*_subproof(m - k, lo + k, hi, False), (lo, lo + k)]


def pieces(lo: int, hi: int) -> list[tuple[int, int]]:
    """[lo, hi) as complete subtrees (level, index), largest first: one per set bit of hi - lo."""
    found, start = [], lo
    for level in range((hi - lo).bit_length() - 1, -1, -1):
        if (hi - lo) >> level & 1:
            found.append((level, start >> level))
            start += 1 << level
    return found


def frontier_pieces(size: int) -> list[tuple[int, int]]:
    """The right edge of a tree of `size` leaves: the complete subtrees covering [0, size)."""
    return pieces(0, size)


def append_leaf(frontier: Frontier, leaf: bytes, position: int) -> list[dict[str, Any]]:
    """Add the leaf of the event at `position` to the right edge (in place); the stored subtrees it completes."""
    index = frontier.size
    return [
        {"level": level, "idx": index >> level, "hash": digest, "position": position}
        for level, digest in enumerate(frontier.append(leaf), start=1)
        if level >= STORED_FROM
    ]


def block_leaves(session: Session, tree: StoredTree, block: int) -> dict[int, bytes]:
    """The leaves (index -> hash) of leaves [block*BLOCK, (block+1)*BLOCK): found from the block's stored subtree
    (the position of its last leaf), or, for the block still filling, from the end of the one before it."""
    leaves, nodes = tree.leaves.c, tree.nodes.c
    query = select(leaves.idx, leaves.leaf)
    end = session.execute(select(nodes.position).where(nodes.level == STORED_FROM, nodes.idx == block)).scalar()
    if end is not None:
        query = query.where(leaves.position <= end).order_by(leaves.position.desc())
    else:
        last = session.execute(
            select(nodes.idx, nodes.position).where(nodes.level == STORED_FROM).order_by(nodes.idx.desc()).limit(1)
        ).first()
        filling = 0 if last is None else int(last[0]) + 1
        if block != filling or (last is not None and last[1] is None):
            return {}  # neither stored nor the block still filling: the tree lacks it
        after = FIRST_POSITION - 1 if last is None else int(last[1])
        query = query.where(leaves.position > after).order_by(leaves.position)
    lo, hi = block * BLOCK, (block + 1) * BLOCK
    return {
        int(index): bytes(leaf)
        for index, leaf in session.execute(query.limit(BLOCK))
        if index is not None and leaf is not None and lo <= index < hi
    }


def read_nodes(session: Session, tree: StoredTree, wanted: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """The hashes of these complete subtrees (level, index); a level below STORED_FROM from its block's leaves."""
    wanted = set(wanted)
    stored = {(level, index) for level, index in wanted if level >= STORED_FROM}
    found: dict[tuple[int, int], bytes] = {}
    if stored:
        c = tree.nodes.c
        condition = or_(*(and_(c.level == level, c.idx == index) for level, index in sorted(stored)))
        rows = session.execute(select(c.level, c.idx, c.hash).where(condition))
        found = {(row[0], row[1]): bytes(row[2]) for row in rows}
    blocks = {index >> (STORED_FROM - level) for level, index in wanted - stored}
    leaves: dict[int, bytes] = {}
    for block in sorted(blocks):
        leaves.update(block_leaves(session, tree, block))
    for level, index in wanted - stored:
        under = [leaves.get(i) for i in range(index << level, (index + 1) << level)]
        if all(leaf is not None for leaf in under):
            found[(level, index)] = _complete_root([leaf for leaf in under if leaf is not None])
    return found


def _complete_root(leaves: list[bytes]) -> bytes:
    """The hash of a complete subtree (a power of two of leaves), pair by pair."""
    while len(leaves) > 1:
        leaves = [node_hash(leaves[i], leaves[i + 1]) for i in range(0, len(leaves), 2)]
    return leaves[0]


def range_hashes(session: Session, tree: StoredTree, ranges: Sequence[tuple[int, int]]) -> list[bytes]:
    """The Merkle tree hash of each leaf range, from the stored complete subtrees and leaves."""
    split = [pieces(lo, hi) for lo, hi in ranges]
    nodes = read_nodes(session, tree, (piece for each in split for piece in each))
    hashes = []
    for each in split:
        missing = [piece for piece in each if piece not in nodes]
        if missing:
            raise LookupError(f"the tree lacks the subtrees {missing[:3]}")
        acc = nodes[each[-1]]
        for piece in reversed(each[:-1]):
            acc = node_hash(nodes[piece], acc)
        hashes.append(acc)
    return hashes


def last_leaf(session: Session, tree: StoredTree) -> tuple[int, int] | None:
    """The last leaf's (index, position), or None for an empty tree."""
    c = tree.leaves.c
    row = session.execute(
        select(c.idx, c.position).where(c.idx.is_not(None)).order_by(c.position.desc()).limit(1)
    ).first()
    return None if row is None else (int(row[0]), int(row[1]))


def tree_size(session: Session, tree: StoredTree) -> int:
    last = last_leaf(session, tree)
    return 0 if last is None else last[0] + 1


def leaf_index(session: Session, tree: StoredTree, position: int) -> int | None:
    """The leaf index of the event at `position` (None when it has no leaf)."""
    c = tree.leaves.c
    found = session.execute(select(c.idx).where(c.position == position)).scalar()
    return None if found is None else int(found)


def leaves_before(session: Session, tree: StoredTree, position: int) -> int:
    """How many leaves stand before `position`."""
    c = tree.leaves.c
    found = session.execute(
        select(c.idx).where(c.position >= position, c.idx.is_not(None)).order_by(c.position).limit(1)
    ).scalar()
    return tree_size(session, tree) if found is None else int(found)


def frontier_of(session: Session, tree: StoredTree, size: int) -> Frontier:
    wanted = frontier_pieces(size)
    nodes = read_nodes(session, tree, wanted)
    return Frontier(size, [nodes[piece] for piece in wanted])


def stored_frontier(session: Session, tree: StoredTree) -> Frontier:
    """The right edge of the tree as stored: its size, then the complete subtrees covering it."""
    return frontier_of(session, tree, tree_size(session, tree))


def clear(session: Session, tree: StoredTree) -> None:
    """No tree at all (before it is planted again over the whole log)."""
    session.execute(tree.nodes.delete())
    c = tree.leaves.c
    session.execute(tree.leaves.update().where(c.idx.is_not(None) | c.leaf.is_not(None)).values(idx=None, leaf=None))
