"""A spreadsheet file as rows of text: Danish Excel CSV, comma CSV, or XLSX from Excel and LibreOffice.

CSV comes as UTF-8 (with or without a byte-order mark) or, from older Danish Excel,
Windows-1252; the separator is whichever of semicolon, comma and tab the header line
uses most. Bounded: a file larger than MAX_BYTES or with more than MAX_ROWS rows is
refused before any row is looked at.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime

from crm.errors import InvalidInput

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 60
MAX_CELL = 2_000
XLSX_MAGIC = b"PK\x03\x04"


class FileTooLarge(InvalidInput):
    """The file or its number of rows exceeds the import's bounds."""


def read_table(data: bytes, filename: str = "") -> tuple[list[str], list[list[str]]]:
    """The header row and the data rows (blank rows dropped), every cell as stripped text."""
    if len(data) > MAX_BYTES:
        raise FileTooLarge(field="file", problem="at most %(limit)s MB", limit=MAX_BYTES // (1024 * 1024))
    if data.startswith(XLSX_MAGIC) or filename.lower().endswith((".xlsx", ".xlsm")):
        rows = _xlsx_rows(data)
    else:
        rows = _csv_rows(data)
    rows = [row[:MAX_COLUMNS] for row in rows if any(cell for cell in row)]
    if not rows:
        raise InvalidInput(field="file", problem="is empty")
    if len(rows) - 1 > MAX_ROWS:
        raise FileTooLarge(field="file", problem="at most %(limit)s rows", limit=MAX_ROWS)
    header, body = rows[0], rows[1:]
    width = len(header)
    return header, [(row + [""] * width)[:width] for row in body]


def decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _csv_rows(data: bytes) -> list[list[str]]:
    text = decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    for row in reader:
        rows.append([cell.strip()[:MAX_CELL] for cell in row])
        if len(rows) > MAX_ROWS + 1:
            break
    return rows


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise InvalidInput(field="file", problem="is not an Excel workbook") from error
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
            rows.append([_cell_text(value) for value in values])
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a CVR or phone number typed as a number
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()[:MAX_CELL]
