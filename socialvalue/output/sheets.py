"""Writing cells with XlsxWriter's public API: typed values, text that stays text, and one override for speed.

Every generated workbook is a :class:`SafeWorkbook`: its sheets write text as text cells, and text that Excel
would turn into a formula when someone edits the cell (``=1+1``, ``+44…``, ``@SUM(…)``, a leading tab or line
break) gets Excel's quote prefix. That happens in :func:`put` and :func:`write_text`, and in ``ws.write()`` and
``ws.merge_range()`` through XlsxWriter's documented ``add_write_handler`` hook; nothing here calls
XlsxWriter's private methods. Also printing, protection and row heights.

The results, report and local-spend workbooks are :class:`ResultsWorkbook`, whose sheets carry the one
override this project makes of XlsxWriter (:class:`ClassicFormulaWorksheet`, see there).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from .safe import FORMULA_TRIGGERS, clean_text

ROW_MAX_HEIGHT = 409
"""Excel's tallest row, in points."""


def text_format(ws: Worksheet, text: str, fmt: Any = None) -> Any:
    """The format to write ``text`` with: ``fmt``, or the same with Excel's quote prefix where the text would
    become a formula when the cell is edited (on a :class:`SafeWorkbook`'s sheets)."""
    if text[:1] in FORMULA_TRIGGERS:
        quoted = getattr(ws, "quoted", None)
        if quoted is not None:
            return quoted(fmt)
    return fmt


def write_string(ws: Worksheet, row: int, col: int, text: str, fmt: Any = None) -> None:
    """XlsxWriter's ``write_string``, quote-prefixed where editing the cell would make the text a formula.

    For text already cleaned, or the tool's own; :func:`write_text` cleans it first."""
    ws.write_string(row, col, text, text_format(ws, text, fmt))


def write_text(ws: Worksheet, row: int, col: int, text: object, fmt: Any = None) -> None:
    """Write text (a supplier's, a file's, anyone's) as a text cell: cleaned (:func:`~.safe.clean_text`), never
    a formula, quote-prefixed where editing would make it one."""
    write_string(ws, row, col, clean_text(text), fmt)


def put(ws: Worksheet, row: int, col: int, value: Any, fmt: Any = None) -> None:
    """Write one value by its type: text always as a string cell (never a formula), numbers as numbers, None blank."""
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_string(row, col, "Yes" if value else "No", fmt)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value, fmt)
    else:
        write_text(ws, row, col, value, fmt)


def write_formula(ws: Worksheet, row: int, col: int, formula: str, value: float | str | None, fmt: Any = None) -> None:
    """A live formula stored with the value the tool worked out ('' where there is none), so previews, pandas and
    calamine read the figure. A value that is not a finite number is a bug, and is refused: a workbook holding
    ``inf`` or ``nan`` as a result cannot be opened by some readers and shows 0 in others."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"not a finite number for the formula {formula!r}: {value!r} (a bug: please report it)")
    ws.write_formula(row, col, formula, fmt, "" if value is None else value)


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


class SafeWorkbook(xlsxwriter.Workbook):  # type: ignore[misc]
    """XlsxWriter's workbook whose sheets keep text as text (see the module's note): every generated workbook is
    made with it (created with :data:`~socialvalue.output.safe.WORKBOOK_OPTIONS`)."""

    def add_format(self, properties: dict[str, Any] | None = None) -> Any:
        fmt = super().add_format(properties)
        fmt.sv_properties = dict(properties or {})
        return fmt

    def add_worksheet(self, name: str | None = None, worksheet_class: Any = None) -> Any:
        ws = super().add_worksheet(name, worksheet_class)
        ws.quoted = self.quoted
        ws.add_write_handler(str, _write_str)  # ws.write() and ws.merge_range() with text
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


def _write_str(ws: Worksheet, row: int, col: int, text: str, fmt: Any = None, *_: Any) -> Any:
    """``ws.write()``'s handler for text: a text cell, quote-prefixed where editing would make it a formula
    (empty text is a blank cell, as ``write()`` writes it)."""
    if text == "":
        return ws.write_blank(row, col, None, fmt)
    return ws.write_string(row, col, text, text_format(ws, text, fmt))


CLASSIC_FUNCTIONS = frozenset(
    ("IF", "MIN", "MAX", "AVERAGE", "SUM", "SUMPRODUCT", "SUMIFS", "COUNTIFS", "COUNT", "N", "OR", "ROUND")
)
"""Every function our formulas use: all known to every Excel since 2007 (tests/test_methods.py checks the
results workbook's formulas use no other)."""


class ClassicFormulaWorksheet(Worksheet):  # type: ignore[misc]
    """A worksheet for formulas built by this project only: the one place this project overrides XlsxWriter.

    Before storing a formula, XlsxWriter runs some thirty regular expressions over it to spell out the
    dynamic-array functions of Excel 365 (``FILTER`` → ``_xlfn._xlws.FILTER``). Our formulas use only
    :data:`CLASSIC_FUNCTIONS`, so that step finds nothing: it costs about 25 µs of the 35 µs a formula takes
    to write, and a 1,000-bid results workbook holds some 80,000 formulas. ``_prepare_formula`` is XlsxWriter's
    own step (internal, stable since XlsxWriter 3.0); overriding it keeps what it does to our formulas (the
    leading ``=`` dropped). Should a later XlsxWriter rename or drop it, this override is simply not called and
    formulas are written XlsxWriter's way, correctly and more slowly: nothing else depends on it.
    """

    def _prepare_formula(self, formula: str, *args: Any, **kwargs: Any) -> str:
        return formula[1:] if formula.startswith("=") else formula


class ResultsWorkbook(SafeWorkbook):
    """The workbooks of many formulas (results, reports, local spend): sheets that write our formulas quickly."""

    worksheet_class = ClassicFormulaWorksheet
