"""Webhook subscribers (administrators): register one for chosen event types, list, stop, see its deliveries."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from flask_login import current_user
from pydantic import Field

from crm.errors import NotFound
from web.api import schemas as s
from web.api.operations import body as parse_body
from web.api.operations import decode_cursor, encode_cursor, operation, query
from web.api.responses import no_content, respond
from web.services import crm, perform


class WebhookCreate(s.Body):
    url: str = Field(examples=["https://dwh.kommune.dk/crm-hooks"])
    event_types: list[str] = Field(
        examples=[["Company.Declined", "Agreement.*"]], description="Event types, Aggregate.* or * for all."
    )


class Webhook(s.Answer):
    webhook_id: UUID
    url: str
    event_types: list[str]
    created_at: datetime
    active: bool
    position: int = Field(description="The last event sent to it (or passed over).")
    failures: int
    next_try_at: datetime | None


class NewWebhook(Webhook):
    secret: str = Field(description="The signing secret: shown this once.")


class WebhookList(s.Answer):
    items: list[Webhook]


class DeliveriesQuery(s.Body):
    limit: int = Field(50, ge=1, le=100)
    cursor: str | None = Field(None, max_length=200)


class Delivery(s.Answer):
    id: int
    position: int
    event_type: str
    at: datetime
    status: int | None
    error: str | None
    delivered: bool


class DeliveryList(s.Answer):
    items: list[Delivery]
    next_cursor: str | None


def webhook_or_404(webhook_id: UUID) -> dict:
    row = crm().webhooks.get(webhook_id)
    if row is None:
        raise NotFound(kind="webhook", id=webhook_id)
    return dict(row)


@operation("GET", "/webhooks", tag="webhooks", response=WebhookList)
def list_webhooks():
    """Every subscriber, with its position in the log and its failures."""
    return respond({"items": crm().webhooks_for(current_user.id)})


@operation("POST", "/webhooks", tag="webhooks", body=WebhookCreate, response=NewWebhook, status=201, errors=(422,))
def create_webhook():
    """Register a subscriber for events from now on; the answer carries its signing secret, this once."""
    values = parse_body(WebhookCreate)
    new = perform(crm().register_webhook, values.url, values.event_types)
    return respond({**webhook_or_404(new.webhook_id), "secret": new.secret}, 201)


@operation("DELETE", "/webhooks/<uuid:webhook_id>", tag="webhooks", status=204, errors=(404,))
def stop_webhook(webhook_id: UUID):
    """Send nothing more to the subscriber."""
    perform(crm().stop_webhook, webhook_id)
    return no_content()


@operation(
    "GET",
    "/webhooks/<uuid:webhook_id>/deliveries",
    tag="webhooks",
    query=DeliveriesQuery,
    response=DeliveryList,
    errors=(400, 404),
)
def list_deliveries(webhook_id: UUID):
    """The delivery attempts to a subscriber, newest first: accepted, refused (status) or unanswered (error)."""
    webhook_or_404(webhook_id)
    args = query(DeliveriesQuery)
    position = decode_cursor(args.cursor, "before")
    rows = crm().webhooks.deliveries(webhook_id, args.limit + 1, position["before"] if position else None)
    more = len(rows) > args.limit
    rows = rows[: args.limit]
    next_cursor = encode_cursor({"before": rows[-1]["id"]}) if more else None
    return respond(
        {"items": [{k: v for k, v in r.items() if k != "webhook_id"} for r in rows], "next_cursor": next_cursor}
    )
