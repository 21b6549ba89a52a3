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
from socialvalue.problems import Problem, Severity, shorten
from socialvalue.rubric import Rubric

from .guard import GuardResult
from .structure import SheetFacts
from .values import ValueIssue, is_blank, read_company_number, read_money, read_postcode, read_quantity, read_text
from .values import read_yes_no as _read_yes_no
from .workbook import Grid, open_workbook, read_meta, read_sheet


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
        self, file: str, name: str, grid: Grid, problems: list[Problem], facts: SheetFacts | None = None
    ) -> None:
        self.file, self.name, self.grid, self.problems = file, name, grid, problems
        self.facts = facts or SheetFacts()
        self._blind_spots = bool(self.facts.error_cells or self.facts.formula_no_value)

    def unusable(self, row0: int, col: L.Column) -> bool:
        """Report an input cell whose value the reader cannot see (error cell, formula with no result)."""
        if not self._blind_spots:  # the usual sheet: nothing calamine reads as blank that is not blank
            return False
        ref = L.cell_ref(col, row0 + 1)
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
        """Key in ``key_col`` → 0-based row, for data rows; duplicated keys are reported, first one wins."""
        found: dict[str, int] = {}
        for row0 in range(L.FIRST_DATA_ROW - 1, len(self.grid)):
            raw = self.value(row0, key_col)
            if is_blank(raw):
                continue
            key = str(raw).strip()
            if isinstance(raw, float) and raw.is_integer():
                key = str(int(raw))
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
    required: bool,
    guard: GuardResult | None = None,
    inputs: Sequence[L.Column] = (),
) -> _Sheet | None:
    if name not in wb.sheet_names:
        if required:
            problems.append(
                Problem(
                    code="sheet-missing",
                    file=file,
                    sheet=name,
                    reason=f"the sheet '{name}' is missing: use the response workbook issued for this tender",
                )
            )
        return None
    loaded = read_sheet(wb, file, name, problems)
    if loaded is None:
        return None
    grid, merged = loaded
    sheet = _Sheet(file, name, grid, problems, guard.facts(name) if guard else None)
    sheet.check_layout(inputs, merged)
    return sheet


def _check_meta(wb: CalamineWorkbook, file: str, rubric: Rubric, problems: list[Problem]) -> tuple[str, bool]:
    """Which rubric made this template; False when it was another rubric altogether."""
    meta = read_meta(wb, file, problems)
    if meta is None:
        problems.append(
            Problem(
                code="template-unknown",
                file=file,
                severity=Severity.WARNING,
                reason="the workbook has no record of the rubric that made it (not our template, or the record was removed); rows were matched by code",
            )
        )
        return "", True
    made_by = (
        f"{meta.get('rubric_id', '?')} v{meta.get('rubric_version', '?')} ({meta.get('rubric_fingerprint', '')[:12]})"
    )
    if meta.get("rubric_id") != rubric.id:
        problems.append(
            Problem(
                code="template-wrong-rubric",
                file=file,
                sheet=L.META,
                raw=meta.get("rubric_id", ""),
                reason=f"this response was made for rubric {meta.get('rubric_id')!r}, not {rubric.id!r}: it belongs to another tender",
            )
        )
        return made_by, False
    if meta.get("rubric_fingerprint") != rubric.fingerprint():
        problems.append(
            Problem(
                code="template-other-version",
                file=file,
                sheet=L.META,
                severity=Severity.WARNING,
                raw=meta.get("rubric_version", ""),
                reason=(
                    f"this response was made from rubric version {meta.get('rubric_version')!r} "
                    f"(fingerprint {meta.get('rubric_fingerprint', '')[:12]}), which differs from the one used to score "
                    f"(version {rubric.version!r}, {rubric.fingerprint()[:12]}); rows were matched by code"
                ),
            )
        )
    return made_by, True


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


def _read_supplier(sheet: _Sheet, bid: dict[str, Any]) -> None:
    rows = sheet.rows_by_key(L.SUP_KEY, "field")
    for f in L.SUPPLIER_FIELDS:
        row0 = rows.get(f.key)
        if row0 is None:
            sheet.problem("row-missing", L.FIRST_DATA_ROW - 1, None, f"the row for '{f.label}' ({f.key}) is missing")
            continue
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


def _locked_changed(sheet: _Sheet, row0: int, checks: Sequence[tuple[L.Column, str]]) -> list[str]:
    changed = []
    for col, expected in checks:
        found = sheet.value(row0, col)
        if str(found).strip() != expected.strip():
            changed.append(L.cell_ref(col, row0 + 1))
            sheet.problem(
                "locked-cell-changed",
                row0,
                col,
                f"a protected cell was changed: expected {shorten(expected, 60)!r}",
                found,
                Severity.WARNING,
            )
    return changed


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


def _read_commitments(sheet: _Sheet, rubric: Rubric) -> dict[str, Commitment]:
    rows = sheet.rows_by_key(L.COM_CODE, "measure")
    out: dict[str, Commitment] = {}
    grid = sheet.grid
    measure_at, unit_at, qty_at, evidence_at = (
        L.COM_MEASURE.index, L.COM_UNIT.index, L.COM_QUANTITY.index, L.COM_EVIDENCE.index,
    )  # fmt: skip
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
        if str(line[measure_at]).strip() != m.description.strip():
            _locked_changed(sheet, row0, [(L.COM_MEASURE, m.description)])
        raw = line[qty_at]
        evidence_raw = line[evidence_at]
        evidence = (read_text(evidence_raw).value or "") if evidence_raw != "" else ""
        if sheet.unusable(row0, L.COM_QUANTITY):
            out[m.code] = Commitment(m.code, None, evidence=evidence, cell=cell, counted=False)
            continue
        unit_found = line[unit_at]
        if unit_found != m.unit and str(unit_found).strip() != m.unit:
            sheet.problem(
                "unit-changed",
                row0,
                L.COM_UNIT,
                f"the unit of measure {m.code} was changed from {m.unit!r}; the commitment was not counted",
                str(unit_found).strip(),
            )
            out[m.code] = Commitment(m.code, None, shorten(raw), evidence, cell, counted=False)
            continue
        if is_blank(raw):
            out[m.code] = Commitment(m.code, None, evidence=evidence, cell=cell)
            continue
        result = read_quantity(raw, m.unit)
        raw_text = "" if isinstance(raw, float | int) and not isinstance(raw, bool) else shorten(raw)
        if result.issue is not None:
            sheet.issue(result.issue, row0, L.COM_QUANTITY, raw)
            out[m.code] = Commitment(m.code, None, raw_text, evidence, cell, counted=False)
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
        out[m.code] = Commitment(m.code, qty, raw_text, evidence, cell, counted, result.note)
    _unknown_rows(sheet, rows, {m.code for _, m in rubric.measures()}, L.COM_CODE, "measure")
    return out


def _read_answers(sheet: _Sheet, rubric: Rubric, keep_text: bool = True) -> dict[str, dict[str, Any]]:
    from .values import count_words

    rows = sheet.rows_by_key(L.ST_CODE, "question")
    out: dict[str, dict[str, Any]] = {}
    for q in rubric.all_questions():
        row0 = rows.get(q.code)
        if row0 is None:
            sheet.problem("row-missing", L.FIRST_DATA_ROW - 1, L.ST_CODE, f"the row for question {q.code} is missing")
            continue
        raw = sheet.value(row0, L.ST_ANSWER)
        sheet.unusable(row0, L.ST_ANSWER)
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
        out[q.code] = dict(code=q.code, text=text if keep_text else "", words=words, cell=cell)
    _unknown_rows(sheet, rows, {q.code for q in rubric.all_questions()}, L.ST_CODE, "question")
    return out


def _read_gates(sheet: _Sheet, rubric: Rubric) -> dict[str, dict[str, Any]]:
    rows = sheet.rows_by_key(L.GATE_CODE, "requirement")
    out: dict[str, dict[str, Any]] = {}
    for g in rubric.all_gates():
        row0 = rows.get(g.code)
        if row0 is None:
            sheet.problem(
                "row-missing", L.FIRST_DATA_ROW - 1, L.GATE_CODE, f"the row for requirement {g.code} is missing"
            )
            out[g.code] = dict(code=g.code, passed=None)
            continue
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


def read_bid(path: Path, rubric: Rubric, display_name: str | None = None, keep_answers: bool = True) -> BidReading:
    """Guard and read one bid file. Never raises for bad input: problems come back as data."""
    name = display_name or path.name
    problems: list[Problem] = []
    opened = open_workbook(path, problems, name)
    guard, wb = opened.guard, opened.wb
    if wb is None:
        return BidReading(name, guard.sha256, None, problems)
    made_by, same_rubric = _check_meta(wb, name, rubric, problems)
    if not same_rubric:
        return BidReading(name, guard.sha256, None, problems)
    _hidden_sheets(wb, name, problems)
    fields: dict[str, Any] = {}
    supplier = _sheet(wb, name, L.SUPPLIER, problems, True, guard, [L.SUP_VALUE])
    if supplier is None:
        return BidReading(name, guard.sha256, None, problems)
    _read_supplier(supplier, fields)
    commitments: dict[str, Commitment] = {}
    if rubric.measures():
        sheet = _sheet(wb, name, L.COMMITMENTS, problems, True, guard, [L.COM_QUANTITY, L.COM_EVIDENCE])
        commitments = _read_commitments(sheet, rubric) if sheet else {}
    answers: dict[str, dict[str, Any]] = {}
    if rubric.all_questions():
        sheet = _sheet(wb, name, L.STATEMENTS, problems, True, guard, [L.ST_ANSWER])
        answers = _read_answers(sheet, rubric, keep_answers) if sheet else {}
    gates: dict[str, dict[str, Any]] = {}
    if rubric.all_gates():
        sheet = _sheet(wb, name, L.GATES, problems, True, guard, [L.GATE_ANSWER, L.GATE_EVIDENCE])
        gates = (
            _read_gates(sheet, rubric)
            if sheet
            else {g.code: dict(code=g.code, passed=None) for g in rubric.all_gates()}
        )
    bid = Bid.model_validate(
        dict(
            bid_id=name,
            file=name,
            sha256=guard.sha256,
            commitments=commitments,
            answers=answers,
            gates=gates,
            template_rubric=made_by,
            macro_enabled=guard.macro_enabled,
            **fields,
        )
    )  # one validation for the whole bid: far cheaper than one per row
    return BidReading(name, guard.sha256, bid, problems)
