"""404 answers for lookups that found nothing.

A lookup by primary key is `db.get_or_404(Model, id)` (Flask-SQLAlchemy); any other lookup
(by ticket code, with eager loading, by token) passes its result through `found_or_404`.
"""

from __future__ import annotations

from typing import TypeVar

from flask import abort

from coopnet.errors import NotFound

T = TypeVar("T")


def found_or_404(value: T | None) -> T:
    """`value`, or a 404 answer when the lookup found nothing."""
    if value is None:
        abort(404)
    return value


def found_or_not_found(value: T | None, message: object) -> T:
    """`value`, or a `NotFound` ("not_found") that says `message`: the API's 404, which
    names what is missing, where a page shows its plain 404 page."""
    if value is None:
        raise NotFound("not_found", str(message))
    return value
