"""make_* factories: build and commit small, valid domain objects for tests."""

from __future__ import annotations

import itertools
import secrets
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa

from coopnet.auth.models import User
from coopnet.auth.services import create_user
from coopnet.events.models import Event, EventKind
from coopnet.extensions import db
from coopnet.members.models import MemberContact, Membership, Organization, Person
from coopnet.pairings.models import MeetingProfile, Pairing, PairingMember
from coopnet.plan.models import Action, Goal, Indicator, Plan, event_actions
from coopnet.registrations.models import Registration
from coopnet.timezones import brussels
from coopnet.vacancies.models import Vacancy

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


def make_registration(event: Event, person: Person | None = None, *, status: str = "confirmed",
                      source: str = "online", ticket_code: str | None = None,
                      checked_in_at: datetime | None = None, checked_in_by: User | None = None,
                      organization_name: str = "", **fields: object) -> Registration:
    """A consistent registration row: times per status, and a seat taken when it holds one.

    Confirmed registrations that are not walk-ins or imported attendance hold a seat
    (Event.seats_taken + 1), as the registration service does.
    """
    n = next(_seq)
    person = person or make_person(email=f"registrant{n}@example.test")
    now = fields.pop("registered_at", None) or event.starts_at - timedelta(days=7)
    registration = Registration(
        event_id=event.id, person=person, status=status, source=source,
        ticket_code=ticket_code or secrets.token_urlsafe(32),
        organization_name=organization_name, registered_at=now,
        confirmed_at=now if status == "confirmed" else None,
        waitlisted_at=now if status == "waitlisted" else None,
        cancelled_at=now if status == "cancelled" else None,
        checked_in_at=checked_in_at, checked_in_by=checked_in_by, **fields,
    )
    db.session.add(registration)
    if status == "confirmed" and source not in ("walkin", "import"):
        db.session.execute(sa.update(Event).where(Event.id == event.id)
                           .values(seats_taken=Event.seats_taken + 1))
    db.session.commit()
    return registration


def make_plan(name: str = "Testplan 2021", *, starts_on: date = date(2021, 1, 1),
              ends_on: date = date(2021, 12, 31)) -> tuple[Plan, Action]:
    """A plan with one SD, one operational goal and one action; returns (plan, action)."""
    plan = Plan(name=name, starts_on=starts_on, ends_on=ends_on)
    sd = Goal(plan=plan, level=1, number="1", title="Strategische doelstelling", position=1)
    goal = Goal(plan=plan, parent=sd, level=2, number="1", title="Operationele doelstelling",
                position=2)
    action = Action(goal=goal, title="Regionale ontmoeting", position=1)
    db.session.add_all([plan, sd, goal, action])
    db.session.commit()
    return plan, action


def make_indicator(action: Action, measure: str | None = "events_held", *,
                   target: int | float | None = 3, text: str | None = None,
                   status: str = "confirmed", **fields: object) -> Indicator:
    """An indicator of an action, confirmed by default."""
    position = next(_seq)
    indicator = Indicator(action=action, measure=measure, text=text or f"{target} {measure}",
                          target=None if target is None else Decimal(str(target)),
                          status=status, position=position,
                          params=fields.pop("params", {}), **fields)
    db.session.add(indicator)
    db.session.commit()
    return indicator


def link_events(action: Action, *events: Event) -> None:
    """Link events to a plan action."""
    db.session.execute(sa.insert(event_actions),
                       [{"event_id": e.id, "action_id": action.id} for e in events])
    db.session.commit()


def make_member_user(organization: Organization, *, email: str | None = None,
                     password: str | None = None) -> User:
    """A `member` account of a contact person at `organization`."""
    person = make_person("Lid", organization=organization, email=email)
    return make_user("member", email=person.email, password=password, person=person)


def make_vacancy(organization: Organization, *, title: str | None = None, kind: str = "job",
                 status: str = "submitted", closes_on: date = date(2031, 12, 31),
                 published_at: datetime | None = None, submitted_by: User | None = None,
                 **fields: object) -> Vacancy:
    """A vacancy at `organization`; a published one gets `published_at` (default 1 Mar 2022)."""
    if status == "published" and published_at is None:
        published_at = brussels(date(2022, 3, 1), time(10, 0))
    vacancy = Vacancy(
        organization=organization, kind=kind, title=title or f"Vacature {next(_seq)}",
        description=fields.pop("description", "Wij zoeken een collega."), closes_on=closes_on,
        status=status, published_at=published_at, submitted_by=submitted_by,
        rejection_reason=fields.pop("rejection_reason",
                                    "Onvolledig." if status == "rejected" else None),
        **fields,
    )
    db.session.add(vacancy)
    db.session.commit()
    return vacancy


def make_contact(organization: Organization, *, kind: str = "conversation",
                 contacted_on: date = date(2021, 3, 1), person: Person | None = None,
                 follow_up_on: date | None = None, follow_up_done_on: date | None = None,
                 notes: str = "") -> MemberContact:
    """A logged contact with a member co-op."""
    contact = MemberContact(organization=organization, kind=kind, contacted_on=contacted_on,
                            person=person, follow_up_on=follow_up_on,
                            follow_up_done_on=follow_up_done_on, notes=notes)
    db.session.add(contact)
    db.session.commit()
    return contact


def make_profile(organization: Organization, *, offers: tuple[str, ...] = (),
                 needs: tuple[str, ...] = (), active: bool = True, **fields: object
                 ) -> MeetingProfile:
    """A co-op's micro-meeting opt-in."""
    profile = MeetingProfile(organization=organization, offers=list(offers), needs=list(needs),
                             active=active, **fields)
    db.session.add(profile)
    db.session.commit()
    return profile


def make_pairing(*organizations: Organization, status: str = "accepted",
                 held_on: date | None = None) -> Pairing:
    """A pairing of these co-ops (no event); `held` needs `held_on`."""
    pairing = Pairing(status=status, held_on=held_on, reason="")
    pairing.members = [PairingMember(organization=o) for o in organizations]
    db.session.add(pairing)
    db.session.commit()
    return pairing
