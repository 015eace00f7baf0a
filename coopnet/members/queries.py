"""Read side of the member register and the contact log.

Every figure is a SQL aggregate and every list a `select()`, so the action plan's
indicators count exactly the rows these pages show. Periods are inclusive calendar days.

For the plan:
  member_count_on(day)                      -> int, members on a day
  members_on(day)                           -> Select[Organization]
  new_members_between(start, end)           -> Select[Organization] whose membership began then
  new_member_count_between(start, end)      -> int
  members_during(start, end)                -> Select[Organization] that were members on any day
  contacted_members_between(start, end)     -> Select[Organization] members with a contact then
  members_not_contacted_between(start, end) -> Select[Organization] members without one
  new_members_without_intro(start, end)     -> Select[Organization] new members, no intro ever
  follow_ups_due(day)                       -> Select[MemberContact] open follow-ups up to day
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from coopnet.extensions import db
from coopnet.members.models import MemberContact, MemberImport, Membership, Organization, Person
from coopnet.members.rules import member_ids_on


def _org_ids_with(predicate: sa.ColumnElement[bool]) -> sa.Select[tuple[int]]:
    return sa.select(Membership.organization_id).where(predicate)


def members_on(day: date) -> sa.Select[tuple[Organization]]:
    """Organisations with a membership running on `day`, by name."""
    return (sa.select(Organization)
            .where(Organization.id.in_(member_ids_on(day)))
            .order_by(Organization.name, Organization.id))


def member_count_on(day: date) -> int:
    """How many organisations were members on `day`."""
    stmt = sa.select(sa.func.count(sa.distinct(Membership.organization_id))).where(
        Membership.active_on(day))
    return db.session.execute(stmt).scalar_one()


def members_during(start: date, end: date) -> sa.Select[tuple[Organization]]:
    """Organisations that were members on at least one day from `start` to `end`."""
    return (sa.select(Organization)
            .where(Organization.id.in_(_org_ids_with(Membership.overlaps(start, end))))
            .order_by(Organization.name, Organization.id))


def new_members_between(start: date, end: date) -> sa.Select[tuple[Organization]]:
    """Organisations whose membership began from `start` to `end`.

    Periods of one organisation never overlap and a period that continues another is
    stored as one (members/services.add_membership), so a renewal is not a new member;
    a former member who joins again after a gap is.
    """
    began = Membership.starts_on.between(start, end)
    return (sa.select(Organization)
            .where(Organization.id.in_(_org_ids_with(began)))
            .order_by(Organization.name, Organization.id))


def new_member_count_between(start: date, end: date) -> int:
    """How many organisations became members from `start` to `end`."""
    stmt = sa.select(sa.func.count(sa.distinct(Membership.organization_id))).where(
        Membership.starts_on.between(start, end))
    return db.session.execute(stmt).scalar_one()


def _contacts_between(start: date, end: date, kinds: Iterable[str] | None
                      ) -> sa.Select[tuple[int]]:
    stmt = sa.select(MemberContact.organization_id).where(
        MemberContact.contacted_on.between(start, end))
    if kinds is not None:
        stmt = stmt.where(MemberContact.kind.in_(list(kinds)))
    return stmt


def contacted_members_between(start: date, end: date, kinds: Iterable[str] | None = None
                              ) -> sa.Select[tuple[Organization]]:
    """Members (during the period) with at least one contact (of `kinds`) in the period."""
    return members_during(start, end).where(
        Organization.id.in_(_contacts_between(start, end, kinds)))


def members_not_contacted_between(start: date, end: date, kinds: Iterable[str] | None = None
                                  ) -> sa.Select[tuple[Organization]]:
    """Members (during the period) without any contact (of `kinds`) in the period."""
    return members_during(start, end).where(
        Organization.id.not_in(_contacts_between(start, end, kinds)))


def new_members_without_intro(start: date, end: date) -> sa.Select[tuple[Organization]]:
    """New members of the period that have had no intro conversation (on any date)."""
    intros = sa.select(MemberContact.organization_id).where(MemberContact.kind == "intro")
    return new_members_between(start, end).where(Organization.id.not_in(intros))


def new_members_with_intro(start: date, end: date) -> sa.Select[tuple[Organization]]:
    """New members of the period that have had an intro conversation (on any date)."""
    intros = sa.select(MemberContact.organization_id).where(MemberContact.kind == "intro")
    return new_members_between(start, end).where(Organization.id.in_(intros))


def follow_ups_due(day: date) -> sa.Select[tuple[MemberContact]]:
    """Contacts whose follow-up date is on or before `day` and not done, oldest first."""
    return (sa.select(MemberContact)
            .where(MemberContact.follow_up_on <= day, MemberContact.follow_up_done_on.is_(None))
            .order_by(MemberContact.follow_up_on, MemberContact.id))


def contact_list_options() -> tuple:
    """Loader options for lists of contacts: organisation, person and staff member."""
    return (selectinload(MemberContact.organization), selectinload(MemberContact.person),
            selectinload(MemberContact.staff_user))


def count_of(stmt: sa.Select) -> int:
    """The number of rows a select returns, counted by the database."""
    return db.session.execute(
        sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())
    ).scalar_one()


# --- pages -------------------------------------------------------------------------

MEMBER_STATUSES = ("current", "former", "never")


@dataclass
class OrganizationFilter:
    """What the register list is narrowed to."""

    search: str = ""
    sector: str = ""
    province: str = ""
    status: str = ""  # "", current, former, never


def register_list(flt: OrganizationFilter, today: date, *, page: int = 1, per_page: int = 50
                  ) -> tuple[list[tuple[Organization, bool]], int]:
    """One page of organisations with "member today?", and the total matching."""
    current_ids = member_ids_on(today)
    any_ids = sa.select(Membership.organization_id)
    is_member = Organization.id.in_(current_ids)
    stmt = sa.select(Organization.id)  # the filter; the page's rows add what they show
    if flt.search:
        term = f"%{flt.search.strip().lower()}%"
        digits = "".join(ch for ch in flt.search if ch.isdigit())
        conditions = [sa.func.lower(Organization.name).like(term),
                      sa.func.lower(Organization.city).like(term)]
        if len(digits) >= 4:
            conditions.append(Organization.enterprise_number.like(f"%{digits}%"))
        stmt = stmt.where(sa.or_(*conditions))
    if flt.sector:
        stmt = stmt.where(Organization.sector == flt.sector)
    if flt.province:
        stmt = stmt.where(Organization.province == flt.province)
    if flt.status == "current":
        stmt = stmt.where(is_member)
    elif flt.status == "former":
        stmt = stmt.where(Organization.id.in_(any_ids), Organization.id.not_in(current_ids))
    elif flt.status == "never":
        stmt = stmt.where(Organization.id.not_in(any_ids))
    total = count_of(stmt)  # counted from the filter alone, not per organisation "member?"
    rows = db.session.execute(
        stmt.with_only_columns(Organization, is_member.label("is_member"))
        .order_by(Organization.name, Organization.id)
        .limit(per_page).offset((max(page, 1) - 1) * per_page)
    ).all()
    return [(row[0], bool(row[1])) for row in rows], total


def filter_choices() -> tuple[list[str], list[str]]:
    """Sectors and provinces in use, for the list's filters."""
    sectors = db.session.execute(
        sa.select(Organization.sector).where(Organization.sector.is_not(None))
        .distinct().order_by(Organization.sector)).scalars().all()
    provinces = db.session.execute(
        sa.select(Organization.province).where(Organization.province.is_not(None))
        .distinct().order_by(Organization.province)).scalars().all()
    return ([sector for sector in sectors if sector is not None],
            [province for province in provinces if province is not None])


def organization_detail(organization_id: int) -> Organization | None:
    """An organisation with its memberships and contact persons loaded."""
    return db.session.execute(
        sa.select(Organization).where(Organization.id == organization_id)
        .options(selectinload(Organization.memberships), selectinload(Organization.people))
    ).scalar_one_or_none()


def contacts_of(organization_id: int, limit: int = 100) -> list[MemberContact]:
    """The organisation's contact log, newest first, with person and staff member loaded."""
    return list(db.session.execute(
        sa.select(MemberContact).where(MemberContact.organization_id == organization_id)
        .options(selectinload(MemberContact.person), selectinload(MemberContact.staff_user))
        .order_by(MemberContact.contacted_on.desc(), MemberContact.id.desc()).limit(limit)
    ).scalars())


def contact_persons_of(organization_id: int) -> list[Person]:
    """The organisation's contact persons, by name (erased people are nobody's contact)."""
    return list(db.session.execute(
        sa.select(Person).where(Person.organization_id == organization_id,
                                Person.erased_at.is_(None))
        .order_by(Person.first_name, Person.last_name, Person.id)).scalars())


def last_contact_dates(organization_ids: list[int]) -> dict[int, date]:
    """The latest contact date per organisation (one grouped query)."""
    if not organization_ids:
        return {}
    rows = db.session.execute(
        sa.select(MemberContact.organization_id, sa.func.max(MemberContact.contacted_on))
        .where(MemberContact.organization_id.in_(organization_ids))
        .group_by(MemberContact.organization_id)).all()
    return {org_id: day for org_id, day in rows}


def member_import_by_token(token: str) -> MemberImport | None:
    """A stored upload by its token."""
    return db.session.execute(
        sa.select(MemberImport).where(MemberImport.token == token)).scalar_one_or_none()


def find_people(search: str, *, page: int = 1, per_page: int = 50) -> tuple[list[Person], int]:
    """People whose name or e-mail address contains `search` (staff look-up), and the total.
    Erased people are not found: they have no name or address any more."""
    term = f"%{' '.join(search.split()).lower()}%"
    full_name = sa.func.lower(Person.first_name + " " + Person.last_name)
    where = sa.and_(sa.or_(full_name.like(term), sa.func.lower(Person.email).like(term)),
                    Person.erased_at.is_(None))
    total = db.session.execute(sa.select(sa.func.count(Person.id)).where(where)).scalar_one()
    people = list(db.session.execute(
        sa.select(Person).where(where).options(selectinload(Person.organization))
        .order_by(Person.last_name, Person.first_name, Person.id)
        .limit(per_page).offset((page - 1) * per_page)
    ).scalars())
    return people, total
