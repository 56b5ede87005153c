"""The Merkle tree over the log (RFC 9162 hashing, crm/audit/auditor.py), stored beside the events.

The table `crm_event_tree` holds the complete subtrees: (level, index, hash), where
level 0 index i is the leaf hash of the i-th stored event in notification order
(with its position), and level k index i is the hash of leaves [i*2^k, (i+1)*2^k),
stored from level STORED_FROM up (the small ones are folded from their leaves when
needed). Appending needs the right edge (one hash per set bit of the size): the
recorder keeps it from its own last write, checked against the chain's last link,
and reads it from the tree only when another process wrote since; it writes in
the events' transaction, under the same lock as the chain links (crm/audit/chain.py).

Any hash a proof needs, the hash of leaves [a, b) with a aligned to the largest power
of two not below b - a, is the fold of at most log2(n) stored complete subtrees, so an
inclusion or consistency proof is one query of a few dozen rows at any size of log.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    Table,
    and_,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session

from crm.audit.auditor import Frontier, node_hash

# Subtrees of 2 to 8 leaves are not stored (they are computed from their leaves when a proof needs one):
# a new event then writes its leaf and, one time in 16, a higher node, instead of a node nearly every time.
STORED_FROM = 4


def tree_table_for(events_table_name: str, schema_name: str | None = None) -> Table:
    """crm_events -> crm_event_tree, in its own MetaData (several recorders may each define it)."""
    name = events_table_name.removesuffix("_events").removesuffix("_event") + "_event_tree"
    return Table(
        name,
        MetaData(),
        Column("level", SmallInteger, primary_key=True, autoincrement=False),
        Column("idx", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=False),
        Column("hash", LargeBinary(32), nullable=False),
        Column("position", BigInteger, nullable=True),  # level 0 only: the event's notification id
        Index(f"{name}_position", "position", unique=True),
        schema=schema_name,
    )


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


def read_nodes(session: Session, tree: Table, wanted: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """The hashes of these complete subtrees (level, index), in one query; a level below STORED_FROM from its leaves."""
    wanted = set(wanted)
    by_level: dict[int, set[int]] = {}
    for level, index in wanted:
        if 0 < level < STORED_FROM:
            by_level.setdefault(0, set()).update(range(index << level, (index + 1) << level))
        else:
            by_level.setdefault(level, set()).add(index)
    if not by_level:
        return {}
    c = tree.c
    condition = or_(*(and_(c.level == level, c.idx.in_(sorted(ids))) for level, ids in by_level.items()))
    found = {
        (row[0], row[1]): bytes(row[2]) for row in session.execute(select(c.level, c.idx, c.hash).where(condition))
    }
    for level, index in wanted:
        if 0 < level < STORED_FROM:
            leaves = [found.get((0, i)) for i in range(index << level, (index + 1) << level)]
            if all(leaf is not None for leaf in leaves):
                found[(level, index)] = _complete_root([leaf for leaf in leaves if leaf is not None])
    return found


def _complete_root(leaves: list[bytes]) -> bytes:
    """The hash of a complete subtree (a power of two of leaves), pair by pair."""
    while len(leaves) > 1:
        leaves = [node_hash(leaves[i], leaves[i + 1]) for i in range(0, len(leaves), 2)]
    return leaves[0]


def range_hashes(session: Session, tree: Table, ranges: Sequence[tuple[int, int]]) -> list[bytes]:
    """The Merkle tree hash of each leaf range, from the stored complete subtrees (one query)."""
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


def tree_size(session: Session, tree: Table) -> int:
    last = session.execute(select(func.max(tree.c.idx)).where(tree.c.level == 0)).scalar()
    return 0 if last is None else int(last) + 1


def frontier_of(session: Session, tree: Table, size: int) -> Frontier:
    wanted = frontier_pieces(size)
    nodes = read_nodes(session, tree, wanted)
    return Frontier(size, [nodes[piece] for piece in wanted])


def grow(session: Session, tree: Table, frontier: Frontier, leaves: Sequence[tuple[int, bytes]]) -> Frontier:
    """Store leaves (position, leaf hash) after the `frontier` (the right edge of the tree as stored), with
    every subtree they complete, stored from level STORED_FROM up; returns the new right edge.

    The caller knows the right edge (the recorder keeps it between its own writes, crm/audit/chain.py)
    or reads it with `frontier_of`; `frontier` is advanced in place.
    """
    rows: list[dict[str, Any]] = []
    for position, leaf in leaves:
        index = frontier.size
        rows.append({"level": 0, "idx": index, "hash": leaf, "position": position})
        for level, digest in enumerate(frontier.append(leaf), start=1):
            if level >= STORED_FROM:
                rows.append({"level": level, "idx": index >> level, "hash": digest, "position": None})
    if rows:
        session.execute(tree.insert(), rows)
    return frontier


def stored_frontier(session: Session, tree: Table) -> Frontier:
    """The right edge of the tree as stored: its size, then the complete subtrees covering it (two queries)."""
    return frontier_of(session, tree, tree_size(session, tree))
