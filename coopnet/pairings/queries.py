"""Read side of micro-meetings: the proposal's input, lists, and the plan's figure."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import aliased, joinedload, selectinload

from coopnet.extensions import db
from coopnet.members.models import Organization, Person
from coopnet.members.rules import is_member_on
from coopnet.pairings.matching import Candidate
from coopnet.pairings.models import MeetingProfile, Pairing, PairingMember

OPEN_STATUSES = ("proposed", "accepted")


def profile_of(organization_id: int) -> MeetingProfile | None:
    """A co-op's micro-meeting opt-in, if it made one."""
    stmt = sa.select(MeetingProfile).where(MeetingProfile.organization_id == organization_id)
    return db.session.execute(stmt).scalar_one_or_none()


def _in_open_pairing() -> sa.Exists:
    return (sa.select(PairingMember.id)
            .join(Pairing, Pairing.id == PairingMember.pairing_id)
            .where(PairingMember.organization_id == MeetingProfile.organization_id,
                   Pairing.status.in_(OPEN_STATUSES))
            .exists())


def active_profiles(day: date) -> list[MeetingProfile]:
    """Opted-in co-ops that are members on `day` and not already in an open pairing."""
    stmt = (sa.select(MeetingProfile).options(joinedload(MeetingProfile.organization))
            .where(MeetingProfile.active.is_(True), is_member_on(day, MeetingProfile.organization_id),
                   ~_in_open_pairing())
            .order_by(MeetingProfile.organization_id))
    return list(db.session.execute(stmt).scalars())


def all_profiles() -> list[MeetingProfile]:
    """Every opt-in, active first, by co-op name (the coordinator's overview)."""
    stmt = (sa.select(MeetingProfile).join(MeetingProfile.organization)
            .options(joinedload(MeetingProfile.organization))
            .order_by(MeetingProfile.active.desc(), Organization.name, MeetingProfile.id))
    return list(db.session.execute(stmt).scalars())


def met_before(organization_ids: list[int] | None = None) -> list[tuple[int, int]]:
    """Pairs of co-ops that were paired before (in a pairing that was not cancelled)."""
    a, b = aliased(PairingMember), aliased(PairingMember)
    stmt = (sa.select(a.organization_id, b.organization_id).distinct()
            .join(b, sa.and_(b.pairing_id == a.pairing_id,
                             b.organization_id > a.organization_id))
            .join(Pairing, Pairing.id == a.pairing_id)
            .where(Pairing.status != "cancelled"))
    if organization_ids is not None:
        stmt = stmt.where(a.organization_id.in_(organization_ids),
                          b.organization_id.in_(organization_ids))
    return [(x, y) for x, y in db.session.execute(stmt).all()]


def candidate_of(profile: MeetingProfile) -> Candidate:
    """The plain data the matching algorithm reads for one opt-in."""
    return Candidate(profile.organization_id, profile.organization.province,
                     frozenset(profile.offers or ()), frozenset(profile.needs or ()))


def busy_organizations(organization_ids: list[int]) -> list[int]:
    """Those of these co-ops that are already in an open pairing."""
    stmt = (sa.select(PairingMember.organization_id).distinct()
            .join(Pairing, Pairing.id == PairingMember.pairing_id)
            .where(PairingMember.organization_id.in_(organization_ids),
                   Pairing.status.in_(OPEN_STATUSES)))
    return list(db.session.execute(stmt).scalars())


def first_contact_person(organization_id: int) -> Person | None:
    """The co-op's first contact person with an e-mail address (lowest id)."""
    stmt = (sa.select(Person).where(Person.organization_id == organization_id,
                                    Person.email.is_not(None))
            .order_by(Person.id).limit(1))
    return db.session.execute(stmt).scalar_one_or_none()


def pairings(status: str = "") -> list[Pairing]:
    """Pairings (all, or with a status), newest first, with members and event loaded."""
    stmt = (sa.select(Pairing)
            .options(selectinload(Pairing.members).joinedload(PairingMember.organization),
                     selectinload(Pairing.members).joinedload(PairingMember.person),
                     joinedload(Pairing.event))
            .order_by(Pairing.created_at.desc(), Pairing.id.desc()))
    if status:
        stmt = stmt.where(Pairing.status == status)
    return list(db.session.execute(stmt).scalars())


def pairing(pairing_id: int) -> Pairing | None:
    """One pairing with its members."""
    stmt = (sa.select(Pairing).options(selectinload(Pairing.members))
            .where(Pairing.id == pairing_id))
    return db.session.execute(stmt).scalar_one_or_none()


def organization_pairings(organization_id: int) -> list[Pairing]:
    """The pairings a co-op took part in (its member page)."""
    stmt = (sa.select(Pairing)
            .options(selectinload(Pairing.members).joinedload(PairingMember.organization),
                     joinedload(Pairing.event))
            .where(Pairing.id.in_(sa.select(PairingMember.pairing_id)
                                  .where(PairingMember.organization_id == organization_id)))
            .order_by(Pairing.created_at.desc(), Pairing.id.desc()))
    return list(db.session.execute(stmt).scalars())


def organizations_by_id(ids: list[int]) -> dict[int, Organization]:
    """Co-ops by id (names for a proposal), one query."""
    if not ids:
        return {}
    stmt = sa.select(Organization).where(Organization.id.in_(ids))
    return {o.id: o for o in db.session.execute(stmt).scalars()}


# --- figures for the action plan -------------------------------------------------------

def held_between_predicate(start: date, end: date) -> sa.ColumnElement[bool]:
    """SQL predicate: a pairing marked held with its meeting from `start` to `end` inclusive."""
    return sa.and_(Pairing.status == "held", Pairing.held_on >= start, Pairing.held_on <= end)


def held_between_records(start: date, end: date) -> sa.Select[tuple[Pairing]]:
    """The pairings `held_between` counts (drill-down), by meeting date."""
    return (sa.select(Pairing).options(selectinload(Pairing.members))
            .where(held_between_predicate(start, end)).order_by(Pairing.held_on, Pairing.id))


def held_between(start: date, end: date) -> int:
    """How many micro-meetings took place from `start` to `end` (inclusive)."""
    stmt = sa.select(sa.func.count(Pairing.id)).where(held_between_predicate(start, end))
    return db.session.execute(stmt).scalar_one()
