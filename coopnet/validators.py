"""Input rules shared by forms, the JSON API and services (one rule, one place)."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter, Map
from wtforms import Field, Form, ValidationError

# dates anyone means lie in these years (as written); others are typos or probes
MIN_YEAR, MAX_YEAR = 2000, 2100
# the same rule for a JSON Schema `pattern` on dates and date-times
YEAR_PATTERN = "^(20[0-9]{2}|2100)-"
# a character that survives clean_text: neither white space nor a control character
VISIBLE_PATTERN = "[^\\x00-\\x20\\x7f-\\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
# a web address the API accepts for an event: http(s), a plain host name, optional port,
# then any visible characters (the same rule for the document and the server)
WEB_URL_PATTERN = ("^[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9.-]+(:[0-9]{1,5})?([/?#]"
                   + VISIBLE_PATTERN + "*)?$")

_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})\Z")
_DATE_TIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?"
    r"(?:([Zz])|([+-])([0-9]{2}):([0-9]{2}))\Z")

# the largest id a row can have: the id columns are INTEGER, 32 bits on PostgreSQL (a larger
# number reaching a query is a driver error there, not "no such row")
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


def _up_to(limit: int) -> str:
    """A regular expression for the numbers 1 to `limit` written without leading zeros."""
    digits = str(limit)
    shorter = f"[1-9][0-9]{{0,{len(digits) - 2}}}" if len(digits) > 1 else ""
    same_length = []
    for i, digit in enumerate(digits):
        low = 1 if i == 0 else 0
        if int(digit) > low:
            same_length.append(f"{digits[:i]}[{low}-{int(digit) - 1}][0-9]{{{len(digits) - i - 1}}}")
    same_length.append(digits)
    return "(?:" + "|".join(filter(None, [shorter, *same_length])) + ")"


class IdConverter(IntegerConverter):
    """``<int:...>`` in URLs: a row id, 1 to MAX_ID. Any other number matches no route (404)
    instead of overflowing the database driver.

    The range is in the regular expression, not only in to_python: werkzeug answers a value
    that fails to_python with 405 when a sibling route with another method matched the path.
    """

    regex = _up_to(MAX_ID)

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:  # `map`: werkzeug's name
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)

def json_int(value: object) -> object:
    """A JSON number that is a whole number as an int (JSON Schema counts 5.0 as an integer);
    anything else unchanged, for the caller's own checks."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def parse_date(value: object) -> date | None:
    """A full-date of RFC 3339 (YYYY-MM-DD) as a date, else None."""
    match = _DATE.match(value) if isinstance(value, str) else None
    if match is None:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def parse_datetime(value: object) -> datetime | None:
    """An RFC 3339 date-time (offset required) as an aware datetime, else None.

    Stricter than datetime.fromisoformat: the seconds and the offset are required, so what
    the OpenAPI document calls `format: date-time` is exactly what is accepted. A leap
    second (:60) counts as :59; digits beyond microseconds are dropped.
    """
    match = _DATE_TIME.match(value) if isinstance(value, str) else None
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m = match.groups()
    if int(off_h or 0) > 23 or int(off_m or 0) > 59:
        return None
    offset = timedelta(hours=int(off_h or 0), minutes=int(off_m or 0))
    tz = UTC if zulu else timezone(-offset if sign == "-" else offset)
    try:
        return datetime(int(year), int(month), int(day), int(hour), int(minute),
                        min(int(second), 59), int((fraction or "0")[:6].ljust(6, "0")), tzinfo=tz)
    except ValueError:
        return None


def year_in_range(moment: date) -> bool:
    """Whether a date or date-time (as written, in its own offset) lies in 2000 to 2100."""
    return MIN_YEAR <= moment.year <= MAX_YEAR


def year_range_message() -> str:
    """The message for a date outside 2000 to 2100."""
    return str(_l("Use a date from %(low)s to %(high)s.", low=MIN_YEAR, high=MAX_YEAR))


class YearInRange:
    """WTForms validator: a date or date-time from 2000 to 2100 (the API's rule)."""

    def __call__(self, form: Form, field: Field) -> None:
        if field.data is not None and not year_in_range(field.data):
            raise ValidationError(year_range_message())
