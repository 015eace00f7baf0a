"""Every measure on a small hand-built data set; expected numbers written by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from coopnet.extensions import db
from coopnet.members.models import Membership
from coopnet.plan import measures
from coopnet.plan.models import ManualValue
from coopnet.plan.queries import compute_figures, indicator_records, judge
from coopnet.timezones import brussels
from tests.factories import (
    link_events,
    make_contact,
    make_event,
    make_indicator,
    make_organization,
    make_person,
    make_plan,
    make_registration,
)

CHECKED = datetime(2021, 3, 10, 18, 30, tzinfo=UTC)


@pytest.fixture
def world(ctx):
    """Plan 2021; an action with coopborrels in and out of scope and their registrations.

    E1 Antwerpen 10 Mar 2021 (linked): P1 (M1) attended, P2 (M2) no-show, P3 cancelled,
       P4 walk-in attended (no organisation), P7 (M3) attended.
    E2 Gent 10 Jun 2021 (linked): P1 attended again, P5 (M3, which left on 30 Apr) attended,
       P6 waiting list.
    E3 Brussel 1 Feb 2022 (linked): outside the period, P2 attended.
    E4 Gent 1 May 2021 (linked) cancelled: P2 attended before it was cancelled.
    E5 webinar 1 Apr 2021 NOT linked: P2 attended.
    E6 webinar 1 Jul 2021 linked: P2 attended.
    """
    plan, action = make_plan()
    m1 = make_organization("M1")
    m2 = make_organization("M2")
    m3 = make_organization("M3", member_until=date(2021, 4, 30))
    p1, p2 = make_person("P1", organization=m1), make_person("P2", organization=m2)
    p3, p4 = make_person("P3", organization=m2), make_person("P4")
    p5, p6 = make_person("P5", organization=m3), make_person("P6", organization=m1)
    p7 = make_person("P7", organization=m3)

    def event(title, day, slug="coopborrel", city="Gent", **fields):
        return make_event(title, kind_slug=slug, starts_at=brussels(day, time(18)), city=city,
                          **fields)

    e1 = event("E1", date(2021, 3, 10), city="Antwerpen")
    e2 = event("E2", date(2021, 6, 10))
    e3 = event("E3", date(2022, 2, 1), city="Brussel")
    e4 = event("E4", date(2021, 5, 1), status="cancelled")
    e5 = event("E5", date(2021, 4, 1), slug="webinar", city="")
    e6 = event("E6", date(2021, 7, 1), slug="webinar", city="")
    link_events(action, e1, e2, e3, e4, e6)

    def reg(ev, person, **kw):
        attended = kw.pop("attended", False)
        return make_registration(ev, person, organization_id=person.organization_id,
                                 checked_in_at=ev.starts_at if attended else None, **kw)

    reg(e1, p1, attended=True)
    reg(e1, p2)
    reg(e1, p3, status="cancelled")
    reg(e1, p4, source="walkin", attended=True)
    reg(e1, p7, attended=True)
    reg(e2, p1, attended=True)
    reg(e2, p5, attended=True)
    reg(e2, p6, status="waitlisted")
    for ev in (e3, e4, e5, e6):
        reg(ev, p2, attended=True)
    return plan, action


BORRELS = {"kinds": ["coopborrel"]}


@pytest.mark.parametrize(("measure", "params", "expected", "names"), [
    ("events_held", BORRELS, 2, ["E1", "E2"]),
    ("events_held", {}, 3, ["E1", "E2", "E6"]),
    ("events_held", {"kinds": ["coopborrel"], "cities": ["Antwerpen"]}, 1, ["E1"]),
    # confirmed advance registrations: P1, P2, P7 at E1; P1, P5 at E2
    ("registrations", BORRELS, 5, None),
    # attended: P1, P4 (walk-in), P7 at E1; P1, P5 at E2
    ("attendances", BORRELS, 5, None),
    # P1 at two events counts once: P1, P4, P5, P7
    ("distinct_attendees", BORRELS, 4, None),
    # M1 (P1), M3 (P7 in March, still a member); P5 came for M3 after it left; P4 has none
    ("distinct_member_orgs", BORRELS, 2, None),
])
def test_event_measures_count_by_hand(world, measure, params, expected, names):
    plan, action = world
    indicator = make_indicator(action, measure, target=10, params=params)
    figures = compute_figures(plan, [indicator], date(2022, 6, 1))
    assert figures[indicator.id].actual == expected
    _m, rows, total = indicator_records(indicator, plan, date(2022, 6, 1))
    assert len(rows) == total == expected  # the drill-down is the figure
    if names:
        assert [row["event"] for row in rows] == names


@pytest.mark.parametrize("trend", [False, True])
def test_a_changed_indicator_is_counted_by_its_new_scope_date_and_status(world, trend):
    # the statements are kept per process by what they are built from: every change counts
    plan, action = world
    held = make_indicator(action, "events_held", target=10, params=BORRELS)
    grown = make_indicator(action, "member_growth", target=10,
                           params={"baseline": "2021-01-01"})

    def figures(at: date = date(2022, 6, 1)) -> tuple[float | None, float | None]:
        found = compute_figures(plan, [held, grown], at, trend=trend)
        return found[held.id].actual, found[grown.id].actual

    before = figures()
    assert before[0] == 2  # E1, E2
    assert figures() == before  # the same again
    held.params = {}
    db.session.commit()
    assert figures()[0] == 3  # E1, E2, E6
    held.params = {"kinds": ["coopborrel"], "cities": ["Antwerpen"]}
    db.session.commit()
    assert figures()[0] == 1  # E1
    assert figures(date(2021, 3, 1))[0] == 0  # before E1 was held (10 March)
    held.status = "proposed"
    grown.params = {"baseline": "2021-12-31"}
    db.session.commit()
    assert figures()[0] is None  # a proposal counts nothing
    assert figures()[1] != before[1]  # another baseline


def test_attendance_records_name_the_people_and_organisations(world):
    plan, action = world
    indicator = make_indicator(action, "attendances", target=50, params=BORRELS)
    _m, rows, _total = indicator_records(indicator, plan, date(2021, 12, 31))
    people = [(row["event"], row["person"].split()[0], row["organization"]) for row in rows]
    assert sorted(people) == sorted([
        ("E1", "P1", "M1"), ("E1", "P4", ""), ("E1", "P7", "M3"),
        ("E2", "P1", "M1"), ("E2", "P5", "M3"),
    ])


def test_figures_as_of_a_date_count_only_what_had_ended(world):
    plan, action = world
    held = make_indicator(action, "events_held", target=3, params=BORRELS)
    came = make_indicator(action, "attendances", target=50, params=BORRELS)
    figures = compute_figures(plan, [held, came], date(2021, 4, 15))
    assert (figures[held.id].actual, figures[came.id].actual) == (1, 3)
    # the day of E2 itself counts once it has ended that evening
    figures = compute_figures(plan, [held, came], date(2021, 6, 10))
    assert (figures[held.id].actual, figures[came.id].actual) == (2, 5)


def test_checking_someone_in_moves_the_figure(world):
    plan, action = world
    came = make_indicator(action, "attendances", target=50, params=BORRELS)
    import sqlalchemy as sa

    from coopnet.registrations.models import Registration

    no_show = db.session.execute(sa.select(Registration).join(Registration.person)
                                 .where(Registration.checked_in_at.is_(None),
                                        Registration.status == "confirmed")
                                 .order_by(Registration.id)).scalars().first()
    before = compute_figures(plan, [came], date(2021, 12, 31))[came.id].actual
    no_show.checked_in_at = CHECKED
    db.session.commit()
    assert compute_figures(plan, [came], date(2021, 12, 31))[came.id].actual == before + 1


def test_member_count_and_growth_against_the_baseline(ctx):
    plan, action = make_plan()
    make_organization("Oud 1", member_since=date(2015, 1, 1))
    make_organization("Oud 2", member_since=date(2018, 1, 1))
    make_organization("Vertrokken", member_since=date(2016, 1, 1), member_until=date(2021, 4, 30))
    make_organization("Nieuw juni", member_since=date(2021, 6, 1))
    make_organization("Nieuw september", member_since=date(2021, 9, 1))
    make_organization("Geen lid", member_since=None)
    count = make_indicator(action, "member_count", target=5)
    growth = make_indicator(action, "member_growth", target=10,
                            params={"baseline": "2020-12-31"})
    figures = compute_figures(plan, [count, growth], date(2021, 12, 31))
    assert figures[count.id].actual == 4  # Oud 1, Oud 2, Nieuw juni, Nieuw september
    assert figures[growth.id].actual == 33.3  # from 3 to 4
    assert figures[growth.id].status == "achieved"
    figures = compute_figures(plan, [count, growth], date(2021, 7, 1))
    assert figures[count.id].actual == 3  # one left, one joined: from 3 to 3
    assert figures[growth.id].actual == 0
    _m, rows, total = indicator_records(count, plan, date(2021, 12, 31))
    assert len(rows) == total == 4


def test_a_co_op_with_two_running_memberships_counts_once(ctx):
    # a co-op that rejoined while its first membership still ran (the register allows it)
    plan, action = make_plan()
    twice = make_organization("Twee keer", member_since=date(2015, 1, 1))
    twice.memberships.append(Membership(starts_on=date(2021, 3, 1)))
    make_organization("Een keer", member_since=date(2018, 1, 1))
    make_contact(twice, kind="visit", contacted_on=date(2021, 5, 1))
    db.session.commit()
    count = make_indicator(action, "member_count", target=2)
    growth = make_indicator(action, "member_growth", target=10,
                            params={"baseline": "2020-12-31"})
    share = make_indicator(action, "members_contacted_share", target=100)
    figures = compute_figures(plan, [count, growth, share], date(2021, 12, 31))
    assert figures[count.id].actual == 2
    assert figures[growth.id].actual == 0  # 2 members then, 2 now
    assert figures[share.id].actual == 50  # 1 of the 2


def test_manual_value_keeps_history_and_takes_the_latest(ctx):
    plan, action = make_plan()
    readers = make_indicator(action, "manual", target=2000)
    assert compute_figures(plan, [readers], date(2021, 12, 31))[readers.id].status == "no_data"
    db.session.add_all([ManualValue(indicator=readers, value=800, recorded_on=date(2021, 3, 1)),
                        ManualValue(indicator=readers, value=1200, recorded_on=date(2021, 9, 1))])
    db.session.commit()
    assert compute_figures(plan, [readers], date(2021, 6, 30))[readers.id].actual == 800
    fig = compute_figures(plan, [readers], date(2021, 12, 31))[readers.id]
    assert (fig.actual, fig.percent, fig.status) == (1200, 60, "behind")
    _m, rows, _total = indicator_records(readers, plan, date(2021, 12, 31))
    assert [float(r["value"]) for r in rows] == [1200, 800]


def test_trend_of_values_entered_by_hand_is_the_latest_at_each_month_end(ctx):
    # 800 on 1 March, 900 on the last day of April, 950 then 1000 in June; a milestone done
    # (1) on 31 May, undone (0) on 2 June
    plan, action = make_plan()
    readers = make_indicator(action, "manual", target=2000)
    rules = make_indicator(action, "milestone", target=1, text="Arbeidsreglement is opgemaakt")
    db.session.add_all([
        ManualValue(indicator=readers, value=800, recorded_on=date(2021, 3, 1)),
        ManualValue(indicator=readers, value=900, recorded_on=date(2021, 4, 30)),
        ManualValue(indicator=readers, value=950, recorded_on=date(2021, 6, 3)),
        ManualValue(indicator=readers, value=1000, recorded_on=date(2021, 6, 20)),
        ManualValue(indicator=rules, value=1, recorded_on=date(2021, 5, 31)),
        ManualValue(indicator=rules, value=0, recorded_on=date(2021, 6, 2))])
    db.session.commit()
    figures = compute_figures(plan, [readers, rules], date(2021, 7, 15), trend=True)
    assert [(day.isoformat(), value) for day, value in figures[readers.id].trend] == [
        ("2021-01-31", None), ("2021-02-28", None), ("2021-03-31", 800.0),
        ("2021-04-30", 900.0), ("2021-05-31", 900.0), ("2021-06-30", 1000.0),
        ("2021-07-15", 1000.0)]
    assert [value for _day, value in figures[rules.id].trend] == [0, 0, 0, 0, 1, 0, 0]


def test_milestone_done_or_not(ctx):
    plan, action = make_plan()
    rules = make_indicator(action, "milestone", target=1, text="Arbeidsreglement is opgemaakt")
    fig = compute_figures(plan, [rules], date(2021, 6, 30))[rules.id]
    assert (fig.actual, fig.status) == (0, "on_track")
    assert compute_figures(plan, [rules], date(2022, 1, 5))[rules.id].status == "behind"
    db.session.add(ManualValue(indicator=rules, value=1, recorded_on=date(2021, 10, 1)))
    db.session.commit()
    assert compute_figures(plan, [rules], date(2021, 12, 31))[rules.id].status == "achieved"
    assert compute_figures(plan, [rules], date(2021, 9, 30))[rules.id].actual == 0


def test_unconfirmed_or_unmeasured_indicators_have_no_data(world):
    plan, action = world
    proposed = make_indicator(action, "events_held", target=3, status="proposed")
    bare = make_indicator(action, None, target=None, status="proposed")
    figures = compute_figures(plan, [proposed, bare], date(2021, 12, 31))
    assert figures[proposed.id].status == figures[bare.id].status == "no_data"
    assert figures[proposed.id].actual is None


def test_own_period_overrides_the_plans(world):
    plan, action = world
    spring = make_indicator(action, "events_held", target=1, params=BORRELS,
                            starts_on=date(2021, 1, 1), ends_on=date(2021, 3, 31))
    assert compute_figures(plan, [spring], date(2021, 12, 31))[spring.id].actual == 1


@pytest.mark.parametrize(("actual", "status"), [(10, "achieved"), (12, "achieved"),
                                               (6, "on_track"), (4, "behind"), (None, "no_data")])
def test_status_against_linear_pace(ctx, actual, status):
    plan, action = make_plan()
    indicator = make_indicator(action, "events_held", target=10)
    w = measures.window_for(indicator, plan, date(2021, 7, 2))  # day 183 of 365
    _percent, expected, got = judge(indicator, actual, w)
    assert got == status
    assert expected == (None if actual is None else 5.0)


def test_membership_rule_is_the_shared_one(ctx):
    # the growth measure counts with Membership.active_on: a membership ending today still runs
    plan, action = make_plan()
    make_organization("Tot vandaag", member_since=date(2020, 1, 1), member_until=date(2021, 5, 1))
    count = make_indicator(action, "member_count", target=1)
    assert compute_figures(plan, [count], date(2021, 5, 1))[count.id].actual == 1
    assert compute_figures(plan, [count], date(2021, 5, 2))[count.id].actual == 0
    assert Membership.active_on  # the predicate the measure reuses


def test_vacancies_published_in_the_period_and_still_published(ctx):
    from tests.factories import make_vacancy

    plan, action = make_plan()
    org = make_organization("Bakkerij")
    make_vacancy(org, status="published", published_at=brussels(date(2021, 3, 1), time(10)))
    make_vacancy(org, status="published", published_at=brussels(date(2021, 11, 5), time(10)))
    make_vacancy(org, status="published", published_at=brussels(date(2022, 1, 5), time(10)))
    make_vacancy(org, status="withdrawn", published_at=brussels(date(2021, 5, 1), time(10)))
    make_vacancy(org, status="submitted")
    vacancies = make_indicator(action, "vacancies_published", target=50)
    figures = compute_figures(plan, [vacancies], date(2021, 12, 31))
    assert figures[vacancies.id].actual == 2  # the withdrawn one and the 2022 one do not count
    assert compute_figures(plan, [vacancies], date(2021, 6, 30))[vacancies.id].actual == 1
    _m, rows, total = indicator_records(vacancies, plan, date(2021, 12, 31))
    assert len(rows) == total == 2


def test_share_of_current_members_contacted_personally(ctx):


    plan, action = make_plan()
    a, b = make_organization("A"), make_organization("B")
    c, d = make_organization("C"), make_organization("D")
    gone = make_organization("Weg", member_until=date(2021, 6, 30))
    make_contact(a, kind="visit", contacted_on=date(2021, 3, 1))
    make_contact(a, kind="phone", contacted_on=date(2021, 9, 1))  # A counts once
    make_contact(b, kind="email", contacted_on=date(2021, 4, 1))  # an e-mail is not personal
    make_contact(c, kind="conversation", contacted_on=date(2020, 12, 1))  # before the period
    make_contact(gone, kind="visit", contacted_on=date(2021, 2, 1))  # no longer a member
    make_contact(d, kind="intro", contacted_on=date(2021, 11, 1))
    share = make_indicator(action, "members_contacted_share", target=100)
    fig = compute_figures(plan, [share], date(2021, 12, 31))[share.id]
    assert fig.actual == 50  # A and D of the four current members
    _m, rows, total = indicator_records(share, plan, date(2021, 12, 31))
    assert sorted(r["organization"] for r in rows) == ["A", "D"] and total == 2
    # on 1 October D had not been contacted yet: A of four
    assert compute_figures(plan, [share], date(2021, 10, 1))[share.id].actual == 25


def test_share_of_new_members_with_an_intro(ctx):


    plan, action = make_plan()
    make_organization("Oud", member_since=date(2015, 1, 1))
    first = make_organization("Nieuw 1", member_since=date(2021, 3, 1))
    make_organization("Nieuw 2", member_since=date(2021, 5, 1))
    third = make_organization("Nieuw 3", member_since=date(2021, 10, 1))
    make_contact(first, kind="intro", contacted_on=date(2021, 3, 10))
    make_contact(third, kind="conversation", contacted_on=date(2021, 10, 5))  # no intro
    share = make_indicator(action, "new_members_intro_share", target=100)
    fig = compute_figures(plan, [share], date(2021, 12, 31))[share.id]
    assert (fig.actual, fig.status) == (33.3, "behind")  # 1 of 3
    _m, rows, total = indicator_records(share, plan, date(2021, 12, 31))
    assert [r["organization"] for r in rows] == ["Nieuw 1"] and total == 1


def test_pairings_held_in_the_period_with_the_coops_that_met(ctx):
    from tests.factories import make_pairing

    plan, action = make_plan()  # 2021
    a, b, c = make_organization("Aa"), make_organization("Bb"), make_organization("Cc")
    d, e = make_organization("Dd"), make_organization("Ee")
    make_pairing(a, b, c, status="held", held_on=date(2021, 2, 3))  # a trio
    make_pairing(d, e, status="held", held_on=date(2021, 9, 9))
    make_pairing(a, d, status="held", held_on=date(2022, 1, 10))  # after the period
    make_pairing(b, e, status="accepted")  # not held yet
    make_pairing(c, e, status="cancelled")
    duos = make_indicator(action, "pairings_held", target=5, params={})
    assert compute_figures(plan, [duos], date(2021, 12, 31))[duos.id].actual == 2
    assert compute_figures(plan, [duos], date(2021, 6, 30))[duos.id].actual == 1
    _m, rows, total = indicator_records(duos, plan, date(2021, 12, 31))
    assert total == len(rows) == 2
    assert [sorted(row["organization"].split(", ")) for row in rows] == [
        ["Aa", "Bb", "Cc"], ["Dd", "Ee"]]


def test_trend_counts_registrations_and_attendances_per_month_by_hand(world):
    # E1 in March (3 advance confirmed, 3 attended), E2 in June (2 and 2), nothing else in 2021
    plan, action = world
    registered = make_indicator(action, "registrations", target=10, params=BORRELS)
    came = make_indicator(action, "attendances", target=10, params=BORRELS)
    figures = compute_figures(plan, [registered, came], date(2021, 7, 15), trend=True)
    assert [(day.isoformat(), value) for day, value in figures[registered.id].trend] == [
        ("2021-01-31", 0.0), ("2021-02-28", 0.0), ("2021-03-31", 3.0), ("2021-04-30", 3.0),
        ("2021-05-31", 3.0), ("2021-06-30", 5.0), ("2021-07-15", 5.0)]
    assert [value for _day, value in figures[came.id].trend] == [0, 0, 3, 3, 3, 5, 5]


@pytest.mark.parametrize("measure", ["registrations", "attendances"])
def test_each_page_of_a_drill_down_is_the_same_slice_of_the_whole_list(world, measure):
    # pages of registrations are found by counting per event; every page of 2 must be exactly
    # the whole list cut in twos, across event boundaries (E1 has 3 records, E2 has 2)
    plan, action = world
    indicator = make_indicator(action, measure, target=10, params=BORRELS)
    _m, whole, total = indicator_records(indicator, plan, date(2022, 6, 1))
    assert total == len(whole) == 5
    for offset in range(0, 7):
        _m, page, _total = indicator_records(indicator, plan, date(2022, 6, 1), limit=2,
                                             offset=offset)
        assert page == whole[offset:offset + 2], offset


def test_figures_and_trend_lines_count_the_records_at_the_edges_of_the_window(ctx):
    # plan 2021 measured at 15 March 2021; every event linked to the action:
    # A 31 Dec 2020 23:30 UTC = 1 Jan 2021 00:30 Brussels: counts, in January (2 attended)
    # B 31 Dec 2020 22:30 UTC = 23:30 Brussels, still 2020: does not count (1 attended)
    # C 1 Mar 2021 00:30 Brussels = 28 Feb 23:30 UTC: counts, in March (3 attended)
    # D 15 Mar 2021 20:00 Brussels, over by the end of the day: counts (1 attended, 1 no-show)
    # E 16 Mar 2021, after the measuring date: does not count (1 attended)
    plan, action = make_plan()

    def event(title, starts_at, n_attended, n_no_show=0):
        ev = make_event(title, kind_slug="coopborrel", starts_at=starts_at, minutes=60)
        for _ in range(n_attended):
            make_registration(ev, make_person(), checked_in_at=ev.starts_at)
        for _ in range(n_no_show):
            make_registration(ev, make_person())
        return ev

    link_events(action,
                event("A", datetime(2020, 12, 31, 23, 30, tzinfo=UTC), 2),
                event("B", datetime(2020, 12, 31, 22, 30, tzinfo=UTC), 1),
                event("C", brussels(date(2021, 3, 1), time(0, 30)), 3),
                event("D", brussels(date(2021, 3, 15), time(20)), 1, 1),
                event("E", brussels(date(2021, 3, 16), time(10)), 1))
    held = make_indicator(action, "events_held", target=10)
    came = make_indicator(action, "attendances", target=10)
    registered = make_indicator(action, "registrations", target=10)
    readers = make_indicator(action, "manual", target=10)
    db.session.add_all([ManualValue(indicator=readers, value=4, recorded_on=date(2021, 3, 1)),
                        ManualValue(indicator=readers, value=5, recorded_on=date(2021, 3, 10)),
                        ManualValue(indicator=readers, value=9, recorded_on=date(2021, 3, 16))])
    db.session.commit()
    at = date(2021, 3, 15)
    indicators = [held, came, registered, readers]
    with_trend = compute_figures(plan, indicators, at, trend=True)
    without = compute_figures(plan, indicators, at)
    expected = {held.id: 3, came.id: 6, registered.id: 7, readers.id: 5}
    assert {i: with_trend[i].actual for i in expected} == expected
    assert {i: without[i].actual for i in expected} == expected
    days = ["2021-01-31", "2021-02-28", "2021-03-15"]
    assert [(d.isoformat(), v) for d, v in with_trend[held.id].trend] == list(
        zip(days, [1.0, 1.0, 3.0], strict=True))
    assert [v for _d, v in with_trend[came.id].trend] == [2, 2, 6]
    assert [v for _d, v in with_trend[registered.id].trend] == [2, 2, 7]
    assert [v for _d, v in with_trend[readers.id].trend] == [None, None, 5]


@pytest.mark.parametrize(("measure", "params", "line"), [
    # kinds and cities together, each given twice or in other case: E1 (Antwerpen, March),
    # E2 (Gent, June); E6 is a webinar without a city
    ("events_held", {"kinds": ["coopborrel", "webinar", "coopborrel"],
                     "cities": ["GENT", "gent", "Antwerpen"]}, [0, 0, 1, 1, 1, 2, 2]),
    ("registrations", {"kinds": ["coopborrel", "webinar"], "cities": ["Gent", "Antwerpen"]},
     [0, 0, 3, 3, 3, 5, 5]),
    # cities alone: E1 only
    ("events_held", {"cities": ["antwerpen"]}, [0, 0, 1, 1, 1, 1, 1]),
    # kinds alone: E6 on 1 July, P2 attended (E5 is not linked)
    ("attendances", {"kinds": ["webinar"]}, [0, 0, 0, 0, 0, 0, 1]),
])
def test_trend_lines_keep_the_kinds_and_cities_of_each_indicator(world, measure, params, line):
    plan, action = world
    indicator = make_indicator(action, measure, target=10, params=params)
    # an indicator of the same action without a scope, counted in the same statement
    everything = make_indicator(action, "events_held", target=10)
    at = date(2021, 7, 15)
    with_trend = compute_figures(plan, [indicator, everything], at, trend=True)
    without = compute_figures(plan, [indicator, everything], at)
    assert [value for _day, value in with_trend[indicator.id].trend] == line
    assert with_trend[indicator.id].actual == without[indicator.id].actual == line[-1]
    # E1, E2 and E6 (E4 cancelled, E3 after the date)
    assert [value for _day, value in with_trend[everything.id].trend] == [0, 0, 1, 1, 1, 2, 3]


def test_a_count_without_any_record_is_zero_and_draws_no_line(world):
    # no webinar in Gent at all; one in Brussel held in May without any registration
    plan, action = world
    empty = make_event("E7", kind_slug="webinar", city="Brussel",
                       starts_at=brussels(date(2021, 5, 5), time(18)))
    link_events(action, empty)
    nowhere = make_indicator(action, "registrations", target=10,
                             params={"kinds": ["webinar"], "cities": ["Gent"]})
    nobody = make_indicator(action, "attendances", target=10,
                            params={"kinds": ["webinar"], "cities": ["Brussel"]})
    held = make_indicator(action, "events_held", target=10,
                          params={"kinds": ["webinar"], "cities": ["Brussel"]})
    figures = compute_figures(plan, [nowhere, nobody, held], date(2021, 7, 15), trend=True)
    assert [figures[i.id].actual for i in (nowhere, nobody, held)] == [0, 0, 1]
    assert figures[nowhere.id].trend == figures[nobody.id].trend == []
    assert [value for _day, value in figures[held.id].trend] == [0, 0, 0, 0, 1, 1, 1]


def test_a_plan_without_indicators_has_no_figures(ctx):
    plan, _action = make_plan()
    assert compute_figures(plan, [], date(2021, 7, 15), trend=True) == {}
