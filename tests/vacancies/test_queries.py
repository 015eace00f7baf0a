"""The public list's rules and the plan's figure `published_between`."""

from datetime import UTC, date, datetime

from coopnet.extensions import db
from coopnet.vacancies.queries import (
    VacancyFilter,
    listed_vacancies,
    published_between,
    published_between_records,
)
from tests.factories import make_organization, make_vacancy

TODAY = date(2022, 3, 10)


def _titles(filters: VacancyFilter | None = None, day: date = TODAY) -> list[str]:
    filters = filters or VacancyFilter()
    return [v.title for v in db.session.execute(listed_vacancies(day, filters)).scalars()]


def test_only_published_vacancies_open_today_are_listed_closing_soonest_first(ctx):
    org = make_organization()
    make_vacancy(org, title="Later", status="published", closes_on=date(2022, 5, 1))
    make_vacancy(org, title="Vandaag laatste dag", status="published", closes_on=TODAY)
    make_vacancy(org, title="Gisteren gesloten", status="published", closes_on=date(2022, 3, 9))
    make_vacancy(org, title="Wacht op nazicht", status="submitted")
    make_vacancy(org, title="Geweigerd", status="rejected")
    make_vacancy(org, title="Ingetrokken", status="withdrawn",
                 published_at=datetime(2022, 3, 1, tzinfo=UTC))
    assert _titles() == ["Vandaag laatste dag", "Later"]
    assert _titles(day=date(2022, 3, 11)) == ["Later"]


def test_filters_kind_province_place_and_text(ctx):
    gent = make_organization("Voedselkracht", province="Oost-Vlaanderen", city="Gent")
    hasselt = make_organization("Zonnegilde", province="Limburg", city="Hasselt")
    make_vacancy(gent, title="Stage communicatie", kind="internship", status="published")
    make_vacancy(gent, title="Boekhouder", kind="job", status="published", place="Aalst",
                 description="Cijfers en 100% inzet")
    make_vacancy(hasselt, title="Vrijwilliger zonnepanelen", kind="volunteer", status="published")
    assert _titles(VacancyFilter(kind="internship")) == ["Stage communicatie"]
    assert _titles(VacancyFilter(province="Limburg")) == ["Vrijwilliger zonnepanelen"]
    assert _titles(VacancyFilter(place="aalst")) == ["Boekhouder"]
    assert sorted(_titles(VacancyFilter(place="gent"))) == ["Boekhouder", "Stage communicatie"]
    assert _titles(VacancyFilter(text="zonnegilde")) == ["Vrijwilliger zonnepanelen"]
    assert _titles(VacancyFilter(text="CIJFERS")) == ["Boekhouder"]
    # a typed % is a literal character, not a wildcard
    assert _titles(VacancyFilter(text="100%")) == ["Boekhouder"]
    assert _titles(VacancyFilter(text="0%")) == ["Boekhouder"]
    assert _titles(VacancyFilter(text="%")) == ["Boekhouder"]
    assert _titles(VacancyFilter(text="stage boekhouder")) == []


def test_published_between_counts_published_vacancies_by_brussels_day(ctx):
    org = make_organization()
    # 31 Dec 2020 23:30 UTC is already 1 January 2021 in Brussels
    make_vacancy(org, title="A", status="published",
                 published_at=datetime(2020, 12, 31, 23, 30, tzinfo=UTC))
    make_vacancy(org, title="B", status="withdrawn",
                 published_at=datetime(2021, 6, 1, 9, 0, tzinfo=UTC))
    make_vacancy(org, title="C", status="published", closes_on=date(2021, 7, 1),
                 published_at=datetime(2021, 6, 2, 9, 0, tzinfo=UTC))
    # 30 April 2022 22:30 UTC is 1 May 2022 in Brussels: outside
    make_vacancy(org, title="D", status="published",
                 published_at=datetime(2022, 4, 30, 22, 30, tzinfo=UTC))
    make_vacancy(org, title="E", status="submitted")
    make_vacancy(org, title="F", status="rejected")
    # B was withdrawn after publication: it no longer counts (the plan's rule)
    assert published_between(date(2021, 1, 1), date(2022, 4, 30)) == 2
    records = db.session.execute(
        published_between_records(date(2021, 1, 1), date(2022, 4, 30))).scalars().all()
    assert [v.title for v in records] == ["A", "C"]
    assert published_between(date(2021, 6, 2), date(2021, 6, 2)) == 1
    assert published_between(date(2022, 5, 1), date(2022, 5, 31)) == 1
