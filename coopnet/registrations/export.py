"""Registration lists as CSV and XLSX for staff, safe to open in a spreadsheet."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from coopnet.registrations.models import Registration
from coopnet.timezones import to_brussels
from coopnet.web.spreadsheets import csv_bytes, safe_row, sheet_title, workbook_bytes


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
    """The list as CSV in the exports' one dialect (coopnet/web/spreadsheets.py)."""
    return csv_bytes([header, *rows])


def to_xlsx(header: Sequence[str], rows: Iterable[Sequence[object]], title: str) -> bytes:
    """An XLSX workbook with one sheet; every cell is a value, never a formula."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(title)
    sheet.append(safe_row(header))
    for row in rows:
        sheet.append(safe_row(row))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    return workbook_bytes(workbook)
