"""The results workbook's Decision sheet: why the winner won, and how robust that is (from ``TenderResult.decision``).

Written as text and numbers, not formulas: every figure on it comes from re-scoring the tender with
one change (:mod:`socialvalue.scoring.decision`), which no spreadsheet formula could redo.
"""

from __future__ import annotations

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from socialvalue.scoring.results import Decision, PartGap

from ..safe import clean_text
from ..sheets import fit_height, lines_needed, page_setup, put

WIDTHS = (30.0, 11.0, 11.0, 11.0, 52.0)
"""Part or change, winner, runner-up, difference, what lies behind it (prints on A4 portrait at about 90%)."""
TEXT_WIDTH = sum(WIDTHS)


def _part_rows(gap: PartGap, depth: int = 0) -> list[tuple[str, float | None, float | None, float, str, int]]:
    rows = [(gap.part, gap.winner_points, gap.runner_up_points, gap.difference, gap.detail, depth)]
    for inner in gap.questions:
        rows += _part_rows(inner, depth + 1)
    return rows


def write_decision_sheet(wb: Workbook, ws: Worksheet, decision: Decision | None, rubric_note: str) -> None:
    """Fill ``ws`` (the Decision sheet) from ``decision``."""
    title = wb.add_format({"bold": True, "font_size": 14, "font_color": "#1F4E79"})
    heading = wb.add_format({"bold": True, "font_size": 12, "font_color": "#1F4E79"})
    note = wb.add_format({"italic": True, "font_color": "#595959", "text_wrap": True, "valign": "top"})
    subtitle = wb.add_format({"italic": True, "font_color": "#595959"})
    text = wb.add_format({"text_wrap": True, "valign": "top"})
    header = wb.add_format(
        {"bold": True, "font_color": "white", "bg_color": "#1F4E79", "text_wrap": True, "valign": "top"}
    )
    points = wb.add_format({"num_format": "0.00", "valign": "top"})
    signed = wb.add_format({"num_format": "+0.00;-0.00;0.00", "valign": "top"})
    bold = wb.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    indent = wb.add_format({"indent": 1, "text_wrap": True, "valign": "top"})
    warn = wb.add_format({"bold": True, "font_color": "#C00000", "text_wrap": True, "valign": "top"})
    for i, width in enumerate(WIDTHS):
        ws.set_column(i, i, width)
    last_col = len(WIDTHS) - 1
    ws.write(0, 0, "Decision: why the winner won, and how robust that is", title)
    ws.write(1, 0, clean_text(rubric_note), subtitle)
    row = 3

    def paragraph(line: str, fmt: object = text) -> None:
        nonlocal row
        ws.merge_range(row, 0, row, last_col, "", fmt)
        put(ws, row, 0, line, fmt)
        fit_height(ws, row, line, TEXT_WIDTH)
        row += 1

    if decision is None:
        paragraph("The decision was not worked out for these results.", warn)
        page_setup(ws, WIDTHS, last_row=row)
        return
    ws.write(row, 0, "Why the winner won", heading)
    row += 1
    for line in decision.why:
        paragraph(line)
    if decision.gaps:
        row += 1
        labels = ("Points by criterion", f"Winner: {decision.winner}", f"Runner-up: {decision.runner_up}",
                  "Difference", "What lies behind it")  # fmt: skip
        for col, label in enumerate(labels):
            put(ws, row, col, label, header)
        ws.set_row(row, 15 * max(lines_needed(label, WIDTHS[i]) for i, label in enumerate(labels)) + 3)
        row += 1
        for part, win, runner, diff, detail, depth in (r for g in decision.gaps for r in _part_rows(g)):
            put(ws, row, 0, part, bold if depth == 0 else indent)
            put(ws, row, 1, win, points)
            put(ws, row, 2, runner, points)
            put(ws, row, 3, diff, signed)
            put(ws, row, 4, detail, text)
            fit_height(ws, row, detail, WIDTHS[4])
            row += 1
    row += 1
    ws.write(row, 0, "How robust the decision is", heading)
    row += 1
    for i, line in enumerate(decision.robustness):
        paragraph(line, warn if i == 0 and line.startswith("Close") else text)
    if decision.method:
        row += 1
        ws.write(row, 0, "How this was worked out", heading)
        row += 1
        for line in decision.method:
            paragraph(line, note)
    page_setup(ws, WIDTHS, last_row=row)
