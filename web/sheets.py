"""Tables as files people open in Excel: CSV in the Danish Excel dialect and XLSX, safe against formula injection.

Every list screen exports through `send_table`. A text cell that a spreadsheet would
read as a formula (it begins with =, +, -, @, a tab or a carriage return) is written
with a leading apostrophe, in both formats, so an exported company name such as
`=HYPERLINK(...)` stays text wherever the file is opened (OWASP's advice for CSV injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from flask import Response
from openpyxl import Workbook

FORMATS = ("csv", "xlsx")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# An export is a list, not a dump of the database: beyond this it is cut (and says so in its last row).
MAX_ROWS = 100_000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralised(value: Any) -> Any:
    """Text that a spreadsheet would evaluate gets a leading apostrophe; other values pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(value).replace(".", ",")  # the Danish decimal comma
    return str(neutralised(str(value)))


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """Semicolon-separated UTF-8 with a byte-order mark: what Danish Excel opens without an import wizard."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([_csv_cell(h) for h in headers])
    writer.writerows([_csv_cell(v) for v in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if value is None or isinstance(value, int | float | date):
        return value
    return neutralised(str(value))


def xlsx_bytes(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], heading: str | None = None) -> bytes:
    """One sheet named `title`; `heading`, when given, is a first row above the headers (a report's title)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    if heading is not None:
        sheet.append([_xlsx_cell(heading)])
    sheet.append([_xlsx_cell(h) for h in headers])
    for row in rows:
        sheet.append([_xlsx_cell(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def send_table(name: str, fmt: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], title: str = "") -> Response:
    """The table as a download named `<name>.<fmt>`."""
    if fmt == "xlsx":
        body, mimetype = xlsx_bytes(title or name, headers, rows), XLSX_TYPE
    else:
        body, mimetype = csv_bytes(headers, rows), "text/csv; charset=utf-8"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response.headers["Cache-Control"] = "no-store"  # exports may hold personal data
    return response
