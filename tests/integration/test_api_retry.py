"""A retried POST after a dropped connection records one company: a real server on 127.0.0.1, a socket closed
before the answer is read, and the retry with the same Idempotency-Key (waiting while the first still runs)."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time

import pytest
from werkzeug.serving import make_server

from crm.permissions import SYSTEM_ACTOR_ID
from tests.support import make_team
from web import create_app

BODY = json.dumps({"name": "Hansen Transport ApS", "industry": "transport"})


@pytest.fixture
def served(tmp_path, monkeypatch):
    monkeypatch.setenv("CRM_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"SECRET_KEY": "test", "DATABASE_URL": f"sqlite:///{tmp_path / 'retry.sqlite3'}"})
    crm = app.extensions["crm"].crm
    token = crm.create_api_token(SYSTEM_ACTOR_ID, make_team(crm).recruiter, "retry").token
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_port, token, crm
    server.shutdown()
    crm.factory.datastore.engine.dispose()


def request_bytes(token: str, key: str) -> bytes:
    head = (
        "POST /api/v1/companies HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {token}\r\nIdempotency-Key: {key}\r\nContent-Length: {len(BODY)}\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode() + BODY.encode()


def test_a_post_whose_connection_dropped_is_retried_and_recorded_once(served):
    port, token, crm = served
    with socket.create_connection(("127.0.0.1", port)) as dropped:
        dropped.sendall(request_bytes(token, "dropped-1"))
    # The connection is gone before any answer was read; the client retries with the same key.
    for _ in range(100):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request(
            "POST",
            "/api/v1/companies",
            body=BODY,
            headers={
                "Authorization": f"Bearer {token}",
                "Idempotency-Key": "dropped-1",
                "Content-Type": "application/json",
            },
        )
        answer = connection.getresponse()
        payload = answer.read()
        connection.close()
        if answer.status != 409:  # 409 request_in_progress: the first request is still being handled
            break
        time.sleep(float(answer.getheader("Retry-After", "1")) / 10)
    assert answer.status == 201, payload
    topics = [n.topic for n in crm.recorder.select_notifications(start=1, limit=10_000)]
    assert topics.count("crm.companies:Company.Registered") == 1
