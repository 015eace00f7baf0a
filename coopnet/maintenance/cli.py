"""`flask --app coopnet backup [PATH]` and `flask --app coopnet restore PATH`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from coopnet.errors import DomainError
from coopnet.maintenance.backup import backup_sqlite, restore_sqlite


@click.command("backup")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path | None) -> None:
    """Write a consistent copy of the SQLite database while the app runs."""
    if path is None:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        path = Path(current_app.instance_path) / "backups" / f"coopnet-{stamp}.sqlite"
    try:
        size = backup_sqlite(current_app.config["SQLALCHEMY_DATABASE_URI"], path)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Backup written: {path} ({size:,} bytes)")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(path: Path, yes: bool) -> None:
    """Replace the SQLite database with a backup. Stop the app first."""
    if not yes:
        click.confirm("This replaces ALL current data with the backup. Continue?", abort=True)
    try:
        restore_sqlite(current_app.config["SQLALCHEMY_DATABASE_URI"], path)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Restored from {path}")
