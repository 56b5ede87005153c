"""`crm projections run | rebuild`: keep the read models current, or replay one from the first event."""

from __future__ import annotations

import contextlib
import signal

import click

from cli.progress import progress_bar
from cli.wiring import open_projector
from projections.runner import run_forever


@click.group()
def projections() -> None:
    """Keep the read models current, or rebuild them."""


@projections.command("run")
@click.option("--wake-every", default=5.0, show_default=True, help="Seconds between checks when no signal comes.")
def projections_run(wake_every: float) -> None:
    """Follow new events (LISTEN/NOTIFY on PostgreSQL, polling on SQLite) until interrupted."""
    stopping = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stopping.update(now=True))
    projector = open_projector()
    click.echo("Following new events; Ctrl+C to stop.")
    with contextlib.suppress(KeyboardInterrupt):
        run_forever(projector, lambda: stopping["now"], wake_every=wake_every)


@projections.command("rebuild")
@click.argument("name", required=False)
def projections_rebuild(name: str | None) -> None:
    """Drop a read model (all when NAME is left out) and replay it from the first event."""
    projector = open_projector()
    names = [name] if name else list(projector.projections)
    unknown = set(names) - set(projector.projections)
    if unknown:
        raise click.ClickException(
            f"No read model {', '.join(sorted(unknown))}; there are {', '.join(projector.projections)}."
        )
    for each in names:
        with progress_bar(each, projector.recorder.max_notification_id() or 0) as advance:
            applied = projector.rebuild(each, progress=advance)
        click.echo(f"{each}: {applied} events applied")
