"""Read side of check-in and attendance: counters, door list, events lacking attendance."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from coopnet.db import exists_where
from coopnet.events.models import NOT_CANCELLED, Event
from coopnet.extensions import db
from coopnet.members.models import Person
from coopnet.registrations.attendee_report import AttendeeRow
from coopnet.registrations.models import CheckInEvent, Registration


@dataclass(frozen=True)
class EventCounts:
    """The door counters of one event."""

    registered: int
    checked_in: int
    waitlisted: int
    capacity: int | None

    def as_dict(self) -> dict[str, int | None]:
        """The API's error shape (see /api/v1/openapi.json)."""
        return {"registered": self.registered, "checked_in": self.checked_in,
                "waitlisted": self.waitlisted, "capacity": self.capacity}


def _counts_columns() -> list[sa.ColumnElement[int]]:
    confirmed = Registration.status == "confirmed"
    return [
        sa.func.count(Registration.id).filter(confirmed).label("registered"),
        sa.func.count(Registration.id).filter(confirmed, Registration.attended).label("checked_in"),
        sa.func.count(Registration.id).filter(Registration.status == "waitlisted")
        .label("waitlisted"),
    ]


def event_counts(event: Event | int) -> EventCounts | None:
    """Registered (confirmed), checked in, waiting and capacity, as ONE SQL aggregate.

    Takes an event or its id; None when no such event exists.
    """
    event_id = event if isinstance(event, int) else event.id
    row = db.session.execute(
        sa.select(Event.capacity, *_counts_columns())
        .select_from(Event)
        .outerjoin(Registration, Registration.event_id == Event.id)
        .where(Event.id == event_id)
        .group_by(Event.id, Event.capacity)
    ).one_or_none()
    if row is None:
        return None
    return EventCounts(row.registered, row.checked_in, row.waitlisted, row.capacity)


def door_list(event: Event, statuses: tuple[str, ...] = ("confirmed", "waitlisted")
              ) -> list[Registration]:
    """Registrations of an event (confirmed and waiting), by name, with what the pages show."""
    return list(db.session.execute(
        sa.select(Registration)
        .join(Registration.person)
        .options(joinedload(Registration.person), joinedload(Registration.checked_in_by),
                 joinedload(Registration.organization))
        # erased people only count (the counters), they are not listed by name
        .where(Registration.event_id == event.id, Registration.status.in_(statuses),
               Person.erased_at.is_(None))
        .order_by(sa.func.lower(Person.first_name), sa.func.lower(Person.last_name),
                  Registration.id)
    ).scalars())


DOOR_PAGE_MAX = 500


def door_list_page(event: Event, *, after: int = 0, limit: int = 200) -> list[Registration]:
    """One page of the event's registrations (every status) in id order, after id `after`:
    a device downloads the door list page by page; new registrations come at the end.
    Erased people are not listed by name: they only count (the counters)."""
    return list(db.session.execute(
        sa.select(Registration)
        .join(Person, Person.id == Registration.person_id)
        .options(joinedload(Registration.person), joinedload(Registration.organization),
                 joinedload(Registration.checked_in_by))
        .where(Registration.event_id == event.id, Registration.id > after,
               Person.erased_at.is_(None))
        .order_by(Registration.id)
        .limit(max(1, min(limit, DOOR_PAGE_MAX)))
    ).scalars())


def checked_in_state(event_id: int) -> list[sa.Row]:
    """(id, checked_in_at, staff name) of every checked-in registration: the door page's poll."""
    from coopnet.auth.models import User

    return list(db.session.execute(
        sa.select(Registration.id, Registration.checked_in_at, User.display_name)
        .outerjoin(User, User.id == Registration.checked_in_by_id)
        .where(Registration.event_id == event_id, Registration.attended)
    ))


# a poll asks again for this many history rows before its cursor: a check-in whose transaction
# took its id earlier but committed after the last poll is not missed
CHANGES_OVERLAP = 20


def door_cursor(event_id: int) -> int:
    """The newest check-in history id of the event (0 without any): a door poll's cursor."""
    return int(db.session.execute(
        sa.select(sa.func.coalesce(sa.func.max(CheckInEvent.id), 0))
        .join(Registration, Registration.id == CheckInEvent.registration_id)
        .where(Registration.event_id == event_id)
    ).scalar_one())


def checked_in_changes(event_id: int, after: int) -> list[sa.Row]:
    """(id, checked_in_at, staff name) of the registrations whose check-in history moved after
    history id `after` (less the overlap), checked in or not now: what a door poll that has
    seen everything up to `after` needs, however big the event."""
    from coopnet.auth.models import User

    moved = (sa.select(CheckInEvent.registration_id)
             .where(CheckInEvent.id > after - CHANGES_OVERLAP))
    return list(db.session.execute(
        sa.select(Registration.id, Registration.checked_in_at, User.display_name)
        .outerjoin(User, User.id == Registration.checked_in_by_id)
        .where(Registration.event_id == event_id, Registration.id.in_(moved))
        .order_by(Registration.id)
    ))


def registrations_by_email(event: Event, emails: Iterable[str]) -> dict[str, Registration]:
    """The active (else latest cancelled) registration of the event per lower-cased e-mail."""
    wanted = sorted({e.lower() for e in emails if e})
    if not wanted:
        return {}
    found: dict[str, Registration] = {}
    rows = db.session.execute(
        sa.select(Registration).join(Registration.person)
        .options(joinedload(Registration.person))
        .where(Registration.event_id == event.id, sa.func.lower(Person.email).in_(wanted))
        # active ones last, so they win over cancelled ones
        .order_by(sa.case((Registration.status == "cancelled", 0), else_=1), Registration.id)
    ).scalars()
    for registration in rows:
        found[(registration.person.email or "").lower()] = registration
    return found


def registrations_by_name(event: Event, names: Iterable[str]) -> dict[str, Registration]:
    """Active registrations of the event per lower-cased full name (for rows without e-mail)."""
    wanted = sorted({" ".join(n.lower().split()) for n in names if n})
    if not wanted:
        return {}
    full_name = sa.func.lower(Person.first_name + " " + Person.last_name)
    rows = db.session.execute(
        sa.select(Registration).join(Registration.person)
        .options(joinedload(Registration.person))
        .where(Registration.event_id == event.id, Registration.status != "cancelled",
               sa.func.trim(full_name).in_(wanted))
    ).scalars()
    return {" ".join(r.person.full_name.lower().split()): r for r in rows}


@dataclass(frozen=True)
class ReportMatch:
    """A person of an attendee report and the registration they match (None: not registered)."""

    row: AttendeeRow
    registration: Registration | None

    @property
    def outcome(self) -> str:
        """`check_in`, `already` (checked in before), `confirm` (waiting list) or `add` (new)."""
        registration = self.registration
        if registration is None or registration.status == "cancelled":
            return "add"
        if registration.status == "waitlisted":
            return "confirm"
        return "already" if registration.attended else "check_in"


def match_report(event: Event, rows: Iterable[AttendeeRow]) -> list[ReportMatch]:
    """Match report rows to the event's registrations: by e-mail (any case), else by full name.

    One rule for the preview and the import, in two queries whatever the report's length.
    """
    rows = list(rows)
    by_email = registrations_by_email(event, [r.email for r in rows if r.email])
    by_name = registrations_by_name(event, [r.name for r in rows if not r.email])
    matches = []
    for row in rows:
        if row.email:
            found = by_email.get(row.email.lower())
        else:
            found = by_name.get(" ".join(row.name.lower().split()))
        matches.append(ReportMatch(row, found))
    return matches


@dataclass(frozen=True)
class UnrecordedEvent:
    """A past event with confirmed registrations and no attendance recorded."""

    event: Event
    registered: int


def _without_attendance(now: datetime | sa.BindParameter[datetime],
                        since: datetime | sa.BindParameter[datetime] | None = None) -> sa.Select:
    # per event two index probes (ix_registrations_event_status, _event_checked_in), not a
    # GROUP BY over every registration of all time; the count only for the events listed
    confirmed = (Registration.event_id == Event.id) & (Registration.status == "confirmed")
    registered = (sa.select(sa.func.count(Registration.id)).where(confirmed)
                  .correlate(Event).scalar_subquery())
    stmt = (
        sa.select(Event, registered.label("registered"))
        # most past events have attendance: that probe first ends the work for them
        # "not cancelled" as the other statuses: SQLite then walks ix_events_status_starts_at
        # from `since` instead of every event ever held
        .where(Event.ends_at < now, Event.status.in_(NOT_CANCELLED),
               ~exists_where(Registration.event_id == Event.id, Registration.attended),
               exists_where(confirmed))
    )
    if since is not None:
        stmt = stmt.where(Event.starts_at >= since)
    return stmt


@functools.cache
def _without_attendance_listing(from_since: bool) -> sa.Select:
    """`_without_attendance` with its moments as bound parameters `now` (and `since`), most
    recent first: built once per process, so a page that lists them builds no statement and
    SQLAlchemy finds its compiled form at once."""
    moment = Event.__table__.c.ends_at.type
    since = sa.bindparam("since", type_=moment) if from_since else None
    return (_without_attendance(sa.bindparam("now", type_=moment), since)
            .order_by(Event.starts_at.desc(), Event.id.desc()))


def past_events_without_attendance(now: datetime, *, since: datetime | None = None
                                   ) -> list[UnrecordedEvent]:
    """Past, not cancelled events that have confirmed registrations but no attendance at all
    (those starting at `since` or later, when given).

    They would count zero participants in the plan; the most recent come first.
    """
    params = {"now": now} if since is None else {"now": now, "since": since}
    rows = db.session.execute(_without_attendance_listing(since is not None), params).all()
    return [UnrecordedEvent(row[0], row.registered) for row in rows]


def lacks_attendance(event: Event, now: datetime) -> bool:
    """True when this event is one of `past_events_without_attendance(now)`."""
    stmt = _without_attendance(now).where(Event.id == event.id)
    return bool(db.session.execute(sa.select(stmt.exists())).scalar())


def events_at_the_door(now: datetime, *, hours: int = 24) -> list[Event]:
    """Events running now or starting within `hours`, soonest first (the staff check-in list)."""
    return list(db.session.execute(
        sa.select(Event)
        .where(Event.status != "cancelled", Event.ends_at >= now - timedelta(hours=2),
               Event.starts_at <= now + timedelta(hours=hours))
        .order_by(Event.starts_at, Event.id)
    ).scalars())
