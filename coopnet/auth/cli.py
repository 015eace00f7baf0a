"""`flask --app coopnet user create EMAIL --role staff`."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from coopnet.auth.models import ROLES
from coopnet.auth.services import create_user
from coopnet.errors import DomainError
from coopnet.extensions import db


@click.group("user")
def user_cli() -> None:
    """Manage accounts."""


@user_cli.command("create")
@click.argument("email")
@click.option("--name", "display_name", default="", help="Name shown in the app.")
@click.option("--role", type=click.Choice(ROLES), default="staff", show_default=True)
@click.password_option(help="Password (asked for when not given).")
@with_appcontext
def create_user_command(email: str, display_name: str, role: str, password: str) -> None:
    """Create an account that signs in with a password."""
    try:
        user = create_user(email, display_name=display_name, role=role, password=password)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"Created {user.role} account {user.email}")
