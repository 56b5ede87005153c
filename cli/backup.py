"""`crm backup PATH` and `crm restore PATH`: the whole database, with erased people kept erased."""

from __future__ import annotations

from pathlib import Path

import click

from cli.wiring import open_app, open_projector
from crm.audit.verify import verify_chain
from storage import backup as storage_backup
from storage.location import database_url


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup(path: Path) -> None:
    """Back up the database to PATH while the application serves."""
    try:
        storage_backup.backup(database_url(), path)
    except storage_backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backed up {database_url()} to {path}.")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore(path: Path) -> None:
    """Restore PATH into the empty database, re-apply the erasure ledger, verify the chain, rebuild the views."""
    try:
        storage_backup.restore(database_url(), path)
    except storage_backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    app = open_app()
    erased = app.personal_keys.ledger.key_ids()
    app.personal_keys.destroy_again(erased)
    click.echo(f"Erasure ledger {app.personal_keys.ledger.path}: {len(erased)} destroyed keys re-applied.")
    report = verify_chain(app)
    if not report.ok:
        raise click.ClickException("the restored chain does not verify: run crm audit verify")
    projector = open_projector(app)
    failed = projector.rebuild_together()
    if failed:
        raise click.ClickException(f"restored, but a read model stopped at an event: {'; '.join(map(str, failed))}")
    storage_backup.compact(database_url())
    click.echo(f"Restored {path} into {database_url()}: the chain verifies and every view is rebuilt.")
