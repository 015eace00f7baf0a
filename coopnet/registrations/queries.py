"""Read side of registrations: ticket lookup, member co-ops to pick from, staff lists."""

from __future__ import annotations

import functools
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload

from coopnet.events.models import Event
from coopnet.extensions import db
from coopnet.members.models import Organization, Person
from coopnet.members.rules import is_member_on
from coopnet.registrations.models import Registration
from coopnet.timezones import brussels_today

# staff lists: confirmed first, then the waiting list, then cancelled
STATUS_ORDER = sa.case({"confirmed": 0, "waitlisted": 1, "cancelled": 2}, value=Registration.status)


def seats_left(event: Event) -> int | None:
    """Free seats according to the seat counter; None when the event is unlimited."""
    if event.capacity is None:
        return None
    return max(event.capacity - event.seats_taken, 0)


def registration_by_ticket(ticket_code: str) -> Registration | None:
    """The registration with this ticket code, with its event and person, or None."""
    if not ticket_code or len(ticket_code) > 64:
        return None
    stmt = (
        sa.select(Registration)
        .options(joinedload(Registration.event), joinedload(Registration.person),
                 joinedload(Registration.organization))
        .where(Registration.ticket_code == ticket_code)
    )
    return db.session.execute(stmt).scalar_one_or_none()


def _current_members(now: datetime) -> sa.Select[tuple[Organization]]:
    return sa.select(Organization).where(is_member_on(brussels_today(now)))


def member_organization_names(now: datetime) -> list[str]:
    """The names of the organisations that are members today, in order (the list people pick
    from on the registration form): names only, from a statement built once per process."""
    return list(db.session.execute(_member_names_statement(),
                                   {"day": brussels_today(now)}).scalars())


@functools.cache
def _member_names_statement() -> sa.Select[tuple[str]]:
    return (sa.select(Organization.name)
            .where(is_member_on(sa.bindparam("day", type_=sa.Date())))
            .order_by(Organization.name, Organization.id))


def member_organization_named(name: str, now: datetime) -> Organization | None:
    """The current member co-op with exactly this name (any letter case), if there is one."""
    name = " ".join((name or "").split())
    if not name:
        return None
    stmt = (_current_members(now)
            .where(sa.func.lower(Organization.name) == name.lower())
            .order_by(Organization.id).limit(1))
    return db.session.execute(stmt).scalar_one_or_none()


def member_organization_by_id(organization_id: int, now: datetime) -> Organization | None:
    """The organisation with this id if it is a member today."""
    stmt = _current_members(now).where(Organization.id == organization_id)
    return db.session.execute(stmt).scalar_one_or_none()


def event_registrations(event_id: int, search: str = "") -> list[Registration]:
    """An event's registrations for staff: confirmed, waiting (in queue order), cancelled.

    `search` matches name, e-mail or organisation, in any letter case. People whose data was
    erased are left out: they only count (`status_counts`), anonymously.
    """
    stmt = (
        sa.select(Registration)
        .join(Person, Person.id == Registration.person_id)
        .outerjoin(Organization, Organization.id == Registration.organization_id)
        .options(joinedload(Registration.person), joinedload(Registration.organization))
        .where(Registration.event_id == event_id, Person.erased_at.is_(None))
        .order_by(STATUS_ORDER, Registration.waitlisted_at, Registration.registered_at,
                  Registration.id)
    )
    search = " ".join((search or "").split())
    if search:
        escaped = search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = f"%{escaped}%"
        full_name = Person.first_name + " " + Person.last_name
        stmt = stmt.where(sa.or_(
            sa.func.lower(full_name).like(like, escape="\\"),
            sa.func.lower(Person.email).like(like, escape="\\"),
            sa.func.lower(Registration.organization_name).like(like, escape="\\"),
            sa.func.lower(Organization.name).like(like, escape="\\"),
        ))
    return list(db.session.execute(stmt).unique().scalars())


def status_counts(event_id: int) -> dict[str, int]:
    """How many registrations of each status an event has (one SQL aggregate)."""
    rows = db.session.execute(
        sa.select(Registration.status, sa.func.count(Registration.id))
        .where(Registration.event_id == event_id)
        .group_by(Registration.status)
    ).all()
    counts = {"confirmed": 0, "waitlisted": 0, "cancelled": 0}
    counts.update({status: count for status, count in rows})
    return counts


def staff_event_rows(now: datetime, *, upcoming: bool, limit: int | None = None
                     ) -> list[tuple[Event, int, int]]:
    """(event, confirmed, waiting) for the staff list, counted in one aggregate query."""
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


def registrations_of(person_id: int) -> list[Registration]:
    """A person's registrations with their events, the latest event first."""
    return list(db.session.execute(
        sa.select(Registration).join(Registration.event)
        .where(Registration.person_id == person_id)
        .options(contains_eager(Registration.event))
        .order_by(Event.starts_at.desc(), Registration.id.desc())
    ).scalars())
