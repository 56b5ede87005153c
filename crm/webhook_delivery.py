"""Sending the events to the webhook subscribers: signed, in log order, at least once, retried with backoff.

Each subscriber is its own follower of the event log (crm/webhooks.py keeps its
position). An event it asked for is POSTed as JSON; a 2xx answer moves its
position past the event, anything else (or no answer) is recorded as a failed
attempt and the same event is tried again after a backoff, before any later one,
so a subscriber sees its events in log order. A worker that stops between a
delivery and the recording of it sends that event again on restart: at least once,
and the subscriber recognises a repeat by `position`.

The body names the event and the record it changed, not its content: a subscriber
reads what it needs through the API, as its token allows (and the access log notes).

Signature: `X-CRM-Signature: sha256=<hex>`, the HMAC-SHA256 with the subscriber's
secret over `<X-CRM-Timestamp>.<body>`; a receiver refuses a timestamp more than
five minutes from its own clock, so a recorded delivery cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from typing import Any

from crm.audit.feed import FeedEvent, events_after
from crm.webhooks import WebhookRow, matches

BATCH = 100
TIMEOUT_SECONDS = 10
# 10 s, 20 s, 40 s, ... at most an hour between tries; the subscriber is never given up on.
FIRST_RETRY = timedelta(seconds=10)
LONGEST_RETRY = timedelta(hours=1)
TOLERANCE = timedelta(minutes=5)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, timestamp: str, body: bytes, signed: str, now: datetime) -> bool:
    """What a receiver does (docs/api.md shows it): the signature matches and the timestamp is recent."""
    try:
        sent = datetime.fromtimestamp(int(timestamp), UTC)
    except (ValueError, OverflowError):
        return False
    return abs(now - sent) <= TOLERANCE and hmac.compare_digest(signature(secret, timestamp, body), signed)


def backoff(failures: int) -> timedelta:
    wait: timedelta = FIRST_RETRY * 2 ** min(failures, 20)
    return min(wait, LONGEST_RETRY)


def body_of(event: FeedEvent, webhook_id: Any) -> bytes:
    event_type = event.topic.partition(":")[2] or event.topic
    return json.dumps(
        {
            "webhook_id": str(webhook_id),
            "position": event.position,
            "event_type": event_type,
            "originator_id": str(event.originator_id),
            "originator_version": event.originator_version,
            "timestamp": event.timestamp.isoformat() if event.timestamp else None,
        },
        separators=(",", ":"),
    ).encode()


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str | None]:
    """The answer's status, or the reason there was none."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        # The URL was checked to be http(s) when an administrator registered it.
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310  # nosec B310
            return answer.status, None
    except urllib.error.HTTPError as error:
        return error.code, None
    except (urllib.error.URLError, OSError, ValueError) as error:
        return None, str(error)


def deliver(app: Any) -> int:
    """One round: every subscriber due is sent its next events, until one fails; the number accepted."""
    accepted = 0
    for webhook in app.webhooks.all(active_only=True):
        now = app.clock.now()
        due = webhook["next_try_at"]
        if due is not None and due.replace(tzinfo=UTC) > now:
            continue
        accepted += _deliver_to(app, webhook)
    return accepted


def _deliver_to(app: Any, webhook: WebhookRow) -> int:
    secret = app.webhooks.secret(webhook["webhook_id"])
    accepted, failures = 0, webhook["failures"]
    for event in events_after(app, webhook["position"], BATCH):
        event_type = event.topic.partition(":")[2] or event.topic
        if not matches(webhook["event_types"], event_type):
            app.webhooks.passed(webhook["webhook_id"], event.position)
            continue
        now = app.clock.now()
        timestamp = str(int(now.timestamp()))
        body = body_of(event, webhook["webhook_id"])
        status, error = post(
            webhook["url"],
            body,
            {
                "Content-Type": "application/json",
                "User-Agent": "workplace-crm-webhooks",
                "X-CRM-Timestamp": timestamp,
                "X-CRM-Signature": signature(secret, timestamp, body),
                "X-CRM-Event-Position": str(event.position),
            },
        )
        ok = status is not None and 200 <= status < 300
        retry_at = None if ok else now + backoff(failures)
        app.webhooks.attempted(webhook["webhook_id"], event.position, event_type, now, status, error, retry_at)
        if not ok:
            return accepted
        accepted += 1
    return accepted
