"""Import the member list from CSV or XLSX: parse, check every row, plan, then apply.

Parsing and planning never write to the register. The parsed rows are stored in
`member_imports` (not in process memory: many app processes serve the pages) until a
staff member confirms; confirming re-plans against the register as it is then, and
applies each row in a savepoint so one row that went stale cannot spoil the others.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from coopnet.audit.services import record_audit
from coopnet.db import utcnow
from coopnet.errors import DomainError
from coopnet.extensions import db
from coopnet.members import services
from coopnet.members.kbo import format_kbo, normalize_kbo
from coopnet.members.models import MemberImport, Organization, Person
from coopnet.validators import clean_text, normalize_email
from coopnet.web.uploads import decode_text, unreadable

if TYPE_CHECKING:
    from coopnet.auth.models import User

MAX_ROWS = 5000
MAX_COLUMNS = 40
# an upload waits this long for its confirmation
IMPORT_VALID_FOR = timedelta(hours=24)

# column header (lower case, no accents, words separated by one space) -> field
HEADERS = {
    "naam": "name", "name": "name", "organisatie": "name", "organization": "name",
    "organisation": "name", "cooperatie": "name", "cooperative": "name",
    "ondernemingsnummer": "enterprise_number", "enterprise number": "enterprise_number",
    "kbo": "enterprise_number", "kbo nummer": "enterprise_number", "bce": "enterprise_number",
    "btw": "enterprise_number", "btw nummer": "enterprise_number", "vat": "enterprise_number",
    "rechtsvorm": "legal_form", "legal form": "legal_form", "vorm": "legal_form",
    "sector": "sector",
    "provincie": "province", "province": "province", "regio": "province", "region": "province",
    "gewest": "province",
    "gemeente": "city", "stad": "city", "plaats": "city", "city": "city", "town": "city",
    "website": "website", "web": "website", "url": "website", "site": "website",
    "lid sinds": "member_since", "member since": "member_since", "lid vanaf": "member_since",
    "lid tot": "member_until", "member until": "member_until", "lid tot en met": "member_until",
    "contactpersoon": "contact_name", "contact": "contact_name", "contact person": "contact_name",
    "voornaam": "contact_first_name", "first name": "contact_first_name",
    "achternaam": "contact_last_name", "familienaam": "contact_last_name",
    "last name": "contact_last_name",
    "e mail": "contact_email", "email": "contact_email", "mail": "contact_email",
    "e mailadres": "contact_email", "emailadres": "contact_email",
    "telefoon": "contact_phone", "phone": "contact_phone", "tel": "contact_phone",
    "gsm": "contact_phone",
    "functie": "contact_role", "rol": "contact_role", "role": "contact_role",
}
ORG_FIELDS = ("name", "enterprise_number", "legal_form", "sector", "province", "city", "website")


@dataclass
class ParsedFile:
    """Checked rows ready to plan, rows refused with the reason, and notes about the file."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class PlannedRow:
    """What confirming would do with one row."""

    row: dict[str, Any]
    action: str  # "create" | "update" | "unchanged"
    organization: Organization | None = None
    changes: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    """The preview: rows to create, to update, unchanged, and refused."""

    planned: list[PlannedRow]
    rejected: list[dict[str, Any]]

    def of(self, action: str) -> list[PlannedRow]:
        """Planned rows with this action."""
        return [p for p in self.planned if p.action == action]


def _header_key(text: object) -> str:
    plain = unicodedata.normalize("NFKD", clean_text(text)).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain.lower()).split())


def _csv_rows(data: bytes, notes: list[str]) -> list[tuple[int, list[Any]]]:
    decoded = decode_text(data)
    if decoded.legacy:
        notes.append(str(_l("The file is not UTF-8; it was read as Windows-1252 (Excel's CSV). "
                            "Check accented letters in the preview.")))
    text = decoded.text
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    rows: list[tuple[int, list[Any]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for cells in reader:
            if len(rows) > MAX_ROWS + 1:  # the heading, the rows, one more to notice
                break
            rows.append((reader.line_num, cells[:MAX_COLUMNS]))
    except csv.Error as exc:
        notes.append(str(_l("Reading stopped at line %(line)s: the CSV structure is broken "
                            "there (%(reason)s).", line=reader.line_num, reason=str(exc))))
    return rows


def _xlsx_rows(data: bytes) -> list[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, IndexError) as exc:
        raise unreadable(str(_l("The file could not be opened as an Excel workbook (.xlsx)."))
                         ) from exc
    except Exception as exc:  # openpyxl raises its own kinds on damaged files
        raise unreadable(str(_l("The file could not be opened as an Excel workbook (.xlsx)."))
                         ) from exc
    try:
        sheet = workbook.worksheets[0]
        rows: list[tuple[int, list[Any]]] = []
        for number, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True),
                                        start=1):
            if len(rows) > MAX_ROWS + 1:  # the heading, the rows, one more to notice
                break
            rows.append((number, list(values)))
    except Exception as exc:  # a damaged sheet inside a valid zip
        raise unreadable(str(_l("The file could not be opened as an Excel workbook (.xlsx)."))
                         ) from exc
    finally:
        workbook.close()
    return rows


def _parse_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = clean_text(value)
    if not text:
        return None
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", text)
        if not match:
            raise ValueError(text)
        day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(text) from None


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number typed into Excel: 403123486.0
    return clean_text(value)


def _check_row(line: int, raw: dict[str, Any]) -> tuple[dict[str, Any] | None, str | None]:
    """A normalised row, or the reason it is refused."""
    row: dict[str, Any] = {"line": line}
    for key in ORG_FIELDS:
        row[key] = _cell_text(raw.get(key))
    if not row["name"]:
        return None, str(_l("no name"))
    if len(row["name"]) > 200:
        return None, str(_l("the name is longer than 200 characters"))
    if row["enterprise_number"]:
        number = normalize_kbo(row["enterprise_number"])
        if number is None:
            return None, str(_l("%(value)s is not a valid enterprise number",
                                value=row["enterprise_number"][:20]))
        row["enterprise_number"] = number
    for key, limit in services.ORG_TEXT_FIELDS.items():
        row[key] = row[key][:limit]
    try:
        row["website"] = services.clean_website(row["website"]) or ""
    except ValueError:
        return None, str(_l("%(value)s is not a web address", value=row["website"][:60]))
    try:
        since, until = _parse_date(raw.get("member_since")), _parse_date(raw.get("member_until"))
    except ValueError as exc:
        return None, str(_l("%(value)s is not a date (use 2021-03-01 or 1/3/2021)",
                            value=str(exc)[:30]))
    if until is not None and since is None:
        return None, str(_l("a membership end date without a start date"))
    if since is not None and until is not None and until < since:
        return None, str(_l("the membership ends before it starts"))
    row["member_since"] = since.isoformat() if since else None
    row["member_until"] = until.isoformat() if until else None
    first = _cell_text(raw.get("contact_first_name"))
    last = _cell_text(raw.get("contact_last_name"))
    if not first and raw.get("contact_name"):
        first, last = services.split_name(_cell_text(raw.get("contact_name")))
    email_text = _cell_text(raw.get("contact_email"))
    email = normalize_email(email_text) if email_text else None
    if email_text and email is None:
        return None, str(_l("%(value)s is not an e-mail address", value=email_text[:60]))
    row["contact"] = None
    if email:
        row["contact"] = {"first_name": (first or email.split("@")[0])[:100],
                          "last_name": last[:100], "email": email,
                          "phone": _cell_text(raw.get("contact_phone"))[:40],
                          "role": _cell_text(raw.get("contact_role"))[:120]}
    return row, None


def parse_member_file(filename: str, data: bytes) -> ParsedFile:
    """Read and check a member list; raise `unreadable_file` if nothing can be read."""
    parsed = ParsedFile()
    if not data:
        raise unreadable(str(_l("The file is empty.")))
    is_xlsx = data.startswith(b"PK\x03\x04") or filename.lower().endswith((".xlsx", ".xlsm"))
    if filename.lower().endswith(".xls") and not is_xlsx:
        raise unreadable(str(_l("Old Excel files (.xls) cannot be read. Save the list as .xlsx "
                                "or as CSV.")))
    table = _xlsx_rows(data) if is_xlsx else _csv_rows(data, parsed.notes)
    table = [(n, cells) for n, cells in table if any(_cell_text(c) for c in cells)]
    if not table:
        raise unreadable(str(_l("The file contains no rows.")))
    header_line, header = table[0]
    columns = {index: HEADERS.get(_header_key(cell)) for index, cell in enumerate(header)}
    if "name" not in columns.values():
        raise unreadable(str(_l(
            "No column with the organisation's name was found in the first row. Expected "
            "column headings such as: naam, ondernemingsnummer, rechtsvorm, sector, provincie, "
            "gemeente, website, lid sinds, lid tot, contactpersoon, e-mail, telefoon, functie.")))
    unknown = [clean_text(header[i])[:40] for i, key in columns.items()
               if key is None and clean_text(header[i])]
    if unknown:
        parsed.notes.append(str(_l("Columns ignored: %(names)s.", names=", ".join(unknown))))
    body = table[1:]
    if len(body) > MAX_ROWS:
        parsed.notes.append(str(_l("Only the first %(count)s rows were read.", count=MAX_ROWS)))
        body = body[:MAX_ROWS]
    seen_numbers: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    for line, cells in body:
        raw = {}
        for index, key in columns.items():
            if key is not None and index < len(cells) and key not in raw:
                raw[key] = cells[index]
        row, reason = _check_row(line, raw)
        if row is not None:
            name_key = row["name"].casefold()
            earlier = (seen_numbers.get(row["enterprise_number"]) if row["enterprise_number"]
                       else None) or seen_names.get(name_key)
            if earlier is not None:
                row, reason = None, str(_l("appears twice in the file (also on line %(line)s)",
                                           line=earlier))
            else:
                if row["enterprise_number"]:
                    seen_numbers[row["enterprise_number"]] = line
                seen_names[name_key] = line
        if row is None:
            parsed.rejected.append({"line": line, "name": _cell_text(raw.get("name"))[:200],
                                    "reason": reason})
        else:
            parsed.rows.append(row)
    return parsed


def _existing(rows: list[dict[str, Any]]) -> tuple[dict[str, Organization], dict[str, list[Organization]]]:
    numbers = [r["enterprise_number"] for r in rows if r["enterprise_number"]]
    names = [r["name"].lower() for r in rows]
    by_number: dict[str, Organization] = {}
    by_name: dict[str, list[Organization]] = {}
    for chunk_start in range(0, max(len(numbers), len(names)), 500):
        chunk_numbers = numbers[chunk_start:chunk_start + 500]
        chunk_names = names[chunk_start:chunk_start + 500]
        found = db.session.execute(sa.select(Organization).where(sa.or_(
            Organization.enterprise_number.in_(chunk_numbers),
            sa.func.lower(Organization.name).in_(chunk_names),
        )).options(selectinload(Organization.memberships))).scalars()
        for org in found:
            if org.enterprise_number:
                by_number[org.enterprise_number] = org
            by_name.setdefault(org.name.lower(), []).append(org)
    return by_number, by_name


def plan_import(rows: list[dict[str, Any]]) -> ImportPlan:
    """Match each row to the register (by enterprise number, else by name); nothing is written."""
    by_number, by_name = _existing(rows)
    planned: list[PlannedRow] = []
    rejected: list[dict[str, Any]] = []
    for row in rows:
        org = by_number.get(row["enterprise_number"]) if row["enterprise_number"] else None
        if org is None:
            candidates = [o for o in by_name.get(row["name"].lower(), [])
                          if o.id not in {p.organization.id for p in planned if p.organization}]
            if len(candidates) > 1:
                rejected.append({"line": row["line"], "name": row["name"], "reason": str(_l(
                    "several organisations in the register have this name; add the "
                    "enterprise number"))})
                continue
            org = candidates[0] if candidates else None
            if (org is not None and org.enterprise_number and row["enterprise_number"]
                    and org.enterprise_number != row["enterprise_number"]):
                rejected.append({"line": row["line"], "name": row["name"], "reason": str(_l(
                    "%(name)s is in the register with enterprise number %(number)s",
                    name=org.name, number=format_kbo(org.enterprise_number)))})
                continue
        if org is None:
            planned.append(PlannedRow(row=row, action="create"))
            continue
        changes = [key for key in ORG_FIELDS
                   if row[key] and row[key] != (getattr(org, key) or "")
                   and not (key == "name" and row[key].casefold() == org.name.casefold())]
        if row["member_since"] and not any(
                m.starts_on.isoformat() == row["member_since"] for m in org.memberships):
            changes.append("membership")
        if row["member_until"] and not any(
                m.ends_on and m.ends_on.isoformat() == row["member_until"]
                for m in org.memberships):
            changes.append("membership_end")
        if row["contact"]:
            changes.append("contact")
        planned.append(PlannedRow(row=row, action="update" if changes else "unchanged",
                                  organization=org, changes=changes))
    return ImportPlan(planned=planned, rejected=rejected)


def store_import(parsed: ParsedFile, *, filename: str, actor: User | None,
                 now: datetime | None = None) -> MemberImport:
    """Keep the parsed rows until a staff member confirms (or the upload expires)."""
    member_import = MemberImport(
        token=secrets.token_urlsafe(32), filename=clean_text(filename)[:255],
        created_by_id=actor.id if actor is not None else None, created_at=now or utcnow(),
        rows=parsed.rows, rejected=parsed.rejected, notes=parsed.notes,
    )
    db.session.add(member_import)
    db.session.flush()
    return member_import


def _apply_row(planned: PlannedRow, *, actor: User | None, now: datetime) -> str | None:
    """Apply one planned row; returns a note when part of it was left out."""
    row = planned.row
    fields = {key: row[key] or None for key in ORG_FIELDS}
    since = date.fromisoformat(row["member_since"]) if row["member_since"] else None
    until = date.fromisoformat(row["member_until"]) if row["member_until"] else None
    note = None
    org: Organization | None
    if planned.action == "create":
        org = services.create_organization(actor=actor, now=now, member_since=since,
                                           member_until=until, **fields)
    else:
        org = planned.organization
        assert org is not None  # planned updates always carry their organisation
        merged = {key: fields[key] or getattr(org, key) for key in ORG_FIELDS}
        if merged["name"].casefold() == org.name.casefold():
            merged["name"] = org.name  # "BROODCOOP" in a list does not rename "Broodcoop"
        services.update_organization(org, actor=actor, now=now, **merged)
        if since is not None:
            same_start = next((m for m in org.memberships if m.starts_on == since), None)
            if same_start is None:
                try:
                    with db.session.begin_nested():
                        services.add_membership(org, since, until, actor=actor, now=now)
                except DomainError:
                    note = str(_l("membership period not added: it overlaps a recorded one"))
            elif until is not None and same_start.ends_on is None:
                services.end_membership(same_start, until, actor=actor, now=now)
    contact = row.get("contact")
    if contact:
        person = db.session.execute(
            sa.select(Person).where(Person.email == contact["email"])).scalar_one_or_none()
        if person is not None and person.organization_id not in (None, org.id):
            return str(_l("contact person %(email)s belongs to another organisation; not "
                          "changed", email=contact["email"]))
        services.save_contact_person(
            org, person, first_name=contact["first_name"] if person is None
            else person.first_name, last_name=contact["last_name"] if person is None
            else person.last_name, email=contact["email"],
            phone=contact["phone"] or (person.phone if person else None),
            role=contact["role"] or (person.role if person else None), actor=actor, now=now)
    return note


@dataclass
class ImportResult:
    """What confirming did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[dict[str, Any]] = field(default_factory=list)


def apply_member_import(member_import: MemberImport, *, actor: User | None,
                        now: datetime | None = None) -> ImportResult:
    """Apply a stored upload once: create and update organisations, memberships, contacts."""
    now = now or utcnow()
    if member_import.created_at + IMPORT_VALID_FOR < now:
        raise DomainError("import_expired", str(_l(
            "This upload has expired. Upload the file again.")), status=410)
    claimed = db.session.execute(
        sa.update(MemberImport).where(MemberImport.id == member_import.id,
                                      MemberImport.applied_at.is_(None))
        .values(applied_at=now).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise DomainError("import_already_applied", str(_l(
            "This import has already been confirmed.")))
    plan = plan_import(list(member_import.rows))
    result = ImportResult(skipped=list(plan.rejected))
    for planned in plan.planned:
        if planned.action == "unchanged":
            result.unchanged += 1
            continue
        try:
            with db.session.begin_nested():
                note = _apply_row(planned, actor=actor, now=now)
        except DomainError as error:
            reason = "; ".join(error.fields.values()) or error.message
            result.skipped.append({"line": planned.row["line"], "name": planned.row["name"],
                                   "reason": reason})
            continue
        if note:
            result.skipped.append({"line": planned.row["line"], "name": planned.row["name"],
                                   "reason": note})
        if planned.action == "create":
            result.created += 1
        else:
            result.updated += 1
    record_audit("member_import.applied", object_type="member_import",
                 object_id=member_import.id, actor=actor, now=now,
                 details={"created": result.created, "updated": result.updated,
                          "skipped": len(result.skipped)})
    return result


