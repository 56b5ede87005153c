"""The `crm` command: demo data, users, serving the web application."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

import click

from crm.application import CrmApplication
from crm.audit.cli import audit
from crm.clock import SimulatedClock
from crm.credentials import check_password_rules
from crm.errors import CrmError
from crm.permissions import SYSTEM_ACTOR_ID
from crm.persistence import database_url


def open_app(clock=None) -> CrmApplication:
    return CrmApplication.for_database(database_url(), clock=clock)


@click.group()
def main() -> None:
    """workplace-crm: municipal outreach to workplaces."""


@main.command()
@click.option("--companies", default=200, show_default=True, help="How many companies to create.")
@click.option("--seed", default=2026, show_default=True, help="Seed for the deterministic dataset.")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already holds events.")
def demo(companies: int, seed: int, if_empty: bool) -> None:
    """Load the demo dataset through the application's commands."""
    from crm.demo import load_demo

    start = datetime.now(UTC) - timedelta(weeks=12)
    clock = SimulatedClock(start)
    app = open_app(clock)
    if app.recorder.max_notification_id():
        if if_empty:
            click.echo("The database already holds events; demo data not loaded.")
            _print_sign_ins(app)
            return
        raise click.ClickException("The database already holds events; load the demo into an empty database.")
    summary = load_demo(app, clock, seed=seed, companies=companies)
    for username, _role, _name in summary.users:
        app.set_password(SYSTEM_ACTOR_ID, app.user_id_for(username), DEMO_PASSWORD, reason="demo data")
    click.echo(f"Loaded {app.recorder.max_notification_id()} events into {database_url()}")
    _print_sign_ins(app)


DEMO_PASSWORD = "demo-kode"  # noqa: S105 - printed for everyone to use with the demo data


def _print_sign_ins(app: CrmApplication) -> None:
    from projections.runner import Projector

    projector = Projector(app)
    projector.catch_up(["users"])
    click.echo(f"Sign in at http://127.0.0.1:8000 as one of these (demo password: {DEMO_PASSWORD}):")
    for user in projector["users"].all_users():
        if user["active"]:
            click.echo(f"  {user['username']:<12} {user['role']:<18} {user['display_name']}")


@main.group()
def users() -> None:
    """Administer the people who can sign in."""


@users.command("add")
@click.argument("username")
@click.option("--name", "display_name", required=True, help="Display name, e.g. 'Mette Kjær'.")
@click.option("--department", required=True, help="health, business_service, job_centre, hr or other.")
@click.option("--role", required=True, help="recruiter, consultant, health_consultant, project_lead, auditor or admin.")
@click.password_option(help="The first password (asked for when left out).")
def users_add(username: str, display_name: str, department: str, role: str, password: str) -> None:
    """Register a user who can sign in."""
    app = open_app()
    try:
        check_password_rules(password)  # before anything is stored: no user left without a usable password
        user_id = app.register_user(SYSTEM_ACTOR_ID, username, display_name, department, role, reason="crm users add")
        app.set_password(SYSTEM_ACTOR_ID, user_id, password, reason="crm users add")
    except CrmError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Registered {username.lower()} ({role}).")


@users.command("password")
@click.argument("username")
@click.password_option(help="The new password (asked for when left out).")
def users_password(username: str, password: str) -> None:
    """Set a new password for a user."""
    app = open_app()
    try:
        app.set_password(SYSTEM_ACTOR_ID, app.user_id_for(username), password, reason="crm users password")
    except CrmError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"New password set for {username.lower()}.")


@users.command("disable")
@click.argument("username")
def users_disable(username: str) -> None:
    """Stop a user from signing in and acting."""
    app = open_app()
    try:
        app.disable_user(SYSTEM_ACTOR_ID, app.user_id_for(username), reason="crm users disable")
    except CrmError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Disabled {username.lower()}.")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
def serve(host: str, port: int, threads: int) -> None:
    """Serve the web application with a production WSGI server (waitress)."""
    from waitress import serve as waitress_serve

    from web import create_app

    app = create_app()
    click.echo(f"Serving on http://{host}:{port}  (database: {app.config['DATABASE_URL']})")
    waitress_serve(app, host=host, port=port, threads=threads)


@main.group()
def projections() -> None:
    """Keep the read models current, or rebuild them."""


@projections.command("run")
@click.option("--wake-every", default=5.0, show_default=True, help="Seconds between checks when no signal comes.")
def projections_run(wake_every: float) -> None:
    """Follow new events (LISTEN/NOTIFY on PostgreSQL, polling on SQLite) until interrupted."""
    import signal

    from projections.runner import Projector, run_forever

    stopping = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stopping.update(now=True))
    projector = Projector(open_app())
    click.echo("Following new events; Ctrl+C to stop.")
    with contextlib.suppress(KeyboardInterrupt):
        run_forever(projector, lambda: stopping["now"], wake_every=wake_every)


@projections.command("rebuild")
@click.argument("name", required=False)
def projections_rebuild(name: str | None) -> None:
    """Drop a read model (all when NAME is left out) and replay it from the first event."""
    from tqdm import tqdm

    from projections.runner import Projector

    projector = Projector(open_app())
    names = [name] if name else list(projector.projections)
    unknown = set(names) - set(projector.projections)
    if unknown:
        raise click.ClickException(
            f"No read model {', '.join(sorted(unknown))}; there are {', '.join(projector.projections)}."
        )
    for each in names:
        with tqdm(desc=each, unit="event", total=projector.recorder.max_notification_id() or 0) as bar:
            last = {"at": 0}

            def advance(position: int, head: int, bar=bar, last=last) -> None:
                bar.update(position - last["at"])
                last["at"] = position

            applied = projector.rebuild(each, progress=advance)
        click.echo(f"{each}: {applied} events applied")


@users.command("list")
def users_list() -> None:
    """List the users with role, department and whether they may sign in."""
    from projections.runner import Projector

    projector = Projector(open_app())
    projector.catch_up(["users"])
    for user in projector["users"].all_users():
        state = "active" if user["active"] else "disabled"
        click.echo(
            f"{user['username']:<14} {user['role']:<18} {user['department']:<17} {state:<9} {user['display_name']}"
        )


main.add_command(audit)
