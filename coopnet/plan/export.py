"""The report as rows, CSV and XLSX (the same figures as the dashboard)."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask_babel import gettext as _

from coopnet.plan.queries import Report


def status_label(status: str) -> str:
    """The status in the current language."""
    labels = {"achieved": _("achieved"), "on_track": _("on track"), "behind": _("behind"),
              "no_data": _("no data")}
    return labels.get(status, status)


def _safe(value: Any) -> Any:
    # a spreadsheet would run text that starts like a formula
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def plain_number(value: float | None) -> float | int | None:
    """1.0 -> 1, 33.3 -> 33.3: figures read as people write them."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def report_rows(report: Report) -> tuple[list[str], list[list[Any]]]:
    """Header and one row per indicator, in tree order."""
    header = [_("Strategic goal"), _("Operational goal"), _("Action"), _("Indicator"),
              _("Measure"), _("Target"), _("Unit"), _("Actual"), _("Percent"),
              _("Expected by now"), _("Status"), _("Confirmed")]
    rows: list[list[Any]] = []
    for sd in report.goals:
        for goal in [sd, *sd.children]:
            for action in goal.actions:
                for indicator in action.indicators:
                    fig = report.figures[indicator.id]
                    rows.append([_safe(v) for v in (
                        f"{sd.label} {sd.title}",
                        f"{goal.label} {goal.title}" if goal is not sd else "",
                        action.title, indicator.text, fig.measure_label,
                        plain_number(fig.target), indicator.unit, plain_number(fig.actual),
                        fig.percent, plain_number(fig.expected_by_now),
                        status_label(fig.status),
                        _("yes") if indicator.status == "confirmed" else _("no"))])
    return header, rows


def report_csv(report: Report) -> str:
    """The report as CSV (UTF-8 with BOM so that Excel reads the accents)."""
    header, rows = report_rows(report)
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([_safe(report.plan.name), report.at.isoformat()])
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def report_xlsx(report: Report) -> bytes:
    """The report as an XLSX workbook."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    header, rows = report_rows(report)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Report")[:31]
    sheet.append([_safe(report.plan.name), report.at.isoformat()])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for column, width in zip("ABCDEFGHIJKL", (30, 30, 30, 50, 22, 9, 12, 9, 9, 12, 14, 10),
                             strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
