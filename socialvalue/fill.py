"""Fill a supplier response workbook as a supplier would: only the shaded input cells, found by code.

For tests, demos and other tools that complete responses programmatically. Uses openpyxl, which
edits the generated template in place of a person typing into Excel.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from socialvalue import layout as L

Value = str | float | int | bool | None


def _rows(ws: Worksheet, key_col: L.Column) -> dict[str, int]:
    found: dict[str, int] = {}
    for row in range(L.FIRST_DATA_ROW, ws.max_row + 1):
        key = ws.cell(row=row, column=key_col.index + 1).value
        if key is not None:
            found.setdefault(str(key).strip(), row)
    return found


def _put(ws: Worksheet, rows: Mapping[str, int], key: str, col: L.Column, value: Value) -> None:
    if not col.is_input:
        raise ValueError(f"{ws.title} column {col.letter} is not an input column")
    if key not in rows:
        raise KeyError(f"{ws.title} has no row {key!r}")
    cell = ws.cell(row=rows[key], column=col.index + 1)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # typed text stays text, even when it starts with "="


def fill_response(
    template: Path,
    target: Path,
    supplier: Mapping[str, Value] | None = None,
    commitments: Mapping[str, Value] | None = None,
    evidence: Mapping[str, str] | None = None,
    answers: Mapping[str, str] | None = None,
    gates: Mapping[str, Value] | None = None,
) -> Path:
    """Copy ``template`` to ``target`` with the given answers typed into the input cells."""
    wb = load_workbook(template)
    if supplier:
        ws = wb[L.SUPPLIER]
        rows = _rows(ws, L.SUP_KEY)
        for key, value in supplier.items():
            _put(ws, rows, key, L.SUP_VALUE, value)
    if commitments or evidence:
        ws = wb[L.COMMITMENTS]
        rows = _rows(ws, L.COM_CODE)
        for code, value in (commitments or {}).items():
            _put(ws, rows, code, L.COM_QUANTITY, value)
        for code, text in (evidence or {}).items():
            _put(ws, rows, code, L.COM_EVIDENCE, text)
    if answers:
        ws = wb[L.STATEMENTS]
        rows = _rows(ws, L.ST_CODE)
        for code, text in answers.items():
            _put(ws, rows, code, L.ST_ANSWER, text)
    if gates:
        ws = wb[L.GATES]
        rows = _rows(ws, L.GATE_CODE)
        for code, value in gates.items():
            _put(ws, rows, code, L.GATE_ANSWER, value)
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return target


def fill_consensus(workbook: Path, target: Path, scores: Mapping[tuple[str, str], tuple[Value, str]]) -> Path:
    """Type consensus scores and reasons, keyed by (bid file, question code), into the consensus workbook."""
    wb = load_workbook(workbook)
    ws = wb[L.CONSENSUS]
    for row in range(L.FIRST_DATA_ROW, ws.max_row + 1):
        key = (
            str(ws.cell(row=row, column=L.CON_BID.index + 1).value),
            str(ws.cell(row=row, column=L.CON_CODE.index + 1).value),
        )
        if key in scores:
            score, reason = scores[key]
            ws.cell(row=row, column=L.CON_SCORE.index + 1).value = score
            ws.cell(row=row, column=L.CON_REASON.index + 1).value = reason
    wb.save(target)
    return target


def fill_evaluator(workbook: Path, target: Path, scores: Mapping[tuple[str, str], tuple[Value, Value]]) -> Path:
    """Type an evaluator's scores and reasons, keyed by (bid, question code), into an evaluator workbook.

    The bid is what column A shows: the bid file, or the neutral label (``Bidder A``) when marking
    blind. Only the two input cells of each row are written; ``None`` leaves a cell blank.
    """
    wb = load_workbook(workbook)
    ws = wb[L.EVALUATION]
    rows: dict[tuple[str, str], int] = {}
    for row in range(L.FIRST_DATA_ROW, ws.max_row + 1):
        bid = ws.cell(row=row, column=L.EV_BID.index + 1).value
        code = ws.cell(row=row, column=L.EV_CODE.index + 1).value
        if bid is not None and code is not None:
            rows.setdefault((str(bid).strip(), str(code).strip()), row)
    for key, (score, reason) in scores.items():
        if key not in rows:
            raise KeyError(f"{ws.title} has no row for {key[0]!r} {key[1]!r}")
        for col, value in ((L.EV_SCORE, score), (L.EV_REASON, reason)):
            if not col.is_input:
                raise ValueError(f"{ws.title} column {col.letter} is not an input column")
            cell = ws.cell(row=rows[key], column=col.index + 1)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return target
