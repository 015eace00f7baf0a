"""A large generated data set on top of the demo, to measure coopnet at a hundred times its size.

`flask --app coopnet demo scale` adds (at `factor` 1) 10,000 organisations, 200,000 people,
5,000 events and 1,000,000 registrations, seeded, with bulk inserts: rows are written as the
models declare them (Brussels day of each event, seat counter equal to the seats held,
check-in history for every checked-in registration, memberships), not through the services,
which would take hours. Most events fall inside the plans' periods and are linked to actions
that have event indicators, so the dashboard counts about a million registrations; the rest is
history before and after.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from coopnet.demo import data
from coopnet.events.models import Event, EventKind
from coopnet.extensions import db
from coopnet.members.models import Membership, Organization, Person
from coopnet.plan.models import Action, Goal, Indicator, Plan, event_actions
from coopnet.registrations.models import CheckInEvent, Registration, short_code_from
from coopnet.timezones import brussels, brussels_today

FULL = {"organizations": 10_000, "people": 200_000, "events": 5_000, "registrations": 1_000_000}
EVENT_MEASURES = ("events_held", "registrations", "attendances", "distinct_attendees",
                  "distinct_member_orgs")
CHUNK = 20_000


@dataclass(frozen=True)
class ScaleSummary:
    """How many rows the generator added."""

    organizations: int
    people: int
    events: int
    registrations: int


def _next_id(table: sa.Table) -> int:
    return int(db.session.execute(sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0)))
               .scalar_one()) + 1


def _bulk_insert(table: sa.Table, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
    """Insert plain tuples: COPY on PostgreSQL, executemany in chunks on SQLite."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        raw = connection.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(  # type: ignore[union-attr]
                f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    statement = table.insert()
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(dict(zip(columns, row, strict=True)))
        if len(chunk) >= CHUNK:
            connection.execute(statement, chunk)
            chunk = []
    if chunk:
        connection.execute(statement, chunk)


def _short_code(ticket_code: str, taken: set[str]) -> str:
    """A short code derived from the ticket code (repeatable), not yet in `taken` (the event's
    codes, to which it is added): the column is required, and COPY fills in no defaults."""
    seed, code = ticket_code.encode(), short_code_from(ticket_code.encode())
    while code in taken:
        seed += b"+"
        code = short_code_from(seed)
    taken.add(code)
    return code


def _utc(value: datetime) -> datetime:
    """Aware UTC: the inserts go through UTCDateTime on SQLite, COPY takes it on PostgreSQL."""
    return value.astimezone(UTC)


def _reset_sequences(*tables: sa.Table) -> None:
    if db.session.connection().dialect.name != "postgresql":
        return
    for table in tables:
        db.session.execute(sa.select(sa.func.setval(
            sa.func.pg_get_serial_sequence(table.name, "id"),
            sa.select(sa.func.max(table.c.id)).scalar_subquery())))


def generate_scale(*, today: date, factor: float = 1.0, seed: int = 14) -> ScaleSummary:
    """Add the scaled data set (sizes times `factor`) to a database holding the demo."""
    rng = random.Random(seed)
    sizes = {key: max(1, round(value * factor)) for key, value in FULL.items()}
    stamp = _utc(datetime.combine(today, time(9), UTC))

    # organisations, a third of them members (some of whom left)
    org_table, first_org = Organization.__table__, _next_id(Organization.__table__)
    org_ids = range(first_org, first_org + sizes["organizations"])
    cities = [(province, city) for province, names in data.PLACES for city in names]

    def organizations() -> Iterable[tuple[Any, ...]]:
        for org_id in org_ids:
            province, city = rng.choice(cities)
            word = rng.choice(data.SECTORS[rng.choice(list(data.SECTORS))])
            yield (org_id, f"{word.capitalize()} {city} {org_id}", None, "cv",
                   None, province, city, None, stamp, stamp)

    _bulk_insert(org_table, ("id", "name", "enterprise_number", "legal_form", "sector",
                             "province", "city", "website", "created_at", "updated_at"),
                 organizations())
    first_membership = _next_id(Membership.__table__)

    def memberships() -> Iterable[tuple[Any, ...]]:
        number = first_membership
        for org_id in org_ids:
            if rng.random() < 0.33:
                starts = date(2010, 1, 1) + timedelta(days=rng.randrange(0, 16 * 365))
                ends = (starts + timedelta(days=rng.randrange(200, 3000))
                        if rng.random() < 0.15 else None)
                yield number, org_id, starts, ends, stamp, stamp
                number += 1

    _bulk_insert(Membership.__table__, ("id", "organization_id", "starts_on", "ends_on",
                                        "created_at", "updated_at"), memberships())

    # people: one in ten a contact person of an organisation
    first_person = _next_id(Person.__table__)
    person_ids = range(first_person, first_person + sizes["people"])

    def people() -> Iterable[tuple[Any, ...]]:
        for person_id in person_ids:
            first, last = rng.choice(data.FIRST_NAMES), rng.choice(data.LAST_NAMES)
            org_id = rng.choice(org_ids) if rng.random() < 0.1 else None
            yield (person_id, first, last, f"scale-{person_id}@scale.test", None, None, org_id,
                   stamp, stamp)

    _bulk_insert(Person.__table__, ("id", "first_name", "last_name", "email", "phone", "role",
                                    "organization_id", "created_at", "updated_at"), people())

    # events: 85 % inside a plan's period (linked to an action with event indicators), the
    # rest history before the plans and a few upcoming ones
    kinds = db.session.execute(sa.select(EventKind.id).where(EventKind.is_internal.is_(False))
                               .order_by(EventKind.id)).scalars().all()
    event_actions_by_plan = [
        (plan.starts_on, plan.ends_on, [row for row in db.session.execute(
            sa.select(Action.id).join(Goal, Goal.id == Action.goal_id)
            .join(Indicator, Indicator.action_id == Action.id)
            .where(Goal.plan_id == plan.id, Indicator.measure.in_(EVENT_MEASURES))
            .distinct().order_by(Action.id)).scalars()])
        for plan in db.session.execute(sa.select(Plan).order_by(Plan.id)).scalars()]
    event_actions_by_plan = [p for p in event_actions_by_plan if p[2]]
    first_event = _next_id(Event.__table__)
    event_ids = range(first_event, first_event + sizes["events"])
    links: list[tuple[int, int]] = []
    starts_of: dict[int, datetime] = {}

    def events() -> Iterable[tuple[Any, ...]]:
        for event_id in event_ids:
            roll = rng.random()
            if roll < 0.85 and event_actions_by_plan:
                starts_on, ends_on, actions = rng.choice(event_actions_by_plan)
                day = starts_on + timedelta(days=rng.randrange((ends_on - starts_on).days + 1))
                links.append((event_id, rng.choice(actions)))
            elif roll < 0.99:
                day = date(2015, 1, 1) + timedelta(days=rng.randrange((today - date(2015, 1, 1)).days))
            else:
                day = today + timedelta(days=rng.randrange(1, 90))
            starts = brussels(day, time(rng.choice((10, 14, 19)), 0))
            starts_of[event_id] = starts
            online = rng.random() < 0.3
            province, city = rng.choice(cities)
            yield (event_id, f"Scale event {event_id}", "", rng.choice(kinds), _utc(starts),
                   brussels_today(starts), _utc(starts + timedelta(hours=2)),
                   "" if online else f"Zaal {event_id}", "", "" if online else city,
                   "https://meet.scale.test/" + str(event_id) if online else "", None, 0, True,
                   "public", "published", None, None, 0, None, None, stamp, stamp)

    _bulk_insert(Event.__table__, (
        "id", "title", "description", "kind_id", "starts_at", "starts_on", "ends_at", "location",
        "address", "city", "online_url", "capacity", "seats_taken", "waitlist_enabled",
        "visibility", "status", "registration_opens_at", "registration_closes_at", "sequence",
        "created_by_id", "series_id", "created_at", "updated_at"), events())
    _bulk_insert(event_actions, ("event_id", "action_id"), links)

    # registrations: spread over the events (each person at most once per event)
    first_registration = _next_id(Registration.__table__)
    per_event, extra = divmod(sizes["registrations"], sizes["events"])
    now = datetime.combine(today, time(9), UTC)

    def registrations() -> Iterable[tuple[Any, ...]]:
        reg_id = first_registration
        for index, event_id in enumerate(event_ids):
            short_codes: set[str] = set()
            starts = starts_of[event_id]
            past = starts < now
            count = min(per_event + (1 if index < extra else 0), len(person_ids))
            for person_id in rng.sample(person_ids, count):
                roll = rng.random()
                status = "confirmed" if roll < 0.9 else "cancelled" if roll < 0.97 else "waitlisted"
                source_roll = rng.random()
                source = ("online" if source_roll < 0.8 else "staff" if source_roll < 0.85
                          else "api" if source_roll < 0.88 else "walkin" if source_roll < 0.95
                          else "import")
                if source in ("walkin", "import"):
                    status = "confirmed"
                registered = starts - timedelta(days=rng.randrange(1, 40), minutes=reg_id % 600)
                if source == "walkin":
                    registered = starts + timedelta(minutes=5)
                checked_in = (starts + timedelta(minutes=rng.randrange(0, 30))
                              if past and status == "confirmed"
                              and (source in ("walkin", "import") or rng.random() < 0.7) else None)
                org_id = rng.choice(org_ids) if rng.random() < 0.4 else None
                ticket_code = f"scale{reg_id:09d}{rng.getrandbits(96):024x}"
                yield (reg_id, event_id, person_id, org_id, "", status, source,
                       ticket_code, _short_code(ticket_code, short_codes), _utc(registered),
                       _utc(registered),
                       _utc(registered) if status == "waitlisted" else None,
                       _utc(registered) if status == "confirmed" else None,
                       _utc(registered + timedelta(days=1)) if status == "cancelled" else None,
                       _utc(checked_in) if checked_in else None, None,
                       _utc(registered), _utc(checked_in or registered))
                reg_id += 1

    _bulk_insert(Registration.__table__, (
        "id", "event_id", "person_id", "organization_id", "organization_name", "status", "source",
        "ticket_code", "short_code", "consent_at", "registered_at", "waitlisted_at", "confirmed_at",
        "cancelled_at", "checked_in_at", "checked_in_by_id", "created_at", "updated_at"),
        registrations())

    # what the services keep in step: the seat counter and the check-in history
    reg = Registration.__table__
    db.session.execute(
        sa.update(Event.__table__).where(Event.__table__.c.id >= first_event).values(
            seats_taken=sa.select(sa.func.count()).select_from(reg)
            .where(reg.c.event_id == Event.__table__.c.id, reg.c.status == "confirmed",
                   reg.c.source.not_in(("walkin", "import"))).scalar_subquery()))
    checkins = CheckInEvent.__table__
    db.session.execute(checkins.insert().from_select(
        ["registration_id", "action", "at", "by_id", "channel"],
        sa.select(reg.c.id, sa.literal("check_in"), reg.c.checked_in_at, sa.null(),
                  sa.case((reg.c.source == "import", "import"), else_="door"))
        .where(reg.c.id >= first_registration, reg.c.checked_in_at.is_not(None))))
    _reset_sequences(org_table, Membership.__table__, Person.__table__, Event.__table__,
                     Registration.__table__)
    if db.session.connection().dialect.name == "postgresql":
        db.session.execute(sa.text("ANALYZE"))
    return ScaleSummary(sizes["organizations"], sizes["people"], sizes["events"],
                        sizes["registrations"])


def add_tickets(event_id: int, codes: Sequence[str], *, now: datetime) -> None:
    """Confirmed registrations with the given ticket codes for one event, each for a new person
    (what a benchmark's door scanners check in), with the seat counter kept in step."""
    first_person, first_registration = _next_id(Person.__table__), _next_id(Registration.__table__)
    stamp = _utc(now)
    _bulk_insert(Person.__table__, ("id", "first_name", "last_name", "email", "created_at",
                                    "updated_at"),
                 ((first_person + n, "Bench", f"Ticket {n}", f"{code.lower()}@bench.test", stamp,
                   stamp) for n, code in enumerate(codes)))
    short_codes: set[str] = set(db.session.execute(
        sa.select(Registration.short_code).where(Registration.event_id == event_id)).scalars())
    _bulk_insert(Registration.__table__, (
        "id", "event_id", "person_id", "organization_name", "status", "source", "ticket_code",
        "short_code", "consent_at", "registered_at", "confirmed_at", "created_at", "updated_at"),
        ((first_registration + n, event_id, first_person + n, "", "confirmed", "staff", code,
          _short_code(code, short_codes), stamp, stamp, stamp, stamp, stamp)
         for n, code in enumerate(codes)))
    db.session.execute(sa.update(Event.__table__).where(Event.__table__.c.id == event_id)
                       .values(seats_taken=Event.__table__.c.seats_taken + len(codes)))
    _reset_sequences(Person.__table__, Registration.__table__)
