"""Read a webinar platform's attendee report (CSV from Zoom, Microsoft Teams or Google Meet).

Pure parsing, no database: bytes in, one row per person out (name, e-mail, minutes, first
join), split into the people who count as participants and the people left out with the
reason, plus the lines that could not be read. The platforms differ in encoding (Teams:
UTF-16 with tabs), delimiter, column names and extra sections (Zoom webinar reports list
hosts and panelists before the attendees); the parser finds each table by its header row.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from flask_babel import gettext as _

from coopnet.errors import DomainError
from coopnet.timezones import BRUSSELS
from coopnet.validators import normalize_email
from coopnet.web.uploads import decode_text

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
    "role": ("role", "rol", "participant role", "user role"),
    # yes/no columns that mark the host and co-hosts
    "is_host": ("host", "is host"),
    "is_cohost": ("co-host", "is co-host", "cohost"),
    # a column naming the meeting's organiser on every participant row (Google Meet's log)
    "organiser_email": ("organizer email", "organiser email", "host email"),
    # the meeting's own line (Zoom puts the host's e-mail there): not a participant table
    "meeting": ("meeting id", "webinar id", "topic", "meeting title"),
}
_LOOKUP = {label: column for column, labels in COLUMNS.items() for label in labels}
# roles that run the session: never participants. The report's own word is shown.
ORGANISER_ROLES = {"organizer", "organiser", "co-organizer", "co-organiser", "organisator",
                   "co-organisator", "host", "co-host", "cohost", "alternative host",
                   "panelist", "panellist"}
# Teams lists every participant as "Presenter" when everyone may present (its default), so
# a presenter only counts as running the session when the report also lists plain attendees
PRESENTER_ROLES = {"presenter", "presentator"}
# Zoom webinar reports: tables under the titles "Host Details" and "Panelist Details"
# list the people running the webinar
_SECTION = re.compile(r"(host|panelist|panellist)s?( details)?")
YES = {"yes", "ja", "true", "1", "y", "x"}
NO = {"no", "nee", "false", "0", "n"}

# why a person of the report is left out (AttendeeRow.left_out)
ORGANISER, NOT_ATTENDED, TOO_SHORT = "organiser", "not_attended", "too_short"


@dataclass(frozen=True)
class AttendeeRow:
    """One person in the report (repeated joins merged), or why they are left out."""

    # the person's first line in the file: the row's id in the preview and its confirmation
    line: int
    name: str
    email: str | None
    minutes: int | None
    # the first join, aware UTC; None when the report gives no usable time
    joined: datetime | None = None
    # None when the person counts, else ORGANISER, NOT_ATTENDED or TOO_SHORT, with the reason
    left_out: str | None = None
    reason: str = ""


@dataclass(frozen=True)
class UnreadableRow:
    """A line that looked like a participant but could not be used, and why."""

    line: int
    text: str
    reason: str


@dataclass
class AttendeeReport:
    """What the report holds: who counts, who is left out and why, what could not be read."""

    platform: str
    # connections shorter than this (in total per person) do not count
    min_minutes: int = 0
    rows: list[AttendeeRow] = field(default_factory=list)
    left_out: list[AttendeeRow] = field(default_factory=list)
    unreadable: list[UnreadableRow] = field(default_factory=list)


@dataclass
class _Person:
    """A person while the report is read: the rows found for them so far."""

    line: int
    name: str
    email: str | None
    # seconds per table: repeated joins in one table add up, another table repeats them
    seconds: dict[int, float] = field(default_factory=dict)
    joined: datetime | None = None
    roles: list[str] = field(default_factory=list)
    # a row of theirs is not marked "Attended: No"
    attended: bool = False


def _refuse(message: str) -> DomainError:
    return DomainError("unreadable_report", message, status=422)


def _normalise(cell: str) -> str:
    return " ".join(cell.replace("\ufeff", "").strip().strip('"').lower().split())


def _columns_in(labels: list[str], start: int = 0) -> dict[str, int]:
    found: dict[str, int] = {}
    for index in range(start, len(labels)):
        label = labels[index]
        column = _LOOKUP.get(label) or _LOOKUP.get(re.sub(r"\s*\(.*\)$", "", label))
        if column and column not in found:
            found[column] = index
            if column == "name" and "original name" in label:
                found["original_name"] = index  # "Shown name (Original name)"
    return found


def _header_columns(cells: list[str]) -> dict[str, int] | None:
    """Our columns and their positions when `cells` is a header row, else None."""
    labels = [_normalise(cell) for cell in cells]
    found = _columns_in(labels)
    original = next((i for i, label in enumerate(labels) if "original name" in label), None)
    if "meeting" in found and original is not None and found["meeting"] < original:
        # Zoom's export "with meeting data" repeats the meeting and its host before every
        # participant: the participant's columns start at "Name (Original Name)", and the
        # e-mail address before it is the host's
        meeting = _columns_in(labels[:original])
        found = _columns_in(labels, original)
        if "email" in meeting:
            found["host_email"] = meeting["email"]
    has_person = bool({"name", "first_name", "email", "upn"} & found.keys())
    return found if has_person and len(found) >= 2 else None


def _split(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:  # e.g. a field over the csv module's size limit
        return [line]


def _best_delimiter(line: str) -> str:
    return max(("\t", ",", ";"), key=lambda d: len(_split(line, d)))


def parse_seconds(value: str) -> float | None:
    """Seconds in '65' (minutes), '65.5', '1:05:00', '1h 5m', '1 hr 5 min', '3m 20s'; else None."""
    text = value.strip().lower()
    if not text:
        return None
    if re.fullmatch(r"\d+([.,]\d+)?", text):
        return float(text.replace(",", ".")) * 60
    if re.fullmatch(r"\d+:\d{1,2}(:\d{1,2})?", text):
        parts = [int(p) for p in text.split(":")]
        hours, minutes, seconds = (parts if len(parts) == 3 else [0, *parts])
        return float(hours * 3600 + minutes * 60 + seconds)
    units = re.findall(r"(\d+(?:[.,]\d+)?)\s*(h|hr|hrs|hour|hours|u|uur|m|min|mins|minute|minutes|"
                       r"minuten|s|sec|secs|second|seconds|seconden)\b", text)
    if not units:
        return None
    total = 0.0
    for amount, unit in units:
        number = float(amount.replace(",", "."))
        if unit.startswith(("h", "u")):
            total += number * 3600
        elif unit.startswith("m"):
            total += number * 60
        else:
            total += number
    return total


def _whole_minutes(seconds: float) -> int:
    return int((seconds + 30) // 60)  # half a minute rounds up


def parse_minutes(value: str) -> int | None:
    """Minutes in '65', '65.5', '1:05:00', '1h 5m', '1 hr 5 min', '45 min', '3m 20s'; else None."""
    seconds = parse_seconds(value)
    return None if seconds is None else _whole_minutes(seconds)


_DATE_TIME = re.compile(r"(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?"
                        r"(?:[.,]\d+)?\s*([ap])?\.?(?:m\.?)?", re.IGNORECASE)
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?(?:[.,]\d+)?\s*([ap])?\.?(?:m\.?)?",
                   re.IGNORECASE)


def _clock(hour: str, minute: str, second: str | None, half: str | None) -> time | None:
    h, m, s = int(hour), int(minute), int(second or 0)
    if half:  # 12-hour clock: 12:05 AM is 00:05, 12:05 PM is 12:05
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if half.lower() == "p" else 0)
    if h > 23 or m > 59 or s > 59:
        return None
    return time(h, m, s)


def _calendar_day(first: str, second: str, third: str, *, us_order: bool,
                  day: date | None) -> date | None:
    """The date in '2/10/22' or '2022-02-10'; month/day or day/month by the session's day."""
    if len(first) == 4:
        orders = [(int(first), int(second), int(third))]
    else:
        year = int(third) + (2000 if len(third) <= 2 else 0)
        month_first, day_first = (year, int(first), int(second)), (year, int(second), int(first))
        orders = [month_first, day_first] if us_order else [day_first, month_first]
    candidates = []
    for year, month, number in orders:
        try:
            candidates.append(date(year, month, number))
        except ValueError:
            continue
    if not candidates:
        return None
    if day is None:
        return candidates[0]
    # 2/10/22 is 10 February in Zoom's US format and 2 October in a Belgian spreadsheet:
    # the reading nearest to the session is the one meant
    return min(candidates, key=lambda found: abs((found - day).days))


def parse_moment(value: str, day: date | None = None) -> datetime | None:
    """A report's join time as an aware UTC datetime, else None.

    Times without a zone are Brussels time (the platforms write the organiser's local
    time). `day` is the session's date in Brussels: it completes a bare time ('19:01',
    Google Meet), chooses between month/day and day/month, and refuses a moment more than
    a day away from the session.
    """
    text = value.strip()
    moment: datetime | None = None
    if ":" not in text:
        return None
    try:
        moment = datetime.fromisoformat(text)  # 2022-02-10T18:01:10Z, 2022-02-10 19:01:10
    except ValueError:
        if found := _DATE_TIME.fullmatch(text):
            first, second, third, hour, minute, sec, half = found.groups()
            clock = _clock(hour, minute, sec, half)
            on = _calendar_day(first, second, third, us_order=half is not None, day=day)
            if on is not None and clock is not None:
                moment = datetime.combine(on, clock)
        elif (found := _TIME.fullmatch(text)) and day is not None:
            clock = _clock(*found.groups())
            if clock is not None:
                moment = datetime.combine(day, clock)
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BRUSSELS)
    if day is not None and abs((moment.astimezone(BRUSSELS).date() - day).days) > 1:
        return None
    return moment.astimezone(UTC)


def _clean_name(name: str, *, original: bool = False) -> str:
    """The person's name without a trailing "(…)": Zoom's original name wins, Teams' "(Extern)" goes."""
    found = re.fullmatch(r"(.*?)\s*\(([^)]*)\)\s*", name.strip())
    if found:
        name = found.group(2) if original and found.group(2).strip() else found.group(1)
    return " ".join(name.split())


def _section_role(title: str) -> str:
    """'Host' or 'Panelist' for a Zoom webinar section title such as "Host Details", else ''."""
    found = _SECTION.fullmatch(_normalise(title).strip(" ,;\t\"'"))
    return found.group(1).title() if found else ""


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


@dataclass
class _Reading:
    """The state of one pass over the report."""

    report: AttendeeReport
    day: date | None
    people: dict[str, _Person] = field(default_factory=dict)
    host_emails: set[str] = field(default_factory=set)
    # the role column holds someone who is neither organiser nor presenter
    lists_attendees: bool = False


def parse_attendee_report(data: bytes, *, min_minutes: int, day: date | None = None
                          ) -> AttendeeReport:
    """The people of an attendee report: who counts, who is left out and why, unreadable lines.

    Left out: whoever runs the session (host, co-host, organiser, panelist, and presenters
    when the report tells them from attendees), people marked as not attended, and people
    connected less than `min_minutes` in total (their joins added up). `day` is the
    session's date in Brussels, to read join times (see `parse_moment`). Raises
    `unreadable_report` (422) when the file is not text or holds no participant table.
    """
    text = decode_text(data, code="unreadable_report", field="report").text
    reading = _Reading(AttendeeReport(platform=_platform(text), min_minutes=min_minutes), day)
    report = reading.report
    columns: dict[str, int] | None = None
    delimiter = ","
    section_role = ""
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
                section_role = _section_role(previous)
            else:
                previous = line
            continue
        cells = _split(line, delimiter)
        filled = [cell for cell in cells if cell.strip()]
        if is_header(index):  # a new table without a blank line in between
            columns, table = _header_columns(_split(line, _best_delimiter(line))), table + 1
            delimiter = _best_delimiter(line)
            seen_header = True
            section_role = _section_role(previous)
            continue
        if len(filled) == 1 and is_header(index + 1):
            columns, previous = None, line  # a section title such as "Attendee Details"
            continue
        if "meeting" in columns:
            # the meeting's own line: its e-mail address is the host's (Zoom)
            host = normalize_email(_cell(cells, columns, "email"))
            if host:
                reading.host_emails.add(host)
            continue
        _read_row(reading, columns, cells, number, line, table, section_role)
        if len(reading.people) + len(report.unreadable) > MAX_ROWS:
            raise _refuse(_("The report has more than %(count)s rows.", count=MAX_ROWS))
    if not seen_header:
        raise _refuse(_("No column with names or e-mail addresses was found. Export the "
                        "attendee report as CSV from Zoom, Teams or Meet."))
    for person in reading.people.values():
        row = _decide(reading, person)
        (report.left_out if row.left_out else report.rows).append(row)
    return report


def _organiser_role(reading: _Reading, person: _Person) -> str:
    """The report's word for the person's part in running the session, else ''."""
    for role in person.roles:
        if role.lower() in ORGANISER_ROLES:
            return role
    if reading.lists_attendees:
        for role in person.roles:
            if role.lower() in PRESENTER_ROLES:
                return role
    if person.email and person.email in reading.host_emails:
        return "Host"
    return ""


def _decide(reading: _Reading, person: _Person) -> AttendeeRow:
    """The person's row: counted, or left out with the reason."""
    minutes = _whole_minutes(max(person.seconds.values())) if person.seconds else None
    left_out, reason = None, ""
    if role := _organiser_role(reading, person):
        left_out = ORGANISER
        reason = _("%(role)s: runs the session, not a participant", role=role)
    elif not person.attended:
        left_out, reason = NOT_ATTENDED, _("marked as not attended in the report")
    elif minutes is not None and minutes < reading.report.min_minutes:
        left_out = TOO_SHORT
        reason = _("less than %(minutes)s minutes present", minutes=reading.report.min_minutes)
    return AttendeeRow(line=person.line, name=person.name, email=person.email, minutes=minutes,
                       joined=person.joined, left_out=left_out, reason=reason)


def select_rows(report: AttendeeReport, chosen: Iterable[str]) -> list[AttendeeRow]:
    """The counted rows whose lines were ticked in the preview, in the report's order.

    Raises `nothing_selected` when none is ticked and `unknown_report_row` when a ticked
    line is not one of the report's counted people (left out, or not in the report at all).
    """
    counted = {row.line: row for row in report.rows}
    left_out = {row.line: row for row in report.left_out}
    lines: set[int] = set()
    for value in chosen:
        digits = re.fullmatch(r"\s*([0-9]{1,9})\s*", value)
        line = int(digits.group(1)) if digits else None
        if line is not None and line in left_out:
            raise DomainError(
                "unknown_report_row",
                _("Line %(line)s of the report does not count (%(reason)s). Nothing was imported.",
                  line=line, reason=left_out[line].reason))
        if line is None or line not in counted:
            raise DomainError(
                "unknown_report_row",
                _("“%(value)s” is not a person of this report. Nothing was imported.",
                  value=value[:20]))
        lines.add(line)
    if not lines:
        raise DomainError("nothing_selected", _("Nobody is ticked: nothing was imported."))
    return [row for row in report.rows if row.line in lines]


def _cell(cells: list[str], columns: dict[str, int], column: str) -> str:
    index = columns.get(column)
    if index is None or index >= len(cells):
        return ""
    return cells[index].strip()


def _row_roles(reading: _Reading, columns: dict[str, int], cells: list[str],
               section_role: str) -> list[str]:
    """What the row says about the person's part: the section, the role column, host flags."""
    roles = [section_role] if section_role else []
    role = _cell(cells, columns, "role")
    if role:
        roles.append(role)
        if role.lower() not in ORGANISER_ROLES | PRESENTER_ROLES:
            reading.lists_attendees = True
    if _cell(cells, columns, "is_host").lower() in YES:
        roles.append("Host")
    if _cell(cells, columns, "is_cohost").lower() in YES:
        roles.append("Co-host")
    organiser = normalize_email(_cell(cells, columns, "organiser_email")
                                or _cell(cells, columns, "host_email"))
    if organiser:
        reading.host_emails.add(organiser)
    return roles


def _read_row(reading: _Reading, columns: dict[str, int], cells: list[str], number: int,
              line: str, table: int, section_role: str) -> None:
    report = reading.report
    roles = _row_roles(reading, columns, cells, section_role)
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
    people = reading.people
    name_key = "name:" + name.lower()
    key = email or name_key
    if email is None and name_key in people:
        key = name_key
    elif email is None:
        # the same person listed with an e-mail address elsewhere in the report
        key = next((k for k, p in people.items() if name and p.name.lower() == name.lower()),
                   name_key)
    person = people.setdefault(key, _Person(line=number, name=name, email=email))
    if not person.name and name:
        person.name = name
    person.roles.extend(roles)
    if _cell(cells, columns, "attended").lower() in NO:
        return  # a registrant who did not come: no times to read
    person.attended = True
    joined = parse_moment(_cell(cells, columns, "joined"), reading.day)
    if joined is not None and (person.joined is None or joined < person.joined):
        person.joined = joined
    seconds = parse_seconds(_cell(cells, columns, "duration"))
    if seconds is None and joined is not None:
        left = parse_moment(_cell(cells, columns, "left"), reading.day)
        if left is not None and left >= joined:
            seconds = (left - joined).total_seconds()
    if seconds is not None:
        # repeated joins in one table add up; the same person in another table does not
        person.seconds[table] = person.seconds.get(table, 0.0) + seconds
