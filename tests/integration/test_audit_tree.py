"""The Merkle tree over the log: written with the events, planted for an older log, and proofs from it."""

from __future__ import annotations

from sqlalchemy import select

from crm.audit.auditor import canonical, leaf_hash, root_of, verify_consistency, verify_inclusion
from crm.audit.checkpoint import consistency_proof, inclusion_proof
from crm.audit.tree import frontier_of, tree_size
from tests.audit_history import build_history


def leaves_of(app) -> list[tuple[int, bytes]]:
    return [
        (n.id, leaf_hash(canonical(n.id, n.originator_id, n.originator_version, n.topic, n.state)))
        for n in app.recorder.select_notifications(start=1, limit=100_000)
    ]


def stored_root(app, size=None) -> bytes:
    recorder = app.recorder
    with recorder.transaction(commit=False) as session:
        return frontier_of(
            session, recorder.tree_table, tree_size(session, recorder.tree_table) if size is None else size
        ).root()


def test_every_event_recorded_through_the_commands_is_a_leaf_in_notification_order(sql_database, clock):
    app = sql_database.app(clock=clock)
    build_history(app, clock)
    leaves = leaves_of(app)
    tree = app.recorder.tree_table
    with app.recorder.transaction(commit=False) as session:
        stored = session.execute(
            select(tree.c.position, tree.c.hash).where(tree.c.level == 0).order_by(tree.c.idx)
        ).all()

    assert [(p, bytes(h)) for p, h in stored] == leaves
    assert stored_root(app) == root_of(h for _, h in leaves)
    # Each prefix's root is there too: the stored subtrees give every earlier tree.
    assert stored_root(app, 13) == root_of(h for _, h in leaves[:13])


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
    with app.factory.datastore.engine.begin() as connection:
        connection.execute(app.recorder.tree_table.delete())
    reopened = sql_database.app(clock=clock)
    reopened.log_attempt(history.team.recruiter, history.soltoft, "email", "not_now")

    assert stored_root(reopened) == root_of(h for _, h in leaves_of(reopened))
