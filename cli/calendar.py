"""`crm calendar url USERNAME [--renew]`: a user's private calendar feed address."""

from __future__ import annotations

import os

import click

from cli.wiring import open_app
from crm.users import User

BASE_URL_VARIABLE = "CRM_BASE_URL"
DEFAULT_BASE_URL = "http://127.0.0.1:8000"


@click.group()
def calendar() -> None:
    """The users' calendar feeds."""


@calendar.command("url")
@click.argument("username")
@click.option("--renew", is_flag=True, help="Make a new address; the old one stops working.")
def calendar_url(username: str, renew: bool) -> None:
    """Print the user's feed address (made on first use), for Outlook, Google Calendar or Thunderbird."""
    app = open_app()
    user_id = app.user_id_for(username)
    if not app.exists(User, user_id):
        raise click.ClickException(f"No user {username!r}.")
    feeds = app.calendar_feeds
    token = feeds.renew(user_id) if renew else feeds.token_for(user_id)
    base = os.environ.get(BASE_URL_VARIABLE, DEFAULT_BASE_URL).rstrip("/")
    click.echo(f"{base}/calendar/feed/{token}.ics")
