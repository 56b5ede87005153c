"""`crm contacts erase`: erasing a person on request (GDPR Art. 17) from the command line."""

from __future__ import annotations

from uuid import UUID

import click

from cli.wiring import open_app, open_projector
from crm.errors import CrmError
from crm.permissions import SYSTEM_ACTOR_ID
from crm.vocabulary import LEGAL_BASES


@click.group()
def contacts() -> None:
    """The people at the companies."""


@contacts.command("erase")
@click.argument("contact_id", type=click.UUID)
@click.option("--reason", required=True, help="Why, e.g. the case number of the request.")
@click.option("--basis", type=click.Choice(LEGAL_BASES), default=LEGAL_BASES[0], show_default=True)
@click.option("--by", "username", help="The user who decided it (recorded as the actor; the system when left out).")
def contacts_erase(contact_id: UUID, reason: str, basis: str, username: str | None) -> None:
    """Erase a person: destroy their key, record the erasure, purge them from the read models."""
    app = open_app()
    try:
        actor = app.user_id_for(username) if username else SYSTEM_ACTOR_ID
        app.erase_contact(actor, contact_id, basis, reason=reason)
    except CrmError as error:
        raise click.ClickException(str(error)) from None
    open_projector(app).catch_up()
    click.echo(f"Erased {contact_id}: the key is destroyed and every view shows 'slettet person'.")
