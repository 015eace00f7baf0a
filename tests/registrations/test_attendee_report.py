"""Reading attendee reports of Zoom, Microsoft Teams and Google Meet (hand-written samples)."""

from datetime import UTC, date, datetime

import pytest

from coopnet.errors import DomainError
from coopnet.registrations.attendee_report import (
    parse_attendee_report,
    parse_minutes,
    parse_moment,
    select_rows,
)
from coopnet.web.uploads import decode_text
from tests.registrations import reports

SESSION_DAY = date(2022, 2, 10)


def parse(data, *, min_minutes=10, day=SESSION_DAY):
    return parse_attendee_report(data, min_minutes=min_minutes, day=day)


def people(report):
    return [(row.name, row.email, row.minutes) for row in report.rows]


def left_out(report):
    return [(row.line, row.name, row.left_out, row.reason) for row in report.left_out]


def test_zoom_meeting_report(ctx):
    report = parse(reports.zoom_meeting())
    assert report.platform == "zoom"
    # Lies joined twice (39 + 45 minutes); "Sofie J (Sofie Janssens)" is shown renamed,
    # her original name wins
    assert people(report) == [
        ("Lies Peeters", "lies@example.test", 84),
        ("Sofie Janssens", "sofie@samenhuis.test", 91),
        ("Tom Nieuw", "tom@nieuwecoop.test", 58),
        ("iPhone van Jef", None, 10),
    ]
    # the meeting's own line names the host's e-mail address: the host's row is left out
    assert left_out(report) == [
        (5, "Coopkracht", "organiser", "Host: leidt de sessie, geen deelnemer")]
    assert [(u.line, u.reason) for u in report.unreadable] == [
        (11, "Geen geldig e-mailadres: karel@@broken")]


def test_zoom_webinar_report_leaves_out_hosts_panelists_and_no_shows(ctx):
    report = parse(reports.zoom_webinar())
    assert report.platform == "zoom"
    assert people(report) == [("Lies Peeters", "lies@example.test", 89),
                              ("Tom Nieuw", "tom@nieuwecoop.test", 58)]
    assert left_out(report) == [
        (7, "Coopkracht", "organiser", "Host: leidt de sessie, geen deelnemer"),
        (10, "Prof. Spreker", "organiser", "Panelist: leidt de sessie, geen deelnemer"),
        (15, "Mohamed El Amrani", "not_attended", "volgens het rapport niet aanwezig"),
    ]
    assert report.unreadable == []


def test_teams_report_in_utf16_with_tabs(ctx):
    data = reports.teams()
    assert data.startswith(b"\xff\xfe")
    report = parse(data)
    assert report.platform == "teams"
    # Séverine has only a UPN and appears twice (two sections): her minutes are not doubled
    assert people(report) == [
        ("Lies Peeters", "lies@example.test", 89),
        ("Séverine Dupré", "severine@cooperatie-bxl.test", 55),
        ("Anoniem toestel", None, 10),
    ]
    assert left_out(report) == [
        (11, "Coopkracht Team", "organiser", "Organizer: leidt de sessie, geen deelnemer")]


def test_google_meet_report(ctx):
    report = parse(reports.meet())
    assert report.platform == "meet"
    assert people(report) == [("Lies Peeters", "lies@example.test", 88),
                              ("Tom Nieuw", "tom@nieuwecoop.test", 58),
                              ("Jef", None, 10)]
    # Meet writes bare times: the session's day completes them (19:01 Brussels = 18:01 UTC)
    assert report.rows[0].joined == datetime(2022, 2, 10, 18, 1, tzinfo=UTC)


def test_dutch_excel_export_in_windows_1252_with_semicolons(ctx):
    report = parse(reports.EXCEL_NL)
    assert people(report) == [("Bérénice Coöp", "berenice@example.test", 45)]
    assert report.rows[0].joined is None


def test_hosts_co_hosts_and_short_connections_are_left_out_with_the_reason(ctx):
    report = parse(reports.roles())
    # Eva's two joins add up to 13 minutes before the threshold applies; Dina's 10 count
    assert [(row.line, row.name, row.minutes) for row in report.rows] == [
        (5, "Dina Tien", 10), (6, "Eva Twee", 13), (7, "Gert Lang", 45)]
    assert left_out(report) == [
        (2, "An Gastvrouw", "organiser", "Host: leidt de sessie, geen deelnemer"),
        (3, "Bert Helper", "organiser", "Co-host: leidt de sessie, geen deelnemer"),
        (4, "Chris Kort", "too_short", "minder dan 10 minuten aanwezig"),
    ]
    assert report.min_minutes == 10


def test_the_first_join_in_brussels_winter_time_is_stored_in_utc(ctx):
    report = parse(reports.roles())
    joined = {row.name: row.joined for row in report.rows}
    # 14:03 in Brussels in February (UTC+1) is 13:03 UTC; Eva's second join (14:30) is later
    assert joined["Eva Twee"] == datetime(2022, 2, 10, 13, 3, tzinfo=UTC)
    assert joined["Dina Tien"] == datetime(2022, 2, 10, 13, 5, tzinfo=UTC)


def test_the_threshold_is_a_parameter(ctx):
    report = parse(reports.roles(), min_minutes=14)
    assert [row.name for row in report.rows] == ["Gert Lang"]
    assert {row.name: row.reason for row in report.left_out}["Eva Twee"] == \
        "minder dan 14 minuten aanwezig"
    assert [row.name for row in parse(reports.roles(), min_minutes=0).rows] == [
        "Chris Kort", "Dina Tien", "Eva Twee", "Gert Lang"]


def test_teams_presenters_are_left_out_only_when_the_report_lists_attendees_apart(ctx):
    header = "Name\tFirst Join\tIn-Meeting Duration\tEmail\tRole\n"
    speaker = "Spreker\t2/10/22, 6:55:00 PM\t1h 30m 0s\tspreker@univ.test\tPresenter\n"
    lies = "Lies Peeters\t2/10/22, 7:01:10 PM\t1h 28m 50s\tlies@example.test\t"
    mixed = header + speaker + lies + "Attendee\n"
    report = parse(mixed.encode("utf-16"))
    assert [row.name for row in report.rows] == ["Lies Peeters"]
    assert left_out(report) == [
        (2, "Spreker", "organiser", "Presenter: leidt de sessie, geen deelnemer")]
    # everyone may present (Teams' default): then "Presenter" says nothing
    everyone = header + speaker + lies + "Presenter\n"
    assert [row.name for row in parse(everyone.encode("utf-16")).rows] == [
        "Spreker", "Lies Peeters"]


def test_zoom_export_with_meeting_data_leaves_out_the_host(ctx):
    report = parse(reports.ZOOM_WITH_MEETING_DATA.encode())
    assert people(report) == [("Lies Peeters", "lies@example.test", 89),
                              ("Tom Nieuw", "tom@nieuwecoop.test", 58)]
    assert [(row.name, row.email) for row in report.left_out] == [
        ("Coopkracht", "info@coopkracht.test")]


@pytest.mark.parametrize("data", [
    # yes/no host columns
    b"Name,Email,Host,Co-host,Duration\nAn,an@coopkracht.test,Yes,No,70\n"
    b"Bert,bert@coopkracht.test,No,Yes,60\nLies,lies@example.test,No,No,50\n",
    # an organiser column on every row (Google Meet's audit log)
    b"Participant Name,Email,Organizer Email,Duration\n"
    b"An,an@coopkracht.test,an@coopkracht.test,70\nLies,lies@example.test,an@coopkracht.test,50\n",
])
def test_other_ways_reports_name_the_host(ctx, data):
    report = parse(data)
    assert [row.name for row in report.rows] == ["Lies"]
    assert all(row.left_out == "organiser" for row in report.left_out)


def test_minutes_come_from_join_and_leave_when_there_is_no_duration(ctx):
    data = (b"Name,Email,Join Time,Leave Time\n"
            b"Kort,kort@example.test,2022-02-10 19:00:00,2022-02-10 19:02:00\n"
            b"Lang,lang@example.test,2022-02-10 19:00:00,2022-02-10 20:00:00\n")
    report = parse(data)
    assert people(report) == [("Lang", "lang@example.test", 60)]
    assert left_out(report) == [(2, "Kort", "too_short", "minder dan 10 minuten aanwezig")]


@pytest.mark.parametrize("text,day,expected", [
    ("02/10/2022 02:03:00 PM", SESSION_DAY, datetime(2022, 2, 10, 13, 3, tzinfo=UTC)),
    ("2/10/22, 7:00:12 PM", SESSION_DAY, datetime(2022, 2, 10, 18, 0, 12, tzinfo=UTC)),
    # day/month in a Belgian spreadsheet: the reading nearest to the session wins
    ("10/02/2022 14:03", SESSION_DAY, datetime(2022, 2, 10, 13, 3, tzinfo=UTC)),
    ("10.02.2022 14:03", None, datetime(2022, 2, 10, 13, 3, tzinfo=UTC)),
    ("14:03", SESSION_DAY, datetime(2022, 2, 10, 13, 3, tzinfo=UTC)),
    ("2:03 PM", SESSION_DAY, datetime(2022, 2, 10, 13, 3, tzinfo=UTC)),
    ("12:10 AM", SESSION_DAY, datetime(2022, 2, 9, 23, 10, tzinfo=UTC)),
    ("2022-02-10T13:03:00Z", SESSION_DAY, datetime(2022, 2, 10, 13, 3, tzinfo=UTC)),
    ("2022-02-10 14:03:00+01:00", SESSION_DAY, datetime(2022, 2, 10, 13, 3, tzinfo=UTC)),
    # summer time: UTC+2
    ("2022-07-10 14:03", date(2022, 7, 10), datetime(2022, 7, 10, 12, 3, tzinfo=UTC)),
    ("14:03", None, None),
    ("--", SESSION_DAY, None),
    ("", SESSION_DAY, None),
    ("02/10/2021 02:03 PM", SESSION_DAY, None),  # a year away from the session
    ("13:03 PM", SESSION_DAY, None),
    ("2022-02-31 14:03", SESSION_DAY, None),
])
def test_join_times_in_every_platform_format(text, day, expected):
    assert parse_moment(text, day) == expected


def test_select_rows_takes_the_ticked_counted_rows(ctx):
    report = parse(reports.roles())
    assert [row.name for row in select_rows(report, ["7", "5"])] == ["Dina Tien", "Gert Lang"]


@pytest.mark.parametrize("chosen,code,message", [
    (["5", "99"], "unknown_report_row", "“99” is geen persoon uit dit rapport"),
    (["5", "x"], "unknown_report_row", "“x” is geen persoon uit dit rapport"),
    (["²"], "unknown_report_row", "“²” is geen persoon uit dit rapport"),
    (["5", "2"], "unknown_report_row",
     "Regel 2 van het rapport telt niet mee (Host: leidt de sessie, geen deelnemer)"),
    (["4"], "unknown_report_row", "telt niet mee (minder dan 10 minuten aanwezig)"),
    ([], "nothing_selected", "Niemand is aangevinkt"),
])
def test_select_rows_refuses_rows_that_are_not_counted_people(ctx, chosen, code, message):
    with pytest.raises(DomainError) as refused:
        select_rows(parse(reports.roles()), chosen)
    assert refused.value.code == code
    assert message in refused.value.message


@pytest.mark.parametrize("data,message", [
    (b"", "Geen kolom met namen of e-mailadressen gevonden"),
    (b"just some words\nno table here\n", "Geen kolom met namen of e-mailadressen gevonden"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00" * 20, "Dit bestand is geen tekstbestand"),
    (bytes(range(256)) * 4, "Dit bestand is geen tekstbestand"),
])
def test_broken_files_are_refused_with_a_reason(ctx, data, message):
    with pytest.raises(DomainError) as refused:
        parse(data)
    assert refused.value.code == "unreadable_report"
    assert message in refused.value.message


def test_ragged_rows_and_huge_fields_do_not_crash(ctx):
    data = ("Name,Email,Duration\n"
            "Lies Peeters\n"
            "\"unterminated,lies@example.test,3\n"
            "Tom Nieuw,tom@nieuwecoop.test,12,extra,cells\n"
            + "X" * 200_000 + ",big@example.test,15\n").encode()
    report = parse(data)
    assert ("Tom Nieuw", "tom@nieuwecoop.test", 12) in people(report)
    assert ("Lies Peeters", None, None) in people(report)


@pytest.mark.parametrize("text,minutes", [
    ("65", 65), ("65.4", 65), ("1:05:00", 65), ("05:30", 6), ("1h 5m 3s", 65),
    ("1 hr 28 min", 88), ("55m 0s", 55), ("45 min", 45), ("--", None), ("", None),
])
def test_durations_in_every_platform_format(text, minutes):
    assert parse_minutes(text) == minutes


def test_utf16_without_bom_is_recognised():
    assert decode_text("Naam\tE-mail\r\nAn\tan@x.test\r\n".encode("utf-16-le")).text.startswith(
        "Naam")
