"""`flask --app coopnet plan import PATH [--name NAME] [--dry-run] [--accept]`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from flask.cli import with_appcontext

from coopnet.errors import DomainError
from coopnet.extensions import db
from coopnet.plan.importer import MAX_ROWS, TooManyRows, parse_rows, rows_from_upload
from coopnet.plan.services import event_kind_vocabulary, import_plan


@click.group("plan")
def plan_cli() -> None:
    """Action plans."""


@plan_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--name", default=None, help="Name of the plan (default: the file's header).")
@click.option("--start", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="First day of the period when the file does not name it.")
@click.option("--end", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Last day of the period when the file does not name it.")
@click.option("--dry-run", is_flag=True, help="Parse and report; store nothing.")
@click.option("--accept", is_flag=True, help="Confirm every proposed indicator at once.")
@with_appcontext
def import_command(path: Path, name: str | None, start: datetime | None, end: datetime | None,
                   dry_run: bool, accept: bool) -> None:
    """Import an action plan (XLSX, CSV or tab-separated text: objective, action, indicators)."""
    try:
        rows = rows_from_upload(path.name, path.read_bytes())
    except TooManyRows as error:
        raise click.ClickException(f"The file has more than {MAX_ROWS} rows.") from error
    parsed = parse_rows(rows, kinds=event_kind_vocabulary())
    counts = parsed.counts
    click.echo(f"Found {counts['strategic_goals']} strategic goals, {counts['goals']} "
               f"operational goals, {counts['actions']} actions and {counts['indicators']} "
               f"indicators.")
    if parsed.starts_on and parsed.ends_on:
        click.echo(f"Period: {parsed.starts_on.isoformat()} to {parsed.ends_on.isoformat()}")
    click.echo(f"Lines that could not be placed: {len(parsed.unplaced)}")
    for item in parsed.unplaced:
        click.echo(f"  line {item.line}: {item.text} ({item.reason})")
    if dry_run:
        click.echo("Dry run: nothing stored.")
        return
    try:
        plan = import_plan(parsed, name=name, starts_on=start.date() if start else None,
                           ends_on=end.date() if end else None, accept=accept, actor=None)
    except DomainError as error:
        detail = "; ".join(error.fields.values()) or error.message
        raise click.ClickException(detail) from error
    db.session.commit()
    state = "confirmed" if accept else "proposed (confirm them on the plan page)"
    click.echo(f"Imported plan {plan.id} \"{plan.name}\"; indicators {state}.")
