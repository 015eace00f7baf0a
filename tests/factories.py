"""make_* factories: build and commit small, valid domain objects for tests."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from coopnet.auth.models import User
from coopnet.auth.services import create_user
from coopnet.events.models import Event, EventKind
from coopnet.extensions import db
from coopnet.members.models import Membership, Organization, Person
from coopnet.timezones import brussels

_seq = itertools.count(1)


def kind(slug: str) -> EventKind:
    """The seeded event kind with this slug."""
    return db.session.execute(sa.select(EventKind).where(EventKind.slug == slug)).scalar_one()


def make_organization(name: str | None = None, *, member_since: date | None = date(2019, 1, 1),
                      member_until: date | None = None, **fields: object) -> Organization:
    """An organisation, by default a member since 2019."""
    org = Organization(name=name or f"Testcoop {next(_seq)}", **fields)
    if member_since is not None:
        org.memberships.append(Membership(starts_on=member_since, ends_on=member_until))
    db.session.add(org)
    db.session.commit()
    return org


def make_person(first_name: str = "Test", last_name: str | None = None, *,
                email: str | None = None, organization: Organization | None = None) -> Person:
    """A person, optionally a contact person of an organisation."""
    n = next(_seq)
    person = Person(first_name=first_name, last_name=last_name or f"Persoon{n}",
                    email=email or f"person{n}@example.test", organization=organization)
    db.session.add(person)
    db.session.commit()
    return person


def make_user(role: str = "staff", *, email: str | None = None, password: str | None = None,
              display_name: str | None = None, person: Person | None = None) -> User:
    """An account with a role."""
    n = next(_seq)
    user = create_user(email or f"{role}{n}@coopnet.test", display_name=display_name or
                       f"{role.title()} {n}", role=role, password=password, person=person)
    db.session.commit()
    return user


def make_event(title: str | None = None, *, kind_slug: str = "webinar",
               starts_at: datetime | None = None, minutes: int = 90, **fields: object) -> Event:
    """A published public event, by default on 10 Feb 2022 at 19:00 Brussels time."""
    starts = starts_at or brussels(date(2022, 2, 10), time(19, 0))
    event = Event(title=title or f"Testevent {next(_seq)}", kind=kind(kind_slug), starts_at=starts,
                  ends_at=starts + timedelta(minutes=minutes), **fields)
    db.session.add(event)
    db.session.commit()
    return event
