"""Registration lists as CSV and XLSX for staff, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from coopnet.registrations.models import Registration
from coopnet.timezones import to_brussels

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _local(moment: datetime | None) -> str:
    return to_brussels(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def registration_rows(registrations: Iterable[Registration],
                      status_labels: dict[str, str]) -> tuple[list[str], list[list[object]]]:
    """Header and rows: one row per registration, times in Brussels time."""
    header = [_("Status"), _("First name"), _("Last name"), _("E-mail"), _("Organisation"),
              _("Registered at"), _("Checked in at"), _("Source")]
    rows: list[list[object]] = []
    for r in registrations:
        organization = r.organization.name if r.organization else r.organization_name
        rows.append([status_labels.get(r.status, r.status), r.person.first_name,
                     r.person.last_name, r.person.email or "", organization,
                     _local(r.registered_at), _local(r.checked_in_at), r.source])
    return header, rows


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """UTF-8 CSV with a byte-order mark (so Excel shows accents right), neutralised cells."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(header: Sequence[str], rows: Iterable[Sequence[object]], title: str) -> bytes:
    """An XLSX workbook with one sheet; every cell is a value, never a formula."""
    workbook = Workbook()
    sheet = workbook.active
    # sheet names may not hold []:*?/\ and are at most 31 characters
    sheet.title = "".join(c for c in title if c not in '[]:*?/\\')[:31] or "Sheet"
    sheet.append(list(header))
    for row in rows:
        sheet.append([neutralise(cell) for cell in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
