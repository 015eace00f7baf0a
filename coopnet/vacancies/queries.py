"""Read side of vacancies: the public list, a co-op's own vacancies, moderation, plan figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload

from coopnet.extensions import db
from coopnet.members.models import Organization
from coopnet.timezones import brussels
from coopnet.vacancies.models import Vacancy

PAGE_SIZE = 20


@dataclass(frozen=True)
class VacancyFilter:
    """What a visitor filters the public list on (all optional)."""

    kind: str = ""
    province: str = ""
    place: str = ""
    text: str = ""


def _contains(column: sa.SQLColumnExpression[str | None], text: str) -> sa.ColumnElement[bool]:
    # case-insensitive substring; % and _ typed by the visitor are literal characters
    return sa.func.lower(column).contains(text.lower(), autoescape=True)


def listed_vacancies(day: date, filters: VacancyFilter) -> sa.Select[tuple[Vacancy]]:
    """Published vacancies still open on `day` that match the filters, closing soonest first."""
    stmt = (
        sa.select(Vacancy)
        .join(Vacancy.organization)
        .options(contains_eager(Vacancy.organization))
        .where(Vacancy.listed_on(day))
    )
    if filters.kind:
        stmt = stmt.where(Vacancy.kind == filters.kind)
    if filters.province:
        stmt = stmt.where(Organization.province == filters.province)
    if filters.place:
        stmt = stmt.where(sa.or_(_contains(Vacancy.place, filters.place),
                                 _contains(Organization.city, filters.place)))
    if filters.text:
        for word in filters.text.split()[:8]:
            stmt = stmt.where(sa.or_(
                _contains(Vacancy.title, word), _contains(Vacancy.description, word),
                _contains(Organization.name, word), _contains(Vacancy.place, word),
            ))
    return stmt.order_by(Vacancy.closes_on, Vacancy.id)


def provinces_with_listed_vacancies(day: date) -> list[str]:
    """Provinces of the co-ops that have a listed vacancy (the province filter's choices)."""
    stmt = (
        sa.select(Organization.province).distinct()
        .join(Vacancy, Vacancy.organization_id == Organization.id)
        .where(Vacancy.listed_on(day), Organization.province.is_not(None))
        .order_by(Organization.province)
    )
    return [p for p in db.session.execute(stmt).scalars() if p]


def listed_vacancy(vacancy_id: int, day: date) -> Vacancy | None:
    """One vacancy if it is on the public list today, else None."""
    stmt = (sa.select(Vacancy).options(joinedload(Vacancy.organization))
            .where(Vacancy.id == vacancy_id, Vacancy.listed_on(day)))
    return db.session.execute(stmt).scalar_one_or_none()


def feed_vacancies(day: date, limit: int = 50) -> list[Vacancy]:
    """The newest listed vacancies for the Atom feed."""
    stmt = (sa.select(Vacancy).options(joinedload(Vacancy.organization))
            .where(Vacancy.listed_on(day))
            .order_by(Vacancy.published_at.desc(), Vacancy.id.desc()).limit(limit))
    return list(db.session.execute(stmt).scalars())


def organization_vacancies(organization_id: int) -> list[Vacancy]:
    """All vacancies of one co-op, newest first (its contact persons' page)."""
    stmt = (sa.select(Vacancy).where(Vacancy.organization_id == organization_id)
            .order_by(Vacancy.created_at.desc(), Vacancy.id.desc()))
    return list(db.session.execute(stmt).scalars())


def organization_vacancy(organization_id: int, vacancy_id: int) -> Vacancy | None:
    """One vacancy of this co-op, else None: another co-op's vacancy is 'not found'."""
    stmt = sa.select(Vacancy).where(Vacancy.id == vacancy_id,
                                    Vacancy.organization_id == organization_id)
    return db.session.execute(stmt).scalar_one_or_none()


def vacancies_for_review(status: str) -> sa.Select[tuple[Vacancy]]:
    """Staff list: vacancies with a status (all when empty), oldest waiting first."""
    stmt = sa.select(Vacancy).options(joinedload(Vacancy.organization),
                                      joinedload(Vacancy.submitted_by))
    if status:
        stmt = stmt.where(Vacancy.status == status)
    return stmt.order_by(Vacancy.created_at, Vacancy.id)


def status_counts() -> dict[str, int]:
    """How many vacancies per status (one GROUP BY)."""
    stmt = sa.select(Vacancy.status, sa.func.count()).group_by(Vacancy.status)
    return {status: count for status, count in db.session.execute(stmt).all()}


def vacancy_with_details(vacancy_id: int) -> Vacancy | None:
    """One vacancy with its co-op and submitter (staff page)."""
    stmt = (sa.select(Vacancy).options(joinedload(Vacancy.organization),
                                       joinedload(Vacancy.submitted_by))
            .where(Vacancy.id == vacancy_id))
    return db.session.execute(stmt).scalar_one_or_none()


# --- figures for the action plan -------------------------------------------------------

def _day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    # Brussels calendar days, `end` included
    return brussels(start, time(0)), brussels(end + timedelta(days=1), time(0))


def published_between_predicate(start: date, end: date) -> sa.ColumnElement[bool]:
    """SQL predicate: published (and still so) with a first publication on a Brussels day
    from `start` to `end` inclusive.

    Same rule as the plan's `vacancies_published` measure: a vacancy counts once, in the
    period of its first approval; one withdrawn, rejected or back in review no longer counts.
    """
    lower, upper = _day_bounds(start, end)
    return sa.and_(Vacancy.status == "published", Vacancy.published_at >= lower,
                   Vacancy.published_at < upper)


def published_between_records(start: date, end: date) -> sa.Select[tuple[Vacancy]]:
    """The vacancies `published_between` counts (the drill-down), in publication order."""
    return (sa.select(Vacancy).options(joinedload(Vacancy.organization))
            .where(published_between_predicate(start, end))
            .order_by(Vacancy.published_at, Vacancy.id))


def published_between(start: date, end: date) -> int:
    """How many vacancies published from `start` to `end` (Brussels days, inclusive) still are."""
    stmt = sa.select(sa.func.count(Vacancy.id)).where(published_between_predicate(start, end))
    return db.session.execute(stmt).scalar_one()
