"""The `crm` command: demo data, users, serving the web application."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import click

from crm.application import CrmApplication
from crm.clock import SimulatedClock
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

    start = datetime.now(timezone.utc) - timedelta(weeks=12)
    clock = SimulatedClock(start)
    app = open_app(clock)
    if app.recorder.max_notification_id():
        if if_empty:
            click.echo("The database already holds events; demo data not loaded.")
            return
        raise click.ClickException("The database already holds events; load the demo into an empty database.")
    summary = load_demo(app, clock, seed=seed, companies=companies)
    click.echo(f"Loaded {app.recorder.max_notification_id()} events into {database_url()}")
    for username, role, display_name in summary.users:
        click.echo(f"  {username:<12} {role:<18} {display_name}")


@main.group()
def users() -> None:
    """Administer the people who can sign in."""


@users.command("add")
@click.argument("username")
@click.option("--name", "display_name", required=True, help="Display name, e.g. 'Mette Kjær'.")
@click.option("--department", required=True, help="health, business_service, job_centre, hr or other.")
@click.option("--role", required=True, help="recruiter, consultant, health_consultant, project_lead, auditor or admin.")
def users_add(username: str, display_name: str, department: str, role: str) -> None:
    """Register a user."""
    try:
        open_app().register_user(SYSTEM_ACTOR_ID, username, display_name, department, role, reason="crm users add")
    except CrmError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Registered {username.lower()} ({role}).")


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
