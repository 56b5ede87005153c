"""docs/api.md's examples, run as written: every bash block against a server on 127.0.0.1, and the signature
check on a real delivery's headers."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from crm.audit.feed import events_after
from crm.permissions import SYSTEM_ACTOR_ID
from crm.webhook_delivery import body_of, signature
from tests.support import make_team
from web import create_app

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


@pytest.fixture
def server(tmp_path, monkeypatch, clock):
    monkeypatch.setenv("CRM_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"SECRET_KEY": "test", "DATABASE_URL": f"sqlite:///{tmp_path / 'docs.sqlite3'}"})
    crm = app.extensions["crm"].crm
    team = make_team(crm)
    tokens = {
        name: crm.create_api_token(SYSTEM_ACTOR_ID, user_id, "docs").token
        for name, user_id in (("TOKEN", team.recruiter), ("AUDITOR_TOKEN", team.auditor), ("ADMIN_TOKEN", team.admin))
    }
    http = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    yield {"CRM_URL": f"http://127.0.0.1:{http.server_port}", **tokens}, crm
    http.shutdown()
    crm.factory.datastore.engine.dispose()


@pytest.mark.skipif(shutil.which("curl") is None, reason="the examples use curl")
def test_every_shell_example_runs_against_a_server(server):
    env, crm = server
    found = blocks("bash")
    assert len(found) >= 6
    for block in found:
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", block],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, f"{block}\n{done.stdout}\n{done.stderr}"
    # The idempotent retry in section 3 registered one company, not two.
    assert (
        len([c for c in crm.recorder.select_notifications(start=1, limit=10_000) if "Company.Registered" in c.topic])
        == 1
    )


def test_the_signature_check_accepts_a_real_delivery_and_refuses_a_changed_one(server):
    env, crm = server
    namespace: dict = {}
    exec(blocks("python")[0], namespace)
    genuine = namespace["genuine"]
    [event] = events_after(crm, 0, 1)
    body = body_of(event, "webhook")
    stamp = str(int(time.time()))
    headers = {"X-CRM-Timestamp": stamp, "X-CRM-Signature": signature("s3cret", stamp, body)}
    assert genuine("s3cret", headers, body)
    assert not genuine("s3cret", headers, body.replace(b"position", b"positioN"))
    assert not genuine("other", headers, body)
    old = str(int(time.time()) - 600)
    assert not genuine("s3cret", {"X-CRM-Timestamp": old, "X-CRM-Signature": signature("s3cret", old, body)}, body)
