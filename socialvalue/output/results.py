"""The results workbook: Summary, Social value, Questions, Gates, Errors, Method and Audit sheets.

Weighted points and totals are live Excel formulas that also carry the value scoring computed, so
previews and pandas show the numbers and a recalculation gives the same values. Every string that
came from a supplier is written with ``write_string`` (never a formula), cleaned by :mod:`.safe`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from socialvalue import __version__
from socialvalue.layout import cell_ref
from socialvalue.problems import Problem
from socialvalue.rubric import CriterionKind, Rubric, ValueSet
from socialvalue.rubric.models import AgainstTarget, LinearDeduction, PricePerQualityPoint, RelativeToBest
from socialvalue.scoring import methods
from socialvalue.scoring.results import BidStatus, TenderResult

from .atomic import atomic_path
from .safe import WORKBOOK_OPTIONS, clean_text
from .sheets import ResultsWorkbook, fit_height, print_setup, put

SUMMARY, SOCIAL_VALUE, MEASURES, QUESTIONS, GATES, ERRORS, METHOD, AUDIT = (
    "Summary",
    "Social value",
    "Measures",
    "Questions",
    "Gates",
    "Errors",
    "Method",
    "Audit",
)
HEADER_ROW = 4  # 0-based row of column headings on the data sheets (title and notes above)


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
        self.wrap = wb.add_format({"valign": "top", "text_wrap": True})
        self.money = wb.add_format({"num_format": "£#,##0.00", "valign": "top"})
        self.number = wb.add_format({"num_format": "#,##0.##", "valign": "top"})
        self.points = wb.add_format({"num_format": "0.00", "valign": "top"})
        self.pct = wb.add_format({"num_format": "0.00", "valign": "top"})
        self.bold = wb.add_format({"bold": True})
        self.winner = wb.add_format({"bg_color": "#C6EFCE", "bold": True})
        self.excluded = wb.add_format({"font_color": "#9C0006"})


def _formula(ws: Worksheet, row: int, col: int, formula: str, value: float | None, fmt: Any) -> None:
    """A live formula with the value scoring computed ('' where scoring has none)."""
    ws.write_formula(row, col, formula, fmt, "" if value is None else value)


@dataclass
class _Col:
    key: str
    heading: str
    width: float
    fmt: str = "text"


def _header(ws: Worksheet, cols: Sequence[_Col], title: str, notes: Sequence[str], f: _Formats) -> dict[str, int]:
    print_setup(ws, HEADER_ROW)
    ws.write_string(0, 0, clean_text(title), f.title)
    for i, note in enumerate(notes[:3]):
        ws.write_string(1 + i, 0, clean_text(note), f.warn if "ILLUSTRATIVE" in note else f.note)
    for i, c in enumerate(cols):
        ws.set_column(i, i, c.width)
        ws.write_string(HEADER_ROW, i, c.heading, f.header)
    ws.set_row(HEADER_ROW, 48)
    ws.freeze_panes(HEADER_ROW + 1, 2)
    return {c.key: i for i, c in enumerate(cols)}


def _ref(col: int, row0: int, absolute: bool = False) -> str:
    ref = cell_ref(col, row0 + 1)
    if not absolute:
        return ref
    letters = ref.rstrip("0123456789")
    return f"${letters}${row0 + 1}"


def _range(sheet: str, col: int, first0: int, last0: int) -> str:
    return f"'{sheet}'!{_ref(col, first0)}:{_ref(col, last0)}"


class _Writer:
    def __init__(self, wb: Workbook, result: TenderResult, rubric: Rubric, value_set: ValueSet | None) -> None:
        self.wb, self.result, self.rubric, self.value_set = wb, result, rubric, value_set
        self.f = _Formats(wb)
        self.notes = [f"Rubric {rubric.id} v{rubric.version}: {rubric.title}"]
        if result.value_set:
            self.notes.append(f"£ values use value set {result.value_set}")
        # row blocks per bid on the detail sheets, filled as they are written
        self.sv_rows: dict[str, tuple[int, int]] = {}
        self.q_rows: dict[tuple[str, str], tuple[int, int]] = {}
        self.sv_value_col = 0
        self.measure_refs: dict[str, tuple[str, str, str]] = {}  # code → cap, £ per unit, net factor cells
        self.q_score_col = self.q_points_col = 0
        # sheets are created up front in the order officers read them, then filled in data order
        wanted = [SUMMARY]
        wanted += [SOCIAL_VALUE, MEASURES] if rubric.measures() else []
        wanted += [QUESTIONS] if rubric.all_questions() else []
        wanted += [GATES] if result.gates else []
        wanted += [ERRORS, METHOD, AUDIT]
        self.sheets: dict[str, Worksheet] = {name: wb.add_worksheet(name) for name in wanted}

    # --- Method: the rubric's parameters as named cells -----------------------------------

    def method(self) -> None:
        r, f = self.rubric, self.f
        ws = self.sheets[METHOD]
        print_setup(ws)
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
            _Col("code", "Code", 8), _Col("theme", "Theme", 24), _Col("measure", "Measure", 50), _Col("unit", "Unit", 10),
            _Col("cap", "Cap (counted up to)", 12, "number"), _Col("unit_value", "£ per unit", 11, "money"),
            _Col("source", "Value set row", 40), _Col("dw", "Deadweight %", 11, "pct"),
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
            self.measure_refs[m.code] = (cap, unit_value_ref, factor)

    def social_value(self) -> None:
        """One row per bid per measure: quantity as committed and as counted, gross and net £ (live formulas)."""
        if not self.rubric.measures():
            return
        f = self.f
        cols = [
            _Col("bid", "Bid file", 22), _Col("supplier", "Supplier", 24), _Col("code", "Code", 8),
            _Col("qty", "Quantity committed", 12, "number"), _Col("raw", "As typed", 12),
            _Col("counted", "Quantity counted", 12, "number"), _Col("gross", "Gross £", 14, "money"),
            _Col("net", "Net £", 14, "money"), _Col("cell", "Input cell", 16), _Col("evidence", "Evidence", 40),
            _Col("note", "Note", 40),
        ]  # fmt: skip
        ws = self.sheets[SOCIAL_VALUE]
        c = _header(
            ws, cols, "Social value: each commitment valued, gross and net of additionality (units and values: Measures)",
            self.notes, f,
        )  # fmt: skip
        self.sv_value_col = (
            c["net"] if (self.rubric.social_value and self.rubric.social_value.score_on == "net") else c["gross"]
        )
        # cleaned once per bid, not once per row: this sheet has a row per bid per measure
        names = {b.bid_id: (clean_text(b.bid_id), clean_text(b.supplier)) for b in self.result.bids}
        row = HEADER_ROW + 1
        for m in self.result.measures:
            first, _ = self.sv_rows.get(m.bid_id, (row, row))
            self.sv_rows[m.bid_id] = (first, row)
            cap, unit_value, factor = self.measure_refs[m.code]
            bid_text, supplier_text = names[m.bid_id]
            ws.write_string(row, c["bid"], bid_text)
            ws.write_string(row, c["supplier"], supplier_text)
            ws.write_string(row, c["code"], m.code)
            if m.quantity is not None:
                ws.write_number(row, c["qty"], m.quantity, f.number)
            if m.raw:
                ws.write_string(row, c["raw"], clean_text(m.raw))
            counted = _ref(c["counted"], row)
            if m.cap is not None and m.quantity is not None and m.counted_quantity > 0:
                _formula(ws, row, c["counted"], f"=MIN({_ref(c['qty'], row)},{cap})", m.counted_quantity, f.number)
            else:
                ws.write_number(row, c["counted"], m.counted_quantity, f.number)
            if m.gross is not None:
                _formula(ws, row, c["gross"], f"={counted}*{unit_value}", m.gross, f.money)
                _formula(ws, row, c["net"], f"={_ref(c['gross'], row)}*{factor}", m.net, f.money)
            if m.cell:
                ws.write_string(row, c["cell"], m.cell)
            if m.evidence:
                ws.write_string(row, c["evidence"], clean_text(m.evidence))
            if m.note:
                ws.write_string(row, c["note"], clean_text(m.note))
            row += 1
        ws.autofilter(HEADER_ROW, 0, max(row - 1, HEADER_ROW), len(cols) - 1)

    # --- Questions: one row per bid per question -----------------------------------------

    def questions(self) -> None:
        if not self.rubric.all_questions():
            return
        f = self.f
        cols = [
            _Col("bid", "Bid file", 22), _Col("supplier", "Supplier", 24), _Col("part", "Criterion", 14),
            _Col("theme", "Theme", 20), _Col("code", "Code", 8), _Col("text", "Question", 40),
            _Col("weight", "Weight % of criterion", 10, "pct"), _Col("max", "Max points", 10, "points"),
            _Col("scale", "Scale", 12), _Col("scale_max", "Top of scale", 8, "number"),
            _Col("score", "Consensus score", 10, "number"), _Col("descriptor", "Descriptor", 36),
            _Col("points", "Points", 10, "points"), _Col("minimum", "Minimum score", 9, "number"),
            _Col("reason", "Reason (moderation)", 60), _Col("source", "Score from", 26),
            _Col("words", "Words", 8, "number"), _Col("limit", "Word limit", 8, "number"),
        ]  # fmt: skip
        ws = self.sheets[QUESTIONS]
        c = _header(ws, cols, "Questions: consensus scores, with the reasons recorded by the panel", self.notes, f)
        self.q_score_col, self.q_points_col = c["score"], c["points"]
        quality = self.rubric.criterion(CriterionKind.QUALITY)
        suppliers = {b.bid_id: b.supplier for b in self.result.bids}
        row = HEADER_ROW + 1
        for q in self.result.questions:
            key = (q.bid_id, q.part)
            first, _ = self.q_rows.get(key, (row, row))
            self.q_rows[key] = (first, row)
            put(ws, row, c["bid"], q.bid_id)
            put(ws, row, c["supplier"], suppliers.get(q.bid_id, ""))
            put(ws, row, c["part"], q.part)
            put(ws, row, c["theme"], q.theme)
            put(ws, row, c["code"], q.code)
            put(ws, row, c["text"], q.text)
            put(ws, row, c["weight"], q.weight_pct, f.pct)
            weight_name = "W_quality" if quality is not None and q.part == quality.id else "W_sv_qual"
            _formula(ws, row, c["max"], f"={weight_name}*{_ref(c['weight'], row)}/100", q.max_points, f.points)
            put(ws, row, c["scale"], q.scale_id)
            put(ws, row, c["scale_max"], q.scale_max, f.number)
            put(ws, row, c["score"], q.score, f.number)
            put(ws, row, c["descriptor"], q.descriptor)
            s, mx, top = _ref(c["score"], row), _ref(c["max"], row), _ref(c["scale_max"], row)
            _formula(ws, row, c["points"], f'=IF({s}="","",{mx}*{s}/{top})', q.points, f.points)
            put(ws, row, c["minimum"], q.minimum_score, f.number)
            put(ws, row, c["reason"], q.reason if q.score is not None else "NOT YET SCORED", f.wrap)
            fit_height(ws, row, q.reason, cols[c["reason"]].width)
            put(ws, row, c["source"], q.score_source)
            put(ws, row, c["words"], q.words, f.number)
            put(ws, row, c["limit"], q.word_limit, f.number)
            row += 1
        ws.autofilter(HEADER_ROW, 0, max(row - 1, HEADER_ROW), len(cols) - 1)

    # --- Gates ---------------------------------------------------------------------------

    def gates(self) -> None:
        if not self.result.gates:
            return
        cols = [
            _Col("bid", "Bid file", 22), _Col("supplier", "Supplier", 24), _Col("code", "Code", 8),
            _Col("text", "Requirement", 60), _Col("answer", "Answer", 12), _Col("passed", "Passed", 8),
            _Col("evidence", "Evidence", 40), _Col("cell", "Input cell", 16),
        ]  # fmt: skip
        ws = self.sheets[GATES]
        c = _header(ws, cols, "Pass/fail requirements", self.notes, self.f)
        suppliers = {b.bid_id: b.supplier for b in self.result.bids}
        for i, g in enumerate(self.result.gates):
            row = HEADER_ROW + 1 + i
            for key, value in (
                ("bid", g.bid_id), ("supplier", suppliers.get(g.bid_id, "")), ("code", g.code), ("text", g.text),
                ("answer", g.answer), ("passed", g.passed), ("evidence", g.evidence), ("cell", g.cell),
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
        cols = [_Col("rank", "Rank", 6), _Col("supplier", "Supplier", 28), _Col("bid", "Bid file", 24),
                _Col("status", "Status", 11), _Col("price", "Bid price £", 15, "money"),
                _Col("cprice", "Compared price £", 15, "money")]  # fmt: skip
        if ppqp:
            cols.append(_Col("ratio", "Price per point £", 14, "money"))
        if has_price:
            cols.append(_Col("price_pts", f"Price points (of {r.weight(CriterionKind.PRICE):g})", 12, "points"))
        if quality:
            cols.append(_Col("quality_pts", f"Quality points (of {quality.weight:g})", 12, "points"))
        if r.measures():
            label = "net" if sv is None or sv.score_on == "net" else "gross"
            cols += [
                _Col("sv", f"Social value £ ({label})", 15, "money"),
                _Col("svpct", "Social value % of price", 11, "pct"),
            ]
        if quant:
            cols += [_Col("basis", "Social value compared", 13, "pct" if pct_basis else "money"),
                     _Col("sv_pts", f"SV commitments points (of {r.sv_quantitative_weight:g})", 13, "points")]  # fmt: skip
        if qual:
            cols.append(_Col("sv_qual", f"SV questions points (of {r.sv_qualitative_weight:g})", 13, "points"))
        cols += [_Col("total", "Total (of 100)", 11, "points"), _Col("flags", "Reason / flags", 80)]
        ws = self.sheets[SUMMARY]
        c = _header(ws, cols, f"Tender results: {r.title}", self.notes, f)
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
        for b in res.bids:
            row = rows[b.bid_id]
            win = f.winner if b.rank == 1 else None

            def fmt(col: _Col, win: Any = win) -> Any:
                return fmts[col.fmt] if win is None else winner_fmts[col.fmt]

            by = {col.key: col for col in cols}
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
                formula = methods.price_formula(
                    r.price_method, ref["cprice"], pool("cprice"),
                    ref.get("ratio", ""), pool("ratio") if ppqp else "",
                )  # fmt: skip
                _formula(ws, row, c["price_pts"], formula, b.price_points, fmt(by["price_pts"]))
            if quality:
                self._points_sum(
                    ws, row, c["quality_pts"], (b.bid_id, quality.id), b.quality_points, fmt(by["quality_pts"])
                )
            if "sv" in c:
                a, z = self.sv_rows[b.bid_id]
                _formula(
                    ws,
                    row,
                    c["sv"],
                    f"=SUM({_range(SOCIAL_VALUE, self.sv_value_col, a, z)})",
                    b.sv_scored,
                    fmt(by["sv"]),
                )
                pct = f'=IF(N({ref["price"]})>0,{ref["sv"]}/{ref["price"]}*100,"")'
                _formula(ws, row, c["svpct"], pct, b.sv_percent_of_price, fmt(by["svpct"]))
            if quant and sv is not None:
                basis_value = b.sv_percent_of_price if pct_basis else b.sv_scored
                source = ref["svpct"] if pct_basis else ref["sv"]
                formula = f'=IF({ref["cprice"]}="","",{source})'
                _formula(ws, row, c["basis"], formula, basis_value if b.in_pool else None, fmt(by["basis"]))
                formula = methods.sv_formula(sv.quantitative_method, ref["basis"], pool("basis"))
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
            reason = "; ".join(x for x in [b.status_reason, *b.flags] if x)
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
        first, last = rows[ranked[0].bid_id], rows[ranked[-1].bid_id]
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
        chart.set_title({"name": "Points by criterion (ranked bids)"})
        chart.set_x_axis({"name": "Points (of 100)", "min": 0, "max": 100})
        chart.set_y_axis({"reverse": True, "interval_unit": 1})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 760, "height": 140 + 40 * len(ranked)})
        ws.insert_chart(HEADER_ROW + 3 + len(rows), 1, chart)

    # --- Errors and Audit ----------------------------------------------------------------

    def errors(self, problems: Sequence[Problem]) -> None:
        cols = [
            _Col("file", "File", 26), _Col("sheet", "Sheet", 18), _Col("cell", "Cell", 8),
            _Col("severity", "Severity", 9), _Col("code", "Problem", 22), _Col("raw", "Value found", 24),
            _Col("reason", "What is wrong, and what to do", 90),
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
        print_setup(ws)
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
            (SOCIAL_VALUE, w.social_value),
            (QUESTIONS, w.questions),
            (GATES, w.gates),
            (SUMMARY, w.summary),
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
