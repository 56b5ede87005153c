"""`crm users add | list | password | disable | erase-name`: user administration from the command line."""

from __future__ import annotations

import click

from cli.wiring import open_app, open_projector
from crm.errors import CrmError
from crm.permissions import SYSTEM_ACTOR_ID


@click.group()
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
        app.register_user(
            SYSTEM_ACTOR_ID, username, display_name, department, role, password=password, reason="crm users add"
        )
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


@users.command("erase-name")
@click.argument("username")
@click.option("--reason", required=True, help="Why, e.g. the case number of the retention review.")
@click.option("--by", "actor", help="The user who decided it (recorded as the actor; the system when left out).")
def users_erase_name(username: str, reason: str, actor: str | None) -> None:
    """Erase a disabled user's display name once CRM_EMPLOYEE_NAME_RETENTION_MONTHS have passed."""
    app = open_app()
    try:
        actor_id = app.user_id_for(actor) if actor else SYSTEM_ACTOR_ID
        app.erase_employee_name(actor_id, app.user_id_for(username), "retention_expired", reason=reason)
    except CrmError as error:
        raise click.ClickException(str(error)) from None
    open_projector(app).catch_up()
    click.echo(f"Erased the name of {username.lower()}: every view shows 'tidligere medarbejder'.")


@users.command("list")
def users_list() -> None:
    """List the users with role, department and whether they may sign in."""
    projector = open_projector()
    projector.catch_up(["users"])
    for user in projector["users"].all_users():
        state = "active" if user["active"] else "disabled"
        click.echo(
            f"{user['username']:<14} {user['role']:<18} {user['department']:<17} {state:<9} {user['display_name']}"
        )
