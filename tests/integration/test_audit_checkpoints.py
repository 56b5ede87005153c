"""Signed checkpoints of the tree; each tamper case found and placed: a cut tail, rewritten links, a rewritten tree."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from crm.audit.auditor import VerifierKey, open_checkpoint, verify_checkpoints, verify_proof
from crm.audit.bundle import event_proof, growth_proof
from crm.audit.chain import GENESIS, next_link
from crm.audit.checkpoint import Signer, make_checkpoint, stored_checkpoints, trusted_checkpoints
from crm.audit.tree import clear
from crm.audit.verify import verify
from tests.audit_history import build_history


@pytest.fixture
def signer(tmp_path, monkeypatch):
    monkeypatch.setenv("CRM_AUDIT_KEY_PATH", str(tmp_path / "keys" / "audit.key"))
    return Signer.load()


@pytest.fixture
def history_app(sql_database, clock):
    app = sql_database.app(clock=clock)
    return app, build_history(app, clock)


def engine_of(app):
    return app.factory.datastore.engine


def checked(app, signer, *outside):
    stored, bad = trusted_checkpoints(app, signer.key)
    assert not bad
    return verify(app, checkpoints=stored + [open_checkpoint(note, signer.key) for note in outside])


def positions(app) -> list[int]:
    with engine_of(app).connect() as connection:
        return list(connection.execute(text("SELECT id FROM crm_events ORDER BY id")).scalars())


def edit(app, position: int, old: bytes, new: bytes) -> None:
    with engine_of(app).begin() as connection:
        state = bytes(
            connection.execute(text("SELECT state FROM crm_events WHERE id = :id"), {"id": position}).scalar_one()
        )
        assert old in state
        connection.execute(
            text("UPDATE crm_events SET state = :state WHERE id = :id"),
            {"state": state.replace(old, new), "id": position},
        )


def rewrite_links(app) -> None:
    """What a forger with write access does after an edit: every link recomputed so the chain agrees."""
    events = app.recorder.events_table
    link = GENESIS
    with engine_of(app).begin() as connection:
        rows = connection.execute(
            select(
                events.c.id, events.c.originator_id, events.c.originator_version, events.c.topic, events.c.state
            ).order_by(events.c.id)
        ).all()
        for row in rows:
            link = next_link(link, row[0], row[1], row[2], row[3], bytes(row[4]))
            connection.execute(
                text("UPDATE crm_event_chain SET link = :link WHERE position = :position"),
                {"link": link.hex(), "position": row[0]},
            )


def rewrite_tree(app) -> None:
    """... and the whole tree recomputed from the edited events."""
    with app.recorder.transaction(commit=True) as session:
        clear(session, app.recorder.tree)
    app.recorder.plant_tree()


def test_a_checkpoint_is_a_signed_note_in_the_tlog_checkpoint_format(history_app, signer):
    app, _ = history_app
    made = make_checkpoint(app, signer)
    body, signature = made.note.split("\n\n")
    origin, size, root = body.split("\n")

    assert (origin, int(size)) == (signer.name, app.recorder.max_notification_id())
    assert signature.startswith(f"\u2014 {signer.name} ") and signature.endswith("\n")
    assert open_checkpoint(made.note, VerifierKey.parse(signer.verifier_key)).root == made.root
    with pytest.raises(ValueError, match="does not verify"):
        open_checkpoint(made.note.replace(f"\n{size}\n", f"\n{int(size) + 1}\n"), signer.key)
    with pytest.raises(ValueError, match="no signature"):
        open_checkpoint(made.note, Signer(signer.name + "-other", signer.private_key).key)
    assert [c.size for c in stored_checkpoints(app)] == [made.size]


def test_stored_checkpoints_are_append_only(history_app, signer):
    app, _ = history_app
    make_checkpoint(app, signer)
    with pytest.raises(Exception, match="append-only"), engine_of(app).begin() as connection:
        connection.execute(text("DELETE FROM crm_audit_checkpoints"))


def test_the_private_key_is_a_file_readable_by_its_owner_only_and_never_in_the_database(history_app, signer, tmp_path):
    key_file = tmp_path / "keys" / "audit.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert Signer.load().public_key == signer.public_key  # the same key on the next load


def test_cutting_off_the_tail_with_its_links_and_leaves_is_found_against_a_checkpoint(history_app, signer):
    app, _ = history_app
    note = make_checkpoint(app, signer).note
    last = positions(app)[-1]
    with engine_of(app).begin() as connection:
        for table in ("crm_events", "crm_event_chain"):
            column = "id" if table == "crm_events" else "position"
            connection.execute(text(f"DELETE FROM {table} WHERE {column} = :p"), {"p": last})  # nosec B608
    rewrite_tree(app)

    report = checked(app, signer, note)
    assert report.chain.ok  # the chain alone cannot tell
    assert not report.ok
    assert (report.tree.first_problem.position, report.tree.first_problem.kind) == (last, "truncated")


def test_an_edit_with_every_later_link_rewritten_is_found_at_its_position_by_the_tree(history_app, signer):
    app, history = history_app
    make_checkpoint(app, signer)
    events = app.recorder.events_table
    with engine_of(app).connect() as connection:
        target = (
            connection.execute(select(events.c.id).where(events.c.originator_id == history.hansen)).scalars().first()
        )
    # The company's name as registered (a contact's phone would be ciphertext, see crm/personal_keys.py).
    edit(app, target, b"Hansen Transport", b"Hansen Tr4nsport")
    rewrite_links(app)

    report = checked(app, signer)
    assert report.chain.ok
    assert not report.ok
    assert (report.tree.first_problem.position, report.tree.first_problem.kind) == (target, "edited")
    assert [c.matches for c in report.tree.checkpoints] == [False]


def test_an_edit_with_links_and_tree_rewritten_is_placed_between_two_checkpoints(history_app, signer, clock):
    app, history = history_app
    before = make_checkpoint(app, signer)
    for number in range(3):
        app.log_attempt(history.team.recruiter, history.soltoft, "email", "not_now", note=f"Opfølgning {number}")
    after = make_checkpoint(app, signer)
    target = positions(app)[before.size + 1]  # the second attempt after the first checkpoint
    edit(app, target, b"not_now", b"interested")
    rewrite_links(app)
    rewrite_tree(app)

    report = checked(app, signer)
    assert report.chain.ok
    assert [(c.size, c.matches) for c in report.tree.checkpoints] == [(before.size, True), (after.size, False)]
    first = report.tree.first_problem
    assert first.kind == "diverged" and first.position == positions(app)[before.size]
    assert f"between positions {positions(app)[before.size]} and {positions(app)[after.size - 1]}" in first.detail
    assert any(p.kind == "rewritten" for p in report.tree.problems)


def test_an_event_is_proven_in_the_log_and_the_log_proven_to_have_only_grown(history_app, signer):
    app, history = history_app
    old = make_checkpoint(app, signer)
    app.log_attempt(history.team.recruiter, history.soltoft, "email", "not_now")
    new = make_checkpoint(app, signer)

    for position in positions(app)[:: max(1, len(positions(app)) // 7)]:
        bundle = event_proof(app, position, new)
        assert verify_proof(bundle, signer.key).ok
        bundle["event"]["version"] += 1
        assert not verify_proof(bundle, signer.key).ok
    growth = growth_proof(app, old.note, new, signer.key)
    assert verify_checkpoints(growth["old"], growth["new"], growth["proof"], signer.key).ok
    assert not verify_checkpoints(growth["new"], growth["old"], growth["proof"], signer.key).ok


def test_the_worker_signs_a_checkpoint_at_start_and_each_period_when_the_log_grew(history_app, signer):
    import threading
    import time
    from functools import partial

    from crm.audit.checkpoint import checkpoint_if_grown
    from projections.registry import READ_MODELS
    from projections.runner import Projector
    from projections.worker import run_forever

    app, history = history_app
    projector = Projector(app, projection_classes=READ_MODELS)
    stop = threading.Event()
    periodic = partial(checkpoint_if_grown, app, signer)
    worker = threading.Thread(
        target=run_forever,
        args=(projector, stop.is_set),
        kwargs={"wake_every": 0.1, "periodic": periodic, "period": 0.2},
    )
    worker.start()
    try:
        deadline = time.monotonic() + 20
        while not stored_checkpoints(app) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # several periods without new events: no new checkpoint
        assert len(stored_checkpoints(app)) == 1
        app.log_attempt(history.team.recruiter, history.soltoft, "email", "not_now")
        while len(stored_checkpoints(app)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        worker.join(timeout=20)
    sizes = [c.size for c in stored_checkpoints(app)]
    assert sizes == [app.recorder.max_notification_id(), app.recorder.max_notification_id() - 1]
