"""`crm projections run | rebuild | resume | status`: keep the read models current, rebuild, recover, inspect."""

from __future__ import annotations

import contextlib
import functools
import signal
import sys

import click

from cli.progress import progress_bar
from cli.wiring import open_app, open_projector
from crm.access_log import retention_days
from crm.audit.chain import ChainedApplicationRecorder
from crm.audit.checkpoint import Signer, checkpoint_if_grown
from crm.permissions import SYSTEM_ACTOR_ID
from projections.generations import Failure
from projections.runner import Projector, RebuildFailed, ViewStatus
from projections.worker import Every, run_forever

# The access log's purge is one indexed DELETE; once a day keeps the rows at most a day past their retention.
PURGE_EVERY = 24 * 3600.0


@click.group()
def projections() -> None:
    """Keep the read models current, rebuild them, resume one that stopped, or show their state."""


@projections.command("run")
@click.option("--wake-every", default=5.0, show_default=True, help="Seconds between checks when no signal comes.")
@click.option(
    "--checkpoint-every",
    default=3600.0,
    show_default=True,
    type=click.FloatRange(0),
    help="Seconds between signed audit checkpoints (made when events were recorded since the last); 0: none.",
)
def projections_run(wake_every: float, checkpoint_every: float) -> None:
    """Follow new events (LISTEN/NOTIFY on PostgreSQL, polling on SQLite) until interrupted."""
    stopping = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stopping.update(now=True))
    days = retention_days()  # a wrong setting stops the worker at start, not at the first purge
    app = open_app()
    projector = open_projector(app)
    purge = Every(functools.partial(app.purge_access_log, SYSTEM_ACTOR_ID, days), PURGE_EVERY)
    periodic = None
    if checkpoint_every > 0 and isinstance(projector.app.recorder, ChainedApplicationRecorder):
        signer = Signer.load()
        periodic = functools.partial(checkpoint_if_grown, projector.app, signer)
    click.echo("Following new events; Ctrl+C to stop.")
    with contextlib.suppress(KeyboardInterrupt):
        run_forever(
            projector,
            lambda: stopping["now"],
            wake_every=wake_every,
            periodic=periodic,
            period=checkpoint_every,
            also=[purge],
        )


@projections.command("rebuild")
@click.argument("name", required=False)
def projections_rebuild(name: str | None) -> None:
    """Replay a read model (all when NAME is left out) beside the live one, and switch when it has caught up."""
    projector = open_projector()
    names = _names(projector, name)
    failed: list[RebuildFailed] = []
    if name:
        with progress_bar(name, projector.recorder.max_notification_id() or 0) as advance:
            try:
                click.echo(f"{name}: {projector.rebuild(name, progress=advance)} events applied")
            except RebuildFailed as error:
                failed.append(error)
    else:
        # Every view in one replay: the log read and decoded once for all of them.
        with progress_bar("every read model", projector.recorder.max_notification_id() or 0) as advance:
            failed = projector.rebuild_together(names, progress=advance)
        stopped = {refused.name for refused in failed}
        for each in names:
            if each not in stopped:
                click.echo(f"{each}: rebuilt, at position {projector.projections[each].view.position()}")
    for refused in failed:
        click.echo(f"{refused.name}: {_stopped(refused.failure)}; the live read model is kept", err=True)
    if failed:
        sys.exit(1)


@projections.command("resume")
@click.argument("name")
def projections_resume(name: str) -> None:
    """Catch up a read model that stopped at an event it could not apply, after the cause was fixed."""
    projector = open_projector()
    _names(projector, name)
    with progress_bar(name, projector.recorder.max_notification_id() or 0) as advance:
        applied = projector.resume(name, progress=advance)
    failure = projector.projections[name].view.failure()
    if failure is not None:
        click.echo(f"{name}: {_stopped(failure)} again", err=True)
        sys.exit(1)
    click.echo(f"{name}: {applied} events applied; current")


@projections.command("status")
def projections_status() -> None:
    """Each read model: version, generation, position against the head, and the event it stopped at, if any."""
    projector = open_projector()
    statuses = projector.status()
    for status in statuses:
        click.echo(_line(status))
    owed = projector.rebuild_owed()
    if owed is not None:
        click.echo(
            f"A rebuild of every view is owed: the text redacted at position {owed} (and any before) may still show. "
            "The projection worker does it; without one, run `crm projections rebuild`."
        )
    if any(status.failure for status in statuses):
        sys.exit(1)


def _names(projector: Projector, name: str | None) -> list[str]:
    names = [name] if name else list(projector.projections)
    unknown = set(names) - set(projector.projections)
    if unknown:
        raise click.ClickException(
            f"No read model {', '.join(sorted(unknown))}; there are {', '.join(projector.projections)}."
        )
    return names


def _line(status: ViewStatus) -> str:
    state = "live" if status.live else "building"
    line = (
        f"{status.name:<12} version {status.version} generation {status.generation} {state:<8} "
        f"position {status.position}/{status.head}"
    )
    if status.failure is not None:
        line += f"  STOPPED: {_stopped(status.failure)}"
    elif status.behind:
        line += f"  ({status.behind} behind)"
    return line


def _stopped(failure: Failure) -> str:
    return (
        f"stopped before position {failure.position} ({failure.topic}, "
        f"{failure.behind_since:%Y-%m-%d %H:%M} UTC): {failure.error}"
    )
