"""Showing a service's refusal on a page: field errors beside their fields, the rest flashed."""

from __future__ import annotations

from collections.abc import Mapping

from flask import flash
from wtforms import Form

from coopnet.errors import DomainError

# the one flash category for errors (Bootstrap's alert class); "error" is not used
ERROR = "danger"


def flash_error(message: str) -> None:
    """Show `message` at the top of the next page as an error."""
    flash(message, ERROR)


def show_errors(form: Form, error: DomainError, *,
                rename: Mapping[str, str] | None = None) -> bool:
    """Put each of the error's field messages beside its field on `form`.

    A message for a field the form does not have is flashed; an error that names no field
    flashes its own message. `rename` maps a service's field name to the form's (e.g.
    `{"period": "starts_on"}`). Returns whether any message was placed beside a field.
    """
    if not error.fields:
        flash_error(error.message)
        return False
    placed = False
    for name, message in error.fields.items():
        field = getattr(form, (rename or {}).get(name, name), None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, message]
            placed = True
        else:
            flash_error(message)
    return placed
