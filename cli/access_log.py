"""`crm access-log purge`: delete the access-log rows whose retention has ended."""

from __future__ import annotations

import click

from cli.wiring import open_app
from crm.access_log import RETENTION_VAR, retention_days
from crm.permissions import SYSTEM_ACTOR_ID


@click.group("access-log")
def access_log() -> None:
    """Who consulted whose data: the access log's retention."""


@access_log.command("purge")
def access_log_purge() -> None:
    """Delete the rows older than the retention (CRM_ACCESS_LOG_RETENTION_DAYS, default 183 days)."""
    try:
        days = retention_days()
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    deleted = open_app().purge_access_log(SYSTEM_ACTOR_ID, days)
    click.echo(f"Deleted {deleted} access-log rows older than {days} days ({RETENTION_VAR}).")
