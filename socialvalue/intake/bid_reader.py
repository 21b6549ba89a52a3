"""Read one returned supplier response workbook into a :class:`~socialvalue.bid.Bid` and its problems.

guard (real format, zip and XML limits) → calamine (values) → rows matched by code → values read by
the documented rules in :mod:`socialvalue.intake.values`. Nothing here raises for bad input.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from socialvalue import layout as L
from socialvalue.bid import Bid, Commitment
from socialvalue.locked import Expected, LockedCells, same
from socialvalue.problems import CellRef, Problem, Severity, define, shorten
from socialvalue.rubric import Rubric, ValueSet

from .extent import Area
from .sheet import (
    CODE_NORMALISED,
    ROW_MISSING,
    ROW_NOT_IN_RUBRIC,
    SHEET_MISSING,
    SheetReader,
    hidden_sheets,
    open_sheet,
)
from .template_check import check_fixed, check_row, check_template, find_sheet, locked_for, renamed, report_locked
from .values import is_blank, read_code, read_company_number, read_money, read_postcode, read_quantity, read_text
from .values import read_yes_no as _read_yes_no
from .workbook import open_workbook, read_sheet

REQUIRED_MISSING = define("required-missing", Severity.ERROR, "'{label}' is required but blank")
UNIT_CHANGED = define(
    "unit-changed",
    Severity.ERROR,
    "the unit of measure {code} was changed from {unit!r}; the commitment was not counted",
)
OUT_OF_RANGE = define(
    "out-of-range",
    Severity.ERROR,
    "{quantity:,g} {unit} is outside the accepted range ({limits} {unit}) for measure {code}; not counted",
)
ANSWER_BLANK = define("answer-blank", Severity.WARNING, "question {code} was not answered")
OVER_WORD_LIMIT = define(
    "over-word-limit",
    Severity.WARNING,
    "the answer to {code} has {words:,} words, over the limit of {limit:,}: the panel should apply the published rule",
)
GATE_BLANK = define("gate-blank", Severity.ERROR, "requirement {code} was not answered (Yes or No)")
_INCOMPLETE = "the bid is listed as incomplete and is not compared or ranked (never scored as zero): use the response workbook issued for this tender"


@dataclass
class BidReading:
    """What reading one file gave: the bid (None when it could not be read) and every problem."""

    file: str
    sha256: str
    bid: Bid | None
    problems: list[Problem] = field(default_factory=list)


def _check_instructions(wb: CalamineWorkbook, file: str, locked: LockedCells, problems: list[Problem]) -> None:
    """The Instructions sheet is not part of the bid (nothing on it is scored), but it is locked: changes are listed."""
    found = find_sheet(wb.sheet_names, L.INSTRUCTIONS)
    if found is None:
        consequence = "nothing on it is part of the bid, so the bid was read as usual"
        problems.append(
            SHEET_MISSING(
                file=file, sheet=L.INSTRUCTIONS, name=L.INSTRUCTIONS, severity=Severity.WARNING, consequence=consequence
            )
        )
        return
    if found != L.INSTRUCTIONS:
        problems.append(renamed(file, found, L.INSTRUCTIONS))
    said: list[Problem] = []
    loaded = read_sheet(wb, file, found, said)
    problems += [p.model_copy(update={"severity": Severity.WARNING}) for p in said]  # not part of the bid
    if loaded is not None:
        check_fixed(problems, file, found, loaded[0], locked.fixed[L.INSTRUCTIONS])


def _read_supplier(sheet: SheetReader, bid: dict[str, Any], locked: LockedCells) -> None:
    rows = sheet.rows_by_key(L.SUP_KEY, "field")
    expected = locked.rows[L.SUPPLIER]
    for f in L.SUPPLIER_FIELDS:
        row0 = rows.get(f.key)
        if row0 is None:
            sheet.problem(ROW_MISSING, L.FIRST_DATA_ROW - 1, None, what=f"'{f.label}' ({f.key})", then="")
            continue
        _check_row(sheet, row0, expected[f.key])
        raw = sheet.value(row0, L.SUP_VALUE)
        if sheet.unusable(row0, L.SUP_VALUE):
            continue
        if is_blank(raw):
            if f.required:
                sheet.problem(REQUIRED_MISSING, row0, L.SUP_VALUE, label=f.label)
            continue
        if f.kind == "money":
            result: Any = read_money(raw)
            bid["price_cell"] = sheet.ref(row0, L.SUP_VALUE)
            if not isinstance(raw, float | int) or isinstance(raw, bool):  # recorded as a quantity's reading is
                bid["price_raw"] = shorten(raw)
            bid["price_note"] = result.note
        elif f.kind == "yes_no":
            result = _read_yes_no(raw)
        elif f.kind == "company_number":
            result = read_company_number(raw)
        elif f.kind == "postcode":
            result = read_postcode(raw)
        else:
            result = read_text(raw)
        if result.issue is not None:
            sev = Severity.ERROR if f.required or f.kind == "money" else Severity.WARNING
            sheet.issue(result.issue, row0, L.SUP_VALUE, raw, sev)
            continue
        target = "price" if f.key == "bid_price" else f.key
        bid[target] = result.value
    _unknown_rows(sheet, rows, {f.key for f in L.SUPPLIER_FIELDS}, L.SUP_KEY, "field")


def _check_row(sheet: SheetReader, row0: int, cells: Sequence[tuple[L.Column, Expected]]) -> None:
    check_row(sheet.problems, sheet.file, sheet.name, sheet.grid[row0], row0, cells)


def _check_fixed(sheet: SheetReader, cells: Sequence[tuple[int, int, Expected]]) -> None:
    check_fixed(sheet.problems, sheet.file, sheet.name, sheet.grid, cells)


def _unknown_rows(sheet: SheetReader, rows: dict[str, int], known: set[str], key_col: L.Column, what: str) -> None:
    for key, row0 in rows.items():
        if key not in known:
            sheet.problem(ROW_NOT_IN_RUBRIC, row0, key_col, raw=key, what=f"{what} {key!r}")


_COMMITMENT_WIDTH = max(c.index for c in L.COMMITMENT_COLUMNS) + 1


def _read_commitments(sheet: SheetReader, rubric: Rubric, locked: LockedCells) -> dict[str, Commitment]:
    rows = sheet.rows_by_key(L.COM_CODE, "measure")
    out: dict[str, Commitment] = {}
    grid = sheet.grid
    expected = locked.rows[L.COMMITMENTS]
    key_notes = sheet.key_notes
    unit_at, qty_at, evidence_at = L.COM_UNIT.index, L.COM_QUANTITY.index, L.COM_EVIDENCE.index
    for _, m in rubric.measures():
        row0 = rows.get(m.code)
        if row0 is None:
            sheet.problem(
                ROW_MISSING, L.FIRST_DATA_ROW - 1, L.COM_CODE, what=f"measure {m.code} ({m.description})",
                then="; nothing was counted for it",
            )  # fmt: skip
            continue
        line = grid[row0]
        if len(line) < _COMMITMENT_WIDTH:  # calamine pads rows to the sheet's width; a narrower sheet is padded here
            line = [*line, *[""] * (_COMMITMENT_WIDTH - len(line))]
        cell = CellRef(sheet.name, row0 + 1, qty_at)
        for col, want in expected[m.code]:  # theme, measure, how it is counted: inline, as this loop is hot
            if line[col.index] != want and not same(line[col.index], want):
                report_locked(sheet.problems, sheet.file, sheet.name, row0, col.index, want, line[col.index])
        notes = [f"measure code {key_notes[m.code]}"] if m.code in key_notes else []
        raw = line[qty_at]
        evidence_raw = line[evidence_at]
        evidence = (read_text(evidence_raw).value or "") if evidence_raw != "" else ""
        if sheet.unusable(row0, L.COM_QUANTITY):
            out[m.code] = Commitment(m.code, None, evidence=evidence, cell=cell, counted=False, note="; ".join(notes))
            continue
        unit_found = line[unit_at]
        if unit_found != m.unit and str(unit_found).strip() != m.unit:
            unit = read_code(unit_found)
            if unit.value != m.unit:
                sheet.problem(UNIT_CHANGED, row0, L.COM_UNIT, raw=str(unit_found).strip(), code=m.code, unit=m.unit)
                out[m.code] = Commitment(m.code, None, shorten(raw), evidence, cell, False, "; ".join(notes))
                continue
            notes.append(f"unit {unit.note}")
            ref = sheet.ref(row0, unit_at)
            sheet.problems.append(
                CODE_NORMALISED.at(ref, file=sheet.file, raw=unit_found, note=unit.note, what=f"unit {m.unit}")
            )
        if is_blank(raw):
            out[m.code] = Commitment(m.code, None, evidence=evidence, cell=cell, note="; ".join(notes))
            continue
        result = read_quantity(raw, m.unit)
        raw_text = "" if isinstance(raw, float | int) and not isinstance(raw, bool) else shorten(raw)
        if result.note:
            notes.append(result.note)
        note = "; ".join(notes)
        if result.issue is not None:
            sheet.issue(result.issue, row0, L.COM_QUANTITY, raw)
            out[m.code] = Commitment(m.code, None, raw_text, evidence, cell, False, note)
            continue
        qty = result.value
        assert qty is not None
        counted = True
        lowest = m.min if m.min is not None else 0.0
        if qty < lowest or (m.max is not None and qty > m.max):
            limits = f"from {lowest:,g}" + (f" to {m.max:,g}" if m.max is not None else "")
            sheet.problem(
                OUT_OF_RANGE, row0, L.COM_QUANTITY, raw=raw, quantity=qty, unit=m.unit, limits=limits, code=m.code
            )
            counted = False
        out[m.code] = Commitment(m.code, qty, raw_text, evidence, cell, counted, note)
    _unknown_rows(sheet, rows, {m.code for _, m in rubric.measures()}, L.COM_CODE, "measure")
    return out


def _read_answers(
    sheet: SheetReader, rubric: Rubric, locked: LockedCells, keep_text: bool = True
) -> dict[str, dict[str, Any]]:
    from .names import MIN_IDENTICAL_WORDS, answer_digest
    from .values import count_words

    rows = sheet.rows_by_key(L.ST_CODE, "question")
    expected = locked.rows[L.STATEMENTS]
    out: dict[str, dict[str, Any]] = {}
    for q in rubric.all_questions():
        row0 = rows.get(q.code)
        if row0 is None:
            sheet.problem(ROW_MISSING, L.FIRST_DATA_ROW - 1, L.ST_CODE, what=f"question {q.code}", then="")
            continue
        _check_row(sheet, row0, expected[q.code])
        raw = "" if sheet.unusable(row0, L.ST_ANSWER) else sheet.value(row0, L.ST_ANSWER)
        result = read_text(raw)
        if result.issue is not None:
            sheet.issue(result.issue, row0, L.ST_ANSWER, raw)
        text = result.value or ""
        words = count_words(text)
        cell = sheet.ref(row0, L.ST_ANSWER)
        if not text.strip():
            sheet.problem(ANSWER_BLANK, row0, L.ST_ANSWER, code=q.code)
        elif q.word_limit and words > q.word_limit:
            sheet.problem(OVER_WORD_LIMIT, row0, L.ST_ANSWER, code=q.code, words=words, limit=q.word_limit)
        digest = answer_digest(text) if words >= MIN_IDENTICAL_WORDS else ""
        out[q.code] = dict(code=q.code, text=text if keep_text else "", words=words, cell=cell, digest=digest)
    _unknown_rows(sheet, rows, {q.code for q in rubric.all_questions()}, L.ST_CODE, "question")
    return out


def _read_gates(sheet: SheetReader, rubric: Rubric, locked: LockedCells) -> dict[str, dict[str, Any]]:
    rows = sheet.rows_by_key(L.GATE_CODE, "requirement")
    expected = locked.rows[L.GATES]
    out: dict[str, dict[str, Any]] = {}
    for g in rubric.all_gates():
        row0 = rows.get(g.code)
        if row0 is None:
            sheet.problem(ROW_MISSING, L.FIRST_DATA_ROW - 1, L.GATE_CODE, what=f"requirement {g.code}", then="")
            out[g.code] = dict(code=g.code, passed=None)
            continue
        _check_row(sheet, row0, expected[g.code])
        raw = sheet.value(row0, L.GATE_ANSWER)
        cell = sheet.ref(row0, L.GATE_ANSWER)
        evidence = read_text(sheet.value(row0, L.GATE_EVIDENCE)).value or ""
        if sheet.unusable(row0, L.GATE_ANSWER):
            out[g.code] = dict(code=g.code, passed=None, evidence=evidence, cell=cell)
            continue
        if is_blank(raw):
            sheet.problem(GATE_BLANK, row0, L.GATE_ANSWER, code=g.code)
            out[g.code] = dict(code=g.code, passed=None, evidence=evidence, cell=cell)
            continue
        result = _read_yes_no(raw)
        if result.issue is not None:
            sheet.issue(result.issue, row0, L.GATE_ANSWER, raw)
        out[g.code] = dict(code=g.code, passed=result.value, evidence=evidence, cell=cell)
    _unknown_rows(sheet, rows, {g.code for g in rubric.all_gates()}, L.GATE_CODE, "requirement")
    return out


def response_areas(rubric: Rubric) -> dict[str, Area]:
    """The cells read on each sheet of a response to ``rubric``; cells beyond are listed, never read."""
    areas = L.read_areas(len(rubric.measures()), len(rubric.all_questions()), len(rubric.all_gates()))
    return {sheet: Area(*area) for sheet, area in areas.items()}


def read_bid(
    path: Path,
    rubric: Rubric,
    display_name: str | None = None,
    keep_answers: bool = True,
    value_set: ValueSet | None = None,
) -> BidReading:
    """Guard and read one bid file. Never raises for bad input: problems come back as data.

    ``value_set`` is the one the bids are scored with: the template's "How it is counted" cells show its
    £ per unit, and are checked against it (without it, those cells are not compared).
    """
    name = display_name or path.name
    problems: list[Problem] = []
    opened = open_workbook(path, problems, name, areas=response_areas(rubric))
    guard, wb = opened.guard, opened.wb
    if wb is None:
        return BidReading(name, guard.sha256, None, problems)
    template = check_template(wb, name, rubric, problems)
    if not template.readable:
        return BidReading(name, guard.sha256, None, problems)
    locked = locked_for(rubric, value_set)
    hidden_sheets(wb, name, problems)
    fields: dict[str, Any] = {}
    missing: list[str] = []
    _check_instructions(wb, name, locked, problems)
    supplier = open_sheet(wb, name, L.SUPPLIER, problems, guard, [L.SUP_VALUE], missing, _INCOMPLETE)
    if supplier is not None:
        _check_fixed(supplier, locked.fixed[L.SUPPLIER])
        _read_supplier(supplier, fields, locked)
    commitments: dict[str, Commitment] = {}
    if rubric.measures():
        sheet = open_sheet(
            wb, name, L.COMMITMENTS, problems, guard, [L.COM_QUANTITY, L.COM_EVIDENCE], missing, _INCOMPLETE
        )
        if sheet is not None:
            _check_fixed(sheet, locked.fixed[L.COMMITMENTS])
            commitments = _read_commitments(sheet, rubric, locked)
    answers: dict[str, dict[str, Any]] = {}
    if rubric.all_questions():
        sheet = open_sheet(wb, name, L.STATEMENTS, problems, guard, [L.ST_ANSWER], missing, _INCOMPLETE)
        if sheet is not None:
            _check_fixed(sheet, locked.fixed[L.STATEMENTS])
            answers = _read_answers(sheet, rubric, locked, keep_answers)
    gates: dict[str, dict[str, Any]] = {}
    if rubric.all_gates():
        sheet = open_sheet(wb, name, L.GATES, problems, guard, [L.GATE_ANSWER, L.GATE_EVIDENCE], missing, _INCOMPLETE)
        if sheet is not None:
            _check_fixed(sheet, locked.fixed[L.GATES])
            gates = _read_gates(sheet, rubric, locked)
        else:
            gates = {g.code: dict(code=g.code, passed=None) for g in rubric.all_gates()}
    bid = Bid.model_validate(
        dict(
            bid_id=name,
            file=name,
            sha256=guard.sha256,
            commitments=commitments,
            answers=answers,
            gates=gates,
            template_rubric=template.made_by,
            template_note=template.note,
            missing_sheets=missing,
            macro_enabled=guard.macro_enabled,
            **fields,
        )
    )  # one validation for the whole bid: far cheaper than one per row
    return BidReading(name, guard.sha256, bid, problems)
