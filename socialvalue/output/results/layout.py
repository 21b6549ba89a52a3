"""What every sheet of the results workbook shares: sheet names, rows, formats, headings, cell references."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from socialvalue.rubric import Rubric, ValueSet
from socialvalue.shown import MONEY_FORMAT, POINTS_FORMAT, QUANTITY_FORMAT
from socialvalue.words import cut_words

from ..safe import clean_text
from ..sheets import page_setup

SUMMARY, SOCIAL_VALUE, COMMITMENTS, READINGS, MEASURES, QUESTIONS, GATES, ERRORS, METHOD, AUDIT = (
    "Summary",
    "Social value",
    "Commitments",
    "Readings",
    "Measures",
    "Questions",
    "Gates",
    "Errors",
    "Method",
    "Audit",
)
DECISION = "Decision"
HEADER_ROW = 4  # 0-based row of column headings on the data sheets (title and notes above)
GRID_HEADER_ROW = HEADER_ROW + 2
"""Social value and Commitments: two rows of per-measure figures (from Measures) above the headings."""
GRID_FIRST_COL = 2  # Bid file, Supplier, then one column per measure
SHORT_DESCRIPTION = 40
"""Characters of a measure's description in a grid heading (the Measures sheet has it in full)."""


class Formats:
    def __init__(self, wb: Workbook) -> None:
        self.title = wb.add_format({"bold": True, "font_size": 14, "font_color": "#1F4E79"})
        self.note = wb.add_format({"italic": True, "font_color": "#595959"})
        self.warn = wb.add_format({"bold": True, "font_color": "#C00000"})
        self.header = wb.add_format(
            {"bold": True, "font_color": "white", "bg_color": "#1F4E79", "text_wrap": True, "valign": "top"}
        )
        self.text = wb.add_format({"valign": "top"})
        self.indented = wb.add_format({"valign": "top", "indent": 1})
        self.indented_wrap = wb.add_format({"valign": "top", "indent": 1, "text_wrap": True})
        self.wrap = wb.add_format({"valign": "top", "text_wrap": True})
        self.money = wb.add_format({"num_format": MONEY_FORMAT, "valign": "top"})
        self.number = wb.add_format({"num_format": QUANTITY_FORMAT, "valign": "top"})
        self.points = wb.add_format({"num_format": POINTS_FORMAT, "valign": "top"})
        self.pct = wb.add_format({"num_format": POINTS_FORMAT, "valign": "top"})
        self.bold = wb.add_format({"bold": True})
        self.code = wb.add_format({"bold": True, "valign": "top"})
        self.winner = wb.add_format({"bg_color": "#C6EFCE", "bold": True})
        self.excluded = wb.add_format({"font_color": "#9C0006"})
        # Commitments grid: a quantity that needs a second look stands out (Excel's "Bad" and "Neutral" colours)
        bad, neutral = (
            {"bg_color": "#FFC7CE", "font_color": "#9C0006"},
            {"bg_color": "#FFEB9C", "font_color": "#9C5700"},
        )
        self.not_counted = wb.add_format({**bad, "num_format": QUANTITY_FORMAT})
        self.not_counted_money = wb.add_format({**bad, "num_format": MONEY_FORMAT})
        self.explained = wb.add_format({**neutral, "num_format": QUANTITY_FORMAT})
        self.label = wb.add_format({"bold": True, "italic": True, "font_color": "#595959"})
        muted = {"italic": True, "font_color": "#595959"}
        self.ref_text = wb.add_format({**muted, "align": "right"})
        self.ref_number = wb.add_format({**muted, "num_format": QUANTITY_FORMAT})
        self.ref_money = wb.add_format({**muted, "num_format": MONEY_FORMAT})
        self.ref_factor = wb.add_format({**muted, "num_format": "0.000"})
        self.total = wb.add_format({"bold": True, "num_format": MONEY_FORMAT, "valign": "top"})
        self.winner_by_kind = {
            kind: wb.add_format({"bg_color": "#C6EFCE", "bold": True, "valign": "top", "num_format": num})
            for kind, num in (
                ("money", MONEY_FORMAT),
                ("points", POINTS_FORMAT),
                ("pct", POINTS_FORMAT),
                ("number", QUANTITY_FORMAT),
                ("text", "General"),
            )
        }
        self.winner_by_kind["wrap"] = wb.add_format(
            {"bg_color": "#C6EFCE", "bold": True, "valign": "top", "text_wrap": True}
        )
        self.by_kind = {
            "money": self.money, "points": self.points, "pct": self.pct, "number": self.number, "wrap": self.wrap,
        }  # fmt: skip

    def kind(self, kind: str, winner: bool = False) -> Any:
        """The format of a column of this kind (money, points, pct, number, text, wrap: text wrapped in its cell);
        the winner's row is shaded."""
        if winner:
            return self.winner_by_kind[kind]
        return self.by_kind.get(kind, self.text)


@dataclass(frozen=True)
class MeasureRef:
    """Where a measure's figures sit on the Measures sheet (absolute references), and their values."""

    cap: str
    unit_value: str  # '' for a count-only measure (no £ value)
    factor: str
    unit_value_gbp: float | None


@dataclass
class Col:
    key: str
    heading: str
    width: float
    fmt: str = "text"


@dataclass
class Context:
    """The workbook being written and what its sheets tell one another, filled as they are written."""

    wb: Workbook
    rubric: Rubric
    value_set: ValueSet | None
    sheets: dict[str, Worksheet]
    f: Formats
    notes: list[str]
    measure_refs: dict[str, MeasureRef] = field(default_factory=dict)
    sv_total: dict[str, str] = field(default_factory=dict)
    """Bid → its scored (net or gross) £ total on Social value (the Summary's formulas read it)."""
    q_rows: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    """(bid, criterion) → the first and last row of its question lines on Questions."""
    q_score_col: int = 0
    q_points_col: int = 0
    names: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Bid → its file name and supplier, cleaned once (every detail row repeats them)."""

    def name(self, bid_id: str, supplier: str) -> tuple[str, str]:
        """A bid's file name and supplier, cleaned."""
        known = self.names.get(bid_id)
        if known is None:
            known = self.names[bid_id] = (clean_text(bid_id), clean_text(supplier))
        return known


def header(
    ws: Worksheet,
    cols: Sequence[Col],
    title: str,
    notes: Sequence[str],
    f: Formats,
    header_row: int = HEADER_ROW,
    height: float = 48,
    freeze: bool = True,
    rows_above: Callable[[], None] | None = None,
    repeat_rows: tuple[int, int] | None = None,
    repeat_columns: int = 2,
) -> dict[str, int]:
    """Title, up to three notes, ``rows_above`` (rows HEADER_ROW.. before ``header_row``), then column headings.

    Rows are written in increasing order (constant_memory); the headings (or ``repeat_rows``) repeat on every
    printed page, and on a sheet too wide for one page across, the first ``repeat_columns`` columns too.
    """
    page_setup(ws, [c.width for c in cols], repeat_rows or header_row, repeat_columns)
    ws.write(0, 0, clean_text(title), f.title)
    for i, note in enumerate(notes[:3]):
        ws.write(1 + i, 0, clean_text(note), f.warn if "ILLUSTRATIVE" in note else f.note)
    if rows_above is not None:
        rows_above()
    for i, c in enumerate(cols):
        ws.set_column(i, i, c.width)
        ws.write(header_row, i, c.heading, f.header)
    ws.set_row(header_row, height)
    if freeze:
        ws.freeze_panes(header_row + 1, 2)
    return {c.key: i for i, c in enumerate(cols)}


def titled(ws: Worksheet, widths: Sequence[float], title: str, f: Formats) -> None:
    """A sheet of a few fixed columns (no column headings row): its print setup, column widths and title."""
    page_setup(ws, widths)
    for i, width in enumerate(widths):
        ws.set_column(i, i, width)
    ws.write(0, 0, title, f.title)


def short(text: str, limit: int = SHORT_DESCRIPTION) -> str:
    """``text`` cut at a word boundary to about ``limit`` characters, with an ellipsis when cut."""
    return cut_words(text, limit)


def heading_lines(text: str, width: float) -> int:
    """Lines a bold heading wraps to in a column ``width`` characters wide (whole words, as spreadsheets wrap)."""
    return max(1, len(textwrap.wrap(text, max(4, int(width)))))


def ref(col: int, row0: int, absolute: bool = False) -> str:
    """``C8`` (or ``$C$8``) for a 0-based column and row."""
    return str(xl_rowcol_to_cell(row0, col, absolute, absolute))


def span(col: int, first0: int, last0: int, absolute: bool = False) -> str:
    """``C8:C20`` down one column."""
    return f"{ref(col, first0, absolute)}:{ref(col, last0, absolute)}"


def on(sheet: str, reference: str) -> str:
    """A reference on another sheet: ``'Questions'!D12:D13`` (the sheet name always quoted)."""
    return f"'{sheet}'!{reference}"


def column(col: int) -> str:
    """``C`` for a 0-based column."""
    return str(xl_col_to_name(col))
