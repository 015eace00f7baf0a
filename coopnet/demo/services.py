"""Build the demo data set. Deterministic apart from the anchor date of upcoming events."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from coopnet.auth.models import User
from coopnet.auth.services import create_user
from coopnet.demo import data
from coopnet.demo.made_up import enterprise_number, slugify
from coopnet.errors import DomainError
from coopnet.events.models import Event, EventKind
from coopnet.extensions import db
from coopnet.members.models import Membership, Organization, Person
from coopnet.timezones import brussels

DEMO_PASSWORD = "coopnet-demo"  # noqa: S105 - published demo password, demo data only
DEMO_ACCOUNTS = (
    ("coordinator@coopnet.test", "Sofie Claes", "coordinator"),
    ("staff@coopnet.test", "An Janssens", "staff"),
    ("member@coopnet.test", None, "member"),
)
MEMBER_COUNT = 90
FORMER_MEMBER_COUNT = 3
SEED = 20210101


@dataclass(frozen=True)
class DemoSummary:
    """What load_demo created, for the command's output."""

    organizations: int
    members: int
    people: int
    events: int
    upcoming_events: int


def database_is_empty() -> bool:
    """True when no organisation, account or event exists yet."""
    for model in (Organization, User, Event):
        if db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one():
            return False
    return True


def _organizations(rng: random.Random) -> list[Organization]:
    names: set[str] = set()
    orgs: list[Organization] = []
    numbers: set[str] = set()
    sectors = list(data.SECTORS)
    while len(orgs) < MEMBER_COUNT + FORMER_MEMBER_COUNT:
        sector = sectors[len(orgs) % len(sectors)]
        province, cities = data.PLACES[rng.randrange(len(data.PLACES))]
        city = rng.choice(cities)
        word = rng.choice(data.SECTORS[sector])
        name = rng.choice(data.NAME_TEMPLATES).format(
            word=word, ending=rng.choice(data.NAME_ENDINGS), city=city
        )
        name = name[0].upper() + name[1:]
        if name in names:
            continue
        number = enterprise_number(rng)
        if number in numbers:
            continue
        names.add(name)
        numbers.add(number)
        orgs.append(Organization(
            name=name, enterprise_number=number, legal_form=rng.choice(data.LEGAL_FORMS),
            sector=sector, province=province, city=city,
            website=f"https://www.{slugify(name)}.test",
        ))
    return orgs


def _memberships(rng: random.Random, orgs: list[Organization]) -> None:
    for index, org in enumerate(orgs):
        if index < MEMBER_COUNT - 12:
            # long-standing members, joined 2012-2020
            starts = date(2012, 1, 1) + timedelta(days=rng.randrange(0, 9 * 365))
            ends = None
        elif index < MEMBER_COUNT:
            # new members during the plan period (Jan 2021 - Apr 2022)
            starts = date(2021, 1, 15) + timedelta(days=rng.randrange(0, 450))
            ends = None
        else:
            # former members that left during the plan period
            starts = date(2015, 1, 1) + timedelta(days=rng.randrange(0, 5 * 365))
            ends = date(2021, 6, 30) + timedelta(days=rng.randrange(0, 200))
        org.memberships.append(Membership(starts_on=starts, ends_on=ends))


def _people(rng: random.Random, orgs: list[Organization]) -> list[Person]:
    people: list[Person] = []
    emails: set[str] = set()
    for org in orgs:
        domain = slugify(org.name)[:40] + ".test"
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            first, last = rng.choice(data.FIRST_NAMES), rng.choice(data.LAST_NAMES)
            email = f"{slugify(first)}.{slugify(last)}@{domain}"
            if email in emails:
                continue
            emails.add(email)
            person = Person(first_name=first, last_name=last, email=email,
                            role=rng.choice(data.ROLES), organization=org,
                            phone=f"+32 4{rng.randrange(70, 99)} {rng.randrange(10, 99)} "
                                  f"{rng.randrange(10, 99)} {rng.randrange(10, 99)}")
            people.append(person)
    return people


def _event(kinds: dict[str, EventKind], slug: str, title: str, starts: datetime, minutes: int,
           city: str, location: str, capacity: int | None, visibility: str) -> Event:
    online = not city
    return Event(
        kind=kinds[slug], title=title, starts_at=starts,
        ends_at=starts + timedelta(minutes=minutes),
        description=data.EVENT_DESCRIPTIONS.get(slug, ""),
        city=city, location=location,
        address=f"{location}, {city}" if location and city else "",
        online_url="https://meet.coopkracht.test/" + slugify(title) if online else "",
        capacity=capacity, visibility=visibility, status="published",
    )


def load_demo(*, today: date, actor: User | None = None) -> DemoSummary:
    """Add the demo data set to an empty database: the 2021-2022 plan, and a plan in progress
    around `today` (see coopnet.demo.current).

    Raises `database_not_empty` when data exists, so a second load never duplicates.
    """
    if not database_is_empty():
        raise DomainError("database_not_empty", "The database already holds data; the demo is "
                          "only loaded into an empty database.")
    rng = random.Random(SEED)
    kinds = {k.slug: k for k in db.session.execute(sa.select(EventKind)).scalars()}
    orgs = _organizations(rng)
    _memberships(rng, orgs)
    db.session.add_all(orgs)
    people = _people(rng, orgs)
    db.session.add_all(people)
    db.session.flush()

    member_person = people[0]
    for email, name, role in DEMO_ACCOUNTS:
        person = member_person if role == "member" else None
        create_user(email, display_name=name or member_person.full_name, role=role,
                    password=DEMO_PASSWORD, person=person, actor=actor)

    events = [
        _event(kinds, slug, title, brussels(date.fromisoformat(start[:10]),
                                            time.fromisoformat(start[11:])),
               minutes, city, location, capacity, visibility)
        for slug, title, start, minutes, city, location, capacity, visibility in data.PAST_EVENTS
    ]
    db.session.add_all(events)
    db.session.flush()
    from coopnet.demo.current import COMING, NEW_MEMBERS, PAST, load_current_demo
    from coopnet.demo.plan import load_plan_demo

    load_plan_demo(rng, events, people, actor=actor)
    members = [p for p in people if p.organization_id is not None]
    visitors = list(db.session.execute(
        sa.select(Person).where(Person.organization_id.is_(None),
                                Person.email.like("bezoeker%@voorbeeld.test"))
        .order_by(Person.id)).scalars())
    load_current_demo(today, members, visitors)
    current_members = db.session.execute(
        sa.select(sa.func.count(sa.distinct(Membership.organization_id)))
        .where(Membership.active_on(today))).scalar_one()
    return DemoSummary(
        organizations=len(orgs) + len(NEW_MEMBERS), members=current_members,
        people=len(people) + len(NEW_MEMBERS), events=len(events) + len(PAST) + len(COMING),
        upcoming_events=len(COMING),
    )
