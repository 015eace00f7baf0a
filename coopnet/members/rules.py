"""The membership rules every area uses, each in one place (SQL and Python side by side).

- *member of Coopkracht on a day*: an organisation with a membership running on that
  Brussels calendar day (`Membership.active_on` / `Membership.runs_on`, inclusive ends);
- *contact person of a member co-op*: a person the member register made a contact person
  of an organisation (`Person.organization_id`: only the register and the member-list
  import set it, never a registration or the door) whose organisation is a member that day.

Registrations, sign-in, members-only events, vacancies, micro-meetings, `/me`, the member
register's pages and the plan's measures all call these; nothing else spells them out.
A test (tests/members/test_rules.py) checks that the SQL and Python forms agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import sqlalchemy as sa

from coopnet.db import exists_where
from coopnet.extensions import db
from coopnet.members.models import Membership, Organization, Person
from coopnet.timezones import brussels_today


def member_ids_on(day: date) -> sa.Select[tuple[int]]:
    """SQL: ids of the organisations that are members on `day` (for `IN (...)`)."""
    return sa.select(Membership.organization_id).where(Membership.active_on(day))


def is_member_on(day: date | sa.SQLColumnExpression[date],
                 organization_id: sa.SQLColumnExpression[int | None] | None = None
                 ) -> sa.ColumnElement[bool]:
    """SQL: the organisation (by default `Organization.id`) is a member on `day`."""
    column = Organization.id if organization_id is None else organization_id
    return exists_where(Membership.organization_id == column, Membership.active_on(day))


def was_member_on_any(memberships: Iterable[Membership], day: date) -> bool:
    """Python: one of these (loaded) memberships runs on `day`."""
    return any(membership.runs_on(day) for membership in memberships)


def organization_is_member_on(organization: Organization | None, day: date) -> bool:
    """Python form of `is_member_on` for one organisation (asks the database)."""
    if organization is None or organization.id is None:
        return False
    stmt = sa.select(sa.literal(1)).where(
        Membership.organization_id == organization.id, Membership.active_on(day)).limit(1)
    return db.session.execute(stmt).first() is not None


def is_member_contact_on(day: date) -> sa.ColumnElement[bool]:
    """SQL: the `Person` is a contact person of an organisation that is a member on `day`."""
    return sa.and_(Person.organization_id.is_not(None),
                   is_member_on(day, Person.organization_id))


def member_organization_of(person: Person | None, now: datetime) -> Organization | None:
    """The member co-op `person` is a contact person of today (Brussels), or None.

    None for people the register never made a contact person, and for contacts of
    organisations that are not (or no longer) members: they may not act for it.
    """
    if person is None or person.organization is None:
        return None
    organization = person.organization
    if not organization_is_member_on(organization, brussels_today(now)):
        return None
    return organization


def member_contact_by_email(email: str, now: datetime) -> Person | None:
    """The contact person of a current member co-op with this (normalised) e-mail, or None."""
    if not email:
        return None
    return db.session.execute(
        sa.select(Person).where(Person.email == email,
                                is_member_contact_on(brussels_today(now)))
    ).scalar_one_or_none()
