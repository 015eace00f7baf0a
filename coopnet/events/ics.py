"""iCalendar files (RFC 5545) for events: one event, or a feed of public events.

The VTIMEZONE for Europe/Brussels is written by hand with yearly RRULE observances.
icalendar's generated zones list every transition as comma-separated RDATEs, of which
ical.js (Thunderbird's parser) reads only the first, putting events an hour off.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from functools import cache, lru_cache
from typing import NamedTuple
from urllib.parse import urlsplit

from flask import current_app
from icalendar import Calendar, Timezone, TimezoneDaylight, TimezoneStandard
from icalendar import Event as VEvent

from coopnet.db import utcnow
from coopnet.events.models import Event
from coopnet.timezones import BRUSSELS

PRODID = "-//Coopkracht//coopnet//NL"
TZID = "Europe/Brussels"
CET, CEST = timedelta(hours=1), timedelta(hours=2)


def brussels_vtimezone() -> Timezone:
    """Europe/Brussels as two yearly rules: CEST from the last Sunday of March, CET from October's."""
    zone = Timezone()
    zone.add("tzid", TZID)
    summer = TimezoneDaylight()
    summer.add("tzname", "CEST")
    summer.add("tzoffsetfrom", CET)
    summer.add("tzoffsetto", CEST)
    summer.add("dtstart", datetime(1981, 3, 29, 2, 0))  # noqa: DTZ001 - local wall time
    summer.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1SU"})
    winter = TimezoneStandard()
    winter.add("tzname", "CET")
    winter.add("tzoffsetfrom", CEST)
    winter.add("tzoffsetto", CET)
    winter.add("dtstart", datetime(1996, 10, 27, 3, 0))  # noqa: DTZ001 - local wall time
    winter.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1SU"})
    zone.add_component(summer)
    zone.add_component(winter)
    return zone


def _calendar(name: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", TZID)
    calendar.add_component(brussels_vtimezone())
    return calendar


def _location(event: Event, with_join_link: bool) -> str:
    if event.is_online:
        return event.online_url if with_join_link else "Online"
    return event.place


class _VEventFields(NamedTuple):
    """What one event's VEVENT says, but its DTSTAMP (the key of its serialised form)."""

    uid: str
    starts: datetime
    ends: datetime
    sequence: int
    summary: str
    description: str
    location: str
    url: str
    status: str
    modified: datetime
    category: str


def _vevent_fields(event: Event, base_url: str, *, with_join_link: bool) -> _VEventFields:
    """The join link of an online event only in a registrant's file; the kind in the language
    of the request."""
    host = urlsplit(base_url).hostname or "coopnet"
    url = f"{base_url}/events/{event.id}"
    description = event.description
    if event.online_url and with_join_link:
        description = f"{description}\n\n{event.online_url}".strip()
    return _VEventFields(
        uid=f"event-{event.id}@{host}", starts=event.starts_at.astimezone(BRUSSELS),
        ends=event.ends_at.astimezone(BRUSSELS), sequence=event.sequence, summary=event.title,
        description=f"{description}\n\n{url}".strip(),
        location=_location(event, with_join_link), url=url,
        status="CANCELLED" if event.status == "cancelled" else "CONFIRMED",
        modified=event.updated_at, category=event.kind.label)


def _vevent_from(fields: _VEventFields, stamp: datetime) -> VEvent:
    vevent = VEvent()
    vevent.add("uid", fields.uid)
    vevent.add("dtstamp", stamp.astimezone(UTC))  # RFC 5545: DTSTAMP is always in UTC
    vevent.add("dtstart", fields.starts)
    vevent.add("dtend", fields.ends)
    vevent.add("sequence", fields.sequence)
    vevent.add("summary", fields.summary)
    vevent.add("description", fields.description)
    if fields.location:
        vevent.add("location", fields.location)
    vevent.add("url", fields.url)
    vevent.add("status", fields.status)
    vevent.add("last-modified", fields.modified)
    vevent.add("categories", [fields.category])
    return vevent


def _vevent(event: Event, base_url: str, stamp: datetime, *,
            with_join_link: bool = False) -> VEvent:
    """One VEVENT; the join link of an online event only in a registrant's file."""
    return _vevent_from(_vevent_fields(event, base_url, with_join_link=with_join_link), stamp)


# a DTSTAMP no event file is written with: the cached VEVENT carries it until the real one
# replaces it (both are the same 16 characters, so the lines fold alike: never)
_STAMP_HOLDER = datetime(1970, 1, 1, tzinfo=UTC)
_STAMP_LINE = b"\r\nDTSTAMP:19700101T000000Z\r\n"


@lru_cache(maxsize=256)
def _vevent_bytes(fields: _VEventFields) -> bytes:
    """A VEVENT serialised once per process for what it says (the key is every value written,
    so a changed event, language or link is a new entry, never a stale file)."""
    serialised = _vevent_from(fields, _STAMP_HOLDER).to_ical()
    assert serialised.count(_STAMP_LINE) == 1
    return serialised


END = b"END:VCALENDAR\r\n"


@cache
def _calendar_head() -> bytes:
    """The unnamed calendar up to its events: always the same bytes (headers and the time zone),
    serialised once per process instead of for every confirmation mail."""
    return _calendar().to_ical().removesuffix(END)


def event_ics(event: Event, *, now: datetime | None = None, with_join_link: bool = False) -> bytes:
    """The .ics file of one event. `with_join_link`: a registrant's copy (mails, ticket page),
    with an online event's join link as location and in the description; the public file
    says only "Online"."""
    fields = _vevent_fields(event, current_app.config["COOPNET_BASE_URL"],
                            with_join_link=with_join_link)
    stamp = (now or utcnow()).astimezone(UTC).strftime("\r\nDTSTAMP:%Y%m%dT%H%M%SZ\r\n")
    return _calendar_head() + _vevent_bytes(fields).replace(_STAMP_LINE, stamp.encode()) + END


def feed_ics(events: Iterable[Event], *, name: str, now: datetime | None = None) -> bytes:
    """A subscribable calendar of several events."""
    calendar = _calendar(name)
    stamp = now or utcnow()
    base_url = current_app.config["COOPNET_BASE_URL"]
    for event in events:
        calendar.add_component(_vevent(event, base_url, stamp))
    return calendar.to_ical()
