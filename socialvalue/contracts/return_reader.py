"""Read one returned delivery return, through the same guard and value rules as a bid.

guard (real format, zip and XML limits) → calamine → the meta sheet says which contract and quarter
→ rows matched by KPI code → values read by :mod:`socialvalue.intake.values`. A return is all or
nothing: any error rejects it whole, and every problem is listed with file, sheet, cell and reason.
Nothing here raises for bad input, and nothing here writes to the store.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook, SheetVisibleEnum

from socialvalue.intake.structure import SheetFacts
from socialvalue.intake.values import is_blank, read_quantity, read_text
from socialvalue.intake.workbook import open_workbook, read_meta, read_sheet
from socialvalue.layout import Column
from socialvalue.periods import Period
from socialvalue.problems import CellRef, Problem, Severity, define

from . import return_layout as R
from .models import ReturnKpi, ReturnLine, ReturnReading, ReturnSpec

NOT_A_RETURN = define(
    "not-a-return", Severity.ERROR,
    "this workbook is not a delivery return made by `socialvalue returns template` ({why}): fill in the return issued for the contract and quarter",
)  # fmt: skip
TEMPLATE_STALE = define(
    "return-template-stale", Severity.ERROR,
    "the KPIs of contract {contract} changed after this return was made: ask the buyer for a new return for {period}",
)  # fmt: skip
ROW_MISSING = define("return-row-missing", Severity.ERROR, "the row for KPI {code} ({description}) is missing: nothing could be recorded for it")  # fmt: skip
ROW_DUPLICATE = define("return-row-duplicate", Severity.ERROR, "KPI {code} appears more than once (first at row {first}): keep one row per KPI")  # fmt: skip
ROW_UNKNOWN = define("return-row-unknown", Severity.ERROR, "{code!r} is not a KPI of contract {contract}: a figure on this row cannot be recorded")  # fmt: skip
UNIT_CHANGED = define("return-unit-changed", Severity.ERROR, "the unit of KPI {code} was changed from {unit!r}: report in the unit shown")  # fmt: skip
TEXT_CHANGED = define(
    "return-locked-cell-changed", Severity.WARNING, "a protected cell was changed: expected {expected!r}"
)
DELIVERED_BLANK = define("delivered-blank", Severity.ERROR, "nothing was typed for KPI {code}: type the {unit} delivered this quarter, or 0 if none")  # fmt: skip
EVIDENCE_MISSING = define("evidence-missing", Severity.ERROR, "{quantity:,g} {unit} delivered for KPI {code} but no evidence is described: say what shows it was delivered")  # fmt: skip
CELL_UNUSABLE = define("return-cell-unusable", Severity.ERROR, "{why}")
HIDDEN_SHEET = define("return-hidden-sheet", Severity.WARNING, "the sheet '{sheet}' is hidden; hidden content is not read as part of the return")  # fmt: skip
MERGED_INPUT = define(
    "return-merged-cells", Severity.WARNING, "cells {area} were merged over answer cells: only the first was read"
)

SpecLookup = Callable[[str, str], tuple[ReturnSpec | None, list[Problem]]]
"""(contract, period) → what the store expects of that return, or the problems saying why there is none."""


class _Rows:
    """The Delivery sheet's values with cell references and the guard's findings for it."""

    def __init__(self, file: str, grid: list[list[Any]], facts: SheetFacts, problems: list[Problem]) -> None:
        self.file, self.grid, self.facts, self.problems = file, grid, facts, problems

    def ref(self, row0: int, col: Column) -> CellRef:
        return CellRef(R.DELIVERY, row0 + 1, col.index)

    def value(self, row0: int, col: Column) -> Any:
        line = self.grid[row0] if row0 < len(self.grid) else []
        return line[col.index] if col.index < len(line) else ""

    def unusable(self, row0: int, col: Column) -> bool:
        """An error cell or a formula saved without its result: the value cannot be seen, so it is refused."""
        ref = self.ref(row0, col)
        error = self.facts.error_cells.get(ref.a1)
        if error is not None:
            self.problems.append(CELL_UNUSABLE.at(ref, file=self.file, raw=error, why=f"the cell shows the error {error}: type the value itself"))  # fmt: skip
            return True
        if ref.a1 in self.facts.formula_no_value:
            why = "the cell holds a formula saved without its result: type the value itself, or open and save the file in Excel"
            self.problems.append(CELL_UNUSABLE.at(ref, file=self.file, why=why))
            return True
        return False

    def by_code(self, contract: str, known: set[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for row0 in range(R.FIRST_ROW - 1, len(self.grid)):
            raw = self.value(row0, R.RET_CODE)
            if is_blank(raw):
                if any(not is_blank(self.value(row0, c)) for c in R.RETURN_INPUTS):
                    self.problems.append(ROW_UNKNOWN.at(self.ref(row0, R.RET_CODE), file=self.file, code="", contract=contract))  # fmt: skip
                continue
            code = str(raw).strip()
            if code in found:
                self.problems.append(ROW_DUPLICATE.at(self.ref(row0, R.RET_CODE), file=self.file, raw=code, code=code, first=found[code] + 1))  # fmt: skip
            elif code not in known:
                filled = any(not is_blank(self.value(row0, c)) for c in R.RETURN_INPUTS)
                severity = Severity.ERROR if filled else Severity.WARNING
                self.problems.append(ROW_UNKNOWN.at(self.ref(row0, R.RET_CODE), file=self.file, raw=code, severity=severity, code=code, contract=contract))  # fmt: skip
            else:
                found[code] = row0
        return found


def read_return(path: Path, lookup: SpecLookup, display_name: str | None = None) -> ReturnReading:
    """Guard and read one return file; check it against what the store expects (via ``lookup``)."""
    name = display_name or path.name
    problems: list[Problem] = []
    opened = open_workbook(path, problems, name)
    wb = opened.wb
    reading = ReturnReading(file=name, sha256=opened.sha256)
    if wb is None:
        return reading.model_copy(update={"problems": problems})
    meta = read_meta(wb, name, problems)
    if meta is None or meta.get("kind") != R.RETURN_KIND:
        why = (
            "it has no record of the contract it is for"
            if meta is None
            else f"it is a {meta.get('kind') or 'response'} workbook"
        )
        return reading.model_copy(update={"problems": [*problems, NOT_A_RETURN(file=name, why=why)]})
    contract, period_text = meta.get("contract", ""), meta.get("period", "")
    period = Period.parse(period_text)
    if not contract or period is None:
        return reading.model_copy(update={"problems": [*problems, NOT_A_RETURN(file=name, sheet=R.META_SHEET, why="its record of the contract and quarter is damaged")]})  # fmt: skip
    spec, spec_problems = lookup(contract, period.key)
    problems += [p.model_copy(update={"file": name}) for p in spec_problems]
    reading = reading.model_copy(update={"contract": contract, "period": period.key})
    if spec is None:
        return reading.model_copy(update={"problems": problems})
    if meta.get("kpi_fingerprint") != spec.fingerprint:
        problems.append(TEMPLATE_STALE(file=name, sheet=R.META_SHEET, contract=contract, period=period.key))
        return reading.model_copy(update={"problems": problems})
    _hidden_sheets(wb, name, problems)
    if R.DELIVERY not in wb.sheet_names:
        problems.append(NOT_A_RETURN(file=name, sheet=R.DELIVERY, why=f"the sheet '{R.DELIVERY}' is missing"))
        return reading.model_copy(update={"problems": problems})
    loaded = read_sheet(wb, name, R.DELIVERY, problems)
    if loaded is None:
        return reading.model_copy(update={"problems": problems})
    grid, merged = loaded
    _merged_inputs(merged, name, problems)
    rows = _Rows(name, grid, opened.guard.facts(R.DELIVERY), problems)
    found = rows.by_code(contract, {k.code for k in spec.kpis})
    lines = [line for k in spec.kpis if (line := _line(rows, k, found.get(k.code))) is not None]
    return reading.model_copy(update={"lines": lines, "problems": problems})


def _line(rows: _Rows, k: ReturnKpi, row0: int | None) -> ReturnLine | None:
    file, problems = rows.file, rows.problems
    if row0 is None:
        problems.append(ROW_MISSING(file=file, sheet=R.DELIVERY, code=k.code, description=k.description))
        return None
    unit = rows.value(row0, R.RET_UNIT)
    if str(unit).strip() != k.unit:
        problems.append(UNIT_CHANGED.at(rows.ref(row0, R.RET_UNIT), file=file, raw=unit, code=k.code, unit=k.unit))
        return None
    for col, expected in ((R.RET_MEASURE, k.description), (R.RET_THEME, k.theme)):
        found = rows.value(row0, col)
        if str(found).strip() != expected.strip():
            problems.append(TEXT_CHANGED.at(rows.ref(row0, col), file=file, raw=found, expected=expected[:60]))
    if any([rows.unusable(row0, c) for c in R.RETURN_INPUTS]):
        return None
    raw = rows.value(row0, R.RET_DELIVERED)
    cell = rows.ref(row0, R.RET_DELIVERED)
    if is_blank(raw):
        problems.append(DELIVERED_BLANK.at(cell, file=file, code=k.code, unit=k.unit))
        return None
    quantity = read_quantity(raw, k.unit)
    evidence = read_text(rows.value(row0, R.RET_EVIDENCE))
    reference = read_text(rows.value(row0, R.RET_REFERENCE))
    bad = False
    for got, col, raw_value in ((quantity, R.RET_DELIVERED, raw), (evidence, R.RET_EVIDENCE, None), (reference, R.RET_REFERENCE, None)):  # fmt: skip
        if got.issue is not None:
            shown = raw_value if raw_value is not None else rows.value(row0, col)
            problems.append(Problem(code=got.issue.code, reason=got.issue.reason, file=file, sheet=R.DELIVERY,
                                    cell=rows.ref(row0, col).a1, raw=str(shown)[:80]))  # fmt: skip
            bad = True
    delivered = quantity.value if quantity.value is not None else 0.0
    if bad:
        return None
    if delivered > 0 and not evidence.value:
        problems.append(EVIDENCE_MISSING.at(rows.ref(row0, R.RET_EVIDENCE), file=file, quantity=delivered, unit=k.unit, code=k.code))  # fmt: skip
        return None
    notes = "; ".join(n for n in (quantity.note, evidence.note, reference.note) if n)
    return ReturnLine(code=k.code, delivered=delivered, evidence=evidence.value or "", reference=reference.value or "",
                      cell=str(cell), note=notes)  # fmt: skip


def _hidden_sheets(wb: CalamineWorkbook, file: str, problems: list[Problem]) -> None:
    for meta in wb.sheets_metadata:
        if meta.name != R.META_SHEET and meta.visible != SheetVisibleEnum.Visible:
            problems.append(HIDDEN_SHEET(file=file, sheet=meta.name))


def _merged_inputs(
    merged: Sequence[tuple[tuple[int, int], tuple[int, int]]], file: str, problems: list[Problem]
) -> None:
    inputs = {c.index for c in R.RETURN_INPUTS}
    for (r0, c0), (r1, c1) in merged:
        if r1 >= R.FIRST_ROW - 1 and any(c0 <= c <= c1 for c in inputs):
            area = f"{CellRef('', r0 + 1, c0).a1}:{CellRef('', r1 + 1, c1).a1}"
            problems.append(MERGED_INPUT(file=file, sheet=R.DELIVERY, cell=area, area=area))
