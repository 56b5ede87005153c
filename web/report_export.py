"""The numbers behind a chart as a file: CSV for any program, XLSX for Excel."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook

from web.report_tables import ReportTable

# Text a spreadsheet would run as a formula (a recruiter's name could start so): kept as text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(table: ReportTable) -> bytes:
    """Semicolon-separated with a byte-order mark: how Excel with Danish settings opens a CSV file correctly."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([cell(h) for h in table.headers])
    for row in table.rows:
        writer.writerow(
            ["" if v is None else cell(str(v).replace(".", ",") if isinstance(v, float) else v) for v in row]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(table: ReportTable) -> bytes:
    """One sheet: the title, then the headers and the rows, numbers as numbers."""
    book = Workbook()
    sheet = book.active
    sheet.title = table.key[:31]
    sheet.append([table.title])
    sheet.append([cell(h) for h in table.headers])
    for row in table.rows:
        sheet.append([cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
