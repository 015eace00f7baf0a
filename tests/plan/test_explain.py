"""Every figure is explained by its drill-down alone: counts list exactly their records, shares
show numerator, denominator and what is missing, growth shows baseline, today, joined and left.
Expected values written by hand on small hand-built data sets."""

from __future__ import annotations

import csv
import io
from datetime import date

import sqlalchemy as sa
from openpyxl import load_workbook

from coopnet.auth.tokens import create_api_token
from coopnet.demo.services import load_demo
from coopnet.extensions import db
from coopnet.plan.export import drilldown_csv, drilldown_xlsx
from coopnet.plan.measures import COUNT, MEASURES, window_for
from coopnet.plan.models import Action, Indicator, Plan
from coopnet.plan.queries import compute_figures, explain_indicator
from tests.factories import make_contact, make_indicator, make_organization, make_plan, make_user

END = date(2021, 12, 31)


def _contacted_share():
    """Plan 2021; four member co-ops: A visited, B only e-mailed, C called, D last spoken to
    before the period. Counted: A and C; missing: B and D."""
    plan, action = make_plan()
    a, b = make_organization("A"), make_organization("B")
    c, d = make_organization("C"), make_organization("D")
    make_contact(a, kind="visit", contacted_on=date(2021, 3, 1))
    make_contact(b, kind="email", contacted_on=date(2021, 4, 1))  # an e-mail does not count
    make_contact(c, kind="phone", contacted_on=date(2021, 9, 1))
    make_contact(d, kind="conversation", contacted_on=date(2020, 12, 1))  # before the period
    share = make_indicator(action, "members_contacted_share", target=100)
    return plan, share, {o.name: o.id for o in (a, b, c, d)}


def _growth():
    """Baseline 31 Dec 2020: Oud 1, Oud 2 and Stopt (ending ON the baseline day) = 3 members;
    on 31 Dec 2021: Oud 1, Oud 2, Nieuw maart, Nieuw oktober = 4. Joined 2, left 1."""
    plan, action = make_plan()
    make_organization("Oud 1", member_since=date(2015, 1, 1))
    make_organization("Oud 2", member_since=date(2018, 1, 1))
    make_organization("Stopt", member_since=date(2016, 1, 1), member_until=date(2020, 12, 31))
    make_organization("Nieuw maart", member_since=date(2021, 3, 1))
    make_organization("Nieuw oktober", member_since=date(2021, 10, 1))
    make_organization("Te laat", member_since=date(2022, 2, 1))
    make_organization("Geen lid", member_since=None)
    growth = make_indicator(action, "member_growth", target=10,
                            params={"baseline": "2020-12-31"})
    return plan, growth


def test_share_shows_numerator_denominator_and_who_is_missing(ctx):
    plan, share, ids = _contacted_share()
    assert compute_figures(plan, [share], END)[share.id].actual == 50  # 2 of 4
    explained = explain_indicator(share, plan, END)
    assert explained.parts == {"numerator": 2, "denominator": 4}
    assert [r["organization"] for r in explained.rows] == ["A", "C"] and explained.total == 2
    assert [(r["organization"], r["organization_id"], r["last_contact_on"])
            for r in explained.listings["missing"]] == [
        ("B", ids["B"], date(2021, 4, 1)), ("D", ids["D"], date(2020, 12, 1))]


def test_new_members_share_lists_the_new_members_without_an_intro(ctx):
    plan, action = make_plan()
    make_organization("Oud", member_since=date(2015, 1, 1))
    first = make_organization("Nieuw 1", member_since=date(2021, 3, 1))
    make_organization("Nieuw 2", member_since=date(2021, 5, 1))
    third = make_organization("Nieuw 3", member_since=date(2021, 10, 1))
    make_contact(first, kind="intro", contacted_on=date(2021, 3, 10))
    make_contact(third, kind="conversation", contacted_on=date(2021, 10, 5))
    share = make_indicator(action, "new_members_intro_share", target=100)
    assert compute_figures(plan, [share], END)[share.id].actual == 33.3  # 1 of 3 (the report's)
    explained = explain_indicator(share, plan, END)
    assert explained.parts == {"numerator": 1, "denominator": 3}
    assert [(r["organization"], r["last_contact_on"]) for r in explained.listings["missing"]] == [
        ("Nieuw 2", None), ("Nieuw 3", date(2021, 10, 5))]


def test_growth_shows_baseline_today_joined_and_left(ctx):
    plan, growth = _growth()
    assert compute_figures(plan, [growth], END)[growth.id].actual == 33.3  # 3 -> 4
    explained = explain_indicator(growth, plan, END)
    assert explained.parts == {"baseline_on": date(2020, 12, 31), "baseline": 3,
                               "measured_on": END, "now": 4}
    assert explained.total == 4
    assert [(r["organization"], r["membership_on"]) for r in explained.listings["joined"]] == [
        ("Nieuw maart", date(2021, 3, 1)), ("Nieuw oktober", date(2021, 10, 1))]
    assert [(r["organization"], r["membership_on"]) for r in explained.listings["left"]] == [
        ("Stopt", date(2020, 12, 31))]


def _csv_sections(body: bytes) -> dict[str, list[list[str]]]:
    text = body.decode("utf-8")
    sections: dict[str, list[list[str]]] = {}
    current: list[list[str]] = []
    for row in csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"):
        if row and row[0].startswith("# "):
            current = sections.setdefault(row[0][2:], [])
        elif row:
            current.append(row)
    return sections


def test_share_export_has_the_figure_the_records_and_the_missing(ctx):
    plan, share, _ids = _contacted_share()
    fig, explained = compute_figures(plan, [share], END)[share.id], explain_indicator(
        share, plan, END)
    kind = MEASURES["members_contacted_share"]
    missing_title = str(kind.listings[0].title)
    sections = _csv_sections(drilldown_csv(share, fig, explained))
    assert list(sections) == [list(sections)[0], str(kind.records_title), missing_title]
    summary = {row[0]: row[1:] for row in next(iter(sections.values()))}
    assert summary[str(kind.parts[0].label)] == ["2"] and summary[str(kind.parts[1].label)] == ["4"]
    assert [row[0] for row in sections[str(kind.records_title)][1:]] == ["A", "C"]
    assert [row[0::2] for row in sections[missing_title][1:]] == [
        ["B", "2021-04-01"], ["D", "2020-12-01"]]
    book = load_workbook(io.BytesIO(drilldown_xlsx(share, fig, explained)))
    assert len(book.sheetnames) == 3
    missing = [[c.value for c in row] for row in book.worksheets[2].iter_rows(min_row=2)]
    assert [(row[0], row[2].date()) for row in missing] == [
        ("B", date(2021, 4, 1)), ("D", date(2020, 12, 1))]


def test_growth_export_has_joined_and_left(ctx):
    plan, growth = _growth()
    fig, explained = compute_figures(plan, [growth], END)[growth.id], explain_indicator(
        growth, plan, END)
    kind = MEASURES["member_growth"]
    joined, left = (str(listing.title) for listing in kind.listings)
    sections = _csv_sections(drilldown_csv(growth, fig, explained))
    assert [row[0] for row in sections[joined][1:]] == ["Nieuw maart", "Nieuw oktober"]
    assert [row[0] for row in sections[left][1:]] == ["Stopt"]
    summary = {row[0]: row[1:] for row in next(iter(sections.values()))}
    assert summary[str(kind.parts[0].label)] == ["2020-12-31"]
    assert summary[str(kind.parts[1].label)] == ["3"] and summary[str(kind.parts[3].label)] == ["4"]
    book = load_workbook(io.BytesIO(drilldown_xlsx(growth, fig, explained)))
    assert len(book.sheetnames) == 4  # indicator, members on the date, joined, left
    assert [row[0].value for row in book.worksheets[3].iter_rows(min_row=2)] == ["Stopt"]


def test_drilldown_page_and_downloads_explain_a_share(app, client, login):
    with app.app_context():
        _plan, share, ids = _contacted_share()
        share_id = share.id
    login(client, "coordinator")
    html = client.get(f"/plan/indicators/{share_id}?at=2021-12-31").get_data(as_text=True)
    assert 'data-part="numerator">2<' in html and 'data-part="denominator">4<' in html
    assert f'href="/staff/members/{ids["D"]}"' in html  # log a contact on the co-op's page
    for suffix in ("csv", "xlsx"):
        response = client.get(f"/plan/indicators/{share_id}/records.{suffix}?at=2021-12-31")
        assert response.status_code == 200 and response.data


def test_api_records_carry_parts_and_lists(ctx, client):
    plan, growth = _growth()
    token = create_api_token(make_user("coordinator"))
    db.session.commit()
    body = client.get(f"/api/v1/indicators/{growth.id}/records?at=2021-12-31",
                      headers={"Authorization": f"Bearer {token}"}).get_json()
    assert body["judged"] == "growth" and body["total"] == 4
    assert body["parts"] == {"baseline_on": "2020-12-31", "baseline": 3,
                             "measured_on": "2021-12-31", "now": 4}
    assert [r["organization"] for r in body["lists"]["joined"]] == ["Nieuw maart",
                                                                   "Nieuw oktober"]
    assert [r["organization"] for r in body["lists"]["left"]] == ["Stopt"]


def test_every_count_on_the_demo_plan_drills_down_to_exactly_its_records(ctx):
    load_demo(today=date(2026, 11, 28))
    db.session.commit()
    # the 2021-2022 plan at its end, and the plan in progress on the load date
    for starts_on, at in ((date(2021, 1, 1), date(2022, 4, 30)),
                          (date(2026, 1, 1), date(2026, 11, 28))):
        plan = db.session.execute(sa.select(Plan).where(Plan.starts_on == starts_on)).scalar_one()
        counts = [i for i in db.session.execute(
                      sa.select(Indicator).join(Action).where(Action.goal.has(plan_id=plan.id)))
                  .scalars()
                  if MEASURES.get(i.measure or "") and MEASURES[i.measure or ""].judged == COUNT]
        assert len({i.measure for i in counts}) >= 4
        figures = compute_figures(plan, counts, at)
        for indicator in counts:
            explained = explain_indicator(indicator, plan, at)
            assert len(explained.rows) == explained.total == figures[indicator.id].actual, (
                indicator.text)


def test_every_kind_declares_columns_its_records_have(ctx):
    """The kind is the one place a measure is described: its columns, parts and lists match
    what its function selects (a new kind with a missing column fails here)."""
    plan, action = make_plan()
    for key, kind in MEASURES.items():
        indicator = make_indicator(action, key, target=1)
        measured = kind.compute(indicator, window_for(indicator, plan, END))
        selected = set(measured.records.selected_columns.keys())
        assert {c.key for c in kind.columns} <= selected, key
        assert {c.link[1] for c in kind.columns if c.link} <= selected, key
        assert set(measured.parts) == {p.key for p in kind.parts}, key
        assert set(measured.listings) == {li.key for li in kind.listings}, key
        for listing in kind.listings:
            columns = set(measured.listings[listing.key].selected_columns.keys())
            assert {c.key for c in listing.columns} <= columns, (key, listing.key)


def test_a_snapshot_freezes_what_explains_a_share(ctx):
    from coopnet.plan.services import take_snapshot

    plan, share, _ids = _contacted_share()
    frozen = take_snapshot(plan, at=END, actor=None).data["indicators"][str(share.id)]
    assert frozen["actual"] == 50 and frozen["parts"] == {"numerator": 2, "denominator": 4}
    assert [(r["organization"], r["last_contact_on"]) for r in frozen["lists"]["missing"]] == [
        ("B", "2021-04-01"), ("D", "2020-12-01")]
