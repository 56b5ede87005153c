"""`crm import FILE [--commit]`: companies, workplaces and contacts from a spreadsheet, previewed first."""

from __future__ import annotations

from pathlib import Path

import click

import projections
from cli.danish import danish
from cli.progress import progress_bar
from cli.wiring import open_app, open_projector
from crm.errors import CrmError
from crm.imports import ImportPlan, commit_plan, plan_import, read_table

ACTION_TITLES = {
    "create": "new companies",
    "update": "updates",
    "unchanged": "unchanged",
    "duplicate": "duplicates in the file",
    "error": "rows with errors",
}


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--user", "username", required=True, help="Who imports (the events' actor).")
@click.option("--commit", is_flag=True, help="Import the rows (without it, only the preview is printed).")
def import_file(file: Path, username: str, commit: bool) -> None:
    """Preview (and with --commit, import) a CSV or XLSX file of companies, workplaces and contacts."""
    app = open_app()
    projector = open_projector(app)
    projector.catch_up(["outreach"])
    try:
        actor = app.user_id_for(username)
        header, body = read_table(file.read_bytes(), file.name)
        plan = plan_import(file.name, header, body, projections.import_reference(projector["outreach"]))
    except CrmError as error:
        with danish() as describe:
            raise click.ClickException(describe(error)) from None
    print_preview(plan)
    if not commit:
        click.echo("Nothing is stored; run again with --commit to import.")
        return
    with progress_bar("import", len(plan.to_commit())) as advance:
        result = commit_plan(app, actor, plan, on_row=advance)
    with danish() as describe:
        for number, refusal in sorted(result.failed.items()):
            click.echo(f"  row {number}: not imported: {describe(refusal)}")
    click.echo(f"Imported: {result.created} created, {result.updated} updated, {len(result.failed)} failed.")


def print_preview(plan: ImportPlan) -> None:
    columns = ", ".join(f"{field}={plan.header[index]!r}" for field, index in plan.columns.items())
    click.echo(f"{plan.file_name}: {len(plan.rows)} rows; columns: {columns}")
    for action, count in plan.counts().items():
        click.echo(f"  {ACTION_TITLES[action]}: {count}")
    with danish() as describe:  # the errors in the words the web uses
        for row in plan.rows:
            if row.action == "error":
                click.echo(f"  row {row.number} ({row.name}): " + "; ".join(describe(e) for e in row.errors))
            elif row.action == "duplicate":
                click.echo(f"  row {row.number} ({row.name}): repeats row {row.duplicate_of}")
