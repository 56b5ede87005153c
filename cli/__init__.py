"""The `crm` command: demo data, users, the read models, the audit trail, serving the web application.

This package and `cli/wiring.py` are the composition root of the command line:
they alone put the write side, the read side and the web together.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import click
from sqlalchemy import create_engine

from cli import audit_proofs  # noqa: F401  # registers its commands on the audit group
from cli.access_log import access_log
from cli.audit import audit
from cli.backup import backup, restore
from cli.calendar import calendar
from cli.contacts import contacts
from cli.imports import import_file
from cli.projections import projections
from cli.serve import serve
from cli.tokens import tokens
from cli.users import users
from cli.webhooks import webhooks
from cli.wiring import open_app, open_projector
from crm.application import CrmApplication
from crm.clock import SimulatedClock
from crm.permissions import SYSTEM_ACTOR_ID
from storage import migrations
from storage.location import database_url, driver_url

DEMO_PASSWORD = "demo-kode-2026"  # noqa: S105  # nosec B105  # printed for everyone to use with the demo data


@click.group()
def main() -> None:
    """workplace-crm: municipal outreach to workplaces."""


@main.command()
@click.option("--companies", default=200, show_default=True, help="How many companies to create.")
@click.option("--seed", default=2026, show_default=True, help="Seed for the deterministic dataset.")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already holds events.")
def demo(companies: int, seed: int, if_empty: bool) -> None:
    """Load the demo dataset through the application's commands."""
    from demo import load_demo

    clock = SimulatedClock(datetime.now(UTC) - timedelta(weeks=12))
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


def _print_sign_ins(app: CrmApplication) -> None:
    projector = open_projector(app)
    projector.catch_up(["users"])
    click.echo(f"Sign in at http://127.0.0.1:8000 as one of these (demo password: {DEMO_PASSWORD}):")
    for user in projector["users"].all_users():
        if user["active"]:
            click.echo(f"  {user['username']:<12} {user['role']:<18} {user['display_name']}")


@main.command()
def migrate() -> None:
    """Bring the tables beside the event store to the newest revision (the application also does it at start-up)."""
    engine = create_engine(driver_url(database_url()))
    try:
        applied = migrations.upgrade(engine)
        with engine.connect() as connection:
            revision = ", ".join(sorted(migrations.current(connection)))
    finally:
        engine.dispose()
    click.echo(f"Applied {', '.join(applied)}." if applied else "Nothing to do.")
    click.echo(f"{database_url()} is at revision {revision}.")


main.add_command(users)
main.add_command(projections)
main.add_command(audit)
main.add_command(contacts)
main.add_command(access_log)
main.add_command(backup)
main.add_command(restore)
main.add_command(tokens)
main.add_command(webhooks)
main.add_command(import_file)
main.add_command(calendar)
main.add_command(serve)
