"""Read one returned delivery return, through the same guard and value rules as a bid.

guard (real format, zip and XML limits) → calamine → the meta sheet says which contract and quarter
→ rows matched by KPI code → values read by :mod:`socialvalue.intake.values`. A return is all or
nothing: any error rejects it whole, and every problem is listed with file, sheet, cell and reason.
Nothing here raises for bad input, and nothing here writes to the store.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from socialvalue.intake.rows import keyed_rows
from socialvalue.intake.sheet import SheetReader, hidden_sheets
from socialvalue.intake.values import is_blank, read_quantity, read_text
from socialvalue.intake.workbook import open_workbook, read_meta, read_sheet
from socialvalue.periods import Period
from socialvalue.problems import Problem, Severity, define

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

SpecLookup = Callable[[str, str], tuple[ReturnSpec | None, list[Problem]]]
"""(contract, period) → what the store expects of that return, or the problems saying why there is none."""


class _Rows(SheetReader):
    """The Delivery sheet: values, cell references, the one rule for unusable input cells, rows by KPI code."""

    def by_code(self, contract: str, known: set[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for row in keyed_rows(self.grid, (R.RET_CODE.index,), R.FIRST_ROW - 1):
            code, ref = row.key[0], self.ref(row.row0, R.RET_CODE)
            if row.first is not None:
                self.problems.append(ROW_DUPLICATE.at(ref, file=self.file, raw=code, code=code, first=row.first + 1))
            elif code not in known:
                filled = any(not is_blank(self.value(row.row0, c)) for c in R.RETURN_INPUTS)
                severity = Severity.ERROR if filled else Severity.WARNING
                self.problems.append(ROW_UNKNOWN.at(ref, file=self.file, raw=code, severity=severity, code=code, contract=contract))  # fmt: skip
            else:
                found[code] = row.row0
        for row0 in range(R.FIRST_ROW - 1, len(self.grid)):  # figures on a row with no code
            if is_blank(self.value(row0, R.RET_CODE)) and any(
                not is_blank(self.value(row0, c)) for c in R.RETURN_INPUTS
            ):
                self.problems.append(ROW_UNKNOWN.at(self.ref(row0, R.RET_CODE), file=self.file, code="", contract=contract))  # fmt: skip
        return found


def read_return(path: Path, lookup: SpecLookup, display_name: str | None = None) -> ReturnReading:
    """Guard and read one return file; check it against what the store expects (via ``lookup``)."""
    name = display_name or path.name
    problems: list[Problem] = []
    opened = open_workbook(path, problems, name, areas=R.return_areas())
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
    hidden_sheets(wb, name, problems, what="return")
    if R.DELIVERY not in wb.sheet_names:
        problems.append(NOT_A_RETURN(file=name, sheet=R.DELIVERY, why=f"the sheet '{R.DELIVERY}' is missing"))
        return reading.model_copy(update={"problems": problems})
    loaded = read_sheet(wb, name, R.DELIVERY, problems)
    if loaded is None:
        return reading.model_copy(update={"problems": problems})
    grid, merged = loaded
    rows = _Rows(name, R.DELIVERY, grid, problems, opened.guard, what="return")
    rows.check_layout(R.RETURN_INPUTS, merged, R.FIRST_ROW)
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
            rows.issue(got.issue, row0, col, shown)
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
