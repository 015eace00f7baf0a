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


def brussels_today(now: datetime) -> date:
    """The calendar date in Brussels at `now`."""
    return now.astimezone(BRUSSELS).date()
