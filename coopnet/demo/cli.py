"""`flask --app coopnet demo load`."""

from __future__ import annotations

import time
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


@demo_cli.command("scale")
@click.option("--factor", type=click.FloatRange(min=0.0001, max=10.0), default=1.0,
              show_default=True,
              help="Size against the full set (10,000 organisations, 200,000 people, 5,000 "
                   "events, 1,000,000 registrations); 0.01 makes a small one.")
@click.option("--seed", type=int, default=14, show_default=True, help="Random seed.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Anchor date: events before it are past (default: today).")
@with_appcontext
def scale_command(factor: float, seed: int, today: object) -> None:
    """Add a large generated data set (for benchmarks) to a database holding the demo."""
    from coopnet.demo.scale import generate_scale

    if database_is_empty():
        raise click.ClickException("Load the demo first: flask --app coopnet demo load")
    anchor: date = today.date() if today is not None else brussels_today(utcnow())  # type: ignore[attr-defined]
    started = time.monotonic()
    summary = generate_scale(today=anchor, factor=factor, seed=seed)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # after a bulk load, what autovacuum would do some minutes later: the planner's
        # statistics and the visibility map (index-only scans), so that timings taken right
        # after the load do not meet autovacuum at work
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("VACUUM ANALYZE"))
    click.echo(f"Added {summary.organizations} organisations, {summary.people} people, "
               f"{summary.events} events and {summary.registrations} registrations "
               f"in {time.monotonic() - started:.0f} s.")
