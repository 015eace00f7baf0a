"""Read a webinar platform's attendee report (CSV from Zoom, Microsoft Teams or Google Meet).

Pure parsing, no database: bytes in, rows with name, e-mail and minutes out, plus the
lines that could not be read. The platforms differ in encoding (Teams: UTF-16 with tabs),
delimiter, column names and extra sections (Zoom webinar reports list hosts and panelists
before the attendees); the parser finds each table by its header row.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field

from flask_babel import gettext as _

from coopnet.errors import DomainError
from coopnet.validators import normalize_email

MAX_ROWS = 5000

# normalised header text -> our column; the first match in a row wins
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name (original name)", "user name (original name)", "name", "full name",
             "participant", "participant name", "display name", "attendee", "naam",
             "volledige naam", "deelnemer"),
    "first_name": ("first name", "firstname", "given name", "voornaam"),
    "last_name": ("last name", "lastname", "surname", "family name", "achternaam",
                  "familienaam"),
    "email": ("user email", "email", "e-mail", "email address", "e-mail address", "attendee email",
              "e-mailadres", "emailadres", "mail"),
    "upn": ("participant id (upn)", "upn", "user principal name"),
    "joined": ("join time", "first join", "time joined", "joined", "first seen", "join",
               "starttijd", "eerste deelname"),
    "left": ("leave time", "last leave", "time exited", "left", "last seen", "leave",
             "eindtijd", "laatste vertrek"),
    "duration": ("duration (minutes)", "duration (mins)", "duration", "in-meeting duration",
                 "time in session (minutes)", "attendance duration", "total duration", "duur",
                 "aanwezigheidsduur"),
    "attended": ("attended", "aanwezig"),
    "role": ("role", "rol"),
    # the meeting's own line (Zoom puts the host's e-mail there): not a participant table
    "meeting": ("meeting id", "webinar id", "topic", "meeting title"),
}
_LOOKUP = {label: column for column, labels in COLUMNS.items() for label in labels}
# rows of these roles organise the meeting; they are not participants
ORGANISER_ROLES = {"organizer", "organiser", "host", "co-host", "organisator"}
# Zoom webinar reports: tables under these section titles are not attendees
SKIPPED_SECTIONS = ("host details", "panelist details", "panelists", "hosts")


@dataclass(frozen=True)
class AttendeeRow:
    """One person in the report (repeated joins merged)."""

    line: int
    name: str
    email: str | None
    minutes: int | None


@dataclass(frozen=True)
class UnreadableRow:
    """A line that looked like a participant but could not be used, and why."""

    line: int
    text: str
    reason: str


@dataclass
class AttendeeReport:
    """What the report holds."""

    platform: str
    rows: list[AttendeeRow] = field(default_factory=list)
    unreadable: list[UnreadableRow] = field(default_factory=list)
    # people listed as not attended ("Attended: No") and organisers
    skipped: int = 0


def _refuse(message: str) -> DomainError:
    return DomainError("unreadable_report", message, status=422)


def decode_report(data: bytes) -> str:
    """The report as text: BOMs first (Teams writes UTF-16), then UTF-8, then Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    elif data.startswith(b"\xef\xbb\xbf"):
        encodings = ["utf-8-sig"]
    elif len(data) >= 4 and data[1:40:2].count(0) > len(data[1:40:2]) * 0.8:
        encodings = ["utf-16-le"]  # UTF-16 without a BOM: every other byte is zero
    elif len(data) >= 4 and data[0:40:2].count(0) > len(data[0:40:2]) * 0.8:
        encodings = ["utf-16-be"]
    else:
        encodings = ["utf-8", "cp1252"]
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n")
        if "\x00" in text or controls > max(3, len(text) // 100):
            break
        return text
    raise _refuse(_("This file is not a text (CSV) file."))


def _normalise(cell: str) -> str:
    return " ".join(cell.replace("\ufeff", "").strip().strip('"').lower().split())


def _header_columns(cells: list[str]) -> dict[str, int] | None:
    """Our columns and their positions when `cells` is a header row, else None."""
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        label = _normalise(cell)
        column = _LOOKUP.get(label) or _LOOKUP.get(re.sub(r"\s*\(.*\)$", "", label))
        if column and column not in found:
            found[column] = index
            if column == "name" and "original name" in label:
                found["original_name"] = index  # "Shown name (Original name)"
    has_person = bool({"name", "first_name", "email", "upn"} & found.keys())
    return found if has_person and len(found) >= 2 else None


def _split(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:  # e.g. a field over the csv module's size limit
        return [line]


def _best_delimiter(line: str) -> str:
    return max(("\t", ",", ";"), key=lambda d: len(_split(line, d)))


def parse_minutes(value: str) -> int | None:
    """Minutes in '65', '65.5', '1:05:00', '1h 5m', '1 hr 5 min', '45 min', '3m 20s'; else None."""
    text = value.strip().lower()
    if not text:
        return None
    if re.fullmatch(r"\d+([.,]\d+)?", text):
        return round(float(text.replace(",", ".")))
    if re.fullmatch(r"\d+:\d{1,2}(:\d{1,2})?", text):
        parts = [int(p) for p in text.split(":")]
        hours, minutes, seconds = (parts if len(parts) == 3 else [0, *parts])
        return hours * 60 + minutes + (1 if seconds >= 30 else 0)
    units = re.findall(r"(\d+(?:[.,]\d+)?)\s*(h|hr|hrs|hour|hours|u|uur|m|min|mins|minute|minutes|"
                       r"minuten|s|sec|secs|second|seconds|seconden)\b", text)
    if not units:
        return None
    total = 0.0
    for amount, unit in units:
        number = float(amount.replace(",", "."))
        if unit.startswith(("h", "u")):
            total += number * 60
        elif unit.startswith("m"):
            total += number
        else:
            total += number / 60
    return round(total)


def _clean_name(name: str, *, original: bool = False) -> str:
    """The person's name without a trailing "(…)": Zoom's original name wins, Teams' "(Extern)" goes."""
    found = re.fullmatch(r"(.*?)\s*\(([^)]*)\)\s*", name.strip())
    if found:
        name = found.group(2) if original and found.group(2).strip() else found.group(1)
    return " ".join(name.split())


def _skipped(title: str, columns: dict[str, int] | None) -> bool:
    """Tables of hosts and panelists, and the meeting's own summary line, are no attendees."""
    return any(s in _normalise(title) for s in SKIPPED_SECTIONS) or "meeting" in (columns or {})


def _platform(text: str) -> str:
    lowered = text[:4000].lower()
    if "participant id (upn)" in lowered or "in-meeting duration" in lowered \
            or "user action" in lowered or "meeting summary" in lowered:
        return "teams"
    if "(original name)" in lowered or "user email" in lowered or "webinar id" in lowered \
            or "meeting id" in lowered:
        return "zoom"
    if "time exited" in lowered or "time joined" in lowered or "meet" in lowered:
        return "meet"
    return "csv"


def parse_attendee_report(data: bytes) -> AttendeeReport:
    """Rows (name, e-mail, minutes) and unreadable lines of an attendee report.

    Raises `unreadable_report` (422) when the file is not text or holds no participant table.
    """
    text = decode_report(data)
    report = AttendeeReport(platform=_platform(text))
    merged: dict[str, dict[str, object]] = {}
    columns: dict[str, int] | None = None
    delimiter = ","
    skip_table = False
    previous = ""
    table = 0
    seen_header = False
    lines = [raw.strip("\ufeff") for raw in text.splitlines()]

    def is_header(index: int) -> bool:
        if index >= len(lines) or not lines[index].strip():
            return False
        return _header_columns(_split(lines[index], _best_delimiter(lines[index]))) is not None

    for index, line in enumerate(lines):
        number = index + 1
        if not line.strip(" \t,;\"'"):
            columns = None  # a blank line ends a table
            continue
        if columns is None:
            delimiter = _best_delimiter(line)
            columns = _header_columns(_split(line, delimiter))
            if columns is not None:
                seen_header, table = True, table + 1
                skip_table = _skipped(previous, columns)
            else:
                previous = line
            continue
        cells = _split(line, delimiter)
        filled = [cell for cell in cells if cell.strip()]
        if is_header(index):  # a new table without a blank line in between
            columns, table = _header_columns(_split(line, _best_delimiter(line))), table + 1
            delimiter = _best_delimiter(line)
            seen_header = True
            skip_table = _skipped(previous, columns)
            continue
        if len(filled) == 1 and is_header(index + 1):
            columns, previous = None, line  # a section title such as "Attendee Details"
            continue
        if skip_table:
            continue
        _read_row(report, merged, columns, cells, number, line, table)
        if len(merged) + len(report.unreadable) > MAX_ROWS:
            raise _refuse(_("The report has more than %(count)s rows.", count=MAX_ROWS))
    if not seen_header:
        raise _refuse(_("No column with names or e-mail addresses was found. Export the "
                        "attendee report as CSV from Zoom, Teams or Meet."))
    report.rows = [
        AttendeeRow(line=int(entry["line"]), name=str(entry["name"]),  # type: ignore[call-overload]
                    email=entry["email"],  # type: ignore[arg-type]
                    minutes=max(entry["minutes"].values()) if entry["minutes"] else None)  # type: ignore[attr-defined]
        for entry in merged.values()
    ]
    return report


def _cell(cells: list[str], columns: dict[str, int], column: str) -> str:
    index = columns.get(column)
    if index is None or index >= len(cells):
        return ""
    return cells[index].strip()


def _read_row(report: AttendeeReport, merged: dict[str, dict[str, object]],
              columns: dict[str, int], cells: list[str], number: int, line: str,
              table: int) -> None:
    if _cell(cells, columns, "attended").lower() in {"no", "nee", "false", "0"}:
        report.skipped += 1
        return
    if _cell(cells, columns, "role").lower() in ORGANISER_ROLES:
        report.skipped += 1
        return
    name = _clean_name(_cell(cells, columns, "name"),
                       original="original_name" in columns) or " ".join(
        part for part in (_cell(cells, columns, "first_name"), _cell(cells, columns, "last_name"))
        if part)
    raw_email = _cell(cells, columns, "email")
    email = normalize_email(raw_email) if raw_email else None
    if raw_email and email is None:
        report.unreadable.append(UnreadableRow(number, line[:200],
                                               _("Not a valid e-mail address: %(value)s",
                                                 value=raw_email[:80])))
        return
    if email is None:
        email = normalize_email(_cell(cells, columns, "upn"))
    if not name and email is None:
        report.unreadable.append(UnreadableRow(number, line[:200],
                                               _("No name and no e-mail address.")))
        return
    if len(name) > 200:
        report.unreadable.append(UnreadableRow(number, line[:200], _("The name is too long.")))
        return
    name_key = "name:" + name.lower()
    key = email or name_key
    if email is None and name_key in merged:
        key = name_key
    elif email is None:
        # the same person listed with an e-mail address elsewhere in the report
        key = next((k for k, e in merged.items() if name and str(e["name"]).lower() == name.lower()),
                   name_key)
    minutes = parse_minutes(_cell(cells, columns, "duration"))
    entry = merged.setdefault(key, {"line": number, "name": name, "email": email, "minutes": {}})
    if not entry["name"] and name:
        entry["name"] = name
    if minutes is not None:
        per_table: dict[int, int] = entry["minutes"]  # type: ignore[assignment]
        # repeated joins in one table add up; the same person in another table does not
        per_table[table] = per_table.get(table, 0) + minutes
