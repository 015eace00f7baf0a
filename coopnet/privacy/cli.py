"""`flask --app coopnet privacy export|erase|retention`."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import with_appcontext

from coopnet.db import utcnow
from coopnet.extensions import db
from coopnet.members.models import Person
from coopnet.privacy.services import (
    apply_retention,
    erase_person,
    export_person,
    people_due_for_retention,
)


def _person(person_id: int) -> Person:
    person = db.session.get(Person, person_id)
    if person is None:
        raise click.ClickException(f"No person with id {person_id}")
    return person


@click.group("privacy")
def privacy_cli() -> None:
    """Personal data: export, erase, retention."""


@privacy_cli.command("export")
@click.argument("person_id", type=int)
@with_appcontext
def export_command(person_id: int) -> None:
    """Print everything stored about a person as JSON."""
    click.echo(json.dumps(export_person(_person(person_id)), indent=2, ensure_ascii=False))


@privacy_cli.command("erase")
@click.argument("person_id", type=int)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def erase_command(person_id: int, yes: bool) -> None:
    """Erase a person's personal data (attendance keeps counting anonymously)."""
    person = _person(person_id)
    if not yes:
        click.confirm(f"Erase all personal data of {person.full_name}?", abort=True)
    erase_person(person, actor=None, now=utcnow())
    db.session.commit()
    click.echo(f"Person {person_id} erased.")


@privacy_cli.command("retention")
@click.option("--months", type=int, default=None,
              help="Age of events after which non-member registrants are anonymised "
                   "(default: COOPNET_RETENTION_MONTHS).")
@click.option("--dry-run", is_flag=True, help="Only count; change nothing.")
@with_appcontext
def retention_command(months: int | None, dry_run: bool) -> None:
    """Anonymise non-member registrants of events older than the retention period."""
    months = months or current_app.config["COOPNET_RETENTION_MONTHS"]
    now = utcnow()
    if dry_run:
        due = db.session.execute(people_due_for_retention(months=months, now=now)).scalars().all()
        click.echo(f"{len(due)} people would be anonymised (events older than {months} months).")
        return
    count = apply_retention(months=months, now=now)
    db.session.commit()
    click.echo(f"{count} people anonymised (events older than {months} months).")
