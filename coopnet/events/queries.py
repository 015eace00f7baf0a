"""Read side of events: what a visitor may see, upcoming and recent lists."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time

import sqlalchemy as sa
from flask_login import AnonymousUserMixin

from coopnet.auth.models import User
from coopnet.events.models import Event, EventKind, EventSeries
from coopnet.extensions import db


def is_staff(user: User | AnonymousUserMixin | None) -> bool:
    """True for signed-in staff and coordinators."""
    return bool(user is not None and getattr(user, "is_authenticated", False)
                and user.has_role("staff"))


def _constants(*values: str) -> list[sa.ColumnElement[str]]:
    """Constant words written into the SQL text once, when a statement is compiled: an IN list
    of bound values is expanded anew on every execution of the (cached) statement instead."""
    if not all(value.isidentifier() for value in values):
        raise ValueError("only plain words can be written into SQL text")
    return [sa.literal_column(f"'{value}'") for value in values]


# what visitors and members may see; built once (an expression, not data): building the
# correlated EXISTS of `Event.kind.has(...)` anew cost every public page a few milliseconds
_PUBLIC = sa.and_(
    Event.status.in_(_constants("published", "cancelled")),
    Event.visibility.in_(_constants("public", "members")),
    Event.kind_id.in_(sa.select(EventKind.id).where(EventKind.is_internal.is_(False))),
)


def visible_to(user: User | AnonymousUserMixin | None) -> sa.ColumnElement[bool]:
    """SQL predicate: events this user may see. Staff see all; others published, non-internal."""
    return _visible(is_staff(user))


def _visible(staff: bool) -> sa.ColumnElement[bool]:
    return sa.true() if staff else _PUBLIC


def upcoming_events(user: User | AnonymousUserMixin | None, now: datetime,
                    limit: int = 20) -> list[Event]:
    """Events that have not ended yet, soonest first."""
    stmt = (
        db.select(Event)
        .where(visible_to(user), Event.ends_at >= now, Event.status != "cancelled")
        .order_by(Event.starts_at, Event.id)
        .limit(limit)
    )
    return list(db.session.execute(stmt).scalars())


def recent_events(user: User | AnonymousUserMixin | None, now: datetime,
                  limit: int = 6) -> list[Event]:
    """Events that have ended, most recent first."""
    stmt = (
        db.select(Event)
        .where(visible_to(user), Event.ends_at < now, Event.status != "cancelled")
        .order_by(Event.starts_at.desc(), Event.id.desc())
        .limit(limit)
    )
    return list(db.session.execute(stmt).scalars())


def event_for(user: User | AnonymousUserMixin | None, event_id: int) -> Event | None:
    """The event if it exists and the user may see it, else None (the view answers 404)."""
    return db.session.execute(_event_statement(visible_to(user)),
                              {"event_id": event_id}).scalar_one_or_none()


@functools.lru_cache(maxsize=8)
def _event_statement(visible: sa.ColumnElement[bool]) -> sa.Select[tuple[Event]]:
    """One event under a visibility predicate, built once per process and predicate
    (`visible_to` answers one of two constant predicates); the event page and every
    registration through the API look an event up this way."""
    return db.select(Event).where(Event.id == sa.bindparam("event_id"), visible)


def calendar_feed_events(now: datetime, *, kind: str | None = None) -> list[Event]:
    """Public events for the calendar feed, cancelled ones included (so subscribed calendars
    learn of the cancellation). Past events stay: people look back in their calendars."""
    stmt = (
        db.select(Event)
        .where(visible_to(None), Event.status != "draft")
        .order_by(Event.starts_at, Event.id)
    )
    if kind:
        stmt = stmt.where(Event.kind.has(EventKind.slug == kind))
    return list(db.session.execute(stmt).scalars())


def event_kinds() -> list[EventKind]:
    """Every kind, in the plan's order."""
    return list(db.session.execute(
        db.select(EventKind).order_by(EventKind.sort_order, EventKind.id)).scalars())


def event_series() -> list[EventSeries]:
    """Every series, by name."""
    return list(db.session.execute(db.select(EventSeries).order_by(EventSeries.name)).scalars())


@dataclass(frozen=True)
class CalendarFilters:
    """What the visitor narrowed the calendar to; unknown values are ignored, never an error."""

    kind: str = ""
    city: str = ""
    month: str = ""  # "YYYY-MM"

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> CalendarFilters:
        """Read and sanitise the GET parameters."""
        month = (args.get("month") or "").strip()[:7]
        try:
            date.fromisoformat(month + "-01")
        except ValueError:
            month = ""
        return cls(kind=(args.get("kind") or "").strip()[:40],
                   city=(args.get("city") or "").strip()[:120], month=month)


def _month_bounds(month: str) -> tuple[datetime, datetime]:
    from coopnet.timezones import brussels

    first = date.fromisoformat(month + "-01")
    following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return brussels(first, time(0, 0)), brussels(following, time(0, 0))


def calendar_events(user: User | AnonymousUserMixin | None, now: datetime,
                    filters: CalendarFilters, limit: int = 100) -> list[Event]:
    """Upcoming published events matching the filters, soonest first."""
    params: dict[str, object] = {"now": now, "limit": limit}
    if filters.kind:
        params["kind"] = filters.kind
    if filters.city:
        params["city"] = filters.city
    if filters.month:
        params["start"], params["end"] = _month_bounds(filters.month)
    stmt = _calendar_statement(is_staff(user), bool(filters.kind), bool(filters.city),
                               bool(filters.month))
    return list(db.session.execute(stmt, params).scalars())


# The calendar's statements are built once per process for each shape (who looks, which
# filters), with the moment and the filters' values bound: the page is the busiest there is,
# and building a statement and working out its cache key cost it a tenth of its time.

@functools.lru_cache(maxsize=32)
def _calendar_statement(staff: bool, kind: bool, city: bool, month: bool
                        ) -> sa.Select[tuple[Event]]:
    stmt = _upcoming_bound(staff)
    if kind:
        stmt = stmt.where(Event.kind.has(EventKind.slug == sa.bindparam("kind")))
    if city:
        stmt = stmt.where(Event.city == sa.bindparam("city"))
    if month:
        stmt = stmt.where(Event.starts_at >= sa.bindparam("start"),
                          Event.starts_at < sa.bindparam("end"))
    return stmt.order_by(Event.starts_at, Event.id).limit(sa.bindparam("limit"))


def _upcoming_bound(staff: bool) -> sa.Select[tuple[Event]]:
    """Published events that have not ended at the moment bound as `now`."""
    return db.select(Event).where(_visible(staff),
                                  Event.ends_at >= sa.bindparam("now", type_=Event.ends_at.type),
                                  Event.status == "published")


def calendar_kinds(user: User | AnonymousUserMixin | None, now: datetime) -> list[EventKind]:
    """Kinds that have upcoming events (the filter offers only those)."""
    return list(db.session.execute(_kinds_statement(is_staff(user)), {"now": now}).scalars())


@functools.lru_cache(maxsize=2)
def _kinds_statement(staff: bool) -> sa.Select[tuple[EventKind]]:
    ids = _upcoming_bound(staff).with_only_columns(Event.kind_id).distinct()
    return db.select(EventKind).where(EventKind.id.in_(ids)).order_by(EventKind.sort_order)


def calendar_cities(user: User | AnonymousUserMixin | None, now: datetime) -> list[str]:
    """Cities that have upcoming events, alphabetically."""
    return list(db.session.execute(_cities_statement(is_staff(user)), {"now": now}).scalars())


@functools.lru_cache(maxsize=2)
def _cities_statement(staff: bool) -> sa.Select[tuple[str]]:
    return (_upcoming_bound(staff).with_only_columns(Event.city).where(Event.city != "")
            .distinct().order_by(Event.city))


def calendar_months(now: datetime, count: int = 12) -> list[date]:
    """The first day of this month and the next ones, for the month filter."""
    from coopnet.timezones import brussels_today

    today = brussels_today(now)
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months
