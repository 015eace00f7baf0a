"""Read side of events: what a visitor may see, upcoming and recent lists."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_login import AnonymousUserMixin

from coopnet.auth.models import User
from coopnet.events.models import Event, EventKind, EventSeries
from coopnet.extensions import db


def is_staff(user: User | AnonymousUserMixin | None) -> bool:
    """True for signed-in staff and coordinators."""
    return bool(user is not None and getattr(user, "is_authenticated", False)
                and user.has_role("staff"))  # type: ignore[union-attr]


def visible_to(user: User | AnonymousUserMixin | None) -> sa.ColumnElement[bool]:
    """SQL predicate: events this user may see. Staff see all; others published, non-internal."""
    if is_staff(user):
        return sa.true()
    return sa.and_(
        Event.status.in_(("published", "cancelled")),
        Event.visibility.in_(("public", "members")),
        Event.kind.has(EventKind.is_internal.is_(False)),
    )


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
    stmt = db.select(Event).where(Event.id == event_id, visible_to(user))
    return db.session.execute(stmt).scalar_one_or_none()


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


def staff_event_rows(now: datetime, *, upcoming: bool, limit: int | None = None
                     ) -> list[tuple[Event, int, int]]:
    """(event, confirmed, waiting) for the staff list, counted in one aggregate query."""
    from coopnet.registrations.models import Registration

    counts = (
        sa.select(
            Registration.event_id.label("event_id"),
            sa.func.count(Registration.id).filter(Registration.status == "confirmed")
            .label("confirmed"),
            sa.func.count(Registration.id).filter(Registration.status == "waitlisted")
            .label("waiting"),
        ).group_by(Registration.event_id).subquery()
    )
    stmt = (
        sa.select(Event, sa.func.coalesce(counts.c.confirmed, 0),
                  sa.func.coalesce(counts.c.waiting, 0))
        .outerjoin(counts, counts.c.event_id == Event.id)
    )
    if upcoming:
        stmt = stmt.where(Event.ends_at >= now).order_by(Event.starts_at, Event.id)
    else:
        stmt = stmt.where(Event.ends_at < now).order_by(Event.starts_at.desc(), Event.id.desc())
    if limit:
        stmt = stmt.limit(limit)
    return [(event, confirmed, waiting) for event, confirmed, waiting
            in db.session.execute(stmt).all()]
