"""Small helpers every generated workbook uses: typed cell writes, protection, printing, row heights."""

from __future__ import annotations

import math
from typing import Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from .safe import clean_text

ROW_MAX_HEIGHT = 409
"""Excel's tallest row, in points."""


def put(ws: Worksheet, row: int, col: int, value: Any, fmt: Any = None) -> None:
    """Write one value by its type: text always as a string cell (never a formula), numbers as numbers, None blank."""
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_string(row, col, "Yes" if value else "No", fmt)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value, fmt)
    else:
        ws.write_string(row, col, clean_text(value), fmt)


def print_setup(ws: Worksheet, repeat_row: int | None = None) -> None:
    """Landscape A4, one page wide, headings repeated: a sheet prints as people expect."""
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    if repeat_row is not None:
        ws.repeat_rows(repeat_row)


def protect(ws: Worksheet) -> None:
    """Lock the sheet; cells written with an unlocked format stay editable; rows and columns can be resized."""
    ws.protect(
        "",
        {"select_locked_cells": True, "select_unlocked_cells": True, "format_columns": True, "format_rows": True,
         "autofilter": True},
    )  # fmt: skip


def lines_needed(text: str, width: float) -> int:
    """Lines a wrapped text takes in a column ``width`` characters wide (an estimate: fonts vary)."""
    per_line = max(10, int(width * 1.1))
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n")) if text else 1


def fit_height(ws: Worksheet, row: int, text: str, width: float, minimum: float = 15) -> None:
    """Give a wrapped cell enough height: spreadsheets do not grow rows that a generator wrote."""
    height = max(minimum, 15 * lines_needed(text, width))
    if height > 15:
        ws.set_row(row, min(ROW_MAX_HEIGHT, height))


class _ClassicFormulaWorksheet(Worksheet):  # type: ignore[misc]
    """A worksheet for formulas built by this project only.

    XlsxWriter runs 29 regular expressions over every formula to spell out function names newer
    than Excel 2010 (``_xlfn.``). Our formulas use only IF, MIN, MAX, AVERAGE, SUM, COUNT and N,
    which every Excel knows, so that step is skipped: a formula costs ~10 µs to write, not ~50 µs
    (measured with bench/run.py). The recalculation tests hold the written formulas to their values.
    """

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        return formula[1:] if formula.startswith("=") else formula


class ResultsWorkbook(xlsxwriter.Workbook):  # type: ignore[misc]
    """XlsxWriter's workbook, with worksheets that write our (classic-function) formulas quickly."""

    worksheet_class = _ClassicFormulaWorksheet
