"""The auditor's stand-alone verifier (crm/audit/auditor.py run as a copied script) on real and tampered exports."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from cli.audit import audit
from crm.audit import auditor
from crm.audit.auditor import verify_bundle
from crm.audit.bundle import prove_export
from crm.audit.checkpoint import Signer
from crm.audit.export import write_export
from crm.clock import local_date
from tests.audit_history import build_history

AUDITOR = Path(auditor.__file__)


@pytest.fixture
def signer(tmp_path, monkeypatch):
    monkeypatch.setenv("CRM_AUDIT_KEY_PATH", str(tmp_path / "keys" / "audit.key"))
    return Signer.load()


@pytest.fixture
def exported(sql_database, clock, signer, tmp_path):
    app = sql_database.app(clock=clock)
    history = build_history(app, clock)
    events, manifest, _ = write_export(
        app, tmp_path / "out", None, None, history.team.auditor, prove=lambda s: prove_export(app, s, signer)
    )
    return app, history, events, manifest


def standalone(tmp_path: Path, signer: Signer, *args: str) -> subprocess.CompletedProcess:
    """The verifier copied away from the repository, run isolated (no project on the path)."""
    folder = tmp_path / "auditor"
    folder.mkdir(exist_ok=True)
    shutil.copy(AUDITOR, folder / "auditor.py")
    (folder / "log.vkey").write_text(signer.verifier_key + "\n", encoding="utf-8")
    command = [sys.executable, "-I", str(folder / "auditor.py"), "--key", str(folder / "log.vkey"), *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=folder, check=False)  # nosec B603


def tampered(events: Path, change) -> Path:
    lines = events.read_bytes().splitlines(keepends=True)
    copy = events.with_name("tampered.jsonl")
    copy.write_bytes(b"".join(change(lines)))
    return copy


def test_the_verifier_needs_only_the_standard_library_and_cryptography():
    tree = ast.parse(AUDITOR.read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    outside = {name for name in imported if name.split(".")[0] not in sys.stdlib_module_names}
    assert {name.split(".")[0] for name in outside} == {"cryptography"}


def test_a_real_export_is_proven_by_the_stand_alone_verifier(exported, signer, tmp_path):
    app, _, events, manifest = exported
    app.factory.datastore.engine.dispose()
    result = standalone(tmp_path, signer, "bundle", str(events), str(manifest))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{app.recorder.max_notification_id()} checked: OK" in result.stdout


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            lambda lines: [line.replace(b"Hansen Transport", b"Hansen Tr4nsport") for line in lines],
            id="one byte changed",
        ),
        pytest.param(lambda lines: lines[:10] + lines[11:], id="one line dropped"),
        pytest.param(lambda lines: [*lines[:10], lines[11], lines[10], *lines[12:]], id="two lines swapped"),
    ],
)
def test_a_tampered_export_is_refused(exported, signer, tmp_path, change):
    _, _, events, manifest = exported
    copy = tampered(events, change)
    assert copy.read_bytes() != events.read_bytes()

    verdict = verify_bundle(copy, manifest, signer.key)
    assert not verdict.ok
    result = standalone(tmp_path, signer, "bundle", str(copy), str(manifest))
    assert result.returncode == 1 and "NOT OK" in result.stdout


def test_a_date_range_is_proven_from_its_first_leaf(sql_database, clock, signer, tmp_path):
    app = sql_database.app(clock=clock)
    history = build_history(app, clock)
    week = (local_date(history.week_end[1]), local_date(history.week_end[2]))
    events, manifest, written = write_export(
        app, tmp_path / "out", *week, history.team.auditor, prove=lambda s: prove_export(app, s, signer)
    )
    assert written["tree"]["first_leaf"] > 0 and written["tree"]["left_frontier"]
    assert verify_bundle(events, manifest, signer.key).ok
    # A checkpoint signed by another key proves nothing.
    other = Signer("workplace-crm.local/audit", Signer.load(tmp_path / "other.key").private_key)
    assert not verify_bundle(events, manifest, other.key).ok


def test_a_proof_of_one_event_and_of_growth_check_alone(exported, signer, tmp_path, sql_database, monkeypatch):
    app, history, _, _ = exported
    monkeypatch.setenv("CRM_DATABASE_URL", sql_database.url)
    runner = CliRunner()
    old = tmp_path / "old.checkpoint"
    assert runner.invoke(audit, ["checkpoint", "--out", str(old)]).exit_code == 0
    app.log_attempt(history.team.recruiter, history.soltoft, "email", "not_now")
    new = tmp_path / "new.checkpoint"
    assert runner.invoke(audit, ["checkpoint", "--out", str(new)]).exit_code == 0
    one, growth = tmp_path / "one.json", tmp_path / "growth.json"
    assert runner.invoke(audit, ["prove", "--position", "7", "--out", str(one)]).exit_code == 0
    assert runner.invoke(audit, ["prove", "--since", str(old), "--out", str(growth)]).exit_code == 0
    assert json.loads(one.read_text())["event"]["position"] == 7

    assert standalone(tmp_path, signer, "proof", str(one)).returncode == 0
    assert standalone(tmp_path, signer, "consistency", str(old), str(new), str(growth)).returncode == 0
    swapped = standalone(tmp_path, signer, "consistency", str(new), str(old), str(growth))
    assert swapped.returncode == 1


def test_verify_against_a_kept_checkpoint_names_where_the_log_was_cut(exported, tmp_path, sql_database, monkeypatch):
    app, _, _, _ = exported
    monkeypatch.setenv("CRM_DATABASE_URL", sql_database.url)
    runner = CliRunner()
    kept = tmp_path / "kept.checkpoint"
    assert runner.invoke(audit, ["checkpoint", "--out", str(kept)]).exit_code == 0
    ok = runner.invoke(audit, ["verify", "--chain-only", "--checkpoint", str(kept)])
    assert ok.exit_code == 0, ok.output
    assert "grew only by appending since the checkpoint" in ok.output

    last = app.recorder.max_notification_id()
    with app.factory.datastore.engine.begin() as connection:
        connection.execute(text("DELETE FROM crm_events WHERE id = :p"), {"p": last})
        connection.execute(text("DELETE FROM crm_event_chain WHERE position = :p"), {"p": last})
    cut = runner.invoke(audit, ["verify", "--chain-only", "--checkpoint", str(kept)])
    assert cut.exit_code == 1
    assert f"FIRST DIFFERENCE at position {last}" in cut.output
    assert "did NOT only grow" in cut.output


def test_an_erased_persons_events_are_still_proven_and_their_name_is_not_in_the_export(
    sql_database, clock, signer, tmp_path
):
    """Erasure destroys a key, never a stored event: the ciphertext stays in the log and in the proof."""
    app = sql_database.app(clock=clock)
    history = build_history(app, clock)
    app.erase_contact(history.team.project_lead, history.lars, "art17_1_b_consent_withdrawn", reason="Sag 2026-17")
    events, manifest, _ = write_export(
        app, tmp_path / "out", None, None, history.team.auditor, prove=lambda s: prove_export(app, s, signer)
    )
    app.factory.datastore.engine.dispose()
    exported = events.read_text(encoding="utf-8")
    assert [term for term in ("Lars", "20304050", "lars@hansen") if term in exported] == []
    assert "Contact.Erased" in exported
    assert verify_bundle(events, manifest, signer.key).ok
    result = standalone(tmp_path, signer, "bundle", str(events), str(manifest))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{app.recorder.max_notification_id()} checked: OK" in result.stdout
