"""`flask --app coopnet mail send|remind`."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from coopnet.db import utcnow
from coopnet.extensions import db
from coopnet.mail.delivery import send_due


@click.group("mail")
def mail_cli() -> None:
    """The e-mail outbox."""


@mail_cli.command("send")
@click.option("--loop", is_flag=True, help="Keep running and poll the outbox.")
@click.option("--interval", default=10, show_default=True, help="Seconds between polls.")
@click.option("--limit", default=100, show_default=True, help="Messages per round.")
@with_appcontext
def send_command(loop: bool, interval: int, limit: int) -> None:
    """Deliver due messages (SMTP, or .eml files in development)."""
    while True:
        report = send_due(limit=limit)
        if report.sent or report.retried or report.failed or not loop:
            click.echo(f"sent {report.sent}, to retry {report.retried}, failed {report.failed}")
        if not loop:
            return
        db.session.remove()
        time.sleep(interval)


@mail_cli.command("remind")
@with_appcontext
def remind_command() -> None:
    """Queue tomorrow's reminders (each registration once; safe to run repeatedly)."""
    from coopnet.registrations.reminders import queue_reminders

    count = queue_reminders(now=utcnow())
    db.session.commit()
    click.echo(f"{count} reminders queued")
