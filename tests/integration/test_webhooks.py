"""Webhooks delivered to a receiver on 127.0.0.1 that fails at first and then accepts: signed, in log order,
retried with backoff, nothing lost when the worker restarts (SQLite file and PostgreSQL)."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from crm.errors import InvalidInput, NotAllowed
from crm.permissions import SYSTEM_ACTOR_ID
from crm.webhook_delivery import deliver, signature, verify
from tests.support import hansen_transport, make_team


class Receiver:
    """An HTTP server that answers 500 to the first `failures` requests, then 204; it keeps what it got."""

    def __init__(self, failures: int = 0):
        self.failures = failures
        self.received: list[tuple[Any, bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if receiver.failures > 0:
                    receiver.failures -= 1
                    self.send_response(500)
                else:
                    receiver.received.append((self.headers, body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def positions(self) -> list[int]:
        return [json.loads(body)["position"] for _, body in self.received]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    found = Receiver(failures=2)
    yield found
    found.close()


def test_events_reach_the_subscriber_signed_in_log_order_after_failures_with_backoff(sql_database, clock, receiver):
    app = sql_database.app(clock=clock)
    team = make_team(app)
    new = app.register_webhook(SYSTEM_ACTOR_ID, receiver.url, ["Company.*"])
    first = hansen_transport(app, team.recruiter)
    second = hansen_transport(app, team.recruiter, name="Anden", cvr=None)
    app.decline_company(team.recruiter, first, reason="Nej tak")
    app.register_contact(team.recruiter, second, "Lars", "hr")  # not a Company event: not sent

    assert deliver(app) == 0  # the receiver fails: the first event waits, and nothing after it is sent
    assert deliver(app) == 0  # not due yet: the backoff holds it back
    clock.advance(timedelta(seconds=10))
    assert deliver(app) == 0  # fails a second time
    assert app.webhooks.get(new.webhook_id)["failures"] == 2
    clock.advance(timedelta(seconds=19))
    assert deliver(app) == 0  # the second wait is longer: 20 seconds
    clock.advance(timedelta(seconds=1))
    assert deliver(app) == 3
    company_events = [
        n.id for n in app.recorder.select_notifications(start=1, limit=1000) if n.topic.startswith("crm.companies:")
    ]
    assert receiver.positions() == company_events
    for headers, body in receiver.received:
        assert headers["X-CRM-Signature"] == signature(new.secret, headers["X-CRM-Timestamp"], body)
        assert verify(new.secret, headers["X-CRM-Timestamp"], body, headers["X-CRM-Signature"], clock.now())
        assert "Nej tak" not in body.decode()  # the event's content stays in the CRM
    attempts = app.webhooks.deliveries(new.webhook_id)
    assert [(a["delivered"], a["status"]) for a in reversed(attempts)] == [(False, 500), (False, 500)] + [
        (True, 204)
    ] * 3


def test_a_restarted_worker_carries_on_from_the_position_without_losing_or_repeating(sql_database, clock):
    receiver = Receiver()
    try:
        app = sql_database.app(clock=clock)
        team = make_team(app)
        app.register_webhook(SYSTEM_ACTOR_ID, receiver.url, ["*"])
        hansen_transport(app, team.recruiter)
        deliver(app)
        sent = receiver.positions()
        restarted = sql_database.app(clock=clock)  # another process, after a restart
        hansen_transport(restarted, team.recruiter, name="Anden", cvr=None)
        deliver(restarted)
        later = receiver.positions()[len(sent) :]
        assert sent and later and later[0] > sent[-1]
        assert receiver.positions() == sorted(set(receiver.positions()))
        assert receiver.positions()[-1] == restarted.recorder.max_notification_id()
    finally:
        receiver.close()


def test_a_delivery_without_an_answer_is_recorded_with_the_reason_and_retried(sql_database, clock):
    app = sql_database.app(clock=clock)
    team = make_team(app)
    new = app.register_webhook(SYSTEM_ACTOR_ID, "http://127.0.0.1:9/nobody", ["*"])
    hansen_transport(app, team.recruiter)
    assert deliver(app) == 0
    [attempt] = app.webhooks.deliveries(new.webhook_id)
    assert attempt["status"] is None and attempt["error"] and not attempt["delivered"]


def test_only_an_administrator_registers_and_the_url_and_types_are_checked(sql_database, clock):
    app = sql_database.app(clock=clock)
    team = make_team(app)
    with pytest.raises(NotAllowed):
        app.register_webhook(team.project_lead, "https://example.org/hooks", ["*"])
    with pytest.raises(InvalidInput):
        app.register_webhook(team.admin, "file:///etc/passwd", ["*"])
    with pytest.raises(InvalidInput):
        app.register_webhook(team.admin, "https://example.org/hooks", ["'; drop table"])


def test_a_signature_is_refused_when_old_or_changed(clock):
    body = b'{"position":1}'
    stamp = str(int(clock.now().timestamp()))
    signed = signature("secret", stamp, body)
    assert verify("secret", stamp, body, signed, clock.now())
    assert not verify("secret", stamp, body + b" ", signed, clock.now())
    assert not verify("other", stamp, body, signed, clock.now())
    assert not verify("secret", stamp, body, signed, clock.now() + timedelta(minutes=6))
