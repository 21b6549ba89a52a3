"""The results workbook: Summary, Decision, Social value, Commitments, Readings, Measures, Questions, Gates, Errors, Method, Audit.

Weighted points and totals are live Excel formulas that also carry the value scoring computed, so
previews and pandas show the numbers and a recalculation gives the same values. Every string that
came from a supplier is written as a string cell (``write_string``, or the undecorated ``_write_string``
in the long loops: never a formula), cleaned by :mod:`.safe`.

Social value and Commitments are grids of one row per bid and one column per measure, laid out
alike (a bid's £ on a measure sits in the same cell as the quantity it is worked out from), so a
1,000-bid, 60-measure tender is 1,000 rows, not 60,000: writing costs per cell, and the per-measure
constants live once on the Measures sheet. Only the commitments that need explaining (typed as
text, capped, not counted) get a row on Readings.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from socialvalue import __version__
from socialvalue.layout import cell_ref
from socialvalue.problems import Problem, cell_text, column_letters
from socialvalue.rubric import CriterionKind, Rubric, ValueSet
from socialvalue.rubric.models import AgainstTarget, LinearDeduction, PricePerQualityPoint, RelativeToBest
from socialvalue.scoring.methods import PriceCells, price_rule, sv_rule
from socialvalue.scoring.results import COUNT_ONLY_NOTE, BidResult, BidStatus, MeasureLine, TenderResult
from socialvalue.words import cut_words

from .atomic import atomic_path
from .decision_sheet import DECISION, write_decision_sheet
from .safe import WORKBOOK_OPTIONS, clean_text
from .sheets import ROW_MAX_HEIGHT, ResultsWorkbook, fit_height, lines_needed, page_setup, put

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
CHART_BIDS = 15
"""Bids on the Summary chart: the top of the ranking (one readable bar each, whatever the batch's size)."""
HEADER_ROW = 4  # 0-based row of column headings on the data sheets (title and notes above)
GRID_HEADER_ROW = HEADER_ROW + 2
"""Social value and Commitments: two rows of per-measure figures (from Measures) above the headings."""
GRID_FIRST_COL = 2  # Bid file, Supplier, then one column per measure
SHORT_DESCRIPTION = 40
"""Characters of a measure's description in a grid heading (the Measures sheet has it in full)."""


@dataclass
class AuditInfo:
    """Provenance for the Audit sheet."""

    rubric_file: str = ""
    inputs: list[tuple[str, str, str]] = field(default_factory=list)  # (file, sha256, outcome)
    evaluations: list[tuple[str, str]] = field(default_factory=list)  # (file, sha256)
    command: str = ""
    created: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))


class _Formats:
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
        self.money = wb.add_format({"num_format": "£#,##0.00", "valign": "top"})
        self.number = wb.add_format({"num_format": "#,##0.##", "valign": "top"})
        self.points = wb.add_format({"num_format": "0.00", "valign": "top"})
        self.pct = wb.add_format({"num_format": "0.00", "valign": "top"})
        self.bold = wb.add_format({"bold": True})
        self.code = wb.add_format({"bold": True, "valign": "top"})
        self.winner = wb.add_format({"bg_color": "#C6EFCE", "bold": True})
        self.excluded = wb.add_format({"font_color": "#9C0006"})
        # Commitments grid: a quantity that needs a second look stands out (Excel's "Bad" and "Neutral" colours)
        self.not_counted = wb.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006", "num_format": "#,##0.##"})
        self.not_counted_money = wb.add_format(
            {"bg_color": "#FFC7CE", "font_color": "#9C0006", "num_format": "£#,##0.00"}
        )
        self.explained = wb.add_format({"bg_color": "#FFEB9C", "font_color": "#9C5700", "num_format": "#,##0.##"})
        self.label = wb.add_format({"bold": True, "italic": True, "font_color": "#595959"})
        self.ref_text = wb.add_format({"italic": True, "font_color": "#595959", "align": "right"})
        self.ref_number = wb.add_format({"italic": True, "font_color": "#595959", "num_format": "#,##0.##"})
        self.ref_money = wb.add_format({"italic": True, "font_color": "#595959", "num_format": "£#,##0.00"})
        self.ref_factor = wb.add_format({"italic": True, "font_color": "#595959", "num_format": "0.000"})
        self.total = wb.add_format({"bold": True, "num_format": "£#,##0.00", "valign": "top"})


def _formula(ws: Worksheet, row: int, col: int, formula: str, value: float | None, fmt: Any) -> None:
    """A live formula with the value scoring computed ('' where scoring has none)."""
    ws._write_formula(row, col, formula, fmt, "" if value is None else value)


@dataclass(frozen=True)
class _MeasureRef:
    """Where a measure's figures sit on the Measures sheet (absolute references), and their values."""

    cap: str
    unit_value: str  # '' for a count-only measure (no £ value)
    factor: str
    unit_value_gbp: float | None


@dataclass
class _Col:
    key: str
    heading: str
    width: float
    fmt: str = "text"


def _header(
    ws: Worksheet,
    cols: Sequence[_Col],
    title: str,
    notes: Sequence[str],
    f: _Formats,
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
    ws.write_string(0, 0, clean_text(title), f.title)
    for i, note in enumerate(notes[:3]):
        ws.write_string(1 + i, 0, clean_text(note), f.warn if "ILLUSTRATIVE" in note else f.note)
    if rows_above is not None:
        rows_above()
    for i, c in enumerate(cols):
        ws.set_column(i, i, c.width)
        ws.write_string(header_row, i, c.heading, f.header)
    ws.set_row(header_row, height)
    if freeze:
        ws.freeze_panes(header_row + 1, 2)
    return {c.key: i for i, c in enumerate(cols)}


def _short(text: str, limit: int = SHORT_DESCRIPTION) -> str:
    """``text`` cut at a word boundary to about ``limit`` characters, with an ellipsis when cut."""
    return cut_words(text, limit)


def _heading_lines(text: str, width: float) -> int:
    """Lines a bold heading wraps to in a column ``width`` characters wide (whole words, as spreadsheets wrap)."""
    return max(1, len(textwrap.wrap(text, max(4, int(width)))))


def _needs_reading(line: MeasureLine) -> bool:
    """A commitment the Readings sheet explains: typed as text, or noted (read as, capped, not counted, missing).

    A count-only measure's standing note is said once, on Measures.
    """
    return bool(line.raw) or (bool(line.note) and line.note != COUNT_ONLY_NOTE)


def _ref(col: int, row0: int, absolute: bool = False) -> str:
    if not absolute:
        return cell_ref(col, row0 + 1)
    return f"${column_letters(col)}${row0 + 1}"


def _range(sheet: str, col: int, first0: int, last0: int) -> str:
    return f"'{sheet}'!{_ref(col, first0)}:{_ref(col, last0)}"


class _Writer:
    def __init__(self, wb: Workbook, result: TenderResult, rubric: Rubric, value_set: ValueSet | None) -> None:
        self.wb, self.result, self.rubric, self.value_set = wb, result, rubric, value_set
        self.f = _Formats(wb)
        self.notes = [f"Rubric {rubric.id} v{rubric.version}: {rubric.title}"]
        if result.value_set:
            self.notes.append(f"£ values use value set {result.value_set}")
        # where the Summary's formulas find each bid's figures, filled as the detail sheets are written
        self.sv_total: dict[str, str] = {}  # bid → its scored (net or gross) £ total on Social value
        self.q_rows: dict[tuple[str, str], tuple[int, int]] = {}
        self.measure_refs: dict[str, _MeasureRef] = {}
        self.q_score_col = self.q_points_col = 0
        # Social value and Commitments grids: bids with measure lines, in result order; a cell per rubric measure
        self.grid: list[tuple[str, list[MeasureLine | None]]] = []
        # each bid's file name and supplier, cleaned once: the detail sheets repeat them on every row
        self.names = {b.bid_id: (clean_text(b.bid_id), clean_text(b.supplier)) for b in result.bids}
        # sheets are created up front in the order officers read them, then filled in data order
        wanted = [SUMMARY, DECISION]
        wanted += [SOCIAL_VALUE, COMMITMENTS, READINGS, MEASURES] if rubric.measures() else []
        wanted += [QUESTIONS] if rubric.all_questions() else []
        wanted += [GATES] if result.gates else []
        wanted += [ERRORS, METHOD, AUDIT]
        self.sheets: dict[str, Worksheet] = {name: wb.add_worksheet(name) for name in wanted}

    # --- Method: the rubric's parameters as named cells -----------------------------------

    def method(self) -> None:
        r, f = self.rubric, self.f
        ws = self.sheets[METHOD]
        page_setup(ws, (26, 16, 100))
        ws.set_column(0, 0, 26)
        ws.set_column(1, 1, 16)
        ws.set_column(2, 2, 100)
        ws.write_string(0, 0, "Method: the rubric's parameters used by every formula", f.title)
        ws.write_string(1, 0, clean_text(self.notes[0]), f.note)
        for i, h in enumerate(("Name", "Value", "Meaning")):
            ws.write_string(3, i, h, f.header)
        sv = r.social_value
        params: list[tuple[str, float, str]] = [
            ("W_price", r.weight(CriterionKind.PRICE), "Price weight (% of the total score)"),
            ("W_quality", r.weight(CriterionKind.QUALITY), "Quality weight"),
            ("W_sv", r.weight(CriterionKind.SOCIAL_VALUE), "Social value weight"),
            ("W_sv_quant", r.sv_quantitative_weight, "Social value weight scored on commitments (£)"),
            ("W_sv_qual", r.sv_qualitative_weight, "Social value weight scored on written answers"),
            ("AbnormallyLow", r.abnormally_low_pct, "Flag a price more than this % below the mean of the others"),
        ]
        if r.measures():
            params.append(
                (
                    "Ceiling_pct",
                    r.ceiling_pct_of_price,
                    "Plausibility ceiling: a commitment worth more than this % of the bid's own price is not counted",
                )
            )
        if isinstance(r.price_method, LinearDeduction):
            params.append(
                ("Deduction", r.price_method.deduction_pct_per_pct, "% of price marks lost per 1% above lowest")
            )
        if sv is not None and isinstance(sv.quantitative_method, AgainstTarget):
            m = sv.quantitative_method
            if m.target_gbp is not None:
                params.append(("Target_gbp", m.target_gbp, "Social value target, £"))
            else:
                params.append(("Target_pct", m.target_percent_of_price or 0, "Social value target, % of bid price"))
        row = 4
        for name, value, meaning in params:
            ws.write_string(row, 0, name, f.bold)
            ws.write_number(row, 1, value, f.number)
            ws.write_string(row, 2, meaning, f.text)
            self.wb.define_name(name, f"='{METHOD}'!$B${row + 1}")
            row += 1
        row += 1
        ws.write_string(row, 0, "How each number is worked out", f.bold)
        row += 1
        for key, text in self.result.explanations.items():
            ws.write_string(row, 0, key, f.text)
            ws.write_string(row, 2, clean_text(text), f.wrap)
            row += 1
        row += 1
        ws.write_string(row, 0, "Price method", f.bold)
        ws.write_string(row, 2, r.price_method.method, f.text)
        if sv is not None:
            ws.write_string(row + 1, 0, "Social value method", f.bold)
            ws.write_string(row + 1, 2, f"{sv.quantitative_method.method}, scored on {sv.score_on} £", f.text)

    # --- Social value: one row per bid per measure --------------------------------------

    def measures(self) -> None:
        """One row per measure: its unit value (with the value-set row) and additionality, used by every bid's rows."""
        if not self.rubric.measures():
            return
        f = self.f
        cols = [
            _Col("code", "Code", 8), _Col("theme", "Theme", 18), _Col("measure", "Measure", 40), _Col("unit", "Unit", 10),
            _Col("cap", "Cap (counted up to)", 11, "number"), _Col("unit_value", "£ per unit", 11, "money"),
            _Col("source", "Value set row", 32), _Col("dw", "Deadweight %", 11, "pct"),
            _Col("disp", "Displacement %", 12, "pct"), _Col("attr", "Attribution %", 11, "pct"),
            _Col("factor", "Net factor", 10, "points"),
        ]  # fmt: skip
        ws = self.sheets[MEASURES]
        c = _header(ws, cols, "Measures: what one unit is worth, and how much of it is additional", self.notes, f)
        vs = self.value_set
        for i, (theme, m) in enumerate(self.rubric.measures()):
            row = HEADER_ROW + 1 + i
            value = vs.get(m.value_ref) if vs and m.value_ref else None
            unit_value = value.value_gbp if value else None
            source = (
                f"{m.value_ref} ({vs.id} v{vs.version}: {value.source})"
                if value and vs
                else "none: reported as a count"
            )
            for key, cell, fmt in (
                ("code", m.code, None), ("theme", theme.name, None), ("measure", m.description, f.wrap),
                ("unit", m.unit, None), ("cap", m.cap, f.number), ("unit_value", unit_value, f.money),
                ("source", source, None), ("dw", m.deadweight_pct, f.pct), ("disp", m.displacement_pct, f.pct),
                ("attr", m.attribution_pct, f.pct),
            ):  # fmt: skip
                put(ws, row, c[key], cell, fmt)
            dw, di, at = (_ref(c[k], row) for k in ("dw", "disp", "attr"))
            _formula(ws, row, c["factor"], f"=(1-{dw}/100)*(1-{di}/100)*(1-{at}/100)", m.additionality_factor, f.points)
            cap, unit_value_ref, factor = (
                f"'{MEASURES}'!{_ref(c[k], row, True)}" for k in ("cap", "unit_value", "factor")
            )
            self.measure_refs[m.code] = _MeasureRef(cap, unit_value_ref if value else "", factor, unit_value)

    def _grid_rows(self) -> list[tuple[str, list[MeasureLine | None]]]:
        """Each bid's measure lines in rubric measure order (None where a bid has no line for a measure)."""
        column = {m.code: j for j, (_, m) in enumerate(self.rubric.measures())}
        n = len(column)
        by_bid: dict[str, list[MeasureLine | None]] = {}
        for line in self.result.measures:
            cells = by_bid.get(line.bid_id)
            if cells is None:
                cells = by_bid[line.bid_id] = [None] * n
            j = column.get(line.code)
            if j is not None:
                cells[j] = line
        return list(by_bid.items())

    def _grid_header(
        self, ws: Worksheet, title: str, notes: Sequence[str], totals: Sequence[_Col], rows_above: Callable[[], None]
    ) -> None:
        """Headings of a Social value / Commitments grid: Bid file, Supplier, a column per measure, ``totals``."""
        cols = [_Col("bid", "Bid file", 26), _Col("supplier", "Supplier", 26)]
        for _, m in self.rubric.measures():
            count_only = "; count only" if not self.measure_refs[m.code].unit_value else ""
            cols.append(_Col(m.code, f"{m.code} {_short(m.description)} ({m.unit}{count_only})", 15))
        cols += totals
        lines = max(_heading_lines(c.heading, c.width) for c in cols)
        # the per-measure figures print with the headings; too wide for a page across: bid file and supplier on each
        _header(
            ws, cols, title, notes, self.f, GRID_HEADER_ROW, height=max(48, 15 * lines + 3), rows_above=rows_above,
            repeat_rows=(HEADER_ROW, GRID_HEADER_ROW),
        )  # fmt: skip

    def commitments(self) -> None:
        """One row per bid, one column per measure: the quantity counted (a red cell: nothing counted)."""
        if not self.rubric.measures():
            return
        f = self.f
        self.grid = self._grid_rows()
        measures = self.rubric.measures()
        ws = self.sheets[COMMITMENTS]
        notes = [
            *self.notes[:1],
            "Each cell: the quantity counted towards social value, in the measure's unit (capped where the rubric caps it)",
            "Red: nothing counted (left blank, not a number, out of range or unit changed); "
            "amber: typed as text or capped. Readings says how each was read; Errors lists the problems",
        ]

        def units_and_caps() -> None:
            ws.write_string(HEADER_ROW, 0, "Unit", f.label)
            for j, (_, m) in enumerate(measures):
                ws.write_string(HEADER_ROW, GRID_FIRST_COL + j, m.unit, f.ref_text)
            ws.write_string(HEADER_ROW + 1, 0, "Counted up to (cap)", f.label)
            for j, (_, m) in enumerate(measures):
                if m.cap is not None:
                    cap = f"={self.measure_refs[m.code].cap}"
                    _formula(ws, HEADER_ROW + 1, GRID_FIRST_COL + j, cap, m.cap, f.ref_number)
                else:
                    ws._write_string(HEADER_ROW + 1, GRID_FIRST_COL + j, "no cap", f.ref_text)

        self._grid_header(
            ws, "Commitments: the quantity counted for each bid on each measure", notes, [], units_and_caps
        )
        names = self.names
        write_number, write_blank = ws._write_number, ws._write_blank
        plain, explained, not_counted = f.number, f.explained, f.not_counted
        row = GRID_HEADER_ROW
        for row, (bid_id, lines) in enumerate(self.grid, start=GRID_HEADER_ROW + 1):
            bid_text, supplier_text = names.get(bid_id, (clean_text(bid_id), ""))
            ws._write_string(row, 0, bid_text)
            ws._write_string(row, 1, supplier_text)
            for col, line in enumerate(lines, start=GRID_FIRST_COL):
                if line is None or not line.counted:
                    write_blank(row, col, None, not_counted)
                else:
                    fmt = explained if (line.raw or line.counted_quantity != line.quantity) else plain
                    write_number(row, col, line.counted_quantity, fmt)
        ws.autofilter(GRID_HEADER_ROW, 0, row, GRID_FIRST_COL + len(measures) - 1)

    def social_value(self) -> None:
        """One row per bid: £ per measure = counted quantity × £ per unit (× net factor), and the bid's totals."""
        if not self.rubric.measures():
            return
        f, sv = self.f, self.rubric.social_value
        net = sv is None or sv.score_on == "net"
        basis = "net" if net else "gross"
        measures = self.rubric.measures()
        refs = [self.measure_refs[m.code] for _, m in measures]
        first, last = GRID_FIRST_COL, GRID_FIRST_COL + len(measures) - 1
        gross_col, net_col = last + 1, last + 2
        ws = self.sheets[SOCIAL_VALUE]
        worked = "quantity counted (the same cell on Commitments) × £ per unit" + (" × net factor" if net else "")
        notes = [
            *self.notes[:2],
            f"Each cell: {basis} £ = {worked} (in the rows above, from Measures); red: nothing counted. "
            f"Scored on {basis} £: the {basis.title()} £ column adds up the row",
        ]
        totals = [_Col("gross", "Gross £", 16, "money"), _Col("net", "Net £", 16, "money")]

        def values_and_factors() -> None:
            # each measure's figures from Measures above its column: the totals are one SUMPRODUCT each
            ws._write_string(HEADER_ROW, 0, "£ per unit", f.label)
            for j, ref in enumerate(refs):
                if ref.unit_value:
                    _formula(ws, HEADER_ROW, first + j, f"={ref.unit_value}", ref.unit_value_gbp, f.ref_money)
            ws._write_string(HEADER_ROW + 1, 0, "Net factor", f.label)
            for j, ((_, m), ref) in enumerate(zip(measures, refs, strict=True)):
                if ref.unit_value:  # a count-only measure has no £ to take a share of
                    _formula(ws, HEADER_ROW + 1, first + j, f"={ref.factor}", m.additionality_factor, f.ref_factor)

        self._grid_header(ws, f"Social value: each bid's {basis} £ on each measure", notes, totals, values_and_factors)
        unit_row = f"{_ref(first, HEADER_ROW, True)}:{_ref(last, HEADER_ROW, True)}"
        factor_row = f"{_ref(first, HEADER_ROW + 1, True)}:{_ref(last, HEADER_ROW + 1, True)}"
        # each measure's formula, its row number to fill in: the quantity counted (same cell on Commitments) ×
        # the £ per unit (× net factor) above in the column ('' for a count-only measure: no £, cell left blank)
        templates = []
        for j, ref in enumerate(refs):
            letters = column_letters(first + j)
            factor = f"*{letters}${HEADER_ROW + 2}" if net else ""
            templates.append(
                f"='{COMMITMENTS}'!{letters}{{}}*{letters}${HEADER_ROW + 1}{factor}" if ref.unit_value else ""
            )
        results = {b.bid_id: b for b in self.result.bids}
        write_formula, money, not_counted = ws._write_formula, f.money, f.not_counted_money
        row = GRID_HEADER_ROW
        for row, (bid_id, lines) in enumerate(self.grid, start=GRID_HEADER_ROW + 1):
            b = results.get(bid_id)
            bid_text, supplier_text = self.names.get(bid_id, (clean_text(bid_id), ""))
            ws._write_string(row, 0, bid_text)
            ws._write_string(row, 1, supplier_text)
            excel_row = row + 1
            for j, line in enumerate(lines):
                template = templates[j]
                if line is None or not template:
                    continue
                value = line.net if net else line.gross
                fmt = not_counted if not line.counted else money
                write_formula(row, first + j, template.format(excel_row), fmt, "" if value is None else value)
            quantities = f"'{COMMITMENTS}'!{_ref(first, row)}:{_ref(last, row)}"
            row_sum = f"=SUM({_ref(first, row)}:{_ref(last, row)})"
            gross = f"=SUMPRODUCT({quantities},{unit_row})" if net else row_sum
            net_formula = row_sum if net else f"=SUMPRODUCT({quantities},{unit_row},{factor_row})"
            _formula(ws, row, gross_col, gross, b.sv_gross if b else None, money if net else f.total)
            _formula(ws, row, net_col, net_formula, b.sv_net if b else None, f.total if net else money)
            self.sv_total[bid_id] = f"'{SOCIAL_VALUE}'!{_ref(net_col if net else gross_col, row)}"
        ws.autofilter(GRID_HEADER_ROW, 0, row, net_col)

    def readings(self) -> None:
        """One row per price or commitment that needs explaining: typed as text, capped, not counted or missing."""
        if not self.rubric.measures():
            return
        cols = [
            _Col("bid", "Bid file", 22), _Col("supplier", "Supplier", 22), _Col("code", "Code", 8),
            _Col("cell", "Input cell", 16), _Col("raw", "As typed", 16), _Col("qty", "Read as", 13, "number"),
            _Col("counted", "Counted", 13, "number"), _Col("note", "Note", 60),
        ]  # fmt: skip
        ws = self.sheets[READINGS]
        results = {b.bid_id: b for b in self.result.bids}
        lines: list[MeasureLine | BidResult] = []
        for bid_id, bid_lines in self.grid:
            b = results.get(bid_id)
            if b is not None and (b.price_raw or b.price_note):  # the price first, read by the same rules
                lines.append(b)
            lines += [line for line in bid_lines if line is not None and _needs_reading(line)]
        notes = [
            *self.notes[:1],
            "Prices and commitments typed as plain numbers and counted in full have no row here"
            if lines
            else "Nothing needed explaining: every price and commitment was a plain number, counted in full",
            "Evidence text is not in this workbook: it is in the JSON export (socialvalue score --json)",
        ]
        c = _header(
            ws, cols, "Readings: how each price and commitment that was not a plain number was read and counted", notes,
            self.f,
        )  # fmt: skip
        f = self.f
        names = self.names
        row = HEADER_ROW
        for row, line in enumerate(lines, start=HEADER_ROW + 1):
            if isinstance(line, BidResult):
                self._price_reading(ws, row, c, line)
                continue
            bid_text, supplier_text = names.get(line.bid_id, (clean_text(line.bid_id), ""))
            ws._write_string(row, c["bid"], bid_text)
            ws._write_string(row, c["supplier"], supplier_text)
            ws._write_string(row, c["code"], line.code)
            if line.cell is not None:
                ws._write_string(row, c["cell"], clean_text(line.cell.text))
            if line.raw:
                ws._write_string(row, c["raw"], clean_text(line.raw))
            if line.quantity is not None:
                ws._write_number(row, c["qty"], line.quantity, f.number)
            ws._write_number(row, c["counted"], line.counted_quantity, f.not_counted if not line.counted else f.number)
            if line.note:
                ws._write_string(row, c["note"], clean_text(line.note))
        ws.autofilter(HEADER_ROW, 0, row, len(cols) - 1)

    def _price_reading(self, ws: Worksheet, row: int, c: dict[str, int], b: BidResult) -> None:
        """A bid price typed as text: how it was read (a price is refused, never guessed, when ambiguous)."""
        f = self.f
        bid_text, supplier_text = self.names.get(b.bid_id, (clean_text(b.bid_id), ""))
        ws._write_string(row, c["bid"], bid_text)
        ws._write_string(row, c["supplier"], supplier_text)
        ws._write_string(row, c["code"], "Price £")
        if b.price_cell is not None:
            ws._write_string(row, c["cell"], clean_text(b.price_cell.text))
        if b.price_raw:
            ws._write_string(row, c["raw"], clean_text(b.price_raw))
        if b.price is not None:
            ws._write_number(row, c["qty"], b.price, f.money)
            ws._write_number(row, c["counted"], b.price, f.money)
        else:
            ws._write_blank(row, c["counted"], None, f.not_counted)
        note = b.price_note if b.price is not None else "not read: see Errors (the bid has no usable price)"
        if note:
            ws._write_string(row, c["note"], clean_text(note))

    # --- Questions: one row per bid per question -----------------------------------------

    def questions(self) -> None:
        """Each rubric question once (weight, scale, max points), then one short row per bid per question."""
        if not self.rubric.all_questions():
            return
        r, f = self.rubric, self.f
        cols = [
            _Col("bid", "Bid file", 20), _Col("supplier", "Supplier", 22), _Col("code", "Code", 8),
            _Col("score", "Consensus score", 10, "number"), _Col("descriptor", "Descriptor", 28),
            _Col("points", "Points", 10, "points"), _Col("reason", "Reason (moderation)", 42),
            _Col("source", "Score from", 20), _Col("words", "Words", 9, "number"),
        ]  # fmt: skip
        c = {col.key: i for i, col in enumerate(cols)}
        # the per-question block sits over the data columns it explains: top of scale over the score, max over points
        block = ["Criterion", "Theme", "Code", "Top of scale", "Scale", "Max points", "Question",
                 "Weight % of criterion", "Word limit", "Minimum score"]  # fmt: skip
        questions = r.all_questions()
        theme_of = {q.code: t.name for t, q in r.sv_questions()}
        quality = r.criterion(CriterionKind.QUALITY)
        block_row = {q.code: HEADER_ROW + 1 + i for i, q in enumerate(questions)}
        header_row = HEADER_ROW + len(questions) + 2
        ws = self.sheets[QUESTIONS]

        def question_block() -> None:
            ws.set_column(len(cols), len(cols), 9)
            for i, heading in enumerate(block):
                ws._write_string(HEADER_ROW, i, heading, f.header)
            ws.set_row(HEADER_ROW, 33)
            for q in questions:
                row = block_row[q.code]
                part = r.criterion(r.question_part(q))
                scale = r.scale_for(q)
                is_quality = quality is not None and r.question_part(q) is CriterionKind.QUALITY
                weight_name = "W_quality" if is_quality else "W_sv_qual"
                put(ws, row, 0, part.name if part else "", f.text)
                put(ws, row, 1, theme_of.get(q.code, part.name if part else ""), f.wrap)
                put(ws, row, 2, q.code, f.code)
                put(ws, row, 3, scale.max, f.number)
                put(ws, row, 4, scale.id, f.indented)
                _formula(ws, row, 5, f"={weight_name}*{_ref(7, row)}/100", r.question_max_points(q), f.points)
                put(ws, row, 6, q.text.strip(), f.wrap)
                fit_height(ws, row, q.text.strip(), cols[6].width)
                put(ws, row, 7, r.question_weight_pct(q), f.pct)
                put(ws, row, 8, q.word_limit, f.number)
                put(ws, row, 9, q.minimum_score, f.number)

        _header(
            ws, cols, "Questions: consensus scores, with the reasons recorded by the panel",
            [*self.notes[:2], "Points = max points × consensus score ÷ top of scale (the question's row above)"],
            f, header_row, freeze=False, rows_above=question_block,
        )  # fmt: skip
        # the headings stay in view while scrolling, unless the question block would fill the screen
        ws.freeze_panes(header_row + 1 if len(questions) <= 10 else 0, 2)
        self.q_score_col, self.q_points_col = c["score"], c["points"]
        names = self.names
        top = {code: _ref(3, row, True) for code, row in block_row.items()}
        most = {code: _ref(5, row, True) for code, row in block_row.items()}
        reason_width, descriptor_width, text = cols[c["reason"]].width, cols[c["descriptor"]].width, f.text
        row = header_row
        for row, q in enumerate(self.result.questions, start=header_row + 1):
            key = (q.bid_id, q.part)
            first, _ = self.q_rows.get(key, (row, row))
            self.q_rows[key] = (first, row)
            bid_text, supplier_text = names.get(q.bid_id, (clean_text(q.bid_id), ""))
            ws._write_string(row, c["bid"], bid_text, text)
            ws._write_string(row, c["supplier"], supplier_text, text)
            ws._write_string(row, c["code"], q.code, text)
            s = _ref(c["score"], row)
            if q.score is not None:
                ws._write_number(row, c["score"], q.score, f.number)
            if q.descriptor:
                ws._write_string(row, c["descriptor"], clean_text(q.descriptor), f.indented_wrap)
            if q.code in top:
                points = f'=IF({s}="","",{most[q.code]}*{s}/{top[q.code]})'
            else:  # a question the rubric no longer has: its own figures
                points = f'=IF({s}="","",{q.max_points!r}*{s}/{q.scale_max!r})'
            _formula(ws, row, c["points"], points, q.points, f.points)
            if q.score is None:
                ws._write_string(row, c["reason"], "NOT YET SCORED", f.wrap)
            elif q.reason:
                ws._write_string(row, c["reason"], clean_text(q.reason), f.wrap)
            if q.reason or q.descriptor:  # rows grow to show the reason and descriptor in full (wrapped)
                lines = max(lines_needed(q.reason, reason_width), lines_needed(q.descriptor, descriptor_width))
                if lines > 1:
                    ws.set_row(row, min(ROW_MAX_HEIGHT, 15 * lines))
            if q.score_source:
                ws._write_string(row, c["source"], clean_text(q.score_source), text)
            ws._write_number(row, c["words"], q.words, f.number)
        ws.autofilter(header_row, 0, row, len(cols) - 1)

    # --- Gates ---------------------------------------------------------------------------

    def gates(self) -> None:
        if not self.result.gates:
            return
        cols = [
            _Col("bid", "Bid file", 20), _Col("supplier", "Supplier", 22), _Col("code", "Code", 8),
            _Col("text", "Requirement", 46), _Col("answer", "Answer", 10), _Col("passed", "Passed", 8),
            _Col("evidence", "Evidence", 32), _Col("cell", "Input cell", 14),
        ]  # fmt: skip
        ws = self.sheets[GATES]
        c = _header(ws, cols, "Pass/fail requirements", self.notes, self.f)
        suppliers = {b.bid_id: b.supplier for b in self.result.bids}
        for i, g in enumerate(self.result.gates):
            row = HEADER_ROW + 1 + i
            for key, value in (
                ("bid", g.bid_id), ("supplier", suppliers.get(g.bid_id, "")), ("code", g.code), ("text", g.text),
                ("answer", g.answer), ("passed", g.passed), ("evidence", g.evidence), ("cell", cell_text(g.cell)),
            ):  # fmt: skip
                put(ws, row, c[key], value, self.f.excluded if key == "passed" and g.passed is not True else None)

    # --- Summary -------------------------------------------------------------------------

    def summary(self) -> None:
        r, f, res = self.rubric, self.f, self.result
        sv = r.social_value
        has_price = r.weight(CriterionKind.PRICE) > 0
        ppqp = isinstance(r.price_method, PricePerQualityPoint)
        quality = r.criterion(CriterionKind.QUALITY)
        quant = sv is not None and sv.quantitative_share_pct > 0
        qual = sv is not None and sv.quantitative_share_pct < 100
        pct_basis = sv is not None and (
            (isinstance(sv.quantitative_method, RelativeToBest) and sv.quantitative_method.basis == "percent-of-price")
            or (
                isinstance(sv.quantitative_method, AgainstTarget)
                and sv.quantitative_method.target_percent_of_price is not None
            )
        )
        # narrow figures under wrapped headings, so the table prints one A4 page across with readable type
        cols = [_Col("rank", "Rank", 5), _Col("supplier", "Supplier", 18), _Col("bid", "Bid file", 14),
                _Col("status", "Status", 10), _Col("price", "Bid price £", 12, "money"),
                _Col("cprice", "Compared price £", 11, "money")]  # fmt: skip
        if ppqp:
            cols.append(_Col("ratio", "Price per point £", 11, "money"))
        if has_price:
            cols.append(_Col("price_pts", f"Price points (of {r.weight(CriterionKind.PRICE):g})", 9, "points"))
        if quality:
            cols.append(_Col("quality_pts", f"Quality points (of {quality.weight:g})", 9, "points"))
        if r.measures():
            label = "net" if sv is None or sv.score_on == "net" else "gross"
            cols += [
                _Col("sv", f"Social value £ ({label})", 12, "money"),
                _Col("svpct", "Social value % of price", 9, "pct"),
            ]
        if quant:
            cols += [_Col("basis", "Social value compared", 11, "pct" if pct_basis else "money"),
                     _Col("sv_pts", f"SV commitments points (of {r.sv_quantitative_weight:g})", 10, "points")]  # fmt: skip
        if qual:
            cols.append(_Col("sv_qual", f"SV questions points (of {r.sv_qualitative_weight:g})", 10, "points"))
        cols += [_Col("total", "Total (of 100)", 8, "points"), _Col("flags", "Reason / flags", 28)]
        ws = self.sheets[SUMMARY]
        lines = max(_heading_lines(col.heading, col.width) for col in cols)
        c = _header(ws, cols, f"Tender results: {r.title}", self.notes, f, height=max(48, 15 * lines + 3))
        first = HEADER_ROW + 1
        last = first + max(len(res.bids), 1) - 1
        rows = {b.bid_id: first + i for i, b in enumerate(res.bids)}

        def pool(key: str) -> str:
            return f"{_ref(c[key], first, True)}:{_ref(c[key], last, True)}"

        fmts = {"money": f.money, "points": f.points, "pct": f.pct, "number": f.number, "text": f.text}
        winner_fmts = {
            key: self.wb.add_format({"bg_color": "#C6EFCE", "bold": True, "valign": "top", "num_format": num})
            for key, num in (
                ("money", "£#,##0.00"),
                ("points", "0.00"),
                ("pct", "0.00"),
                ("number", "#,##0.##"),
                ("text", "General"),
            )
        }
        by = {col.key: col for col in cols}
        for b in res.bids:
            row = rows[b.bid_id]
            win = f.winner if b.rank == 1 else None

            def fmt(col: _Col, win: Any = win) -> Any:
                return fmts[col.fmt] if win is None else winner_fmts[col.fmt]

            ref = {k: _ref(i, row) for k, i in c.items()}
            put(ws, row, c["rank"], b.rank, fmt(by["rank"]))
            put(ws, row, c["supplier"], b.supplier or "(unreadable)", fmt(by["supplier"]))
            put(ws, row, c["bid"], b.bid_id, fmt(by["bid"]))
            put(ws, row, c["status"], b.status.value, fmt(by["status"]))
            put(ws, row, c["price"], b.price, fmt(by["price"]))
            if b.in_pool:
                _formula(ws, row, c["cprice"], f"={ref['price']}", b.price, fmt(by["cprice"]))
            else:
                put(ws, row, c["cprice"], None, fmt(by["cprice"]))
            if b.status is BidStatus.UNREADABLE:
                for key in c:
                    if key not in ("rank", "supplier", "bid", "status", "price", "cprice", "flags"):
                        put(ws, row, c[key], None)
                put(ws, row, c["flags"], b.status_reason, f.wrap)
                continue
            non_price = [ref[k] for k in ("quality_pts", "sv_pts", "sv_qual") if k in c]
            if ppqp:
                parts = ",".join(f'{p}=""' for p in non_price)
                formula = f'=IF(OR({ref["cprice"]}="",{parts}),"",{ref["cprice"]}/({"+".join(non_price)}))'
                _formula(ws, row, c["ratio"], formula, b.price_per_point, fmt(by["ratio"]))
            if has_price:
                formula = price_rule(r.price_method).formula(PriceCells(
                    ref["cprice"], pool("cprice"),
                    ref.get("ratio", ""), pool("ratio") if ppqp else "",
                ))  # fmt: skip
                _formula(ws, row, c["price_pts"], formula, b.price_points, fmt(by["price_pts"]))
            if quality:
                self._points_sum(
                    ws, row, c["quality_pts"], (b.bid_id, quality.id), b.quality_points, fmt(by["quality_pts"])
                )
            if "sv" in c:
                if b.bid_id in self.sv_total:  # the bid's total on Social value
                    _formula(ws, row, c["sv"], f"={self.sv_total[b.bid_id]}", b.sv_scored, fmt(by["sv"]))
                else:
                    put(ws, row, c["sv"], b.sv_scored, fmt(by["sv"]))
                pct = f'=IF(N({ref["price"]})>0,{ref["sv"]}/{ref["price"]}*100,"")'
                _formula(ws, row, c["svpct"], pct, b.sv_percent_of_price, fmt(by["svpct"]))
            if quant and sv is not None:
                basis_value = b.sv_percent_of_price if pct_basis else b.sv_scored
                source = ref["svpct"] if pct_basis else ref["sv"]
                formula = f'=IF({ref["cprice"]}="","",{source})'
                _formula(ws, row, c["basis"], formula, basis_value if b.in_pool else None, fmt(by["basis"]))
                formula = sv_rule(sv.quantitative_method).formula(ref["basis"], pool("basis"))
                _formula(ws, row, c["sv_pts"], formula, b.sv_quant_points, fmt(by["sv_pts"]))
            if qual:
                sv_id = r.criterion(CriterionKind.SOCIAL_VALUE).id  # type: ignore[union-attr]
                self._points_sum(ws, row, c["sv_qual"], (b.bid_id, sv_id), b.sv_qual_points, fmt(by["sv_qual"]))
            parts_refs = [ref[k] for k in ("price_pts", "quality_pts", "sv_pts", "sv_qual") if k in c]
            total = (
                f'=IF({ref["cprice"]}="","",IF(COUNT({",".join(parts_refs)})<{len(parts_refs)},"",'
                f"{'+'.join(parts_refs)}))"
            )
            _formula(ws, row, c["total"], total, b.total, fmt(by["total"]))
            reason = "; ".join(x for x in [b.status_reason, *(f.text for f in b.flags)] if x)
            put(ws, row, c["flags"], reason, f.wrap)
            fit_height(ws, row, reason, by["flags"].width)
        ws.autofilter(HEADER_ROW, 0, last, len(cols) - 1)
        self._chart(ws, c, rows)

    def _points_sum(
        self, ws: Worksheet, row: int, col: int, key: tuple[str, str], value: float | None, fmt: Any
    ) -> None:
        """Sum of a block of question points; blank while any question in it lacks a score."""
        if key not in self.q_rows:
            put(ws, row, col, 0.0, fmt)
            return
        a, z = self.q_rows[key]
        scores = _range(QUESTIONS, self.q_score_col, a, z)
        points = _range(QUESTIONS, self.q_points_col, a, z)
        _formula(ws, row, col, f'=IF(COUNT({scores})<{z - a + 1},"",SUM({points}))', value, fmt)

    def _chart(self, ws: Worksheet, c: dict[str, int], rows: dict[str, int]) -> None:
        ranked = [b for b in self.result.bids if b.total is not None]
        if not ranked:
            return
        shown = ranked[:CHART_BIDS]  # the Summary lists bids by rank, so these are its first rows
        first, last = rows[shown[0].bid_id], rows[shown[-1].bid_id]
        chart = self.wb.add_chart({"type": "bar", "subtype": "stacked"})
        for key, name, colour in (
            ("price_pts", "Price", "#1F4E79"),
            ("quality_pts", "Quality", "#2E75B6"),
            ("sv_pts", "Social value (commitments)", "#70AD47"),
            ("sv_qual", "Social value (questions)", "#A9D18E"),
        ):
            if key in c:
                chart.add_series(
                    {
                        "name": name,
                        "categories": [SUMMARY, first, c["supplier"], last, c["supplier"]],
                        "values": [SUMMARY, first, c[key], last, c[key]],
                        "fill": {"color": colour},
                    }
                )
        title = "Points by criterion (ranked bids)"
        if len(shown) < len(ranked):
            title = f"Points by criterion: the top {len(shown)} of {len(ranked)} ranked bids"
        chart.set_title({"name": title})
        chart.set_x_axis({"name": "Points (of 100)", "min": 0, "max": 100})
        chart.set_y_axis({"reverse": True, "interval_unit": 1})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 760, "height": 140 + 40 * len(shown)})
        if len(rows) <= 2 * CHART_BIDS:  # below the table
            ws.insert_chart(HEADER_ROW + 3 + len(rows), 1, chart)
        else:  # beside the headings: below a long table nobody would find it
            ws.insert_chart(HEADER_ROW, len(c) + 1, chart)

    # --- Errors and Audit ----------------------------------------------------------------

    def errors(self, problems: Sequence[Problem]) -> None:
        cols = [
            _Col("file", "File", 24), _Col("sheet", "Sheet", 16), _Col("cell", "Cell", 8),
            _Col("severity", "Severity", 9), _Col("code", "Problem", 20), _Col("raw", "Value found", 20),
            _Col("reason", "What is wrong, and what to do", 70),
        ]  # fmt: skip
        ws = self.sheets[ERRORS]
        note = f"{len(problems)} problem(s) found" if problems else "No problems found: every input was read in full"
        c = _header(ws, cols, "Errors and warnings: one row per problem", [note], self.f)
        for i, p in enumerate(problems):
            row = HEADER_ROW + 1 + i
            line_or_cell = p.cell or (f"line {p.line}" if p.line else "")
            values = {"file": p.file, "sheet": p.sheet, "cell": line_or_cell, "severity": p.severity.value,
                      "code": p.code, "raw": p.raw, "reason": p.reason}  # fmt: skip
            for key, value in values.items():
                put(ws, row, c[key], value, self.f.wrap if key == "reason" else None)
            fit_height(ws, row, p.reason, cols[c["reason"]].width)
        if problems:
            ws.autofilter(HEADER_ROW, 0, HEADER_ROW + len(problems), len(cols) - 1)

    def audit(self, info: AuditInfo) -> None:
        f, r, res = self.f, self.rubric, self.result
        ws = self.sheets[AUDIT]
        page_setup(ws, (30, 70, 16))
        ws.set_column(0, 0, 30)
        ws.set_column(1, 1, 70)
        ws.set_column(2, 2, 16)
        ws.write_string(0, 0, "Audit: what produced these results", f.title)
        vs = self.value_set
        facts: list[tuple[str, str]] = [
            ("Tool", f"socialvalue {__version__}"),
            ("Created (UTC)", info.created),
            ("Command", info.command),
            ("Rubric id", r.id),
            ("Rubric version", r.version),
            ("Rubric title", r.title),
            ("Rubric fingerprint (SHA-256)", r.fingerprint()),
            ("Rubric file", info.rubric_file),
            ("Policy", r.policy.value),
            ("Value set", res.value_set or "none"),
            ("Value set source", vs.source if vs else ""),
            ("Value set licence", vs.licence if vs else ""),
            ("Illustrative values", "YES: not for award decisions" if res.value_set_illustrative else "no"),
        ]
        for i, (k, v) in enumerate(facts):
            ws.write_string(2 + i, 0, k, f.bold)
            ws.write_string(
                2 + i, 1, clean_text(v), f.warn if k == "Illustrative values" and res.value_set_illustrative else f.text
            )
        row = 3 + len(facts)
        for label, items in (
            ("Panel score files", [(name, digest, "read") for name, digest in info.evaluations]),
            ("Input files (every file in the bids folder)", info.inputs),
        ):
            ws.write_string(row, 0, label, f.bold)
            row += 1
            for i, h in enumerate(("File", "SHA-256", "Outcome")):
                ws.write_string(row, i, h, f.header)
            row += 1
            for name, digest, outcome in items:
                put(ws, row, 0, name)
                put(ws, row, 1, digest)
                put(ws, row, 2, outcome)
                row += 1
            row += 1


def write_results(
    result: TenderResult,
    rubric: Rubric,
    value_set: ValueSet | None,
    target: Path,
    problems: Sequence[Problem],
    audit: AuditInfo,
    inputs: Sequence[Path] = (),
    on_sheet: Callable[[str], None] | None = None,
) -> Path:
    """Write the results workbook atomically; refuses to overwrite any of ``inputs``."""
    with atomic_path(target, inputs) as tmp:
        wb = ResultsWorkbook(str(tmp), {**WORKBOOK_OPTIONS, "constant_memory": True})
        w = _Writer(wb, result, rubric, value_set)
        # detail sheets first: the Summary's formulas need their row blocks; Summary is shown first
        steps: list[tuple[str, Callable[[], None]]] = [
            (METHOD, w.method),
            (MEASURES, w.measures),
            (COMMITMENTS, w.commitments),
            (SOCIAL_VALUE, w.social_value),
            (READINGS, w.readings),
            (QUESTIONS, w.questions),
            (GATES, w.gates),
            (SUMMARY, w.summary),
            (DECISION, lambda: write_decision_sheet(wb, w.sheets[DECISION], result.decision, w.notes[0])),
            (ERRORS, lambda: w.errors(problems)),
            (AUDIT, lambda: w.audit(audit)),
        ]
        for name, step in steps:
            step()
            if on_sheet:
                on_sheet(name)
        w.sheets[SUMMARY].activate()
        wb.set_properties({"title": f"Tender results: {rubric.title}", "comments": f"socialvalue {__version__}"})
        wb.close()
    return target
