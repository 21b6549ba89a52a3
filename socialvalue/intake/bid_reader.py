"""Read one returned supplier response workbook into a :class:`~socialvalue.bid.Bid` and its problems.

guard (real format, zip and XML limits) → calamine (values) → rows matched by code → values read by
the documented rules in :mod:`socialvalue.intake.values`. Nothing here raises for bad input.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook, SheetVisibleEnum

from socialvalue import layout as L
from socialvalue.bid import Bid, Commitment
from socialvalue.locked import Expected, LockedCells, same
from socialvalue.problems import CellRef, Problem, Severity, define, shorten
from socialvalue.rubric import Rubric, ValueSet

from .extent import Area
from .formulas import formula_problem
from .guard import GuardResult
from .structure import SheetFacts
from .template_check import check_fixed, check_row, check_template, find_sheet, locked_for, renamed, report_locked
from .values import (
    ValueIssue,
    is_blank,
    read_code,
    read_company_number,
    read_money,
    read_postcode,
    read_quantity,
    read_text,
)
from .values import read_yes_no as _read_yes_no
from .workbook import Grid, open_workbook, read_sheet

SHEET_MISSING = define("sheet-missing", Severity.ERROR, "the sheet '{name}' is missing: {consequence}")
CODE_NORMALISED = define("code-normalised", Severity.INFO, "{note}: matched to the rubric's {what}")
_INCOMPLETE = "the bid is listed as incomplete and is not compared or ranked (never scored as zero): use the response workbook issued for this tender"


@dataclass
class BidReading:
    """What reading one file gave: the bid (None when it could not be read) and every problem."""

    file: str
    sha256: str
    bid: Bid | None
    problems: list[Problem] = field(default_factory=list)


class _Sheet:
    """One sheet's values with A1 addressing and problem helpers bound to file and sheet."""

    def __init__(
        self, file: str, name: str, grid: Grid, problems: list[Problem], guard: GuardResult | None = None
    ) -> None:
        self.file, self.name, self.grid, self.problems = file, name, grid, problems
        self.guard = guard
        self.facts = guard.facts(name) if guard else SheetFacts()
        self.key_notes: dict[str, str] = {}
        """Keys that were read with a note (invisible characters removed, NFKC): key → note."""
        self._blind_spots = bool(self.facts.error_cells or self.facts.formula_no_value or self.facts.formulas)

    def unusable(self, row0: int, col: L.Column) -> bool:
        """Report an input cell whose value the reader cannot see (error cell, formula with no result) or must
        not use (a formula refused by the rule in :mod:`.formulas`; any other formula is flagged, and used)."""
        if not self._blind_spots:  # the usual sheet: nothing calamine reads as blank that is not blank
            return False
        ref = L.cell_ref(col, row0 + 1)
        formula = (
            formula_problem(self.guard, self.file, self.name, row0 + 1, col.index, self.value(row0, col))
            if self.guard and (ref in self.facts.formulas or self.facts.formula_areas)
            else None
        )
        if formula is not None and formula.severity is Severity.ERROR:
            self.problems.append(formula)
            return True
        error = self.facts.error_cells.get(ref)
        if error is not None:
            self.problem("error-cell", row0, col, f"the cell shows the error {error}: type the value itself", error)
            return True
        if ref in self.facts.formula_no_value:
            self.problem(
                "formula-no-value",
                row0,
                col,
                "the cell holds a formula saved without its result (the file was saved by a program that does not "
                "calculate): type the value itself, or open and save the file in Excel",
            )
            return True
        if formula is not None:
            self.problems.append(formula)
        return False

    def check_layout(
        self, inputs: Sequence[L.Column], merged: Sequence[tuple[tuple[int, int], tuple[int, int]]]
    ) -> None:
        """Hidden data rows, and merged cells over input columns (only their top-left value exists)."""
        for row in sorted(r for r in self.facts.hidden_rows if r >= L.FIRST_DATA_ROW):
            self.problems.append(
                Problem(
                    code="hidden-row",
                    file=self.file,
                    sheet=self.name,
                    cell=f"{row}:{row}",
                    severity=Severity.WARNING,
                    reason=f"row {row} is hidden: it was read as part of the bid; check nothing was hidden by mistake",
                )
            )
        input_cols = {c.index for c in inputs}
        for (r0, c0), (r1, c1) in merged:
            if r1 >= L.FIRST_DATA_ROW - 1 and any(c0 <= c <= c1 for c in input_cols):
                area = f"{L.cell_ref(c0, r0 + 1)}:{L.cell_ref(c1, r1 + 1)}"
                self.problems.append(
                    Problem(
                        code="merged-cells",
                        file=self.file,
                        sheet=self.name,
                        cell=area,
                        severity=Severity.WARNING,
                        reason=f"cells {area} were merged over answer cells: only {L.cell_ref(c0, r0 + 1)} was read",
                    )
                )

    def value(self, row0: int, col: L.Column) -> Any:
        try:
            return self.grid[row0][col.index]  # rows are as long as the sheet is wide (calamine pads them)
        except IndexError:
            return ""

    def problem(
        self,
        code: str,
        row0: int,
        col: L.Column | None,
        reason: str,
        raw: object = "",
        severity: Severity = Severity.ERROR,
    ) -> None:
        self.problems.append(
            Problem(
                code=code,
                file=self.file,
                sheet=self.name,
                cell=L.cell_ref(col, row0 + 1) if col is not None else "",
                raw=shorten(raw) if not is_blank(raw) else "",
                reason=reason,
                severity=severity,
            )
        )

    def issue(
        self, issue: ValueIssue, row0: int, col: L.Column, raw: object, severity: Severity = Severity.ERROR
    ) -> None:
        self.problem(issue.code, row0, col, issue.reason, raw, severity)

    def rows_by_key(self, key_col: L.Column, what: str) -> dict[str, int]:
        """Key in ``key_col`` → 0-based row, for data rows; duplicated keys are reported, first one wins.

        Keys are read by :func:`~.values.read_code` (invisible characters removed, Unicode NFKC): a key that
        needed it is listed (``code-normalised``) and its note kept in ``key_notes``.
        """
        found: dict[str, int] = {}
        for row0 in range(L.FIRST_DATA_ROW - 1, len(self.grid)):
            raw = self.value(row0, key_col)
            if type(raw) is str and raw.isascii():  # the usual key: plain text
                key = raw.strip()
                if not key:
                    continue
            else:
                read = read_code(raw)
                if read.value is None:
                    continue
                key = read.value
                if read.note:
                    self.key_notes[key] = read.note
                    ref = L.ref(self.name, key_col, row0 + 1)
                    self.problems.append(
                        CODE_NORMALISED.at(ref, file=self.file, raw=raw, note=read.note, what=f"{what} {key}")
                    )
            if key in found:
                self.problem(
                    "duplicate-row",
                    row0,
                    key_col,
                    f"{what} {key} appears more than once (first at row {found[key] + 1}); this row was ignored",
                    raw,
                )
                continue
            found[key] = row0
        return found


def _sheet(
    wb: CalamineWorkbook,
    file: str,
    name: str,
    problems: list[Problem],
    guard: GuardResult | None = None,
    inputs: Sequence[L.Column] = (),
    missing: list[str] | None = None,
) -> _Sheet | None:
    """The sheet ``name`` (or its one near miss, with a warning). A required sheet (``missing`` given) that is
    absent or unreadable is added to ``missing``: the bid is then incomplete, never scored as zero."""
    found = find_sheet(wb.sheet_names, name)
    if found is None:
        if missing is not None:
            problems.append(SHEET_MISSING(file=file, sheet=name, name=name, consequence=_INCOMPLETE))
            missing.append(name)
        return None
    if found != name:
        problems.append(renamed(file, found, name))
    loaded = read_sheet(wb, file, found, problems)
    if loaded is None:  # the reader said why (sheet-unreadable)
        if missing is not None:
            missing.append(name)
        return None
    grid, merged = loaded
    if guard is not None and guard.facts(found).damaged:
        problems.append(
            Problem(
                code="sheet-unreadable",
                file=file,
                sheet=found,
                reason=f"the sheet '{found}' is damaged ({guard.facts(found).damaged}) and could not be checked: "
                "save the workbook again from Excel and resubmit",
            )
        )
        if missing is not None:
            missing.append(name)
        return None
    sheet = _Sheet(file, found, grid, problems, guard)
    sheet.check_layout(inputs, merged)
    return sheet


def _hidden_sheets(wb: CalamineWorkbook, file: str, problems: list[Problem]) -> None:
    for meta in wb.sheets_metadata:
        if meta.name != L.META and meta.visible != SheetVisibleEnum.Visible:
            problems.append(
                Problem(
                    code="hidden-sheet",
                    file=file,
                    sheet=meta.name,
                    severity=Severity.WARNING,
                    reason=f"the sheet '{meta.name}' is hidden; hidden content is not read as part of the bid",
                )
            )


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


def _read_supplier(sheet: _Sheet, bid: dict[str, Any], locked: LockedCells) -> None:
    rows = sheet.rows_by_key(L.SUP_KEY, "field")
    expected = locked.rows[L.SUPPLIER]
    for f in L.SUPPLIER_FIELDS:
        row0 = rows.get(f.key)
        if row0 is None:
            sheet.problem("row-missing", L.FIRST_DATA_ROW - 1, None, f"the row for '{f.label}' ({f.key}) is missing")
            continue
        _check_row(sheet, row0, expected[f.key])
        raw = sheet.value(row0, L.SUP_VALUE)
        if sheet.unusable(row0, L.SUP_VALUE):
            continue
        if is_blank(raw):
            if f.required:
                sheet.problem("required-missing", row0, L.SUP_VALUE, f"'{f.label}' is required but blank")
            continue
        if f.kind == "money":
            result: Any = read_money(raw)
            bid["price_cell"] = f"{sheet.name}!{L.cell_ref(L.SUP_VALUE, row0 + 1)}"
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


def _check_row(sheet: _Sheet, row0: int, cells: Sequence[tuple[L.Column, Expected]]) -> None:
    check_row(sheet.problems, sheet.file, sheet.name, sheet.grid[row0], row0, cells)


def _check_fixed(sheet: _Sheet, cells: Sequence[tuple[int, int, Expected]]) -> None:
    check_fixed(sheet.problems, sheet.file, sheet.name, sheet.grid, cells)


def _unknown_rows(sheet: _Sheet, rows: dict[str, int], known: set[str], key_col: L.Column, what: str) -> None:
    for key, row0 in rows.items():
        if key not in known:
            sheet.problem(
                "row-not-in-rubric",
                row0,
                key_col,
                f"{what} {key!r} is not in this tender's rubric; the row was ignored",
                key,
                Severity.WARNING,
            )


_COMMITMENT_WIDTH = max(c.index for c in L.COMMITMENT_COLUMNS) + 1


def _read_commitments(sheet: _Sheet, rubric: Rubric, locked: LockedCells) -> dict[str, Commitment]:
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
                "row-missing",
                L.FIRST_DATA_ROW - 1,
                L.COM_CODE,
                f"the row for measure {m.code} ({m.description}) is missing; nothing was counted for it",
            )
            continue
        line = grid[row0]
        if len(line) < _COMMITMENT_WIDTH:  # calamine pads rows to the sheet's width; a narrower sheet is padded here
            line = [*line, *[""] * (_COMMITMENT_WIDTH - len(line))]
        cell = f"{sheet.name}!{L.COM_QUANTITY.letter}{row0 + 1}"
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
                sheet.problem(
                    "unit-changed",
                    row0,
                    L.COM_UNIT,
                    f"the unit of measure {m.code} was changed from {m.unit!r}; the commitment was not counted",
                    str(unit_found).strip(),
                )
                out[m.code] = Commitment(m.code, None, shorten(raw), evidence, cell, False, "; ".join(notes))
                continue
            notes.append(f"unit {unit.note}")
            ref = CellRef(sheet.name, row0 + 1, unit_at)
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
                "out-of-range",
                row0,
                L.COM_QUANTITY,
                f"{qty:,g} {m.unit} is outside the accepted range ({limits} {m.unit}) for measure {m.code}; not counted",
                raw,
            )
            counted = False
        out[m.code] = Commitment(m.code, qty, raw_text, evidence, cell, counted, note)
    _unknown_rows(sheet, rows, {m.code for _, m in rubric.measures()}, L.COM_CODE, "measure")
    return out


def _read_answers(
    sheet: _Sheet, rubric: Rubric, locked: LockedCells, keep_text: bool = True
) -> dict[str, dict[str, Any]]:
    from .names import MIN_IDENTICAL_WORDS, answer_digest
    from .values import count_words

    rows = sheet.rows_by_key(L.ST_CODE, "question")
    expected = locked.rows[L.STATEMENTS]
    out: dict[str, dict[str, Any]] = {}
    for q in rubric.all_questions():
        row0 = rows.get(q.code)
        if row0 is None:
            sheet.problem("row-missing", L.FIRST_DATA_ROW - 1, L.ST_CODE, f"the row for question {q.code} is missing")
            continue
        _check_row(sheet, row0, expected[q.code])
        raw = "" if sheet.unusable(row0, L.ST_ANSWER) else sheet.value(row0, L.ST_ANSWER)
        result = read_text(raw)
        if result.issue is not None:
            sheet.issue(result.issue, row0, L.ST_ANSWER, raw)
        text = result.value or ""
        words = count_words(text)
        cell = f"{sheet.name}!{L.cell_ref(L.ST_ANSWER, row0 + 1)}"
        if not text.strip():
            sheet.problem(
                "answer-blank", row0, L.ST_ANSWER, f"question {q.code} was not answered", severity=Severity.WARNING
            )
        elif q.word_limit and words > q.word_limit:
            sheet.problem(
                "over-word-limit",
                row0,
                L.ST_ANSWER,
                f"the answer to {q.code} has {words:,} words, over the limit of {q.word_limit:,}: the panel should apply the published rule",
                severity=Severity.WARNING,
            )
        digest = answer_digest(text) if words >= MIN_IDENTICAL_WORDS else ""
        out[q.code] = dict(code=q.code, text=text if keep_text else "", words=words, cell=cell, digest=digest)
    _unknown_rows(sheet, rows, {q.code for q in rubric.all_questions()}, L.ST_CODE, "question")
    return out


def _read_gates(sheet: _Sheet, rubric: Rubric, locked: LockedCells) -> dict[str, dict[str, Any]]:
    rows = sheet.rows_by_key(L.GATE_CODE, "requirement")
    expected = locked.rows[L.GATES]
    out: dict[str, dict[str, Any]] = {}
    for g in rubric.all_gates():
        row0 = rows.get(g.code)
        if row0 is None:
            sheet.problem(
                "row-missing", L.FIRST_DATA_ROW - 1, L.GATE_CODE, f"the row for requirement {g.code} is missing"
            )
            out[g.code] = dict(code=g.code, passed=None)
            continue
        _check_row(sheet, row0, expected[g.code])
        raw = sheet.value(row0, L.GATE_ANSWER)
        cell = f"{sheet.name}!{L.cell_ref(L.GATE_ANSWER, row0 + 1)}"
        evidence = read_text(sheet.value(row0, L.GATE_EVIDENCE)).value or ""
        if sheet.unusable(row0, L.GATE_ANSWER):
            out[g.code] = dict(code=g.code, passed=None, evidence=evidence, cell=cell)
            continue
        if is_blank(raw):
            sheet.problem("gate-blank", row0, L.GATE_ANSWER, f"requirement {g.code} was not answered (Yes or No)")
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
    _hidden_sheets(wb, name, problems)
    fields: dict[str, Any] = {}
    missing: list[str] = []
    _check_instructions(wb, name, locked, problems)
    supplier = _sheet(wb, name, L.SUPPLIER, problems, guard, [L.SUP_VALUE], missing)
    if supplier is not None:
        _check_fixed(supplier, locked.fixed[L.SUPPLIER])
        _read_supplier(supplier, fields, locked)
    commitments: dict[str, Commitment] = {}
    if rubric.measures():
        sheet = _sheet(wb, name, L.COMMITMENTS, problems, guard, [L.COM_QUANTITY, L.COM_EVIDENCE], missing)
        if sheet is not None:
            _check_fixed(sheet, locked.fixed[L.COMMITMENTS])
            commitments = _read_commitments(sheet, rubric, locked)
    answers: dict[str, dict[str, Any]] = {}
    if rubric.all_questions():
        sheet = _sheet(wb, name, L.STATEMENTS, problems, guard, [L.ST_ANSWER], missing)
        if sheet is not None:
            _check_fixed(sheet, locked.fixed[L.STATEMENTS])
            answers = _read_answers(sheet, rubric, locked, keep_answers)
    gates: dict[str, dict[str, Any]] = {}
    if rubric.all_gates():
        sheet = _sheet(wb, name, L.GATES, problems, guard, [L.GATE_ANSWER, L.GATE_EVIDENCE], missing)
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
