"""Importing the member list: parse, preview, confirm; readable refusals, never a 500."""

import io
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from coopnet.errors import DomainError
from coopnet.extensions import db
from coopnet.members import importer
from coopnet.members.models import MemberImport, Organization, Person
from tests.factories import make_organization, make_person

NOW = datetime(2021, 6, 1, 10, 0, tzinfo=UTC)
HEADER = "naam;ondernemingsnummer;rechtsvorm;sector;provincie;gemeente;lid sinds;lid tot;contactpersoon;e-mail;functie\n"


def _csv(*lines: str, encoding: str = "utf-8") -> bytes:
    return (HEADER + "\n".join(lines) + "\n").encode(encoding)


def _count(model) -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


def test_rows_are_checked_and_refused_with_the_reason(ctx):
    parsed = importer.parse_member_file("leden.csv", _csv(
        "Zonnecoop;BE 0403.123.486;CV;Energie;Limburg;Hasselt;1/3/2021;;An Peeters;an@zonnecoop.test;directeur",
        "Broodcoop;0403.123.487;CV;;;;;;;;",
        ";0123456749;;;;;;;;;",
        "Datumcoop;;;;;;31/02/2021;;;;",
        "Mailcoop;;;;;;;;;geen-adres;",
        "zonnecoop;;;;;;;;;;",
        "Eindcoop;;;;;;2021-05-01;2021-04-01;;;",
    ))
    assert [r["name"] for r in parsed.rows] == ["Zonnecoop"]
    row = parsed.rows[0]
    assert row["enterprise_number"] == "0403123486"
    assert row["member_since"] == "2021-03-01"
    assert row["contact"] == {"first_name": "An", "last_name": "Peeters",
                              "email": "an@zonnecoop.test", "phone": "", "role": "directeur"}
    assert [(r["line"], r["reason"]) for r in parsed.rejected] == [
        (3, "0403.123.487 is geen geldig ondernemingsnummer"),
        (4, "geen naam"),
        (5, "31/02/2021 is geen datum (gebruik 2021-03-01 of 1/3/2021)"),
        (6, "geen-adres is geen e-mailadres"),
        (7, "staat twee keer in het bestand (ook op regel 2)"),
        (8, "het lidmaatschap eindigt voor het begint"),
    ]


def test_windows_1252_csv_with_commas_is_read_with_a_note(ctx):
    data = "naam,gemeente\nCoöperatie Énergie,Liège\n".encode("cp1252")
    parsed = importer.parse_member_file("leden.csv", data)
    assert [(r["name"], r["city"]) for r in parsed.rows] == [("Coöperatie Énergie", "Liège")]
    assert "Windows-1252" in parsed.notes[0]


@pytest.mark.parametrize(("filename", "data", "message"), [
    ("leden.csv", b"", "Het bestand is leeg."),
    ("leden.csv", b"stad;website\nGent;x.be\n", "Geen kolom met de naam"),
    ("leden.xlsx", b"PK\x03\x04 this is no workbook", "Excel-werkmap"),
    ("leden.xls", b"\xd0\xcf\x11\xe0 old excel", ".xls"),
    ("leden.csv", b"\x00\x01\x02naam\x00", "geen tekstbestand"),
])
def test_unreadable_files_get_a_readable_reason(ctx, filename, data, message):
    with pytest.raises(DomainError) as caught:
        importer.parse_member_file(filename, data)
    assert caught.value.code == "unreadable_file"
    assert message in caught.value.message


def test_xlsx_with_numbers_and_dates(ctx):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Naam", "KBO", "Lid sinds", "E-mail"])
    sheet.append(["Zonnecoop", 403123486, datetime(2020, 1, 15), "an@zonnecoop.test"])
    sheet.append([None, None, None, None])
    sheet.append(["Broodcoop", "0403.123.487", None, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    parsed = importer.parse_member_file("leden.xlsx", buffer.getvalue())
    assert [(r["name"], r["enterprise_number"], r["member_since"]) for r in parsed.rows] == [
        ("Zonnecoop", "0403123486", "2020-01-15")]
    assert [r["line"] for r in parsed.rejected] == [4]


def test_too_many_rows_are_cut_with_a_note(ctx):
    lines = [f"Coop {n};;;;;;;;;;" for n in range(importer.MAX_ROWS + 10)]
    parsed = importer.parse_member_file("leden.csv", _csv(*lines))
    assert len(parsed.rows) == importer.MAX_ROWS
    assert any("5000" in note for note in parsed.notes)


def test_plan_matches_by_number_then_by_name_and_writes_nothing(ctx):
    by_number = make_organization("Zonnecoop oude naam", enterprise_number="0403123486")
    by_name = make_organization("Broodcoop", city="Gent")
    make_organization("Andere kbo", enterprise_number="0123456749")
    parsed = importer.parse_member_file("leden.csv", _csv(
        "Zonnecoop;0403123486;;;;;;;;;",
        "BROODCOOP;;;;;Gent;;;;;",
        "Nieuwe coop;;;;;Leuven;2021-02-01;;;;",
        "Andere KBO;0403.123.387;;;;;;;;;",
    ))
    before = _count(Organization)
    plan = importer.plan_import(parsed.rows)
    assert [(p.row["name"], p.action, p.organization.id if p.organization else None, p.changes)
            for p in plan.planned] == [
        ("Zonnecoop", "update", by_number.id, ["name"]),
        ("BROODCOOP", "unchanged", by_name.id, []),
        ("Nieuwe coop", "create", None, []),
    ]
    assert plan.rejected[0]["line"] == 5
    assert "0123.456.749" in plan.rejected[0]["reason"]
    assert _count(Organization) == before


def test_apply_creates_updates_and_is_single_use(ctx):
    org = make_organization("Broodcoop", city="Gent", sector="Voeding",
                            member_since=date(2015, 1, 1))
    make_person("Els", email="els@elders.test", organization=make_organization("Elders"))
    parsed = importer.parse_member_file("leden.csv", _csv(
        "Broodcoop;0403123486;;;;;2015-01-01;2021-03-31;Jan Smet;jan@broodcoop.test;zaakvoerder",
        "Nieuwe coop;;CV;Wonen;Antwerpen;Mechelen;2021-02-01;;Els;els@elders.test;",
    ))
    stored = importer.store_import(parsed, filename="leden.csv", actor=None, now=NOW)
    db.session.commit()
    result = importer.apply_member_import(stored, actor=None, now=NOW)
    db.session.commit()
    assert (result.created, result.updated) == (1, 1)
    assert [s["line"] for s in result.skipped] == [3]  # the contact belongs elsewhere
    db.session.refresh(org)
    assert (org.enterprise_number, org.city, org.sector) == ("0403123486", "Gent", "Voeding")
    assert [(m.starts_on, m.ends_on) for m in org.memberships] == [
        (date(2015, 1, 1), date(2021, 3, 31))]
    jan = db.session.execute(sa.select(Person).where(Person.email == "jan@broodcoop.test")
                             ).scalar_one()
    assert (jan.organization_id, jan.role, jan.full_name) == (org.id, "zaakvoerder", "Jan Smet")
    new = db.session.execute(sa.select(Organization).where(Organization.name == "Nieuwe coop")
                             ).scalar_one()
    assert [(m.starts_on, m.ends_on) for m in new.memberships] == [(date(2021, 2, 1), None)]
    with pytest.raises(DomainError) as caught:
        importer.apply_member_import(stored, actor=None, now=NOW)
    assert caught.value.code == "import_already_applied"


def test_expired_upload_is_refused(ctx):
    parsed = importer.parse_member_file("leden.csv", _csv("Coop;;;;;;;;;;"))
    stored = importer.store_import(parsed, filename="leden.csv", actor=None, now=NOW)
    with pytest.raises(DomainError) as caught:
        importer.apply_member_import(stored, actor=None, now=NOW + timedelta(hours=25))
    assert caught.value.code == "import_expired"


def test_upload_preview_confirm_pages(client, app, login):
    with app.app_context():
        make_organization("Broodcoop", city="Gent")
    login(client)
    data = _csv("Broodcoop;;;;;Brugge;;;;;", "Nieuwe coop;;;;;Leuven;;;;;",
                "Foutcoop;123;;;;;;;;;")
    response = client.post("/staff/members/import", data={
        "file": (io.BytesIO(data), "leden.csv")}, content_type="multipart/form-data")
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    html = client.get(preview_url).get_data(as_text=True)
    assert "Nieuwe coop" in html and "Foutcoop" in html
    assert "123 is geen geldig ondernemingsnummer" in html
    with app.app_context():
        # nothing saved before confirm
        assert _count(Organization) == 1
        assert _count(MemberImport) == 1
    response = client.post(preview_url)
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 nieuw, 1 bijgewerkt" in html
    with app.app_context():
        assert _count(Organization) == 2
    # a second confirm (another tab, a double click) changes nothing
    response = client.post(preview_url)
    assert "al bevestigd" in client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert _count(Organization) == 2


def test_broken_upload_is_an_error_beside_the_field(client, login):
    login(client)
    response = client.post("/staff/members/import", data={
        "file": (io.BytesIO(b"PK\x03\x04garbage"), "leden.xlsx")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Excel-werkmap" in response.get_data(as_text=True)
    response = client.post("/staff/members/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Kies een bestand." in response.get_data(as_text=True)


def test_too_large_upload_is_a_page_not_a_crash(client, app, login):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    login(client)
    response = client.post("/staff/members/import", data={
        "file": (io.BytesIO(b"naam\n" + b"x" * 5000), "leden.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 413
