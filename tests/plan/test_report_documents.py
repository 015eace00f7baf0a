"""The funder's report as DOCX and PDF: opened with python-docx and pypdf, the figures in them
are the ones worked out by hand below (and the dashboard's)."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import UTC, date, datetime, time

import pytest
import sqlalchemy as sa
from docx import Document
from pypdf import PdfReader

from coopnet.audit.models import AuditEntry
from coopnet.errors import Invalid, NotFound
from coopnet.events.models import Event
from coopnet.extensions import db
from coopnet.plan.models import Action, Goal, ManualValue, Plan, ReportComment, ReportSnapshot
from coopnet.plan.services import save_report_comment, take_snapshot
from coopnet.timezones import brussels
from tests.factories import (
    link_events,
    make_event,
    make_indicator,
    make_person,
    make_plan,
    make_registration,
)

AT = "2021-12-31"
RULE_EVENTS = "Activiteiten gekoppeld aan deze actie die in de periode plaatsvonden"


def _plan(app) -> dict[str, int]:
    """Testplan 2021 (1 Jan - 31 Dec 2021), worked out by hand as of 31 December 2021:

    SD 1 · Strategische doelstelling / 1. Operationele doelstelling / Regionale ontmoeting
      "4 coopborrels": 2 borrels held (Gent in March, Aalst in September) of 4 = 50 %, behind
      "5 deelnemers": 3 checked in (2 in Gent, 1 in Aalst; one more registered but did not
        come) of 5 = 60 %, behind
    SD 2 · Zichtbaarheid / Nieuwsbrief
      "1500 lezers": 1800 entered by hand on 30 June of 1500 = 120 %, achieved
    """
    with app.app_context():
        plan, action = make_plan()
        sd2 = Goal(plan_id=plan.id, level=1, number="2", title="Zichtbaarheid", position=3)
        letter = Action(goal=sd2, title="Nieuwsbrief", position=1)
        db.session.add_all([sd2, letter])
        db.session.commit()
        gent = make_event("Coopborrel Gent", kind_slug="coopborrel", city="Gent",
                          starts_at=brussels(date(2021, 3, 18), time(18)))
        aalst = make_event("Coopborrel Aalst", kind_slug="coopborrel", city="Aalst",
                           starts_at=brussels(date(2021, 9, 16), time(18)))
        link_events(action, gent, aalst)
        for event, came, absent in ((gent, 2, 0), (aalst, 1, 1)):
            for n in range(came + absent):
                make_registration(event, make_person(f"Gast{n}"),
                                  checked_in_at=event.starts_at if n < came else None)
        borrels = make_indicator(action, "events_held", target=4, text="4 coopborrels",
                                 params={"kinds": ["coopborrel"]})
        make_indicator(action, "attendances", target=5, text="5 deelnemers",
                       params={"kinds": ["coopborrel"]})
        readers = make_indicator(letter, "manual", target=1500, text="1500 lezers")
        db.session.add(ManualValue(indicator=readers, value=1800, recorded_on=date(2021, 6, 30)))
        db.session.commit()
        return {"plan": plan.id, "action": action.id, "letter": letter.id,
                "borrels": borrels.id, "gent": gent.id}


def _docx_text(body: bytes) -> tuple[str, list[list[str]]]:
    """Every paragraph's text, and every table row as its cells' texts."""
    document = Document(io.BytesIO(body))
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    return "\n".join(p.text for p in document.paragraphs), rows


def _pdf_text(body: bytes) -> str:
    """The text of every page, its runs of white space (line ends, cell borders) as one space."""
    reader = PdfReader(io.BytesIO(body))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _row(rows: list[list[str]], indicator: str) -> list[str]:
    found = [row for row in rows if row[0] == indicator]
    assert len(found) == 1, f"{indicator!r} in {rows!r}"
    return found[0]


def _download(client, url: str, kind: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == {
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "pdf": "application/pdf"}[kind]
    assert "attachment" in response.headers["Content-Disposition"]
    return response.data


def test_the_word_report_holds_the_figures_worked_out_by_hand(app, client, login):
    ids = _plan(app)
    login(client, "coordinator")
    text, rows = _docx_text(_download(client, f"/plan/{ids['plan']}/report.docx?at={AT}", "docx"))

    assert "Testplan 2021" in text and "Voortgangsrapport" in text
    assert "Periode: 1 januari 2021 – 31 december 2021" in text
    assert "Cijfers op: 31 december 2021" in text
    assert "SD 1 · Strategische doelstelling" in text and "SD 2 · Zichtbaarheid" in text
    assert "1. Operationele doelstelling" in text
    assert "Regionale ontmoeting" in text and "Nieuwsbrief" in text
    assert rows[0][:5] == ["Indicator", "Streefwaarde", "Behaald", "%", "Status"]
    borrels = _row(rows, "4 coopborrels")
    assert borrels[1:5] == ["4", "2", "50 %", "achter"]
    assert borrels[5].startswith(RULE_EVENTS) and "Soorten: Coopborrel." in borrels[5]
    assert _row(rows, "5 deelnemers")[1:5] == ["5", "3", "60 %", "achter"]
    assert _row(rows, "1500 lezers")[1:5] == ["1.500", "1.800", "120 %", "behaald"]
    # room for a comment under every action, to be filled in in the word processor
    assert text.count("Toelichting") == 2
    assert [row for row in rows if row == ["(in te vullen)\n"]] or \
        sum(1 for row in rows if row[0].startswith("(in te vullen)")) == 2


def test_the_word_report_is_a4_and_its_tables_fit_the_page(app, client, login):
    ids = _plan(app)
    login(client, "coordinator")
    document = Document(io.BytesIO(_download(
        client, f"/plan/{ids['plan']}/report.docx?at={AT}", "docx")))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    text_width = section.page_width - section.left_margin - section.right_margin
    for table in document.tables:
        assert sum(cell.width for cell in table.rows[0].cells) <= text_width
    assert len(document.inline_shapes) == 2  # a chart per strategic goal
    assert all(shape.width <= text_width for shape in document.inline_shapes)


def test_the_pdf_report_holds_the_same_figures(app, client, login):
    ids = _plan(app)
    login(client, "coordinator")
    body = _download(client, f"/plan/{ids['plan']}/report.pdf?at={AT}", "pdf")
    reader = PdfReader(io.BytesIO(body))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (
        210, 297)
    text = _pdf_text(body)
    assert "Testplan 2021" in text and "Voortgangsrapport" in text
    assert "Periode: 1 januari 2021 – 31 december 2021" in text
    assert "Cijfers op: 31 december 2021" in text
    assert "SD 1 · Strategische doelstelling" in text and "SD 2 · Zichtbaarheid" in text
    # a table row reads: indicator, target, figure, percent, status, counting rule
    assert f"4 coopborrels 4 2 50 % achter {RULE_EVENTS}" in text, text
    assert "5 deelnemers 5 3 60 % achter Personen die die activiteiten bijwoonden" in text, text
    assert "1500 lezers 1.500 1.800 120 % behaald" in text, text
    # the chart per strategic goal names each indicator with its share of the target
    assert "50 % · achter" in text and "120 % · behaald" in text
    assert text.count("Toelichting") == 2


def test_a_frozen_report_keeps_its_figures_and_carries_the_comment(app, client, login):
    ids = _plan(app)
    login(client, "coordinator")
    response = client.post(f"/plan/{ids['plan']}/snapshots", data={"at": AT, "note": "Aan VLAIO"})
    snapshot_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = client.get(f"/plan/snapshots/{snapshot_id}").get_data(as_text=True)
    assert f"/plan/snapshots/{snapshot_id}/report.docx" in page
    assert f"/plan/snapshots/{snapshot_id}/report.pdf" in page
    saved = client.post(f"/plan/snapshots/{snapshot_id}/comments/{ids['action']}",
                        data={f"comment-{ids['action']}-text":
                              "Twee borrels schuiven naar het voorjaar.\r\nZaal in Genk vastgelegd."})
    assert saved.status_code == 302
    page = client.get(f"/plan/snapshots/{snapshot_id}").get_data(as_text=True)
    assert "Twee borrels schuiven naar het voorjaar." in page

    # a third borrel, held and linked after the freeze: the live report moves, the frozen not
    with app.app_context():
        genk = make_event("Coopborrel Genk", kind_slug="coopborrel", city="Genk",
                          starts_at=brussels(date(2021, 11, 18), time(18)))
        link_events(db.session.get(Action, ids["action"]), genk)
        make_registration(genk, make_person("Laat"), checked_in_at=genk.starts_at)
    _text, live = _docx_text(_download(client, f"/plan/{ids['plan']}/report.docx?at={AT}", "docx"))
    assert _row(live, "4 coopborrels")[1:5] == ["4", "3", "75 %", "achter"]

    text, rows = _docx_text(_download(client, f"/plan/snapshots/{snapshot_id}/report.docx",
                                      "docx"))
    assert _row(rows, "4 coopborrels")[1:5] == ["4", "2", "50 %", "achter"]
    assert _row(rows, "5 deelnemers")[1:5] == ["5", "3", "60 %", "achter"]
    assert "Cijfers op: 31 december 2021" in text and "Opmerking: Aan VLAIO" in text
    assert ["Twee borrels schuiven naar het voorjaar.\nZaal in Genk vastgelegd."] in rows
    assert text.count("Toelichting") == 2

    pdf = _pdf_text(_download(client, f"/plan/snapshots/{snapshot_id}/report.pdf", "pdf"))
    assert f"4 coopborrels 4 2 50 % achter {RULE_EVENTS}" in pdf
    assert "Twee borrels schuiven naar het voorjaar." in pdf
    assert "Zaal in Genk vastgelegd." in pdf


@pytest.mark.parametrize("role, status", [(None, 302), ("member", 403), ("staff", 403)])
def test_only_the_coordinator_gets_the_documents(app, client, login, role, status):
    ids = _plan(app)
    with app.app_context():
        plan = db.session.get(Plan, ids["plan"])
        snapshot_id = take_snapshot(plan, at=date(2021, 12, 31), actor=None).id
        db.session.commit()
    if role:
        login(client, role)
    for url in (f"/plan/{ids['plan']}/report.docx", f"/plan/{ids['plan']}/report.pdf",
                f"/plan/snapshots/{snapshot_id}/report.docx",
                f"/plan/snapshots/{snapshot_id}/report.pdf"):
        assert client.get(url).status_code == status, url
    answer = client.post(f"/plan/snapshots/{snapshot_id}/comments/{ids['action']}",
                         data={f"comment-{ids['action']}-text": "Niet van mij"})
    assert answer.status_code == status
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count(ReportComment.id))).scalar_one() == 0


def _snapshot(app, ids):
    with app.app_context():
        plan = db.session.get(Plan, ids["plan"])
        snapshot = take_snapshot(plan, at=date(2021, 12, 31), actor=None)
        db.session.commit()
        return snapshot.id


def test_saving_a_comment_keeps_one_per_action_audits_and_an_empty_one_removes_it(app):
    ids = _plan(app)
    snapshot_id = _snapshot(app, ids)
    now = datetime(2022, 1, 5, 9, 0, tzinfo=UTC)
    with app.app_context():
        snapshot = db.session.get(ReportSnapshot, snapshot_id)
        action = db.session.get(Action, ids["action"])
        save_report_comment(snapshot, action, "  Eerste\x00 versie  ", actor=None, now=now)
        save_report_comment(snapshot, action, "Tweede versie", actor=None, now=now)
        db.session.commit()
        assert db.session.execute(sa.select(ReportComment.text)).scalars().all() == [
            "Tweede versie"]
        save_report_comment(snapshot, action, " \n ", actor=None, now=now)
        db.session.commit()
        assert db.session.execute(sa.select(ReportComment)).scalars().all() == []
        actions = db.session.execute(sa.select(AuditEntry.action).where(
            AuditEntry.action.like("plan.report_comment%")).order_by(AuditEntry.id)).scalars()
        assert list(actions) == ["plan.report_comment_saved", "plan.report_comment_saved",
                                 "plan.report_comment_removed"]


def test_a_comment_is_refused_when_too_long_or_on_another_plans_action(app):
    ids = _plan(app)
    snapshot_id = _snapshot(app, ids)
    with app.app_context():
        snapshot = db.session.get(ReportSnapshot, snapshot_id)
        action = db.session.get(Action, ids["action"])
        with pytest.raises(Invalid) as error:
            save_report_comment(snapshot, action, "x" * 4001, actor=None)
        assert "text" in error.value.fields
        save_report_comment(snapshot, action, "x" * 4000, actor=None)  # the limit itself is fine
        _other, foreign = make_plan("Ander plan")
        with pytest.raises(NotFound) as error:
            save_report_comment(snapshot, foreign, "Verkeerd plan", actor=None)
        assert error.value.code == "action_not_in_plan"


def test_the_comment_form_refuses_a_too_long_text_and_keeps_the_old_one(app, client, login):
    ids = _plan(app)
    snapshot_id = _snapshot(app, ids)
    login(client, "coordinator")
    url = f"/plan/snapshots/{snapshot_id}/comments/{ids['action']}"
    field = f"comment-{ids['action']}-text"
    client.post(url, data={field: "Korte toelichting"})
    client.post(url, data={field: "y" * 4001})
    with app.app_context():
        assert db.session.execute(sa.select(ReportComment.text)).scalars().all() == [
            "Korte toelichting"]
    assert client.post(f"/plan/snapshots/{snapshot_id}/comments/999999",
                       data={field: "x"}).status_code == 404


def test_the_dashboard_offers_both_documents_for_its_date(app, client, login):
    ids = _plan(app)
    login(client, "coordinator")
    html = client.get(f"/plan/{ids['plan']}?at={AT}").get_data(as_text=True)
    assert f"/plan/{ids['plan']}/report.docx?at={AT}" in html
    assert f"/plan/{ids['plan']}/report.pdf?at={AT}" in html
    assert "Word (DOCX)" in html


def test_the_documents_show_what_the_dashboard_shows(app, client, login):
    """Same plan, same date: the dashboard's "2 / 4" and "(50%)" are the document's 2, 4, 50 %."""
    ids = _plan(app)
    login(client, "coordinator")
    html = client.get(f"/plan/{ids['plan']}?at={AT}").get_data(as_text=True)
    assert f'/plan/indicators/{ids["borrels"]}?at={AT}">2</a> / 4' in html and "(50%)" in html
    _text, rows = _docx_text(_download(client, f"/plan/{ids['plan']}/report.docx?at={AT}",
                                       "docx"))
    assert _row(rows, "4 coopborrels")[1:4] == ["4", "2", "50 %"]


def test_an_event_cancelled_after_the_freeze_changes_only_the_live_report(app, client, login):
    ids = _plan(app)
    snapshot_id = _snapshot(app, ids)
    with app.app_context():
        db.session.get(Event, ids["gent"]).status = "cancelled"
        db.session.commit()
    login(client, "coordinator")
    _t, live = _docx_text(_download(client, f"/plan/{ids['plan']}/report.docx?at={AT}", "docx"))
    _t, frozen = _docx_text(_download(client, f"/plan/snapshots/{snapshot_id}/report.docx",
                                      "docx"))
    assert _row(live, "4 coopborrels")[1:4] == ["4", "1", "25 %"]
    assert _row(frozen, "4 coopborrels")[1:4] == ["4", "2", "50 %"]


def test_the_documents_are_dutch_even_for_a_coordinator_reading_in_english(app, client, login):
    ids = _plan(app)
    login(client, "coordinator")
    client.set_cookie("coopnet_lang", "en")
    assert "figures as of" in client.get(f"/plan/{ids['plan']}?at={AT}").get_data(as_text=True)
    text, rows = _docx_text(_download(client, f"/plan/{ids['plan']}/report.docx?at={AT}", "docx"))
    assert "Cijfers op: 31 december 2021" in text
    assert _row(rows, "4 coopborrels")[4] == "achter"
    pdf = _pdf_text(_download(client, f"/plan/{ids['plan']}/report.pdf?at={AT}", "pdf"))
    assert "Cijfers op: 31 december 2021" in pdf and "Pagina 1" in pdf


def test_an_indicator_added_after_the_freeze_is_only_in_the_live_report(app, client, login):
    ids = _plan(app)
    snapshot_id = _snapshot(app, ids)
    with app.app_context():
        make_indicator(db.session.get(Action, ids["letter"]), "manual", target=2,
                       text="2 artikels in de pers")
    login(client, "coordinator")
    _t, live = _docx_text(_download(client, f"/plan/{ids['plan']}/report.docx?at={AT}", "docx"))
    _t, frozen = _docx_text(_download(client, f"/plan/snapshots/{snapshot_id}/report.docx",
                                      "docx"))
    assert _row(live, "2 artikels in de pers")[1:5] == ["2", "–", "–", "geen gegevens"]
    assert not [row for row in frozen if row[0] == "2 artikels in de pers"]
    assert _row(frozen, "1500 lezers")[1:5] == ["1.500", "1.800", "120 %", "behaald"]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice (soffice)")
def test_a_word_processor_opens_the_word_report_with_the_same_figures(app, client, login,
                                                                     tmp_path):
    ids = _plan(app)
    login(client, "coordinator")
    source = tmp_path / "rapport.docx"
    source.write_bytes(_download(client, f"/plan/{ids['plan']}/report.docx?at={AT}", "docx"))
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180)
    text = _pdf_text((tmp_path / "rapport.pdf").read_bytes())
    assert "Cijfers op: 31 december 2021" in text
    assert f"4 coopborrels 4 2 50 % achter {RULE_EVENTS}" in text, text
    assert "1500 lezers 1.500 1.800 120 % behaald" in text, text


def test_a_frozen_report_says_when_it_was_frozen_in_brussels_time(app, client, login):
    ids = _plan(app)
    with app.app_context():
        plan = db.session.get(Plan, ids["plan"])
        snapshot_id = take_snapshot(plan, at=date(2021, 12, 31), note="Tussentijds",
                                    actor=None, now=datetime(2022, 1, 5, 9, 0, tzinfo=UTC)).id
        db.session.commit()
    login(client, "coordinator")
    pdf = _pdf_text(_download(client, f"/plan/snapshots/{snapshot_id}/report.pdf", "pdf"))
    # 09:00 UTC is 10:00 in Brussels in January
    assert "Bevroren op: 5 januari 2022, 10:00" in pdf and "Opmerking: Tussentijds" in pdf
    text, _rows = _docx_text(_download(client, f"/plan/snapshots/{snapshot_id}/report.docx",
                                       "docx"))
    assert "Bevroren op: 5 januari 2022, 10:00" in text
