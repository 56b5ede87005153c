"""The numbers behind a chart as a file: CSV for any program, XLSX for Excel (written by web/sheets.py)."""

from __future__ import annotations

from web.report_tables import ReportTable
from web.sheets import csv_bytes, xlsx_bytes


def to_csv(table: ReportTable) -> bytes:
    """The headers and the rows in the Danish Excel dialect."""
    return csv_bytes([str(h) for h in table.headers], table.rows)


def to_xlsx(table: ReportTable) -> bytes:
    """One sheet: the title, then the headers and the rows, numbers as numbers."""
    return xlsx_bytes(table.key, [str(h) for h in table.headers], table.rows, heading=str(table.title))
