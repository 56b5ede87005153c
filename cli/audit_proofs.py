"""`crm audit key | checkpoint | checkpoints | prove`: signed checkpoints of the log and proofs against them."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from cli.audit import audit, load_key
from cli.wiring import open_app
from crm.audit.bundle import event_proof, growth_proof
from crm.audit.checkpoint import NoTree, Signer, key_path, make_checkpoint, stored_checkpoints


def _write(out: Path | None, text: str) -> None:
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {out}", err=True)


@audit.command("key")
def key_command() -> None:
    """Print the verifier key of the checkpoints (made on first use); give it to whoever keeps checkpoints."""
    signer = Signer.load()
    click.echo(signer.verifier_key)
    click.echo(f"(the private key is in {key_path()}; keep it out of the database and its backups)", err=True)


@audit.command("checkpoint")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Also write the signed note here.")
def checkpoint_command(out: Path | None) -> None:
    """Sign the log's tree as it stands (origin, size, root hash), store the checkpoint and print it."""
    app = open_app()
    try:
        made = make_checkpoint(app, Signer.load())
    except NoTree as error:
        raise click.ClickException(str(error)) from None
    _write(out, made.note)
    if out is None:
        return
    click.echo(f"Checkpoint {made.id}: {made.size} events, up to position {made.last_position}")


@audit.command("checkpoints")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10_000))
def checkpoints_command(limit: int) -> None:
    """List the stored checkpoints, newest first."""
    app = open_app()
    try:
        found = stored_checkpoints(app, limit=limit)
    except NoTree as error:
        raise click.ClickException(str(error)) from None
    for each in found:
        click.echo(f"{each.id}\t{each.made_at:%Y-%m-%d %H:%M}\tsize {each.size}\tposition {each.last_position}")


@audit.command("prove")
@click.option("--position", type=click.IntRange(1), help="Prove that the event at this position is in the log.")
@click.option(
    "--since",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Prove that the log only grew since this earlier checkpoint (a signed note).",
)
@click.option("--key", "key_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the proof here (JSON).")
def prove_command(position: int | None, since: Path | None, key_file: Path | None, out: Path | None) -> None:
    """An inclusion proof for one event, or a consistency proof from an earlier checkpoint, against a new one."""
    if (position is None) == (since is None):
        raise click.UsageError("give either --position or --since")
    app = open_app()
    try:
        checkpoint = make_checkpoint(app, Signer.load())
        if position is not None:
            bundle = event_proof(app, position, checkpoint)
        else:
            assert since is not None  # nosec B101  # narrows the type; checked above
            key = load_key(key_file)
            if key is None:
                raise click.ClickException("no verifier key: pass --key")
            bundle = growth_proof(app, since.read_text(encoding="utf-8"), checkpoint, key)
    except (LookupError, ValueError) as error:
        click.echo(f"NOT PROVEN: {error}")
        sys.exit(1)
    except NoTree as error:
        raise click.ClickException(str(error)) from None
    _write(out, json.dumps(bundle, indent=2, ensure_ascii=False) + "\n")
