"""Input rules shared by the API and forms: RFC 3339 times, the 2000-2100 range, id routes."""

import re
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from coopnet.validators import (
    MAX_ID,
    VISIBLE_PATTERN,
    YEAR_PATTERN,
    YearInRange,
    _up_to,
    clean_text,
    parse_date,
    parse_datetime,
    year_in_range,
)


@pytest.mark.parametrize("value, expected", [
    ("2026-12-01T14:00:00+01:00", datetime(2026, 12, 1, 14, tzinfo=timezone(timedelta(hours=1)))),
    ("2026-12-01T13:00:00Z", datetime(2026, 12, 1, 13, tzinfo=UTC)),
    ("2026-12-01t13:00:00z", datetime(2026, 12, 1, 13, tzinfo=UTC)),
    ("2026-12-01T13:00:00.5-05:30",
     datetime(2026, 12, 1, 13, 0, 0, 500000, tzinfo=timezone(-timedelta(hours=5, minutes=30)))),
    ("2016-12-31T23:59:60Z", datetime(2016, 12, 31, 23, 59, 59, tzinfo=UTC)),
])
def test_rfc3339_date_times_are_read(value, expected):
    assert parse_datetime(value) == expected


@pytest.mark.parametrize("value", [
    "2026-12-01T14:00:00",          # no offset
    "2026-12-01T14:00+01:00",       # no seconds
    "2026-12-01 14:00:00+01:00",    # a space is not RFC 3339's T
    "2026-13-01T14:00:00Z",         # month 13
    "2026-12-01T24:00:00Z",         # hour 24
    "2026-12-01T14:00:00+24:00",    # offset out of range
    "20261201T140000Z",             # basic ISO 8601, not RFC 3339
    "2026-12-01T14:00:00Z\n",
    "",
    None,
    20261201,
])
def test_other_date_times_are_not(value):
    assert parse_datetime(value) is None


def test_dates_are_read_strictly():
    assert parse_date("2026-02-28") == date(2026, 2, 28)
    assert parse_date("2026-02-29") is None
    assert parse_date("2026-2-28") is None
    assert parse_date("20260228") is None


@pytest.mark.parametrize("moment, inside", [
    (date(1999, 12, 31), False),
    (date(2000, 1, 1), True),
    (date(2100, 12, 31), True),
    (date(2101, 1, 1), False),
    (datetime(2100, 12, 31, 23, 0, tzinfo=timezone(-timedelta(hours=5))), True),
])
def test_dates_from_2000_to_2100_as_written(moment, inside):
    assert year_in_range(moment) is inside


@pytest.mark.parametrize("value, matches", [
    ("1999-12-31", False), ("2000-01-01", True), ("2099-06-01T00:00:00Z", True),
    ("2100-12-31", True), ("2101-01-01", False), ("0200-01-01", False),
])
def test_the_documented_year_pattern_is_the_same_rule(value, matches):
    assert bool(re.search(YEAR_PATTERN, value)) is matches


@pytest.mark.parametrize("value", ["a", " x ", "\u00e9", "\u200bx"])
def test_the_visible_pattern_matches_what_survives_cleaning(value):
    assert re.search(VISIBLE_PATTERN, value) and clean_text(value)


@pytest.mark.parametrize("value", ["", "   ", "\x00\x01", "\u00a0\u3000", "\t\n\x85"])
def test_the_visible_pattern_refuses_what_cleaning_empties(value):
    assert not re.search(VISIBLE_PATTERN, value) and not clean_text(value)


def test_id_routes_take_1_to_2_31_minus_1_only():
    pattern = re.compile(_up_to(MAX_ID) + r"\Z")
    assert MAX_ID == 2147483647
    assert pattern.match("1") and pattern.match("2147483647")
    assert not pattern.match("2147483648") and not pattern.match("9223372036854775807")


def test_the_id_pattern_builder():
    pattern = re.compile(_up_to(2**63 - 1) + r"\Z")
    assert pattern.match("1") and pattern.match("9223372036854775807")
    assert not pattern.match("9223372036854775808")
    assert not pattern.match("0") and not pattern.match("007")
    assert not pattern.match("12345678901234567890")
    # small limits, checked number by number
    for limit in (9, 10, 57, 100, 4321):
        small = re.compile(_up_to(limit) + r"\Z")
        assert [n for n in range(0, 5000) if small.match(str(n))] == list(range(1, limit + 1))


def test_the_event_form_refuses_a_year_outside_2000_to_2100(ctx):
    from werkzeug.datastructures import MultiDict

    from coopnet.events.forms import EventForm

    form = EventForm(MultiDict({"title": "Borrel", "starts_at": "1999-12-31T19:00",
                                "ends_at": "2026-12-31T21:00",
                                "registration_closes_at": "2101-01-01T10:00"}), meta={"csrf": False})
    for field in (form.starts_at, form.ends_at, form.registration_closes_at):
        field.validate(form)
    assert form.errors["starts_at"] == ["Gebruik een datum van 2000 tot 2100."]
    assert form.errors["registration_closes_at"] == ["Gebruik een datum van 2000 tot 2100."]
    assert "ends_at" not in form.errors
    assert isinstance(form.starts_at.validators[-1], YearInRange)
