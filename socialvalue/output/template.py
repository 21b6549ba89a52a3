"""The supplier response workbook, generated from a rubric (layout in :mod:`socialvalue.layout`).

Input cells are unlocked and shaded; everything else is protected. A very hidden sheet records
which rubric made the workbook so the reader can tell a template from another rubric or version.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from socialvalue import __version__
from socialvalue import layout as L
from socialvalue.locked import (
    TITLES,
    Expected,
    commitment_cells,
    counting_rule,
    gate_cells,
    instruction_lines,
    statement_cells,
    supplier_cells,
)
from socialvalue.rubric import Rubric, ValueSet

from .atomic import atomic_path
from .safe import WORKBOOK_OPTIONS
from .sheets import SafeWorkbook, fit_height, lines_needed, page_setup, protect, write_string

INPUT_FILL = "#FFF2CC"
INSTRUCTIONS_WIDTH = 96
"""The Instructions sheet's one column: prints across A4 portrait, its lines wrapped."""
HEADER_FILL = "#1F4E79"


class Styles:
    """The formats shared by the generated workbooks."""

    def __init__(self, wb: Workbook) -> None:
        self.title = wb.add_format({"bold": True, "font_size": 14, "font_color": HEADER_FILL})
        self.header = wb.add_format(
            {
                "bold": True,
                "font_color": "white",
                "bg_color": HEADER_FILL,
                "text_wrap": True,
                "valign": "top",
                "border": 1,
            }
        )
        self.locked = wb.add_format(
            {"text_wrap": True, "valign": "top", "locked": True, "border": 1, "border_color": "#BFBFBF"}
        )
        self.key = wb.add_format({"font_color": "#7F7F7F", "valign": "top", "locked": True, "font_size": 9})
        self.input = wb.add_format(
            {
                "bg_color": INPUT_FILL,
                "locked": False,
                "text_wrap": True,
                "valign": "top",
                "border": 1,
                "border_color": "#BF9000",
            }
        )
        self.input_text = wb.add_format(
            {
                "bg_color": INPUT_FILL,
                "locked": False,
                "text_wrap": True,
                "valign": "top",
                "num_format": "@",
                "border": 1,
                "border_color": "#BF9000",
            }
        )
        self.input_number = wb.add_format(
            {
                "bg_color": INPUT_FILL,
                "locked": False,
                "valign": "top",
                "num_format": "#,##0.##",
                "border": 1,
                "border_color": "#BF9000",
            }
        )
        self.wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        self.wrap_long = wb.add_format({"text_wrap": True, "valign": "top", "italic": True})
        self.bold = wb.add_format({"bold": True})
        self.warning = wb.add_format({"bold": True, "font_color": "#C00000", "text_wrap": True})
        self.number = wb.add_format({"num_format": "#,##0", "valign": "top", "border": 1, "border_color": "#BFBFBF"})


def _headers(ws: Worksheet, columns: Sequence[L.Column], styles: Styles, rows: int) -> None:
    """Column headings (repeated on every printed page), frozen in view; ``rows`` data rows follow them."""
    for col in columns:
        ws.set_column(col.index, col.index, col.width)
        write_string(ws, L.HEADER_ROW - 1, col.index, col.heading, styles.header)
    ws.freeze_panes(L.HEADER_ROW, 0)
    ws.set_row(L.HEADER_ROW - 1, 30)
    page_setup(ws, [c.width for c in columns], L.HEADER_ROW - 1, last_row=L.HEADER_ROW - 1 + rows)


def _fit_row(ws: Worksheet, row: int, *cells: tuple[str, L.Column], minimum: float = 15) -> None:
    """Tall enough for the longest of ``cells`` (text, column) wrapped in its column."""
    text, col = max(cells, key=lambda c: lines_needed(c[0], c[1].width))
    fit_height(ws, row, text, col.width, minimum)


def _instructions(wb: Workbook, rubric: Rubric, value_set: ValueSet | None, styles: Styles) -> None:
    ws = wb.add_worksheet(L.INSTRUCTIONS)
    ws.set_column(0, 0, INSTRUCTIONS_WIDTH)
    formats = {"title": styles.title, "bold": styles.bold, "wrap": styles.wrap, "warning": styles.warning}
    lines = instruction_lines(rubric, value_set)
    for i, (text, style) in enumerate(lines):
        if text:
            write_string(ws, i, 0, text, formats.get(style))
            if i > 1:  # the title rows are not wrapped: a long title runs on to the right
                fit_height(ws, i, text, INSTRUCTIONS_WIDTH)
    page_setup(ws, (INSTRUCTIONS_WIDTH,), last_row=len(lines))
    protect(ws)


def _locked(ws: Worksheet, row: int, cells: Sequence[tuple[L.Column, Expected]], styles: Styles) -> None:
    """A row's locked cells as :mod:`socialvalue.locked` defines them (the reader checks the same)."""
    for col, value in cells:
        if value is None:
            ws.write_blank(row, col.index, None, styles.locked)
        elif isinstance(value, str):
            write_string(ws, row, col.index, value, styles.locked)
        else:
            ws.write_number(row, col.index, value, styles.number)


def _supplier_sheet(wb: Workbook, styles: Styles) -> None:
    ws = wb.add_worksheet(L.SUPPLIER)
    write_string(ws, 0, 0, TITLES[L.SUPPLIER], styles.title)
    _headers(ws, L.SUPPLIER_COLUMNS, styles, len(L.SUPPLIER_FIELDS))
    for i, f in enumerate(L.SUPPLIER_FIELDS):
        row = L.FIRST_DATA_ROW - 1 + i
        _fit_row(ws, row, (f.label + " (required)", L.SUP_LABEL), (f.help, L.SUP_HELP))
        write_string(ws, row, L.SUP_KEY.index, f.key, styles.key)
        _locked(ws, row, supplier_cells(f), styles)
        fmt = styles.input_number if f.kind == "money" else styles.input_text
        ws.write_blank(row, L.SUP_VALUE.index, None, fmt)
        if f.kind == "money":
            ws.data_validation(
                row, L.SUP_VALUE.index, row, L.SUP_VALUE.index,
                {"validate": "decimal", "criteria": ">", "value": 0, "error_message": "Enter the price in £ as a number."},
            )  # fmt: skip
        elif f.kind == "yes_no":
            ws.data_validation(
                row, L.SUP_VALUE.index, row, L.SUP_VALUE.index, {"validate": "list", "source": ["Yes", "No"]}
            )
    protect(ws)


def _commitments_sheet(wb: Workbook, rubric: Rubric, value_set: ValueSet | None, styles: Styles) -> None:
    ws = wb.add_worksheet(L.COMMITMENTS)
    write_string(ws, 0, 0, TITLES[L.COMMITMENTS], styles.title)
    _headers(ws, L.COMMITMENT_COLUMNS, styles, len(rubric.measures()))
    for i, (theme, m) in enumerate(rubric.measures()):
        row = L.FIRST_DATA_ROW - 1 + i
        rule = counting_rule(m, value_set)
        _fit_row(ws, row, (m.description, L.COM_MEASURE), (rule, L.COM_RULES), (theme.name, L.COM_THEME), minimum=30)
        write_string(ws, row, L.COM_CODE.index, m.code, styles.locked)
        write_string(ws, row, L.COM_UNIT.index, m.unit, styles.locked)
        _locked(ws, row, commitment_cells(theme, m, value_set), styles)
        ws.write_blank(row, L.COM_QUANTITY.index, None, styles.input_number)
        ws.write_blank(row, L.COM_EVIDENCE.index, None, styles.input_text)
        dv: dict[str, Any] = {
            "validate": "decimal",
            "criteria": ">=",
            "value": m.min if m.min is not None else 0,
            "error_title": "A number, please",
            "error_message": f"Enter a number of {m.unit} (no units or words).",
        }
        if m.max is not None:
            dv.update({"criteria": "between", "minimum": dv.pop("value"), "maximum": m.max})
        ws.data_validation(row, L.COM_QUANTITY.index, row, L.COM_QUANTITY.index, dv)
    protect(ws)


def _statements_sheet(wb: Workbook, rubric: Rubric, styles: Styles) -> None:
    ws = wb.add_worksheet(L.STATEMENTS)
    write_string(ws, 0, 0, TITLES[L.STATEMENTS], styles.title)
    _headers(ws, L.STATEMENT_COLUMNS, styles, len(rubric.all_questions()))
    for i, q in enumerate(rubric.all_questions()):
        row = L.FIRST_DATA_ROW - 1 + i
        _fit_row(ws, row, (q.text + (f"\n\n{q.guidance}" if q.guidance else ""), L.ST_QUESTION), minimum=90)
        write_string(ws, row, L.ST_CODE.index, q.code, styles.locked)
        _locked(ws, row, statement_cells(rubric, q), styles)
        ws.write_blank(row, L.ST_ANSWER.index, None, styles.input_text)
        # words = spaces + 1 once line breaks are spaces and runs of spaces are one (as count_words splits)
        flat = f'TRIM(SUBSTITUTE(SUBSTITUTE({L.cell_ref(L.ST_ANSWER, row + 1)},CHAR(13)," "),CHAR(10)," "))'
        ws.write_formula(
            row, L.ST_WORDS.index,
            f'=IF(LEN({flat})=0,0,LEN({flat})-LEN(SUBSTITUTE({flat}," ",""))+1)',
            styles.number, 0,
        )  # fmt: skip
    if rubric.all_questions():
        first, last = L.FIRST_DATA_ROW - 1, L.FIRST_DATA_ROW - 2 + len(rubric.all_questions())
        over = wb.add_format({"bg_color": "#F8CBAD"})
        ws.conditional_format(
            first, L.ST_WORDS.index, last, L.ST_WORDS.index,
            {"type": "formula", "criteria": f"=AND(D{first + 1}>0,F{first + 1}>D{first + 1})", "format": over},
        )  # fmt: skip
    protect(ws)


def _gates_sheet(wb: Workbook, rubric: Rubric, styles: Styles) -> None:
    ws = wb.add_worksheet(L.GATES)
    write_string(ws, 0, 0, TITLES[L.GATES], styles.title)
    _headers(ws, L.GATE_COLUMNS, styles, len(rubric.all_gates()))
    for i, g in enumerate(rubric.all_gates()):
        row = L.FIRST_DATA_ROW - 1 + i
        _fit_row(ws, row, (g.text + (f"\n{g.guidance}" if g.guidance else ""), L.GATE_TEXT), minimum=30)
        write_string(ws, row, L.GATE_CODE.index, g.code, styles.locked)
        _locked(ws, row, gate_cells(g), styles)
        ws.write_blank(row, L.GATE_ANSWER.index, None, styles.input_text)
        ws.write_blank(row, L.GATE_EVIDENCE.index, None, styles.input_text)
        ws.data_validation(
            row, L.GATE_ANSWER.index, row, L.GATE_ANSWER.index, {"validate": "list", "source": ["Yes", "No"]}
        )
    protect(ws)


def template_meta(rubric: Rubric) -> dict[str, str]:
    return {
        "layout_version": L.LAYOUT_VERSION,
        "rubric_id": rubric.id,
        "rubric_version": rubric.version,
        "rubric_fingerprint": rubric.fingerprint(),
        "generator": f"socialvalue {__version__}",
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def write_meta(wb: Workbook, meta: dict[str, str]) -> None:
    ws = wb.add_worksheet(L.META)
    for i, (key, value) in enumerate(meta.items()):
        write_string(ws, i, 0, key)
        write_string(ws, i, 1, value)
    ws.very_hidden()
    protect(ws)


def write_response_template(rubric: Rubric, value_set: ValueSet | None, target: Path) -> Path:
    """Write the supplier response workbook for ``rubric`` to ``target`` (atomically)."""
    with atomic_path(target) as tmp:
        wb = SafeWorkbook(str(tmp), WORKBOOK_OPTIONS)
        styles = Styles(wb)
        _instructions(wb, rubric, value_set, styles)
        _supplier_sheet(wb, styles)
        if rubric.measures():
            _commitments_sheet(wb, rubric, value_set, styles)
        if rubric.all_questions():
            _statements_sheet(wb, rubric, styles)
        if rubric.all_gates():
            _gates_sheet(wb, rubric, styles)
        write_meta(wb, template_meta(rubric))
        wb.set_properties({"title": f"Social value response: {rubric.title}", "comments": f"socialvalue {__version__}"})
        wb.close()
    return target
