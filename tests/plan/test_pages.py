"""The coordinator's plan pages: dashboard, drill-down, confirm, values, exports, snapshots."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time
from pathlib import Path

import sqlalchemy as sa

from coopnet.extensions import db
from coopnet.plan.models import Indicator, ManualValue, Plan, ReportSnapshot
from coopnet.registrations.models import Registration
from coopnet.timezones import brussels
from tests.factories import (
    link_events,
    make_event,
    make_indicator,
    make_organization,
    make_person,
    make_plan,
    make_registration,
)

SOURCE = Path(__file__).resolve().parents[2] / "coopnet/demo/actieplan-2021-2022.txt"


def _borrels(app, people: int = 2):
    with app.app_context():
        plan, action = make_plan()
        org = make_organization("Zonnecoop")
        event = make_event("Coopborrel Gent", kind_slug="coopborrel",
                           starts_at=brussels(date(2021, 9, 16), time(18)), city="Gent")
        link_events(action, event)
        for n in range(people):
            person = make_person(f"Deelnemer{n}", organization=org)
            make_registration(event, person, organization_id=org.id,
                              checked_in_at=event.starts_at if n % 2 == 0 else None)
        held = make_indicator(action, "events_held", target=3, text="3 coopborrels",
                              params={"kinds": ["coopborrel"]})
        came = make_indicator(action, "attendances", target=50, text="50 deelnemers",
                              params={"kinds": ["coopborrel"]})
        return plan.id, held.id, came.id, event.id


def test_dashboard_shows_the_tree_with_figures_and_status(app, client, login):
    plan_id, held, came, _event = _borrels(app, people=4)
    with app.app_context():
        action_id = db.session.get(Indicator, came).action_id
    login(client, "coordinator")
    page = client.get(f"/plan/{plan_id}?at=2021-12-31")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Regionale ontmoeting" in html and "50 deelnemers" in html
    # every indicator and action links to its own page, the indicator's at the date shown
    assert f'<a href="/plan/indicators/{held}?at=2021-12-31">3 coopborrels</a>' in html
    assert f'<a href="/plan/indicators/{came}?at=2021-12-31">50 deelnemers</a>' in html
    assert f'<a class="fw-semibold" href="/plan/indicators/{came}?at=2021-12-31">2</a> / 50' in html
    assert f'<a href="/plan/actions/{action_id}">' in html
    assert "achter" in html  # 2 of 50 with a year gone: behind
    assert "<svg" in html  # the trend


def test_a_finished_plan_shows_its_figures_on_its_last_day(app, client, login):
    plan_id, _held, came, _event = _borrels(app, people=4)  # a plan over 2021
    login(client, "coordinator")
    html = client.get(f"/plan/{plan_id}").get_data(as_text=True)
    assert 'name="at" value="2021-12-31"' in html
    assert f'/plan/indicators/{came}?at=2021-12-31">2</a> / 50' in html
    assert "report.pdf?at=2021-12-31" in html


def test_dashboard_is_for_coordinators_only(app, client, login):
    plan_id, *_ = _borrels(app)
    login(client, "staff")
    assert client.get(f"/plan/{plan_id}").status_code == 403


def test_dashboard_query_count_does_not_grow_with_registrations(app, client, login,
                                                                count_queries):
    plan_id, *_ = _borrels(app, people=2)
    login(client, "coordinator")
    client.get(f"/plan/{plan_id}?at=2021-12-31")  # warm caches
    with count_queries() as small:
        assert client.get(f"/plan/{plan_id}?at=2021-12-31").status_code == 200
    with app.app_context():
        event = db.session.execute(sa.text("SELECT id FROM events")).scalar_one()
        from coopnet.events.models import Event

        ev = db.session.get(Event, event)
        for n in range(40):
            make_registration(ev, make_person(f"Extra{n}"), checked_in_at=ev.starts_at)
    with count_queries() as big:
        assert client.get(f"/plan/{plan_id}?at=2021-12-31").status_code == 200
    assert big.count == small.count
    assert big.count <= 16


def test_drill_down_lists_the_people_counted_and_moves_on_check_in(app, client, login):
    plan_id, _held, came, event_id = _borrels(app, people=4)
    login(client, "coordinator")
    html = client.get(f"/plan/indicators/{came}?at=2021-12-31").get_data(as_text=True)
    assert html.count("Zonnecoop") == 2  # two of the four came
    assert "Deelnemer0" in html and "Deelnemer2" in html and "Deelnemer1" not in html
    assert "walk-ins" in html or "spontane" in html  # the counting rule in words
    assert "4 inschrijvingen, 2 aanwezigheden, 2 niet opgedaagd" in html
    with app.app_context():
        no_show = db.session.execute(sa.select(Registration).where(
            Registration.checked_in_at.is_(None))).scalars().first()
        no_show.checked_in_at = datetime(2021, 9, 16, 16, 30, tzinfo=UTC)
        db.session.commit()
    html = client.get(f"/plan/indicators/{came}?at=2021-12-31").get_data(as_text=True)
    assert html.count("Zonnecoop") == 3


def test_coordinator_edits_and_confirms_a_proposal(app, client, login):
    with app.app_context():
        _plan, action = make_plan()
        proposal = make_indicator(action, "manual", target=None, text="leesbereik 2000",
                                  status="proposed")
        iid = proposal.id
    login(client, "coordinator")
    bad = client.post(f"/plan/indicators/{iid}/edit", data={
        "text": "leesbereik 2000", "target": "", "unit": "lezers", "measure": "manual",
        "confirm": "y"})
    assert bad.status_code == 422
    assert "streefwaarde" in bad.get_data(as_text=True)
    ok = client.post(f"/plan/indicators/{iid}/edit", data={
        "text": "leesbereik nieuwsbrief 2000", "target": "2000", "unit": "lezers",
        "measure": "manual", "confirm": "y"})
    assert ok.status_code == 302
    with app.app_context():
        item = db.session.get(Indicator, iid)
        assert (item.status, int(item.target), item.text) == ("confirmed", 2000,
                                                              "leesbereik nieuwsbrief 2000")


def test_manual_value_is_recorded_with_history(app, client, login):
    with app.app_context():
        plan, action = make_plan()
        iid = make_indicator(action, "manual", target=2000).id
    login(client, "coordinator")
    for value, day in (("1450", "2021-06-30"), ("1720", "2021-12-31")):
        response = client.post(f"/plan/indicators/{iid}/values",
                               data={"value": value, "recorded_on": day, "note": "Mailchimp"})
        assert response.status_code == 302
    refused = client.post(f"/plan/indicators/{iid}/values",
                          data={"value": "veel", "recorded_on": "2021-12-31"})
    assert refused.status_code == 422
    with app.app_context():
        values = db.session.execute(sa.select(ManualValue.value).order_by(
            ManualValue.recorded_on)).scalars().all()
        assert [int(v) for v in values] == [1450, 1720]
    html = client.get(f"/plan/indicators/{iid}?at=2021-12-31").get_data(as_text=True)
    assert "1.720" in html  # Dutch thousands separator and "Mailchimp" in html


def test_exports_carry_the_same_figures(app, client, login):
    plan_id, _held, _came, _event = _borrels(app, people=4)
    login(client, "coordinator")
    csv_text = client.get(f"/plan/{plan_id}/report.csv?at=2021-12-31").get_data(as_text=True)
    lines = [line.split(";") for line in csv_text.splitlines()][1:]
    assert lines[0][3] == "Indicator"
    borrels = next(line for line in lines if line[3] == "3 coopborrels")
    participants = next(line for line in lines if line[3] == "50 deelnemers")
    assert (borrels[7], borrels[10]) == ("1", "achter")
    assert (participants[7], participants[8]) == ("2", "4")
    response = client.get(f"/plan/{plan_id}/report.xlsx?at=2021-12-31")
    assert response.status_code == 200
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][3] == "Indicator"
    assert [r[7] for r in rows[2:]] == [1, 2]
    printable = client.get(f"/plan/{plan_id}/print?at=2021-12-31").get_data(as_text=True)
    assert "50 deelnemers" in printable


def test_snapshot_freezes_figures_and_records(app, client, login):
    plan_id, _held, came, event_id = _borrels(app, people=2)
    login(client, "coordinator")
    response = client.post(f"/plan/{plan_id}/snapshots",
                           data={"at": "2021-12-31", "note": "naar de subsidiegever"})
    assert response.status_code == 302
    with app.app_context():
        snap = db.session.execute(sa.select(ReportSnapshot)).scalar_one()
        frozen = snap.data["indicators"][str(came)]
        assert frozen["actual"] == 1 and len(frozen["records"]) == 1
        # later check-ins do not change the frozen report
        reg = db.session.execute(sa.select(Registration).where(
            Registration.checked_in_at.is_(None))).scalars().first()
        reg.checked_in_at = datetime(2021, 9, 16, 16, 30, tzinfo=UTC)
        db.session.commit()
        snap_id = snap.id
    html = client.get(f"/plan/snapshots/{snap_id}").get_data(as_text=True)
    assert "naar de subsidiegever" in html
    with app.app_context():
        assert db.session.get(ReportSnapshot, snap_id).data["indicators"][str(came)]["actual"] == 1


def test_import_page_previews_then_imports(app, client, login):
    login(client, "coordinator")
    text = SOURCE.read_text(encoding="utf-8")
    preview = client.post("/plan/import", data={"text": text, "preview": "1"})
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "5 strategische doelstellingen, 16 operationele doelstellingen, 44 acties" in html
    assert "Regels die niet geplaatst konden worden: 0" in html
    import re

    rows = re.search(r'name="rows" type="hidden" value="([^"]*)"', html)
    assert rows
    import html as html_lib

    done = client.post("/plan/import", data={
        "rows": html_lib.unescape(rows.group(1)), "name": "Actieplan 21-22",
        "do_import": "1"})
    assert done.status_code == 302
    with app.app_context():
        plan = db.session.execute(sa.select(Plan)).scalar_one()
        assert plan.name == "Actieplan 21-22"
        assert db.session.execute(sa.select(sa.func.count()).select_from(Indicator)).scalar_one() == 87


def test_import_page_shows_unplaced_lines(app, client, login):
    login(client, "coordinator")
    html = client.post("/plan/import", data={
        "text": "losse regel\nSD 1 Doel\n1. Goal\tActie\t2 x stuurgroep\n",
        "preview": "1"}).get_data(as_text=True)
    assert "regel 1" in html and "losse regel" in html


def test_drill_down_names_the_event_kinds_in_words(app, client, login):
    with app.app_context():
        _plan, action = make_plan()
        iid = make_indicator(action, "events_held", target=5,
                             params={"kinds": ["dag-van-de-cooperatie", "coopborrel"]}).id
    login(client, "coordinator")
    html = client.get(f"/plan/indicators/{iid}?at=2021-12-31").get_data(as_text=True)
    assert "Soorten: Dag van de Coöperatie, Coopborrel." in html
    assert "dag-van-de-cooperatie" not in html.split("Hoe er geteld wordt")[1].split("</section>")[0]
