"""`flask --app coopnet mail remind`: the app factory adds it to the `mail` group."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from coopnet.db import utcnow
from coopnet.extensions import db
from coopnet.registrations.reminders import queue_reminders


@click.command("remind")
@with_appcontext
def remind_command() -> None:
    """Queue tomorrow's reminders (each registration once; safe to run repeatedly)."""
    count = queue_reminders(now=utcnow())
    db.session.commit()
    click.echo(f"{count} reminders queued")
