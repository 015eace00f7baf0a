"""Importing an attendee report: preview first, then the check-in rule for every person."""

import io
import re
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from coopnet.errors import DomainError
from coopnet.events.models import Event
from coopnet.extensions import db
from coopnet.members.models import Person
from coopnet.registrations.attendee_report import parse_attendee_report, select_rows
from coopnet.registrations.checkin import import_attendance
from coopnet.registrations.checkin_queries import event_counts, match_report
from coopnet.registrations.models import CheckInEvent, Registration
from tests.factories import make_event, make_person, make_registration, make_user
from tests.registrations import reports

AFTER = datetime(2022, 2, 11, 9, 0, tzinfo=UTC)


@pytest.fixture
def webinar(app):
    """Lies registered (confirmed), Sofie registered (waiting list), Mohamed registered and
    did not come; Tom did not register."""
    with app.app_context():
        event = make_event("Webinar ICA-principes", starts_at=datetime(2022, 2, 10, 18, 0, tzinfo=UTC),
                           capacity=2)
        lies = make_registration(event, make_person("Lies", "Peeters", email="lies@example.test"))
        sofie = make_registration(event, make_person("Sofie", "Janssens",
                                                     email="Sofie@Samenhuis.test"),
                                  status="waitlisted")
        mo = make_registration(event, make_person("Mohamed", "El Amrani",
                                                  email="mohamed@example.test"))
        return {"id": event.id, "lies": lies.id, "sofie": sofie.id, "mo": mo.id}


def test_preview_matches_by_email_in_any_case(ctx, webinar):
    event = db.session.get(Event, webinar["id"])
    matches = match_report(event, parse_attendee_report(reports.zoom_meeting(), min_minutes=10).rows)
    assert [(m.row.name, m.outcome) for m in matches] == [
        ("Lies Peeters", "check_in"), ("Sofie Janssens", "confirm"), ("Tom Nieuw", "add"),
        ("iPhone van Jef", "add")]
    assert matches[1].registration.id == webinar["sofie"]


def test_import_records_attendance_through_the_check_in_rule(ctx, webinar):
    event = db.session.get(Event, webinar["id"])
    staff = make_user("staff")
    outcome = import_attendance(event, parse_attendee_report(reports.zoom_meeting(), min_minutes=10).rows,
                                actor=staff, now=AFTER)
    db.session.commit()
    assert (outcome.checked_in, outcome.added, outcome.already) == (2, 2, 0)
    attended = db.session.execute(
        sa.select(Registration.source, Registration.status).where(
            Registration.event_id == event.id, Registration.attended)
        .order_by(Registration.id)).all()
    assert attended == [("online", "confirmed"), ("import", "confirmed"), ("import", "confirmed"),
                        ("import", "confirmed")]
    assert db.session.get(Registration, webinar["mo"]).attended is False
    channels = db.session.execute(sa.select(CheckInEvent.channel).distinct()).scalars().all()
    assert channels == ["import"]
    counts = event_counts(event)
    assert (counts.registered, counts.checked_in, counts.waitlisted) == (5, 4, 0)
    # imported people take no seat: Lies and Mohamed still hold the two
    db.session.expire_all()
    assert db.session.get(Event, event.id).seats_taken == 2


def test_importing_the_same_report_twice_changes_nothing_more(ctx, webinar):
    event = db.session.get(Event, webinar["id"])
    staff = make_user("staff")
    rows = parse_attendee_report(reports.teams(), min_minutes=10).rows
    import_attendance(event, rows, actor=staff, now=AFTER)
    db.session.commit()
    before = db.session.execute(sa.select(sa.func.count(Registration.id))).scalar()
    again = import_attendance(event, rows, actor=staff, now=AFTER)
    db.session.commit()
    assert (again.checked_in, again.added, again.already) == (0, 0, 3)
    assert db.session.execute(sa.select(sa.func.count(Registration.id))).scalar() == before


def _upload(client, event_id, data, name="report.csv"):
    return client.post(f"/staff/events/{event_id}/attendance/import",
                       data={"report": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _token(html):
    return re.search(r'name="report" type="hidden" value="([^"]+)"', html).group(1)


def _ticked(html):
    """The rows a browser would send: the checked boxes named `row`."""
    return re.findall(r'<input [^>]*name="row" value="(\d+)"[^>]* checked>', html)


def _checkboxes(html):
    """line -> 'ticked', 'unticked' or 'disabled', for every row's checkbox."""
    found = {}
    for tag in re.findall(r'<input class="form-check-input" type="checkbox"[^>]*>', html):
        line = int(re.search(r'id="row-(\d+)"', tag).group(1))
        found[line] = ("disabled" if " disabled" in tag else
                       "ticked" if " checked" in tag else "unticked")
    return found


def test_upload_shows_a_preview_and_saves_nothing(client, login, webinar, app):
    login(client, "staff")
    page = _upload(client, webinar["id"], reports.zoom_meeting())
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Voorbeeld" in html and "Zoom" in html
    assert "Tom Nieuw" in html and "iPhone van Jef" in html
    assert "Geen geldig e-mailadres: karel@@broken" in html
    assert "Aanwezigheid importeren" in html
    with app.app_context():
        assert db.session.execute(
            sa.select(sa.func.count()).where(Registration.attended)).scalar() == 0


def test_confirm_imports_from_the_signed_preview(client, login, webinar, app):
    login(client, "staff")
    html = _upload(client, webinar["id"], reports.teams(), "Teams attendance.csv").get_data(
        as_text=True)
    response = client.post(f"/staff/events/{webinar['id']}/attendance/import/confirm",
                           data={"report": _token(html), "row": _ticked(html)},
                           follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "Aanwezigheid geïmporteerd: 1 inschrijvingen ingecheckt, 2 personen toegevoegd" in text
    with app.app_context():
        assert event_counts(webinar["id"]).checked_in == 3


@pytest.mark.parametrize("tamper", ["garbage", "flip", "other_event"])
def test_a_changed_or_foreign_preview_is_refused(client, login, webinar, app, tamper):
    login(client, "staff")
    html = _upload(client, webinar["id"], reports.meet()).get_data(as_text=True)
    token = re.search(r'name="report" type="hidden" value="([^"]+)"', html).group(1)
    target = webinar["id"]
    if tamper == "garbage":
        token = "not-a-token"
    elif tamper == "flip":
        token = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    else:
        with app.app_context():
            target = make_event("Ander webinar").id
    response = client.post(f"/staff/events/{target}/attendance/import/confirm",
                           data={"report": token}, follow_redirects=True)
    assert response.status_code == 200
    assert "Het voorbeeld is verlopen of gewijzigd" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(
            sa.select(sa.func.count()).where(Registration.attended)).scalar() == 0


@pytest.mark.parametrize("app_config", [{"COOPNET_MAX_REPORT_BYTES": 4096}])
@pytest.mark.parametrize("data,message", [
    (b"\x00\x01\x02garbage" * 50, "Dit bestand is geen tekstbestand"),
    (b"hello", "Geen kolom met namen of e-mailadressen gevonden"),
    (b"Name,Email\n" + b"An,an@x.test\n" * 400, "Het rapport is te groot (maximaal 4 kB)."),
])
def test_broken_uploads_show_the_reason_beside_the_field(client, login, webinar, data, message):
    login(client, "staff")
    page = _upload(client, webinar["id"], data)
    assert page.status_code == 200
    assert message in page.get_data(as_text=True)


def test_upload_without_a_file_asks_for_one(client, login, webinar):
    login(client, "staff")
    page = client.post(f"/staff/events/{webinar['id']}/attendance/import", data={})
    assert "Kies het CSV-bestand van het deelnemersrapport." in page.get_data(as_text=True)


def test_import_pages_are_for_staff(client, login, webinar):
    login(client, "member")
    assert client.get(f"/staff/events/{webinar['id']}/attendance/import").status_code == 403
    assert client.post(f"/staff/events/{webinar['id']}/attendance/import/confirm",
                       data={"report": "x"}).status_code == 403


def test_registration_list_warns_when_a_past_event_has_no_attendance(client, login, webinar):
    login(client, "staff")
    html = client.get(f"/staff/events/{webinar['id']}/registrations").get_data(as_text=True)
    assert "telt nul deelnemers" in html
    assert f"/staff/events/{webinar['id']}/checkin" in html


@pytest.fixture
def noon_webinar(app):
    """A webinar on 10 February 2022 at 14:00 Brussels time (13:00 UTC); Dina and Gert
    registered, the others in `reports.roles()` did not."""
    with app.app_context():
        event = make_event("Webinar coöperatief ondernemen",
                           starts_at=datetime(2022, 2, 10, 13, 0, tzinfo=UTC))
        dina = make_registration(event, make_person("Dina", "Tien", email="dina@example.test"))
        gert = make_registration(event, make_person("Gert", "Lang", email="gert@example.test"))
        return {"id": event.id, "dina": dina.id, "gert": gert.id}


def test_preview_shows_who_is_left_out_and_why(client, login, noon_webinar):
    login(client, "staff")
    html = _upload(client, noon_webinar["id"], reports.roles()).get_data(as_text=True)
    assert "minder dan 10 minuten aanwezig" in html
    assert "Host: leidt de sessie, geen deelnemer" in html
    assert "Co-host: leidt de sessie, geen deelnemer" in html
    assert ("Wie in totaal minder dan 10 minuten aanwezig was (alle verbindingen samengeteld), "
            "telt ook niet mee.") in html


@pytest.mark.parametrize("app_config", [{"COOPNET_WEBINAR_MIN_MINUTES": 14}])
def test_preview_uses_the_configured_threshold(client, login, noon_webinar):
    login(client, "staff")
    html = _upload(client, noon_webinar["id"], reports.roles()).get_data(as_text=True)
    assert "Wie in totaal minder dan 14 minuten aanwezig was" in html
    assert html.count("minder dan 14 minuten aanwezig</td>") == 3  # Chris, Dina and Eva


def _noon_report():
    return parse_attendee_report(reports.roles(), min_minutes=10, day=date(2022, 2, 10))


def _attendance(event_id):
    return dict(db.session.execute(
        sa.select(Person.email, Registration.checked_in_at).join(Registration.person)
        .where(Registration.event_id == event_id, Registration.attended)).all())


def test_import_stores_the_first_join_as_the_attendance_time_not_the_import_time(ctx,
                                                                                noon_webinar):
    event = db.session.get(Event, noon_webinar["id"])
    staff = make_user("staff")
    outcome = import_attendance(event, _noon_report().rows, actor=staff, now=AFTER)
    db.session.commit()
    assert (outcome.checked_in, outcome.added, outcome.already) == (2, 1, 0)
    # joins at 14:05, 14:03 and 14:01 Brussels winter time; host, co-host and Chris (9 minutes)
    # are not there
    assert _attendance(event.id) == {
        "dina@example.test": datetime(2022, 2, 10, 13, 5, tzinfo=UTC),
        "eva@example.test": datetime(2022, 2, 10, 13, 3, tzinfo=UTC),
        "gert@example.test": datetime(2022, 2, 10, 13, 1, tzinfo=UTC),
    }
    # the history says who recorded it and when: the import, by staff, at the moment of import
    history = db.session.execute(
        sa.select(CheckInEvent.action, CheckInEvent.channel, CheckInEvent.at, CheckInEvent.by_id)
    ).all()
    assert history == [("check_in", "import", AFTER, staff.id)] * 3
    assert db.session.execute(sa.select(sa.func.count(Person.id)).where(
        Person.email.in_(["an@coopkracht.test", "bert@coopkracht.test",
                          "chris@example.test"]))).scalar() == 0


def test_without_a_join_time_the_attendance_time_is_the_event_start(ctx, noon_webinar):
    event = db.session.get(Event, noon_webinar["id"])
    report = parse_attendee_report(reports.EXCEL_NL, min_minutes=10, day=date(2022, 2, 10))
    import_attendance(event, report.rows, actor=make_user("staff"), now=AFTER)
    db.session.commit()
    assert _attendance(event.id) == {
        "berenice@example.test": datetime(2022, 2, 10, 13, 0, tzinfo=UTC)}


def test_import_writes_no_organisation_to_people(ctx, noon_webinar):
    event = db.session.get(Event, noon_webinar["id"])
    known = make_person("Eva", "Twee", email="eva@example.test")  # known, not registered
    import_attendance(event, _noon_report().rows, actor=make_user("staff"), now=AFTER)
    db.session.commit()
    people = db.session.execute(sa.select(Person.email, Person.organization_id).where(
        Person.email.in_(["eva@example.test", "gert@example.test"]))).all()
    assert sorted(people) == [("eva@example.test", None), ("gert@example.test", None)]
    assert db.session.get(Person, known.id).organization_id is None


def test_import_refuses_rows_the_report_leaves_out(ctx, noon_webinar):
    event = db.session.get(Event, noon_webinar["id"])
    report = _noon_report()
    with pytest.raises(DomainError) as refused:
        import_attendance(event, report.rows + report.left_out, actor=make_user("staff"),
                          now=AFTER)
    assert refused.value.code == "left_out_row"
    assert _attendance(event.id) == {}


def test_only_the_selected_rows_are_imported(ctx, noon_webinar):
    event = db.session.get(Event, noon_webinar["id"])
    rows = select_rows(_noon_report(), ["5", "6"])  # Gert (line 7) unticked
    import_attendance(event, rows, actor=make_user("staff"), now=AFTER)
    db.session.commit()
    assert set(_attendance(event.id)) == {"dina@example.test", "eva@example.test"}
    assert db.session.get(Registration, noon_webinar["gert"]).attended is False


def _confirm(client, event_id, html, rows):
    return client.post(f"/staff/events/{event_id}/attendance/import/confirm",
                       data={"report": _token(html), "row": rows})


def test_preview_ticks_who_counts_and_confirm_imports_exactly_the_ticked_rows(
        client, login, noon_webinar, app):
    login(client, "staff")
    html = _upload(client, noon_webinar["id"], reports.roles()).get_data(as_text=True)
    # Dina (line 5), Eva (6) and Gert (7) count and are ticked; the host (2), the co-host (3)
    # and Chris (4, 9 minutes) are left out: a disabled box that sends nothing, and the reason
    assert _checkboxes(html) == {5: "ticked", 6: "ticked", 7: "ticked",
                                 2: "disabled", 3: "disabled", 4: "disabled"}
    assert _ticked(html) == ["5", "7", "6"]  # registered ones first, then the new one
    assert "14:03" in html  # Eva's first join, Brussels time
    response = _confirm(client, noon_webinar["id"], html, ["5", "6"])  # Gert unticked
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Aanwezigheid geïmporteerd: 1 inschrijvingen ingecheckt, 1 personen toegevoegd, " \
        "0 waren al ingecheckt." in page
    with app.app_context():
        assert _attendance(noon_webinar["id"]) == {
            "dina@example.test": datetime(2022, 2, 10, 13, 5, tzinfo=UTC),
            "eva@example.test": datetime(2022, 2, 10, 13, 3, tzinfo=UTC),
        }


@pytest.mark.parametrize("rows,message", [
    (["5", "99"], "“99” is geen persoon uit dit rapport. Er is niets geïmporteerd."),
    (["5", "abc"], "“abc” is geen persoon uit dit rapport. Er is niets geïmporteerd."),
    (["5", "2"], "Regel 2 van het rapport telt niet mee (Host: leidt de sessie, geen "
                 "deelnemer). Er is niets geïmporteerd."),
    ([], "Niemand is aangevinkt: er is niets geïmporteerd."),
])
def test_a_selection_outside_the_report_imports_nothing_and_keeps_the_preview(
        client, login, noon_webinar, app, rows, message):
    login(client, "staff")
    html = _upload(client, noon_webinar["id"], reports.roles()).get_data(as_text=True)
    response = _confirm(client, noon_webinar["id"], html, rows)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    # the same preview, with the same signed report and the ticks as they were sent
    assert _token(page) == _token(html)
    assert _ticked(page) == [r for r in ["5", "7", "6"] if r in rows]
    with app.app_context():
        assert _attendance(noon_webinar["id"]) == {}
