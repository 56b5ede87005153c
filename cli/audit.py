"""`crm audit head | verify | export | verify-export`: the audit trail from the command line."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

import click

from cli.progress import progress_bar
from cli.wiring import open_app
from crm.audit.auditor import Checkpoint, VerifierKey, open_checkpoint, verify_bundle
from crm.audit.bundle import prove_export
from crm.audit.checkpoint import Signer, trusted_checkpoints
from crm.audit.export import NoChain, verify_export, write_export
from crm.audit.verify import Anchor, VerifyReport, verify
from crm.permissions import SYSTEM_ACTOR_ID
from crm.users import User
from projections.verify import verify_projections


@click.group()
def audit() -> None:
    """Tamper evidence and export of the event log."""


def load_key(key_file: Path | None) -> VerifierKey | None:
    """The verifier key from a file an auditor keeps, else the instance's own; None when neither exists."""
    if key_file is not None:
        try:
            return VerifierKey.parse(key_file.read_text(encoding="utf-8"))
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--key") from None
    try:
        return Signer.load(create=False).key
    except FileNotFoundError:
        return None


@audit.command()
def head() -> None:
    """Print the chain's head as POSITION:HASH; write it down outside the system."""
    app = open_app()
    recorder = app.recorder
    if not hasattr(recorder, "head"):
        raise click.ClickException("This store keeps no hash chain (the in-memory store).")
    found = recorder.head()
    if found is None:
        raise click.ClickException("The log is empty: no head yet.")
    position, digest = found
    click.echo(f"{position}:{digest}")


@audit.command("verify")
@click.option("--anchor", help="POSITION:HASH from an earlier `crm audit head`, kept outside the system.")
@click.option("--chain-only", is_flag=True, help="Skip the comparison of the read models with a fresh replay.")
@click.option(
    "--checkpoint",
    "checkpoint_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A signed checkpoint kept outside the system: the log must have grown from it only by appending.",
)
@click.option("--key", "key_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Verifier key.")
def verify_command(
    anchor: str | None, chain_only: bool, checkpoint_files: tuple[Path, ...], key_file: Path | None
) -> None:
    """Recompute the hash chain and the tree, check them against the checkpoints, and report the first position
    that no longer matches; compare the read models."""
    try:
        parsed = Anchor.parse(anchor) if anchor else None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--anchor") from None
    key = load_key(key_file)
    outside: list[Checkpoint] = []
    for path in checkpoint_files:
        if key is None:
            raise click.BadParameter("no verifier key to check the checkpoint with", param_hint="--key")
        try:
            outside.append(open_checkpoint(path.read_text(encoding="utf-8"), key))
        except ValueError as error:
            raise click.BadParameter(f"{path}: {error}", param_hint="--checkpoint") from None
    app = open_app()
    stored, bad = trusted_checkpoints(app, key) if key is not None and hasattr(app.recorder, "tree_table") else ([], [])
    with progress_bar("chain") as advance:
        report = verify(
            app,
            anchor=parsed,
            read_models=None if chain_only else verify_projections,
            progress=advance,
            checkpoints=stored + outside,
            bad_checkpoints=bad,
        )
    chain = report.chain
    if not chain.chained:
        click.echo("This store keeps no hash chain (the in-memory store): nothing to verify.")
        sys.exit(2)
    click.echo(f"Checked {chain.checked} events and {chain.links} links; head {chain.head_position}:{chain.head_hash}")
    first = chain.first_problem
    if first is not None:
        click.echo(f"FIRST MISMATCH at position {first.position}: {first.kind} ({first.detail})")
        for problem in chain.problems[1:]:
            click.echo(f"  also at position {problem.position}: {problem.kind}")
        if chain.problem_count > len(chain.problems):
            click.echo(f"  ... {chain.problem_count - len(chain.problems)} more")
    else:
        click.echo("Every stored event matches its link.")
    if chain.anchor is not None:
        verdict = "matches" if chain.anchor_matches else f"DOES NOT MATCH: {chain.anchor_detail}"
        click.echo(f"Anchor {chain.anchor.position}: {verdict}")
    _print_tree(report, outside)
    if report.snapshots is not None:
        if report.snapshots.ok:
            click.echo(f"Snapshots: {report.snapshots.checked} checked, each equals a replay of its events")
        for originator_id, version in report.snapshots.differing:
            click.echo(f"Snapshot of {originator_id} at version {version}: DIFFERS from a replay of its events")
    for projection in report.projections or []:
        if projection.error:
            click.echo(f"Read model {projection.name}: NOT COMPARED ({projection.error})")
        elif projection.equal:
            click.echo(f"Read model {projection.name}: equals a fresh replay")
        else:
            tables = ", ".join(
                f"{t.name} ({t.live_rows} live, {t.replay_rows} replayed)" for t in projection.tables if not t.equal
            )
            click.echo(f"Read model {projection.name}: DIFFERS from a fresh replay in {tables}")
    click.echo("OK" if report.ok else "NOT OK")
    sys.exit(0 if report.ok else 1)


def _print_tree(report: VerifyReport, outside: list[Checkpoint]) -> None:
    tree = report.tree
    if tree is None:
        return
    first = tree.first_problem
    if first is None:
        click.echo(f"Tree: {tree.leaves} leaves, each the hash of its stored event")
    else:
        click.echo(f"TREE: FIRST DIFFERENCE at position {first.position}: {first.kind} ({first.detail})")
        for problem in tree.problems:
            if problem is not first:
                click.echo(f"  also at position {problem.position}: {problem.kind} ({problem.detail})")
    for check in tree.checkpoints:
        verdict = "matches" if check.matches else f"DOES NOT MATCH: {check.detail}"
        click.echo(f"Checkpoint of size {check.size}: {verdict}")
    for line in report.bad_checkpoints:
        click.echo(f"STORED CHECKPOINT NOT TRUSTED: {line}")
    for checkpoint in outside:
        if any(c.size == checkpoint.size and c.matches for c in tree.checkpoints):
            click.echo(f"The log grew only by appending since the checkpoint of size {checkpoint.size}")
        else:
            click.echo(f"The log did NOT only grow since the checkpoint of size {checkpoint.size}")


@audit.command("export")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="First day (Danish time), included.")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="Last day (Danish time), included.")
@click.option(
    "--out",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder for the .jsonl file and its manifest.",
)
@click.option("--user", "username", help="Who exports (for the access log); the system actor when left out.")
def export_command(date_from: datetime | None, date_to: datetime | None, directory: Path, username: str | None) -> None:
    """Write the events of a date range as JSON Lines plus a manifest, with a progress bar."""
    first: date | None = date_from.date() if date_from else None
    last: date | None = date_to.date() if date_to else None
    if first and last and last < first:
        raise click.BadParameter("the last day is before the first", param_hint="--to")
    app = open_app()
    user_id = SYSTEM_ACTOR_ID
    if username:
        user_id = app.user_id_for(username)
        if not app.exists(User, user_id):
            raise click.BadParameter(f"no user {username}", param_hint="--user")
    with progress_bar("export") as advance:
        try:
            signer = Signer.load()
            events_path, manifest_path, manifest = write_export(
                app,
                directory,
                first,
                last,
                user_id,
                progress=advance,
                prove=lambda summary: prove_export(app, summary, signer),
            )
        except NoChain as error:
            raise click.ClickException(str(error)) from None
    click.echo(f"Wrote {manifest['count']} events to {events_path}")
    click.echo(
        f"Manifest: {manifest_path} (positions {manifest['first_position']}..{manifest['last_position']}, "
        f"head {manifest['head_position']}:{manifest['head_hash']})"
    )


@audit.command("verify-export")
@click.argument("events_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("manifest_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--key", "key_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Verifier key.")
def verify_export_command(events_file: Path, manifest_file: Path, key_file: Path | None) -> None:
    """Re-verify an export against its manifest (chain) and its signed checkpoint (tree), without the database."""
    check = verify_export(events_file, manifest_file)
    click.echo(f"Checked {check.count} events.")
    for problem in check.problems:
        click.echo(f"  {problem}")
    ok = check.ok
    key = load_key(key_file)
    if key is not None:
        proven = verify_bundle(events_file, manifest_file, key)
        for problem in proven.problems:
            click.echo(f"  {problem}")
        if proven.ok:
            click.echo(f"Every event is proven in the signed log ({proven.checked} leaves).")
        ok = ok and proven.ok
    click.echo("OK" if ok else "NOT OK")
    sys.exit(0 if ok else 1)
