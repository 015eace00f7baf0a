"""Brussels local time <-> UTC. The database stores UTC; people think in Brussels time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")


def brussels(day: date, at: time) -> datetime:
    """An aware UTC datetime for a Brussels wall-clock time on a day."""
    return datetime.combine(day, at, tzinfo=BRUSSELS).astimezone(UTC)


def to_brussels(moment: datetime) -> datetime:
    """The same instant shown in Brussels time."""
    return moment.astimezone(BRUSSELS)


def rfc3339(moment: datetime | None) -> str | None:
    """How the API writes an instant: RFC 3339 in Brussels time with its offset,
    e.g. 2022-02-10T19:00:00+01:00 (None stays None)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("a naive datetime has no offset to write")
    return to_brussels(moment).isoformat()


def brussels_today(now: datetime) -> date:
    """The calendar date in Brussels at `now`."""
    return now.astimezone(BRUSSELS).date()
