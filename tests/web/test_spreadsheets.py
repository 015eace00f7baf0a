"""Every CSV export in the one dialect (`;`, UTF-8 with BOM, CRLF); no cell runs as a formula."""

import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from coopnet.extensions import db
from coopnet.plan.models import Indicator
from coopnet.web.spreadsheets import csv_bytes, safe_cell, sheet_title
from tests.plan.test_pages import _borrels
from tests.registrations.test_staff_registrations import _event_with_registrations

BOM = b"\xef\xbb\xbf"


@pytest.mark.parametrize(("cell", "written"), [
    ("=1+1", "'=1+1"), ("+32 9 123", "'+32 9 123"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("Zonnecoop", "Zonnecoop"), ("a=b", "a=b"),
    (-5, -5), (None, None),
])
def test_text_that_would_run_as_a_formula_gets_an_apostrophe(cell, written):
    assert safe_cell(cell) == written


def test_the_dialect_is_semicolon_utf8_with_bom_and_crlf():
    body = csv_bytes([["Naam", "Organisatie", "Datum"],
                      ["Zoë", "Coop; Gent", date(2021, 12, 31)],
                      ["An", "=HYPERLINK(\"x\")", datetime(2021, 9, 16, 18, 30)]])
    assert body == BOM + ('Naam;Organisatie;Datum\r\n'
                          'Zoë;"Coop; Gent";2021-12-31\r\n'
                          'An;"\'=HYPERLINK(""x"")";2021-09-16 18:30\r\n').encode()


def test_sheet_titles_are_valid_and_unique():
    assert sheet_title("Wie: [nieuw]?") == "Wie nieuw"
    assert len(sheet_title("x" * 40)) == 31
    assert sheet_title("Leden", ["Leden", "Leden 2"]) == "Leden 3"


def _assert_one_dialect(body: bytes) -> list[list[str]]:
    assert body.startswith(BOM)
    text = body.decode("utf-8")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    return list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=";"))


def test_the_registrations_export(app, client, login):
    event_id = _event_with_registrations(app)
    login(client, "staff")
    response = client.get(f"/staff/events/{event_id}/registrations.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = _assert_one_dialect(response.get_data())
    assert rows[0][:3] == ["Status", "Voornaam", "Achternaam"]
    assert rows[2][4] == "'=HYPERLINK(\"http://evil\")"


def _plan_with_a_formula(app):
    plan_id, held, _came, _event = _borrels(app)
    with app.app_context():
        db.session.get(Indicator, held).text = "=WEBSERVICE(\"http://evil\")"
        db.session.commit()
    return plan_id, held


def test_the_plan_report_exports(app, client, login):
    plan_id, _held = _plan_with_a_formula(app)
    login(client, "coordinator")
    rows = _assert_one_dialect(client.get(f"/plan/{plan_id}/report.csv?at=2021-12-31").data)
    assert rows[1][3] == "Indicator"
    assert "'=WEBSERVICE(\"http://evil\")" in [row[3] for row in rows[2:]]
    book = load_workbook(io.BytesIO(client.get(f"/plan/{plan_id}/report.xlsx?at=2021-12-31").data))
    cells = [cell for row in book.active.iter_rows() for cell in row]
    assert "'=WEBSERVICE(\"http://evil\")" in [cell.value for cell in cells]
    assert all(cell.data_type != "f" for cell in cells)


def test_the_drill_down_exports(app, client, login):
    _plan_id, held = _plan_with_a_formula(app)
    login(client, "coordinator")
    rows = _assert_one_dialect(client.get(f"/plan/indicators/{held}/records.csv").data)
    assert rows[1] == ["'=WEBSERVICE(\"http://evil\")"]
    book = load_workbook(io.BytesIO(client.get(f"/plan/indicators/{held}/records.xlsx").data))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
