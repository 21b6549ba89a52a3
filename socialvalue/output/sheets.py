"""Small helpers every generated workbook uses: typed cell writes, protection, printing, row heights."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell_fast
from xlsxwriter.worksheet import Worksheet

from .safe import FORMULA_TRIGGERS, clean_text

try:  # the cell records and row/column settings the lean row writer below is written against (XlsxWriter 3.3)
    from xlsxwriter.worksheet import (
        CellBlankTuple,
        CellFormulaTuple,
        CellNumberTuple,
        CellStringTuple,
        ColumnInfo,  # noqa: F401  # row and column settings with named fields: only that they exist matters
        RowInfo,  # noqa: F401
    )
except ImportError:  # an older XlsxWriter: its own (slower) writers are used
    LEAN_ROWS = False
else:
    LEAN_ROWS = True

ROW_MAX_HEIGHT = 409
"""Excel's tallest row, in points."""


def put(ws: Worksheet, row: int, col: int, value: Any, fmt: Any = None) -> None:
    """Write one value by its type: text always as a string cell (never a formula), numbers as numbers, None blank.

    Calls XlsxWriter's undecorated writers (``_write_string`` …: the public ones only add parsing of
    "A1" cell names, which ``put`` never gets), as the results workbook writes hundreds of thousands of cells.
    """
    if value is None or value == "":
        ws._write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws._write_string(row, col, "Yes" if value else "No", fmt)
    elif isinstance(value, int | float):
        ws._write_number(row, col, value, fmt)
    else:
        ws._write_string(row, col, clean_text(value), fmt)


A4 = 9
"""XlsxWriter's paper code for A4."""
PORTRAIT_WIDTH = 92.0
"""Column-width units (about one digit each) that fit across A4 portrait at 100%, within the margins below
(measured: LibreOffice with Carlito, Calibri's metrics, prints 192 units across landscape at 69%)."""
LANDSCAPE_WIDTH = 132.0
"""The same across A4 landscape."""
MIN_PRINT_SCALE = 75
"""The smallest print scale: 11 pt type at 75% is about 8 pt, still readable on paper. A sheet that would need
less to fit one page across prints at this scale on pages across instead, its first columns repeated."""


def print_scale_needed(widths: Sequence[float]) -> tuple[bool, int]:
    """(landscape?, % scale that fits the columns on one page across) for columns of these widths."""
    total = max(1.0, sum(widths))
    if total <= PORTRAIT_WIDTH * 100 / 90:  # portrait, type at 90% or more
        return False, min(100, int(100 * PORTRAIT_WIDTH / total))
    return True, min(100, int(100 * LANDSCAPE_WIDTH / total))


def page_setup(
    ws: Worksheet,
    widths: Sequence[float],
    repeat_rows: tuple[int, int] | int | None = None,
    repeat_columns: int = 0,
    last_row: int | None = None,
) -> int:
    """Print as people expect: A4, portrait when the columns fit across it at 90% or more, landscape otherwise.

    One page wide when that keeps the type at :data:`MIN_PRINT_SCALE` % or more; wider sheets print at that
    scale on pages across, the first ``repeat_columns`` columns on every page. ``repeat_rows`` (0-based row,
    or first and last) print at the top of every page; with ``last_row`` the print area is the sheet's columns
    down to that row; the footer names the sheet and the page. Returns the scale the type prints at
    (for a sheet fitted to one page across, the scale the fit comes to).
    """
    landscape, scale = print_scale_needed(widths)
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_paper(A4)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    ws.set_footer("&L&8&A&R&8Page &P of &N")
    if scale >= MIN_PRINT_SCALE:
        ws.fit_to_pages(1, 0)
    else:
        scale = MIN_PRINT_SCALE
        ws.set_print_scale(scale)
        if repeat_columns:
            ws.repeat_columns(0, repeat_columns - 1)
    if repeat_rows is not None:
        first, last = (repeat_rows, repeat_rows) if isinstance(repeat_rows, int) else repeat_rows
        ws.repeat_rows(first, last)
    if last_row is not None:  # (a whole-column print area is valid, but openpyxl cannot read one back)
        ws.print_area(0, 0, last_row, max(0, len(widths) - 1))
    return scale


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


_FORMULA_ERRORS = frozenset(("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"))


def _xml_text(text: str) -> str:
    """Text escaped for an XML element, as XlsxWriter escapes it (quotes stay as they are)."""
    if "&" in text or "<" in text or ">" in text:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


class _RowBuffer:
    """Collects one row's XML so it reaches the temporary file in one write, not one write per cell."""

    __slots__ = ("parts", "write")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.write = self.parts.append


class _SafeWorksheet(Worksheet):  # type: ignore[misc]
    """A worksheet whose text cells never become formulas, not even when someone edits one in Excel.

    Text is always written as a text cell. Text that Excel would read as a formula when the cell is
    edited and entered again (``=1+1``, ``+44…``, ``@SUM(…)``, or a leading tab or line break before
    one) is also given Excel's quote prefix: it shows exactly as written, and stays text when edited.
    """

    quoted: Any = None
    """Set by :class:`SafeWorkbook`: format → the same format with the quote prefix."""

    def _write_string(self, row: int, col: int, string: str, cell_format: Any = None) -> int:
        if string[:1] in FORMULA_TRIGGERS and self.quoted is not None:
            cell_format = self.quoted(cell_format)
        return int(super()._write_string(row, col, string, cell_format))


class SafeWorkbook(xlsxwriter.Workbook):  # type: ignore[misc]
    """XlsxWriter's workbook with :class:`_SafeWorksheet` sheets: every generated workbook is made with it
    (created with :data:`~socialvalue.output.safe.WORKBOOK_OPTIONS`)."""

    worksheet_class = _SafeWorksheet

    def add_format(self, properties: dict[str, Any] | None = None) -> Any:
        fmt = super().add_format(properties)
        fmt.sv_properties = dict(properties or {})
        return fmt

    def add_worksheet(self, name: str | None = None, worksheet_class: Any = None) -> Any:
        ws = super().add_worksheet(name, worksheet_class)
        ws.quoted = self.quoted
        return ws

    def close(self) -> None:
        """Close, marking the workbook as this tool's (so a later run may replace it: see output/entries.py)."""
        from socialvalue import __version__

        properties = dict(self.doc_properties)
        if not str(properties.get("comments", "")).startswith("socialvalue "):
            properties["comments"] = f"socialvalue {__version__}"
            self.set_properties(properties)
        super().close()

    def quoted(self, fmt: Any) -> Any:
        """``fmt`` with Excel's quote prefix (made once per format)."""
        if fmt is not None and getattr(fmt, "sv_properties", {}).get("quote_prefix"):
            return fmt
        cache: dict[int, Any] = self.__dict__.setdefault("_sv_quoted", {})
        key = id(fmt)
        if key not in cache:
            properties = dict(getattr(fmt, "sv_properties", {})) if fmt is not None else {}
            cache[key] = self.add_format({**properties, "quote_prefix": True})
        return cache[key]


class _ClassicFormulaWorksheet(_SafeWorksheet):
    """A worksheet for formulas built by this project only.

    XlsxWriter runs 29 regular expressions over every formula to spell out function names newer
    than Excel 2010 (``_xlfn.``). Our formulas use only IF, MIN, MAX, AVERAGE, SUM, SUMPRODUCT,
    COUNT and N, which every Excel knows, so that step is skipped: a formula costs ~10 µs to write,
    not ~50 µs (measured with bench/run.py). The recalculation tests hold the written formulas to
    their values.
    """

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        return formula[1:] if formula.startswith("=") else formula


class _LeanRowsWorksheet(_ClassicFormulaWorksheet):
    """The same, with rows written quickly in constant_memory mode (XlsxWriter 3.3's internals).

    Each finished row is turned into XML (``_write_single_row``): that is most of the cost of a
    cell. Here a row's XML is built as one string and written once; the four kinds of cell the
    results workbook holds (number, text, formula, blank) are stored and written in fewer steps by
    a lean ``_write_cell`` that gives XlsxWriter's XML byte for byte (tests/test_untrusted.py holds
    it to that); anything else is left to XlsxWriter. Text cells are always written as plain text:
    XlsxWriter writes a string shaped like ``<r>…</r>`` into the XML as markup, so a supplier named
    ``<r>A & B</r>`` made a workbook Excel had to repair.
    """

    def _write_formula(self, row: int, col: int, formula: str, cell_format: Any = None, value: Any = 0) -> int:
        """XlsxWriter's, less the search for array and dynamic-array functions: our formulas use neither.

        A value that is not a finite number is refused: scoring never produces one, so it is a bug, and a
        workbook holding ``inf`` or ``nan`` as a result cannot be opened by some readers and shows 0 in others.
        """
        if value.__class__ is float and not math.isfinite(value):
            raise ValueError(f"not a finite number for the formula {formula!r}: {value!r} (a bug: please report it)")
        if not formula or formula.startswith("{") or self._check_dimensions(row, col):
            return int(super()._write_formula(row, col, formula, cell_format, value))
        if self.constant_memory and row > self.previous_row:
            self._write_single_row(row)
        self.table[row][col] = CellFormulaTuple(self._prepare_formula(formula), cell_format, value)
        return 0

    def _write_string(self, row: int, col: int, string: str, cell_format: Any = None) -> int:
        """XlsxWriter's, for the usual case (constant_memory, shorter than half Excel's limit) in fewer steps."""
        if not self.constant_memory or len(string) > self.xls_strmax // 2 or self._check_dimensions(row, col):
            return int(super()._write_string(row, col, string, cell_format))
        if string[:1] in FORMULA_TRIGGERS and self.quoted is not None:
            cell_format = self.quoted(cell_format)
        if row > self.previous_row:
            self._write_single_row(row)
        self.table[row][col] = CellStringTuple(string, cell_format)
        return 0

    def _write_single_row(self, current_row_num: int = 0) -> None:
        fh: Any = self.fh  # type: ignore[has-type]
        buffer = _RowBuffer()
        self.fh = buffer
        try:
            super()._write_single_row(current_row_num)
        finally:
            self.fh = fh
        if buffer.parts:
            fh.write("".join(buffer.parts))

    def _write_cell(self, row: int, col: int, cell: Any) -> None:
        kind = cell.__class__
        if not self.constant_memory or kind not in (CellNumberTuple, CellStringTuple, CellFormulaTuple, CellBlankTuple):
            super()._write_cell(row, col, cell)
            return
        ref = xl_rowcol_to_cell_fast(row, col)
        fmt = cell.format
        if fmt:
            attr = f' r="{ref}" s="{fmt._get_xf_index()}"'
        else:
            row_info, col_info = self.row_info.get(row), self.col_info.get(col)
            if (row_info is not None and row_info.row_format) or (
                col_info is not None and col_info.column_format is not None
            ):
                super()._write_cell(row, col, cell)  # the row's or column's format applies
                return
            attr = f' r="{ref}"'
        if kind is CellNumberTuple:
            self.fh.write(f"<c{attr}><v>{cell.number:.16G}</v></c>")
        elif kind is CellStringTuple:
            text = cell.string
            if "_x" in text or not text.isprintable():
                text = self._escape_control_characters(text)
            space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
            self.fh.write(f'<c{attr} t="inlineStr"><is><t{space}>{_xml_text(text)}</t></is></c>')
        elif kind is CellFormulaTuple:
            value = cell.value
            if isinstance(value, bool):
                super()._write_cell(row, col, cell)
                return
            if isinstance(value, str):
                if value in _FORMULA_ERRORS:
                    attr += ' t="e"'
                elif value:
                    attr += ' t="str"'
                value = _xml_text(value)
            self.fh.write(f"<c{attr}><f>{_xml_text(cell.formula)}</f><v>{value}</v></c>")
        else:
            self.fh.write(f"<c{attr}/>")


class ResultsWorkbook(SafeWorkbook):
    """XlsxWriter's workbook, with worksheets that write our (classic-function) formulas and rows quickly."""

    worksheet_class = _LeanRowsWorksheet if LEAN_ROWS else _ClassicFormulaWorksheet
