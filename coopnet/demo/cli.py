"""`flask --app coopnet demo load`."""

from __future__ import annotations

from datetime import date, datetime

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from coopnet.auth.models import User
from coopnet.db import utcnow
from coopnet.demo.services import DEMO_ACCOUNTS, DEMO_PASSWORD, database_is_empty, load_demo
from coopnet.errors import DomainError
from coopnet.extensions import db
from coopnet.timezones import brussels_today


@click.group("demo")
def demo_cli() -> None:
    """Demo data."""


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True,
              help="Do nothing (and succeed) when the database already holds data.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Anchor date for the upcoming events (default: today).")
@with_appcontext
def load_command(if_empty: bool, today: datetime | None) -> None:
    """Load the demo data set into an empty database."""
    if if_empty and not database_is_empty():
        click.echo("Database already holds data; demo not loaded.")
        if db.session.execute(sa.select(User.id).where(
                User.email == DEMO_ACCOUNTS[0][0])).first() is not None:
            _print_accounts()
        return
    anchor: date = today.date() if today is not None else brussels_today(utcnow())
    try:
        summary = load_demo(today=anchor)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(
        f"Demo loaded: {summary.organizations} organisations ({summary.members} current members), "
        f"{summary.people} contact persons, {summary.events} events "
        f"({summary.upcoming_events} upcoming)."
    )
    _print_accounts()


def _print_accounts() -> None:
    click.echo(f"Demo accounts (password: {DEMO_PASSWORD}):")
    for email, _name, role in DEMO_ACCOUNTS:
        note = "  (contact person of a member co-op)" if role == "member" else ""
        click.echo(f"  {role:<12} {email}{note}")
