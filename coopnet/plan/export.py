"""The report as rows, CSV and XLSX (the same figures as the dashboard)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _

from coopnet.plan.measures import Column
from coopnet.plan.models import Indicator
from coopnet.plan.queries import Explanation, Figures, Report
from coopnet.timezones import to_brussels
from coopnet.web.spreadsheets import csv_bytes, safe_row, sheet_title, workbook_bytes


def status_label(status: str) -> str:
    """The status in the current language."""
    labels = {"achieved": _("achieved"), "on_track": _("on track"), "behind": _("behind"),
              "no_data": _("no data")}
    return labels.get(status, status)


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
                    rows.append([
                        f"{sd.label} {sd.title}",
                        f"{goal.label} {goal.title}" if goal is not sd else "",
                        action.title, indicator.text, fig.measure_label,
                        plain_number(fig.target), indicator.unit, plain_number(fig.actual),
                        fig.percent, plain_number(fig.expected_by_now),
                        status_label(fig.status),
                        _("yes") if indicator.status == "confirmed" else _("no")])
    return header, rows


def report_csv(report: Report) -> bytes:
    """The report as CSV in the exports' one dialect (coopnet/web/spreadsheets.py)."""
    header, rows = report_rows(report)
    return csv_bytes([[report.plan.name, report.at], header, *rows])


def report_xlsx(report: Report) -> bytes:
    """The report as an XLSX workbook."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    header, rows = report_rows(report)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Report")[:31]
    sheet.append(safe_row([report.plan.name, report.at.isoformat()]))
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(safe_row(row))
    for column, width in zip("ABCDEFGHIJKL", (30, 30, 30, 50, 22, 9, 12, 9, 9, 12, 14, 10),
                             strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A3"
    return workbook_bytes(workbook)


def _cell(column: Column, value: Any) -> Any:
    """A value as a spreadsheet cell: Brussels time without zone, labels for choices."""
    if value is None:
        return None
    if column.format == "datetime" and isinstance(value, datetime):
        return to_brussels(value).replace(tzinfo=None)
    if column.format == "choice" and column.choices:
        return str(column.choices.get(value, value))
    if column.format == "number":
        return plain_number(float(value))
    return value


def _table(columns: tuple[Column, ...], rows: list[dict[str, Any]]) -> list[list[Any]]:
    return [[str(c.label) for c in columns],
            *[[_cell(c, row.get(c.key)) for c in columns] for row in rows]]


def drilldown_sections(indicator: Indicator, fig: Figures, explained: Explanation
                       ) -> list[tuple[str, list[list[Any]]]]:
    """The drill-down as titled sections of rows: the figure with its parts and records, then
    each further list (what is missing, who joined, who left)."""
    kind = explained.kind
    summary: list[list[Any]] = [
        [indicator.text], [_("Measure"), fig.measure_label],
        [_("Period"), fig.window.starts_on, fig.window.ends_on], [_("Date"), fig.window.at],
        [_("Actual"), plain_number(fig.actual)], [_("Target"), plain_number(fig.target)],
        [_("Status"), status_label(fig.status)]]
    if kind is not None:
        summary.append([_("How it is counted"), str(kind.rule)])
        for part in kind.parts:
            value = explained.parts.get(part.key)
            summary.append([str(part.label), value if isinstance(value, date | None)
                            else plain_number(float(value))])
    sections = [(_("Indicator"), summary)]
    if kind is not None:
        sections.append((str(kind.records_title or _("Records")),
                         _table(kind.columns, explained.rows)))
        sections += [(str(listing.title),
                      _table(listing.columns, explained.listings.get(listing.key, [])))
                     for listing in kind.listings]
    return sections


def drilldown_csv(indicator: Indicator, fig: Figures, explained: Explanation) -> bytes:
    """The drill-down as CSV: each section under its title, a blank line between them."""
    lines: list[list[Any]] = []
    for number, (title, rows) in enumerate(drilldown_sections(indicator, fig, explained)):
        if number:
            lines.append([])
        lines += [[f"# {title}"], *rows]
    return csv_bytes(lines)


def drilldown_xlsx(indicator: Indicator, fig: Figures, explained: Explanation) -> bytes:
    """The drill-down as an XLSX workbook, one sheet per section."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in drilldown_sections(indicator, fig, explained):
        sheet = workbook.create_sheet(sheet_title(title, workbook.sheetnames))
        for row in rows:
            sheet.append(safe_row(row))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for column in sheet.columns:
            for cell in column:
                if isinstance(cell.value, datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
                elif isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
    return workbook_bytes(workbook)
