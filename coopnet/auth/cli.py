"""`flask --app coopnet user create EMAIL --role staff`; `token create` and `token revoke`."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from coopnet.auth.models import ROLES
from coopnet.auth.queries import user_by_email
from coopnet.auth.services import create_user
from coopnet.auth.tokens import create_api_token, revoke_api_tokens
from coopnet.errors import DomainError
from coopnet.extensions import db
from coopnet.validators import normalize_email


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


@click.group("token")
def token_cli() -> None:
    """API tokens."""


@token_cli.command("create")
@click.argument("email")
@click.option("--name", default="", help="What the token is for, e.g. 'scanner at the door'.")
@with_appcontext
def create_token_command(email: str, name: str) -> None:
    """Create an API token for the account EMAIL; prints it alone on the last line."""
    user = user_by_email(normalize_email(email) or "")
    if user is None:
        raise click.ClickException(f"No account with e-mail address {email}")
    token = create_api_token(user, name=name)
    db.session.commit()
    click.echo(f"API token for {user.email} ({user.role}); store it now, it is not shown again:")
    click.echo(token)


@token_cli.command("revoke")
@click.argument("email")
@click.option("--name", default=None, help="Only the tokens with this name (default: all).")
@with_appcontext
def revoke_token_command(email: str, name: str | None) -> None:
    """Revoke the API tokens of the account EMAIL (a lost scanner, someone who left)."""
    user = user_by_email(normalize_email(email) or "")
    if user is None:
        raise click.ClickException(f"No account with e-mail address {email}")
    count = revoke_api_tokens(user, name=name)
    db.session.commit()
    click.echo(f"Revoked {count} API token(s) of {user.email}")
