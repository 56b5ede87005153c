"""`crm tokens create | list | revoke`: API tokens from the command line."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import click

from cli.wiring import open_app
from crm.errors import CrmError
from crm.permissions import SYSTEM_ACTOR_ID


@click.group()
def tokens() -> None:
    """Make, list and revoke the API tokens a user's systems call the API with."""


@tokens.command("create")
@click.argument("username")
@click.option("--label", default="crm tokens create", help="What the token is for, e.g. 'Jobcentrets sagssystem'.")
@click.option("--expires", "expires_on", type=click.DateTime(["%Y-%m-%d"]), help="The last day it works.")
def tokens_create(username: str, label: str, expires_on: datetime | None) -> None:
    """Make a token acting as USERNAME and print it, this once (only its hash is kept)."""
    app = open_app()
    day = expires_on.date() if expires_on else None
    try:
        new = app.create_api_token(SYSTEM_ACTOR_ID, app.user_id_for(username), label, day, reason="crm tokens create")
    except CrmError as error:
        raise click.ClickException(str(error)) from None
    click.echo(new.token)
    click.echo(f"Token {new.token_id} for {username.lower()}: shown this once, keep it secret.", err=True)


@tokens.command("list")
@click.argument("username", required=False)
def tokens_list(username: str | None) -> None:
    """A user's tokens (everyone's without USERNAME): id, label, made, last used, expiry, revoked."""
    app = open_app()
    user_id = app.user_id_for(username) if username else None
    for row in app.api_tokens_of(SYSTEM_ACTOR_ID, user_id):
        click.echo(
            "\t".join(
                str(value or "-")
                for value in (
                    row["token_id"],
                    row["label"],
                    row["created_at"],
                    row["last_used_at"],
                    row["expires_at"],
                    row["revoked_at"],
                )
            )
        )


@tokens.command("revoke")
@click.argument("token_id", type=click.UUID)
def tokens_revoke(token_id: UUID) -> None:
    """Stop a token from working."""
    app = open_app()
    try:
        app.revoke_api_token(SYSTEM_ACTOR_ID, token_id, reason="crm tokens revoke")
    except CrmError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Revoked {token_id}.")
