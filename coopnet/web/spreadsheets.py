"""CSV and XLSX downloads that a spreadsheet opens correctly and safely.

One CSV dialect for every export (the README says so): `;` between cells, UTF-8 with a
byte-order mark, CRLF line ends, `"` around cells that need it. That is what Excel with a
Belgian (Dutch or French) locale opens with the columns and accents right on a double click;
LibreOffice reads it too.

Text a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return)
gets a leading apostrophe, in CSV and in XLSX alike: a registrant called `=HYPERLINK(...)`
stays text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from flask import Response

# what makes a spreadsheet read a cell as a formula (OWASP's list for CSV injection)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ExcelBelgium(csv.Dialect):
    """The one CSV dialect of coopnet's exports."""

    delimiter = ";"
    quotechar = '"'
    doublequote = True
    skipinitialspace = False
    lineterminator = "\r\n"
    quoting = csv.QUOTE_MINIMAL


def safe_cell(value: Any) -> Any:
    """`value`, with a leading apostrophe when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return safe_cell(value)


def csv_bytes(rows: Iterable[Sequence[Any]]) -> bytes:
    """The rows as CSV in the one dialect (`;`, UTF-8 with BOM, CRLF), every cell made safe.

    Dates are written as 2021-12-31, times as 2021-12-31 19:30 (give them in Brussels time).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, dialect=ExcelBelgium)
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def safe_row(row: Iterable[Any]) -> list[Any]:
    """A row for an XLSX sheet, every text cell made safe (openpyxl stores `=...` as a formula)."""
    return [safe_cell(value) for value in row]


def sheet_title(title: str, taken: Sequence[str] = ()) -> str:
    """A valid, unused sheet name: without []:*?/\\ and at most 31 characters."""
    base = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Sheet"
    name, number = base, 2
    while name in taken:
        suffix = f" {number}"
        name = base[:31 - len(suffix)] + suffix
        number += 1
    return name


def workbook_bytes(workbook: Any) -> bytes:
    """An openpyxl workbook as the bytes of an .xlsx file."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def download(body: bytes | str, filename: str) -> Response:
    """A file to save: CSV or XLSX by the name's extension."""
    mimetype = "text/csv" if filename.endswith(".csv") else XLSX_MIMETYPE  # text/*: charset added
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
