"""Input rules shared by forms, the JSON API and services (one rule, one place)."""

from __future__ import annotations

import unicodedata

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter
from wtforms import Field, Form, ValidationError

# the largest id a database row can have: ids are INTEGER columns, 32-bit on PostgreSQL
# (a bigger number in a query is "integer out of range" there, and beyond 64 bits an
# overflow in SQLite's driver)
MAX_ID = 2**31 - 1


def is_row_id(value: object) -> bool:
    """Whether `value` can be a row id (1 to MAX_ID): a bigger one breaks the query."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def normalize_email(value: str) -> str | None:
    """The address trimmed and lower-cased if it is a syntactically valid e-mail, else None.

    No DNS lookups (deliverability checks are slow and fail offline). The reserved
    `.test` domain is accepted: the demo accounts and tests use it.
    """
    value = (value or "").strip()
    if not value or len(value) > 254:
        return None
    try:
        result = validate_email(value, check_deliverability=False, test_environment=True)
    except EmailNotValidError:
        return None
    return result.normalized.lower()


class EmailAddress:
    """WTForms validator around normalize_email, with a Dutch/English message."""

    def __init__(self, message: str | None = None) -> None:
        self.message = message

    def __call__(self, form: Form, field: Field) -> None:
        if not field.data:
            return
        if normalize_email(field.data) is None:
            raise ValidationError(self.message or str(_l("Enter a valid e-mail address.")))


def clean_text(value: object, *, multiline: bool = False) -> str:
    """Text without control characters (PostgreSQL refuses NUL); one line unless `multiline`.

    One-line text also has its runs of white space collapsed and is trimmed.
    """
    text = str(value or "")
    keep = "\n\t" if multiline else ""
    text = "".join(ch for ch in text.replace("\r\n", "\n")
                   if ch in keep or unicodedata.category(ch) != "Cc")
    return text.strip() if multiline else " ".join(text.split())


class IdConverter(IntegerConverter):
    """``<int:...>`` in URLs: a row id, 1 to MAX_ID. A bigger number matches no route (404)
    instead of breaking the query."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002 - werkzeug's name
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
