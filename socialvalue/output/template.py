"""The supplier response workbook, generated from a rubric (layout in :mod:`socialvalue.layout`).

Input cells are unlocked and shaded; everything else is protected. A very hidden sheet records
which rubric made the workbook so the reader can tell a template from another rubric or version.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from socialvalue import __version__
from socialvalue import layout as L
from socialvalue.rubric import CriterionKind, Measure, Rubric, ValueSet

from .atomic import atomic_path
from .safe import WORKBOOK_OPTIONS, clean_text
from .sheets import protect

INPUT_FILL = "#FFF2CC"
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


def _headers(ws: Worksheet, columns: Sequence[L.Column], styles: Styles) -> None:
    for col in columns:
        ws.set_column(col.index, col.index, col.width)
        ws.write_string(L.HEADER_ROW - 1, col.index, col.heading, styles.header)
    ws.freeze_panes(L.HEADER_ROW, 0)
    ws.set_row(L.HEADER_ROW - 1, 30)


def counting_rule(measure: Measure, value_set: ValueSet | None) -> str:
    """Plain-English 'how it is counted' for one measure."""
    parts: list[str] = []
    row = value_set.get(measure.value_ref) if value_set and measure.value_ref else None
    if row is not None:
        parts.append(f"£{row.value_gbp:,.2f} per {row.unit} ({value_set.id if value_set else ''})")
    else:
        parts.append("Reported as a count; no £ value is given to it")
    adj = [
        f"{label} {pct:g}%"
        for label, pct in (
            ("deadweight", measure.deadweight_pct),
            ("displacement", measure.displacement_pct),
            ("attribution", measure.attribution_pct),
        )
        if pct
    ]
    if adj:
        parts.append("net of " + ", ".join(adj))
    if measure.cap is not None:
        parts.append(f"counted up to {measure.cap:,g} {measure.unit}")
    if measure.max is not None:
        parts.append(f"at most {measure.max:,g} accepted")
    if measure.guidance:
        parts.append(measure.guidance)
    return "; ".join(parts)


def _instructions(wb: Workbook, rubric: Rubric, value_set: ValueSet | None, styles: Styles) -> None:
    ws = wb.add_worksheet(L.INSTRUCTIONS)
    ws.set_column(0, 0, 110)
    lines: list[tuple[str, Any]] = [
        (f"Social value response: {rubric.title}", styles.title),
        (f"Rubric {rubric.id} version {rubric.version}", styles.bold),
        ("", None),
        ("How to complete this workbook", styles.bold),
        (
            "1. Fill in only the shaded cells. Other cells are protected; do not add, delete or reorder rows.",
            styles.wrap,
        ),
        (
            f"2. '{L.SUPPLIER}': your organisation's details and your total bid price in £ (a number, excluding VAT).",
            styles.wrap,
        ),
    ]
    if rubric.measures():
        lines.append(
            (
                f"3. '{L.COMMITMENTS}': for each measure, the quantity you commit to deliver over the contract, "
                "in the unit shown (a plain number, e.g. 12.5 - not '12 FTE' or 'about 10'). Leave blank or 0 for none. "
                "Describe how you will deliver and evidence it.",
                styles.wrap,
            )
        )
    if rubric.all_questions():
        lines.append(
            (
                f"4. '{L.STATEMENTS}': answer each question within its word limit. The panel scores each answer on the published scale.",
                styles.wrap,
            )
        )
    if rubric.all_gates():
        lines.append(
            (f"5. '{L.GATES}': answer Yes or No to each pass/fail requirement. A No excludes the bid.", styles.wrap)
        )
    lines += [("", None), ("How bids are scored", styles.bold)]
    for c in rubric.criteria:
        lines.append((f"{c.name}: {c.weight:g}% of the total score", styles.wrap))
    lines.append((f"Price method: {rubric.price_method.method}", styles.wrap))
    if rubric.social_value:
        sv = rubric.social_value
        lines.append(
            (
                f"Social value: {sv.quantitative_share_pct:g}% of its weight on the £ value of commitments "
                f"({sv.quantitative_method.method}, {sv.score_on} of deadweight, displacement and attribution), "
                f"{100 - sv.quantitative_share_pct:g}% on written answers.",
                styles.wrap,
            )
        )
    if value_set is not None:
        lines.append(
            (f"Proxy values: {value_set.label}. Source: {value_set.source}. Licence: {value_set.licence}.", styles.wrap)
        )
        if value_set.illustrative:
            lines.append(
                (
                    "These proxy values are ILLUSTRATIVE ONLY and must not be used to decide a contract award.",
                    styles.warning,
                )
            )
    for i, (text, fmt) in enumerate(lines):
        if text:
            ws.write_string(i, 0, clean_text(text), fmt)
    protect(ws)


def _supplier_sheet(wb: Workbook, styles: Styles) -> None:
    ws = wb.add_worksheet(L.SUPPLIER)
    ws.write_string(0, 0, "Your organisation", styles.title)
    _headers(ws, L.SUPPLIER_COLUMNS, styles)
    for i, f in enumerate(L.SUPPLIER_FIELDS):
        row = L.FIRST_DATA_ROW - 1 + i
        ws.write_string(row, L.SUP_KEY.index, f.key, styles.key)
        ws.write_string(row, L.SUP_LABEL.index, f.label + (" (required)" if f.required else ""), styles.locked)
        ws.write_string(row, L.SUP_HELP.index, f.help, styles.locked)
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
    ws.write_string(0, 0, "Social value commitments: one row per measure; fill in the shaded cells", styles.title)
    _headers(ws, L.COMMITMENT_COLUMNS, styles)
    for i, (theme, m) in enumerate(rubric.measures()):
        row = L.FIRST_DATA_ROW - 1 + i
        ws.write_string(row, L.COM_CODE.index, m.code, styles.locked)
        ws.write_string(row, L.COM_THEME.index, theme.name, styles.locked)
        ws.write_string(row, L.COM_MEASURE.index, m.description, styles.locked)
        ws.write_string(row, L.COM_UNIT.index, m.unit, styles.locked)
        ws.write_blank(row, L.COM_QUANTITY.index, None, styles.input_number)
        ws.write_blank(row, L.COM_EVIDENCE.index, None, styles.input_text)
        ws.write_string(row, L.COM_RULES.index, counting_rule(m, value_set), styles.locked)
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
    ws.write_string(0, 0, "Method statements: answer each question within its word limit", styles.title)
    _headers(ws, L.STATEMENT_COLUMNS, styles)
    theme_of = {q.code: t.name for t, q in rubric.sv_questions()}
    for i, q in enumerate(rubric.all_questions()):
        row = L.FIRST_DATA_ROW - 1 + i
        ws.set_row(row, 90)
        part = theme_of.get(q.code, rubric.criterion(CriterionKind.QUALITY).name if rubric.quality else "")  # type: ignore[union-attr]
        ws.write_string(row, L.ST_CODE.index, q.code, styles.locked)
        ws.write_string(row, L.ST_THEME.index, part, styles.locked)
        ws.write_string(
            row, L.ST_QUESTION.index, clean_text(q.text + (f"\n\n{q.guidance}" if q.guidance else "")), styles.locked
        )
        if q.word_limit:
            ws.write_number(row, L.ST_LIMIT.index, q.word_limit, styles.number)
        else:
            ws.write_blank(row, L.ST_LIMIT.index, None, styles.locked)
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
    ws.write_string(0, 0, "Pass/fail requirements: a No excludes the bid", styles.title)
    _headers(ws, L.GATE_COLUMNS, styles)
    for i, g in enumerate(rubric.all_gates()):
        row = L.FIRST_DATA_ROW - 1 + i
        ws.write_string(row, L.GATE_CODE.index, g.code, styles.locked)
        ws.write_string(
            row, L.GATE_TEXT.index, clean_text(g.text + (f"\n{g.guidance}" if g.guidance else "")), styles.locked
        )
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
        ws.write_string(i, 0, key)
        ws.write_string(i, 1, value)
    ws.very_hidden()
    protect(ws)


def write_response_template(rubric: Rubric, value_set: ValueSet | None, target: Path) -> Path:
    """Write the supplier response workbook for ``rubric`` to ``target`` (atomically)."""
    with atomic_path(target) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), WORKBOOK_OPTIONS)
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
