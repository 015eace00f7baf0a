"""Reading attendee reports of Zoom, Microsoft Teams and Google Meet (hand-written samples)."""

import pytest

from coopnet.errors import DomainError
from coopnet.registrations.attendee_report import (
    decode_report,
    parse_attendee_report,
    parse_minutes,
)
from tests.registrations import reports


def people(report):
    return [(row.name, row.email, row.minutes) for row in report.rows]


def test_zoom_meeting_report(ctx):
    report = parse_attendee_report(reports.zoom_meeting())
    assert report.platform == "zoom"
    # Lies joined twice (39 + 45 minutes); the meeting's own line (host e-mail) is no attendee;
    # "Sofie J (Sofie Janssens)" is shown renamed, her original name wins
    assert people(report) == [
        ("Lies Peeters", "lies@example.test", 84),
        ("Sofie Janssens", "sofie@samenhuis.test", 91),
        ("Tom Nieuw", "tom@nieuwecoop.test", 58),
        ("iPhone van Jef", None, 10),
    ]
    assert [(u.line, u.reason) for u in report.unreadable] == [
        (10, "Geen geldig e-mailadres: karel@@broken")]


def test_zoom_webinar_report_skips_hosts_panelists_and_no_shows(ctx):
    report = parse_attendee_report(reports.zoom_webinar())
    assert report.platform == "zoom"
    assert people(report) == [("Lies Peeters", "lies@example.test", 89),
                              ("Tom Nieuw", "tom@nieuwecoop.test", 58)]
    assert report.skipped == 1  # Mohamed: Attended = No
    assert report.unreadable == []


def test_teams_report_in_utf16_with_tabs(ctx):
    data = reports.teams()
    assert data.startswith(b"\xff\xfe")
    report = parse_attendee_report(data)
    assert report.platform == "teams"
    # the organiser is left out; Séverine has only a UPN and appears twice (two sections)
    assert people(report) == [
        ("Lies Peeters", "lies@example.test", 89),
        ("Séverine Dupré", "severine@cooperatie-bxl.test", 55),
        ("Anoniem toestel", None, 10),
    ]
    assert report.skipped == 1


def test_google_meet_report(ctx):
    report = parse_attendee_report(reports.meet())
    assert report.platform == "meet"
    assert people(report) == [("Lies Peeters", "lies@example.test", 88),
                              ("Tom Nieuw", "tom@nieuwecoop.test", 58),
                              ("Jef", None, 10)]


def test_dutch_excel_export_in_windows_1252_with_semicolons(ctx):
    report = parse_attendee_report(reports.EXCEL_NL)
    assert people(report) == [("Bérénice Coöp", "berenice@example.test", 45)]


@pytest.mark.parametrize("data,message", [
    (b"", "Geen kolom met namen of e-mailadressen gevonden"),
    (b"just some words\nno table here\n", "Geen kolom met namen of e-mailadressen gevonden"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00" * 20, "Dit bestand is geen tekstbestand"),
    (bytes(range(256)) * 4, "Dit bestand is geen tekstbestand"),
])
def test_broken_files_are_refused_with_a_reason(ctx, data, message):
    with pytest.raises(DomainError) as refused:
        parse_attendee_report(data)
    assert refused.value.code == "unreadable_report"
    assert message in refused.value.message


def test_ragged_rows_and_huge_fields_do_not_crash(ctx):
    data = ("Name,Email,Duration\n"
            "Lies Peeters\n"
            "\"unterminated,lies@example.test,3\n"
            "Tom Nieuw,tom@nieuwecoop.test,12,extra,cells\n"
            + "X" * 200_000 + ",big@example.test,1\n").encode()
    report = parse_attendee_report(data)
    assert ("Tom Nieuw", "tom@nieuwecoop.test", 12) in people(report)
    assert ("Lies Peeters", None, None) in people(report)


@pytest.mark.parametrize("text,minutes", [
    ("65", 65), ("65.4", 65), ("1:05:00", 65), ("05:30", 6), ("1h 5m 3s", 65),
    ("1 hr 28 min", 88), ("55m 0s", 55), ("45 min", 45), ("--", None), ("", None),
])
def test_durations_in_every_platform_format(text, minutes):
    assert parse_minutes(text) == minutes


def test_utf16_without_bom_is_recognised():
    assert decode_report("Naam\tE-mail\r\nAn\tan@x.test\r\n".encode("utf-16-le")).startswith("Naam")
