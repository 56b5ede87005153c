"""The Merkle tree over the log: written with the events, planted for an older log, and proofs from it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crm.audit.auditor import canonical, leaf_hash, root_of, verify_consistency, verify_inclusion
from crm.audit.checkpoint import consistency_proof, inclusion_proof
from crm.audit.tree import STORED_FROM, clear, frontier_of, tree_size
from tests.audit_history import build_history
from tests.support import hansen_transport, make_team


def leaves_of(app) -> list[tuple[int, bytes]]:
    return [
        (n.id, leaf_hash(canonical(n.id, n.originator_id, n.originator_version, n.topic, n.state)))
        for n in app.recorder.select_notifications(start=1, limit=100_000)
    ]


def stored_root(app, size=None) -> bytes:
    recorder = app.recorder
    with recorder.transaction(commit=False) as session:
        return frontier_of(session, recorder.tree, tree_size(session, recorder.tree) if size is None else size).root()


def test_every_event_recorded_through_the_commands_is_a_leaf_in_notification_order(sql_database, clock):
    app = sql_database.app(clock=clock)
    build_history(app, clock)
    leaves = leaves_of(app)
    chain = app.recorder.chain_table
    with app.recorder.transaction(commit=False) as session:
        stored = session.execute(select(chain.c.position, chain.c.idx, chain.c.leaf).order_by(chain.c.position)).all()

    assert [(p, bytes(h)) for p, _, h in stored] == leaves
    assert [i for _, i, _ in stored] == list(range(len(leaves)))
    assert stored_root(app) == root_of(h for _, h in leaves)
    # Each prefix's root is there too: the stored subtrees give every earlier tree.
    assert stored_root(app, 13) == root_of(h for _, h in leaves[:13])


def test_an_event_adds_no_row_of_its_own_to_the_tree_only_a_subtree_one_time_in_sixteen(sql_database, clock):
    app = sql_database.app(clock=clock)
    build_history(app, clock)
    size = len(leaves_of(app))
    nodes = stored_tree(app)
    assert size >= 2 << STORED_FROM  # the history completes two blocks of leaves at least
    # One row per complete subtree of 16 leaves or more, each naming the position of its last leaf.
    expected = {(level, i) for level in range(STORED_FROM, size.bit_length()) for i in range(size >> level)}
    assert set(nodes) == expected
    positions = [p for p, _ in leaves_of(app)]
    tree = app.recorder.tree_table
    with app.recorder.transaction(commit=False) as session:
        last_leaves = {(r[0], r[1]): r[2] for r in session.execute(select(tree.c.level, tree.c.idx, tree.c.position))}
    assert all(last_leaves[(level, i)] == positions[((i + 1) << level) - 1] for level, i in expected)


def test_proofs_from_the_stored_tree_verify_against_its_roots(sql_database, clock):
    app = sql_database.app(clock=clock)
    build_history(app, clock)
    leaves = leaves_of(app)
    size = len(leaves)
    root = root_of(h for _, h in leaves)
    for index, (position, leaf) in enumerate(leaves):
        proof = inclusion_proof(app, position, size)
        assert proof.leaf_index == index
        assert verify_inclusion(index, size, leaf, proof.hashes, root)
    for size1 in (1, 5, 16, size - 1):
        proof = consistency_proof(app, size1, size)
        assert verify_consistency(size1, size, proof, root_of(h for _, h in leaves[:size1]), root)


def test_a_log_recorded_before_the_tree_existed_gets_its_leaves_when_first_opened(sql_database, clock):
    app = sql_database.app(clock=clock)
    history = build_history(app, clock)
    with app.recorder.transaction(commit=True) as session:
        clear(session, app.recorder.tree)
    reopened = sql_database.app(clock=clock)
    reopened.log_attempt(history.team.recruiter, history.soltoft, "email", "not_now")

    assert stored_root(reopened) == root_of(h for _, h in leaves_of(reopened))


def stored_tree(app) -> dict[tuple[int, int], bytes]:
    tree = app.recorder.tree_table
    with app.recorder.transaction(commit=False) as session:
        return {(r[0], r[1]): bytes(r[2]) for r in session.execute(select(tree.c.level, tree.c.idx, tree.c.hash))}


def test_two_processes_writing_in_turn_grow_the_tree_one_writer_would(sql_database, clock):
    """Each recorder keeps the right edge of its own last write; the other's write in between is noticed."""
    first, second = sql_database.app(clock=clock), sql_database.app(clock=clock)
    team = make_team(first)
    for n in range(40):  # subtrees of 16 and 32 leaves get completed by either writer
        hansen_transport(second if n % 3 == 0 else first, team.recruiter, name=f"Firma {n} ApS", cvr=None)
    assert stored_root(first) == root_of(h for _, h in leaves_of(first))
    grown = stored_tree(first)
    with first.recorder.transaction(commit=True) as session:  # the same events, planted in one go
        first.recorder._plant(session)
    assert stored_tree(first) == grown


def test_a_write_rolled_back_after_its_leaves_leaves_the_next_write_on_the_stored_edge(sql_database, clock):
    app = sql_database.app(clock=clock)
    team = make_team(app)
    with pytest.raises(RuntimeError), app.recorder.transaction(commit=True):
        hansen_transport(app, team.recruiter, name="Rullet Tilbage ApS", cvr=None)
        raise RuntimeError("the transaction rolls back after the events, links and leaves were written")
    hansen_transport(app, team.recruiter)
    leaves = leaves_of(app)
    assert stored_root(app) == root_of(h for _, h in leaves)
    assert len(leaves) == tree_size_of(app)


def tree_size_of(app) -> int:
    with app.recorder.transaction(commit=False) as session:
        return tree_size(session, app.recorder.tree)
