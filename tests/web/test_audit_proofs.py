"""The audit area's checkpoints and proofs: the signed notes listed, each event's proof one click away."""

from __future__ import annotations

import json
import re

import pytest

from crm.audit.auditor import verify_proof
from crm.audit.checkpoint import Signer, make_checkpoint
from tests.audit_history import build_history


@pytest.fixture
def history(crm, team, clock):
    return build_history(crm, clock, team=team)


@pytest.fixture
def auditor(as_role, history):
    return as_role("auditor")


def html(response) -> str:
    return response.get_data(as_text=True)


def test_before_the_first_checkpoint_the_page_says_so_and_a_proof_is_refused_in_danish(auditor):
    page = html(auditor.get("/audit/checkpoints"))
    assert "Der er endnu ikke signeret noget kontrolpunkt." in page
    refused = auditor.get("/audit/proof/3")
    assert refused.status_code == 404 and "beviset kræver et" in html(refused)


def test_the_checkpoints_are_listed_with_their_signatures_and_the_verifier_key(auditor, crm):
    made = make_checkpoint(crm, Signer.load())
    page = html(auditor.get("/audit/checkpoints"))
    signature = made.note.split("\n\n")[1].strip()
    assert signature in page and Signer.load().verifier_key in page
    assert f"Størrelse {made.size}" in page
    fragment = auditor.htmx_get("/audit/checkpoints", "audit-checkpoints")
    assert fragment.status_code == 200 and "<html" not in html(fragment)


def test_each_event_has_its_proof_one_click_away_and_the_proof_verifies(auditor, crm):
    make_checkpoint(crm, Signer.load())
    page = html(auditor.get("/audit/"))
    links = re.findall(r'href="(/audit/proof/(\d+))"', page)
    assert links
    url, position = links[0]
    response = auditor.get(url)
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    bundle = json.loads(html(response))
    assert bundle["position"] == int(position)
    assert verify_proof(bundle, Signer.load().key).ok


def test_an_event_after_the_newest_checkpoint_has_no_proof_yet(auditor, crm, history):
    make_checkpoint(crm, Signer.load())
    crm.log_attempt(history.team.recruiter, history.soltoft, "email", "not_now")
    refused = auditor.get(f"/audit/proof/{crm.recorder.max_notification_id()}")
    assert refused.status_code == 404 and "dækker endnu ikke" in html(refused)


def test_the_downloaded_export_carries_its_proof_once_the_instance_has_a_key(auditor, crm, tmp_path):
    from crm.audit.auditor import verify_bundle

    without = json.loads(html(auditor.get("/audit/export/manifest.json?from=2026-03-01&to=2026-03-31")))
    assert without["tree"] is None  # no key yet: nothing is signed behind the auditor's back
    signer = Signer.load()
    events = auditor.get("/audit/export/events.jsonl?from=2026-03-01&to=2026-03-31")
    manifest = auditor.get("/audit/export/manifest.json?from=2026-03-01&to=2026-03-31")
    (tmp_path / "events.jsonl").write_bytes(events.get_data())
    (tmp_path / "manifest.json").write_bytes(manifest.get_data())

    assert verify_bundle(tmp_path / "events.jsonl", tmp_path / "manifest.json", signer.key).ok


def test_the_tamper_check_places_an_edit_under_rewritten_links_by_the_tree(auditor, crm, history):
    from sqlalchemy import select, text

    from crm.audit.chain import GENESIS, next_link

    make_checkpoint(crm, Signer.load())
    engine = crm.factory.datastore.engine
    c = crm.recorder.events_table.c
    with engine.begin() as connection:
        rows = connection.execute(
            select(c.id, c.originator_id, c.originator_version, c.topic, c.state).order_by(c.id)
        ).all()
    target = next(row[0] for row in rows if b"Hansen Transport" in bytes(row[4]))  # contacts' phones are ciphertext
    link = GENESIS
    with engine.begin() as connection:
        for row in rows:
            state = bytes(row[4])
            if row[0] == target:
                state = state.replace(b"Hansen Transport", b"Hansen Tr4nsport")
            if row[0] == target:
                connection.execute(text("UPDATE crm_events SET state = :s WHERE id = :id"), {"s": state, "id": target})
            link = next_link(link, row[0], row[1], row[2], row[3], state)
            connection.execute(
                text("UPDATE crm_event_chain SET link = :l WHERE position = :p"), {"l": link.hex(), "p": row[0]}
            )
    page = html(auditor.get("/audit/chain?verify=1"))
    assert "Alle gemte hændelser stemmer" in page  # the chain was rewritten to agree
    assert f"Merkle-træ: den første forskel er ved position {target}: den gemte hændelse er blevet ændret." in page
