"""How far a sheet's cells reach, and cutting a sheet down to the area a reader reads.

A single cell at XFD1048576 makes python-calamine allocate the whole rectangle from A1 (hundreds of
GB) and abort the process, which no exception handler can catch. So the guard measures each sheet
before any reader sees it. Where the caller names the area it reads (a response sheet: the
template's columns, and its rows with room for rows a supplier adds), cells outside that area are
cut from the sheet handed to the reader and listed; elsewhere a sheet spanning too many cells is
refused.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, tostring

from socialvalue.problems import CellRef, Problem, Severity, column_letters, define, shorten

from .structure import UNPLAIN, cells, local, parse_xml

_CELL_COLUMN = re.compile(rb'<(?:[\w.-]+:)?c\b[^>]*?\br\s*=\s*["\']([A-Za-z]{1,4})')
_CELL_ROW = re.compile(rb'<(?:[\w.-]+:)?c\b[^>]*?\br\s*=\s*["\'][A-Za-z]{1,4}(\d{1,8})')
_ROW_POSITION = re.compile(rb'<(?:[\w.-]+:)?row\b[^>]*?\br\s*=\s*["\'](\d{1,8})')


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ch - 64
    return number


def _largest(numerals: set[bytes]) -> bytes:
    return max(numerals, key=lambda n: (len(n.lstrip(b"0")), n.lstrip(b"0")), default=b"0")


CELLS_OUTSIDE = define(
    "cells-outside-template",
    Severity.WARNING,
    "{count} outside the response area of this sheet ({area}) {were} not read: {cells}",
)


SMALL_SHEET_CELLS = 26 * 9_999
"""Cells in A1:Z9999, the most a sheet passing :func:`within_z9999` can span."""


@functools.cache
def _unsettled(columns: int, digits: int) -> re.Pattern[bytes]:
    """A pattern finding any cell or row not placed, as spreadsheet programs write it, within the first
    ``columns`` columns (at most 26) and rows of up to ``digits`` digits, or anything else that makes the
    sheet not plain for the fast fact scan (:data:`~socialvalue.intake.structure.UNPLAIN`)."""
    last = chr(ord("A") + columns - 1).encode()
    rows = str(digits).encode()
    return re.compile(
        rb"<(?:"
        rb'c(?=[\s/>])(?! r="[A-' + last + rb"]\d{1," + rows + rb'}")'  # a cell not placed first, inside
        rb'|row(?=[\s/>])(?! r="\d{1,' + rows + rb'}")'  # a row not numbered first, inside
        rb"|" + UNPLAIN + rb")"
    )


def settled(xml: bytes, rows: int, columns: int) -> bool:
    """True when every cell and row names its position first (as spreadsheet programs write) and all lie
    in the first ``columns`` columns and rows 1 to ``rows``, and the sheet is plain for the fast fact
    scan: all as far as one quick scan can tell.

    It only tells rows apart by their number of digits (rows up to 9,999 when ``rows`` is 9,999 to
    99,998): a False means "not settled", and the caller looks closer.
    """
    digits = len(str(rows + 1)) - 1
    if not 1 <= columns <= 26 or digits < 1 or b"\x00" in xml[:4] or xml[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return False
    return _unsettled(columns, digits).search(xml) is None


def within_z9999(xml: bytes) -> bool:
    """:func:`settled` for A1:Z9999: one scan, without listing the cells."""
    return settled(xml, 9_999, 26)


def sheet_extent(xml: bytes) -> tuple[int, int]:
    """(rows, columns) from A1 to the furthest cell or row the sheet XML names.

    Distinct values are gathered by the regex engine and only those are compared, so a sheet of a
    few hundred cells costs a few set insertions, not a Python step per cell. The usual sheet never
    gets here: :func:`settled` settles it first.
    """
    cell_rows, cell_columns = set(_CELL_ROW.findall(xml)), set(_CELL_COLUMN.findall(xml))
    rows = int(_largest(cell_rows | set(_ROW_POSITION.findall(xml))) or 0)
    columns = {c.upper() for c in cell_columns}
    widest = max(columns, key=lambda c: (len(c), c), default=b"")
    return rows, _column_number(widest) if widest else 0


@dataclass(frozen=True)
class Area:
    """The cells a reader reads on one sheet: rows 1 to ``rows``, the first ``columns`` columns."""

    rows: int
    columns: int

    @property
    def a1(self) -> str:
        return f"A1:{column_letters(self.columns - 1)}{self.rows}"


@dataclass(frozen=True)
class Fitted:
    """A sheet's XML with everything outside the area cut (the same bytes when nothing was)."""

    xml: bytes
    plain: bool = False
    """Settled by the quick scan (:func:`settled`): inside the area and plain for the fast fact scan."""
    outside: list[tuple[CellRef, str]] = field(default_factory=list)
    """The cells cut that held a value: (cell, the value as text), in sheet order."""
    empty: int = 0
    """How many cells without a value were cut."""


def _value(c: Element, strings: Callable[[int], str | None]) -> str:
    kind = c.get("t", "n")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in c.iter() if local(t.tag) == "t")
    v = next((el.text for el in c if local(el.tag) == "v"), None)
    if v is None:
        return ""
    if kind == "s" and v.strip().isascii() and v.strip().isdigit():
        return strings(int(v)) or f"(shared text {v.strip()})"
    if kind == "b":
        return "TRUE" if v.strip() == "1" else "FALSE"
    return v


def fit(xml: bytes, area: Area, strings: Callable[[int], str | None]) -> Fitted | None:
    """``xml`` cut to ``area``; None when the sheet cannot be parsed (then it is measured, not cut).

    Cells cut are listed with their values (``strings`` looks up shared text by index). Where
    anything is cut, every remaining row and cell is given its position explicitly and the sheet's
    ``<dimension>`` is set to what remains, so the reader places each cell as listed here.
    """
    if settled(xml, area.rows, area.columns):
        return Fitted(xml, plain=True)
    root = parse_xml(xml)
    if root is None:
        return None
    outside: list[tuple[CellRef, str]] = []
    empty = 0
    placed: list[tuple[Element, Element | None, int, int]] = []
    changed = False
    for row, c, row_number, col in cells(root):
        if c is None:
            if row_number > area.rows:
                changed = True  # the row goes, with its cells (each listed below)
            placed.append((row, None, row_number, col))
            continue
        if row_number > area.rows or col >= area.columns:
            value = _value(c, strings)
            if value:
                outside.append((CellRef("", row_number, col), value))
            else:
                empty += 1
            row.remove(c)
            changed = True
        else:
            placed.append((row, c, row_number, col))
    if not changed:
        return Fitted(xml)
    last_row = last_col = 0
    for row, c, row_number, col in placed:
        if c is None:
            row.set("r", str(row_number))
            continue
        c.set("r", CellRef("", row_number, col).a1)
        last_row, last_col = max(last_row, row_number), max(last_col, col)
    for data in (el for el in root if local(el.tag) == "sheetData"):
        for row in [el for el in data if local(el.tag) == "row"]:
            if int(row.get("r", "0")) > area.rows:
                data.remove(row)
    for dimension in (el for el in root if local(el.tag) == "dimension"):
        dimension.set("ref", f"A1:{CellRef('', max(last_row, 1), last_col).a1}")
    return Fitted(tostring(root, encoding="utf-8"), False, outside, empty)


_LISTED = 5
"""Cells cut from a sheet that its warning names one by one."""


def outside_problem(name: str, sheet: str, area: Area, fitted: Fitted) -> Problem:
    """The warning listing the cells cut from ``sheet`` of file ``name``."""
    outside, empty = fitted.outside, fitted.empty
    listed = [f"{cell.a1} ({shorten(value, 40)!r})" for cell, value in outside[:_LISTED]]
    more = len(outside) - len(listed)
    if more:
        listed.append(f"{more:,} more with values")
    if empty:
        listed.append(f"{empty:,} empty cell{'s' if empty != 1 else ''}")
    total = len(outside) + empty
    first = outside[0][0] if outside else None
    return CELLS_OUTSIDE(
        file=name,
        sheet=sheet,
        cell=first.a1 if first else "",
        raw=outside[0][1] if outside else "",
        count=f"{total:,} cell{'s' if total != 1 else ''}",
        area=area.a1,
        were="were" if total != 1 else "was",
        cells=", ".join(listed),
    )


class SharedStrings:
    """Shared text by index, parsed only when a cell cut from a sheet needs it."""

    def __init__(self, xml: bytes) -> None:
        self.xml = xml
        self.texts: list[str] | None = None

    def get(self, index: int) -> str | None:
        if self.texts is None:
            root = parse_xml(self.xml) if self.xml else None
            self.texts = [
                "".join(t.text or "" for t in si.iter() if local(t.tag) == "t")
                for si in (root if root is not None else ())
                if local(si.tag) == "si"
            ]
        return self.texts[index] if 0 <= index < len(self.texts) else None
