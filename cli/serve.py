"""`crm serve`: one waitress process (the default, SQLite and Windows), or N gunicorn processes on PostgreSQL.

With several web processes the read models are kept current by one projection worker
(`crm projections run`), started beside them unless told otherwise; the web processes then
never catch up on a read and wait, bounded, for the worker after a command (web/services.py).
"""

from __future__ import annotations

import os
import subprocess  # nosec B404  # starts our own projection worker, no shell, no input in the arguments
import sys
from typing import Any

import click

from storage.location import database_url

# Threads per web process. One waitress process serves everyone: enough threads that a slow export does not hold
# the others up. With several gunicorn processes, fewer: the screens are Python holding the GIL, and 4 threads in
# each of 2 processes served about 11 % more of the load mix than 8 did on the 2 cores of docs/benchmarks.md's
# machine (2 served about 18 % more, but leaves a process little room for a request that waits).
WAITRESS_THREADS = 8
GUNICORN_THREADS = 4

WORKER_COMMAND = [sys.executable, "-c", "from cli import main; main()", "projections", "run"]


def threads_per_process(workers: int, threads: int | None) -> int:
    """The threads each web process runs: as asked, or the default for one process or for several."""
    if threads is not None:
        return threads
    return WAITRESS_THREADS if workers == 1 else GUNICORN_THREADS


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--threads",
    type=click.IntRange(min=1, max=64),
    help=f"Threads per web process [default: {WAITRESS_THREADS} with one process, {GUNICORN_THREADS} each with more].",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(min=1, max=64),
    help="Web processes. 1: waitress; more: gunicorn (PostgreSQL only, not on Windows).",
)
@click.option(
    "--projection-worker/--no-projection-worker",
    default=None,
    help="Start `crm projections run` beside the web processes [default: with --workers above 1]. "
    "Without it, each request catches up the views it reads.",
)
def serve(host: str, port: int, threads: int | None, workers: int, projection_worker: bool | None) -> None:
    """Serve the web application with a production WSGI server."""
    url = database_url()
    threads = threads_per_process(workers, threads)
    if projection_worker is None:
        projection_worker = workers > 1
    if workers > 1 and not url.startswith("postgresql"):
        raise click.ClickException(
            "Several web processes need PostgreSQL (SQLite lets one process write at a time); "
            "set CRM_DATABASE_URL to a PostgreSQL database, or serve with --workers 1."
        )
    if workers > 1 and sys.platform == "win32":
        raise click.ClickException("Several web processes need gunicorn, which does not run on Windows.")
    worker = None
    if projection_worker:
        os.environ["CRM_PROJECTION_WORKER"] = "1"  # the web processes leave the catch-up to it
        worker = subprocess.Popen(WORKER_COMMAND)  # noqa: S603  # nosec B603  # our own command, fixed arguments
    try:
        click.echo(f"Serving on http://{host}:{port} with {workers} web process(es)  (database: {url})")
        if workers == 1:
            from waitress import serve as waitress_serve

            from web import create_app

            waitress_serve(create_app(), host=host, port=port, threads=threads)
        else:
            _gunicorn(host, port, threads, workers)
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)


def _gunicorn(host: str, port: int, threads: int, workers: int) -> None:
    from gunicorn.app.base import BaseApplication

    class Application(BaseApplication):
        def load_config(self) -> None:
            options: dict[str, Any] = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
                "timeout": 60,
                "graceful_timeout": 20,
                "accesslog": None,
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            # Each web process builds its own application after the fork: its own engine and connection pool.
            from web import create_app

            return create_app()

    Application().run()
