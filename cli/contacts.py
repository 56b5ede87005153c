"""`crm contacts erase` and `crm contacts copy`: a person's erasure (GDPR Art. 17) and copy (Art. 15)."""

from __future__ import annotations

import json
from pathlib import Path
from uuid import UUID

import click

import projections
from cli.wiring import open_app, open_projector
from crm.data_subject import data_subject_copy, record_copy_handed_over
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


@contacts.command("copy")
@click.argument("contact_id", type=click.UUID)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def contacts_copy(contact_id: UUID, path: Path) -> None:
    """Write the data subject's copy (GDPR Art. 15) of one contact to PATH as JSON."""
    app = open_app()
    projector = open_projector(app)
    projector.catch_up()
    try:
        copy = data_subject_copy(app, contact_id, projections.SubjectReads(projector, app.today()))
    except CrmError as error:
        raise click.ClickException(str(error)) from None
    path.write_text(json.dumps(copy, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    record_copy_handed_over(app, SYSTEM_ACTOR_ID, contact_id, "crm contacts copy")
    click.echo(f"Wrote the copy of {contact_id} to {path}.")
