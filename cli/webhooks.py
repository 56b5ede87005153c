"""`crm webhooks add | list | deliver`: webhook subscribers, and the worker that sends them their events."""

from __future__ import annotations

import time

import click

from cli.wiring import open_app
from crm.errors import CrmError
from crm.permissions import SYSTEM_ACTOR_ID
from crm.webhook_delivery import deliver


@click.group()
def webhooks() -> None:
    """Send chosen events, signed, to other systems."""


@webhooks.command("add")
@click.argument("url")
@click.option("--event", "event_types", multiple=True, required=True, help="Company.Declined, Agreement.* or *.")
def webhooks_add(url: str, event_types: tuple[str, ...]) -> None:
    """Register URL for the event types (from now on); prints the signing secret, this once."""
    app = open_app()
    try:
        new = app.register_webhook(SYSTEM_ACTOR_ID, url, list(event_types), reason="crm webhooks add")
    except CrmError as error:
        raise click.ClickException(str(error)) from None
    click.echo(new.secret)
    click.echo(f"Webhook {new.webhook_id}: the line above is its signing secret, shown this once.", err=True)


@webhooks.command("list")
def webhooks_list() -> None:
    """Every subscriber: id, URL, event types, position, failures, active."""
    for row in open_app().webhooks.all():
        values = (row["webhook_id"], row["url"], ",".join(row["event_types"]), row["position"], row["failures"])
        click.echo("\t".join(str(value) for value in (*values, "active" if row["active"] else "stopped")))


@webhooks.command("deliver")
@click.option("--once", is_flag=True, help="One round, then stop (for cron or a test).")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between rounds.")
def webhooks_deliver(once: bool, interval: float) -> None:
    """Send the subscribers their events, in log order, retrying failures with backoff (a worker process)."""
    app = open_app()
    while True:
        sent = deliver(app)
        if once:
            click.echo(f"Delivered {sent} event(s).")
            return
        time.sleep(interval)
