"""The spreadsheet writer: every formula start neutralised, the Danish Excel CSV dialect, XLSX cells stay text."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest

from web.sheets import csv_bytes, neutralised, xlsx_bytes


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_gets_an_apostrophe(start):
    assert neutralised(start + "1+1") == "'" + start + "1+1"


def test_other_values_pass_unchanged():
    assert [neutralised(v) for v in ("Ærø Bryggeri", 5, -5, None)] == ["Ærø Bryggeri", 5, -5, None]


def test_csv_is_danish_excel():
    body = csv_bytes(["Navn", "Antal"], [["Æble; pære", 1.5], [None, date(2026, 3, 2)]])
    assert body == '\ufeffNavn;Antal\r\n"Æble; pære";1,5\r\n;2026-03-02\r\n'.encode()


def test_xlsx_keeps_a_neutralised_formula_as_text():
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes("t", ["A"], [["=1+1"], ["\tx"]]))).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [(c.value, c.data_type) for c in cells] == [("'=1+1", "s"), ("'\tx", "s")]
