"""One sheet of an untrusted workbook, as the readers of bids and delivery returns see it.

A :class:`SheetReader` holds a sheet's values and what the guard found on it (error cells, formulas,
hidden rows), addresses cells by :class:`~socialvalue.problems.CellRef`, and reports problems bound to
the file and sheet. :meth:`SheetReader.unusable` is the one rule for an input cell whose value cannot
be seen or must not be used (an error cell, a formula saved without its result, a formula the rule in
:mod:`.formulas` refuses); :meth:`SheetReader.rows_by_key` finds the rows by key (:mod:`.rows`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from python_calamine import CalamineWorkbook, SheetVisibleEnum

from socialvalue import layout as L
from socialvalue.layout import Column
from socialvalue.problems import CellRef, Problem, ProblemCode, Severity, define

from .formulas import formula_problem
from .guard import GuardResult
from .rows import keyed_rows
from .structure import SheetFacts
from .template_check import find_sheet, renamed
from .values import ERROR_CELL, FORMULA_NO_VALUE, ValueIssue, is_blank
from .workbook import SHEET_DAMAGED, Grid, Merged, read_sheet

SHEET_MISSING = define("sheet-missing", Severity.ERROR, "the sheet '{name}' is missing: {consequence}")
HIDDEN_SHEET = define(
    "hidden-sheet", Severity.WARNING, "the sheet '{name}' is hidden; hidden content is not read as part of the {what}"
)
HIDDEN_ROW = define(
    "hidden-row",
    Severity.WARNING,
    "row {row} is hidden: it was read as part of the {what}; check nothing was hidden by mistake",
)
MERGED_CELLS = define(
    "merged-cells", Severity.WARNING, "cells {area} were merged over answer cells: only {first} was read"
)
CODE_NORMALISED = define("code-normalised", Severity.INFO, "{note}: matched to the rubric's {what}")
DUPLICATE_ROW = define(
    "duplicate-row", Severity.ERROR, "{what} appears more than once (first at row {first}); this row was ignored"
)
ROW_MISSING = define("row-missing", Severity.ERROR, "the row for {what} is missing{then}")
ROW_NOT_IN_RUBRIC = define(
    "row-not-in-rubric", Severity.WARNING, "{what} is not in this tender's rubric; the row was ignored"
)
NO_VALUE = (
    "the cell holds a formula saved without its result (the file was saved by a program that does not "
    "calculate): type the value itself, or open and save the file in Excel"
)


class SheetReader:
    """One sheet's values with cell addressing and problem helpers bound to its file and sheet."""

    def __init__(
        self,
        file: str,
        name: str,
        grid: Grid,
        problems: list[Problem],
        guard: GuardResult | None = None,
        what: str = "bid",
    ) -> None:
        self.file, self.name, self.grid, self.problems = file, name, grid, problems
        self.guard = guard
        self.what = what
        """What the workbook is, in messages ('bid', 'return')."""
        self.facts = guard.facts(name) if guard else SheetFacts()
        self.key_notes: dict[str, str] = {}
        """Keys that were read with a note (invisible characters removed, NFKC): key → note."""
        self._blind_spots = bool(self.facts.error_cells or self.facts.formula_no_value or self.facts.formulas)

    def ref(self, row0: int, col: Column | int) -> CellRef:
        return CellRef(self.name, row0 + 1, col.index if isinstance(col, Column) else col)

    def value(self, row0: int, col: Column) -> Any:
        try:
            return self.grid[row0][col.index]  # rows are as long as the sheet is wide (calamine pads them)
        except IndexError:
            return ""

    def unusable(self, row0: int, col: Column) -> bool:
        """Report an input cell whose value the reader cannot see (error cell, formula with no result) or must
        not use (a formula refused by the rule in :mod:`.formulas`; any other formula is flagged, and used)."""
        if not self._blind_spots:  # the usual sheet: nothing calamine reads as blank that is not blank
            return False
        a1 = L.cell_ref(col, row0 + 1)
        formula = (
            formula_problem(self.guard, self.file, self.name, row0 + 1, col.index, self.value(row0, col))
            if self.guard and (a1 in self.facts.formulas or self.facts.formula_areas)
            else None
        )
        if formula is not None and formula.severity is Severity.ERROR:
            self.problems.append(formula)
            return True
        error = self.facts.error_cells.get(a1)
        if error is not None:
            why = f"the cell shows the error {error}: type the value itself"
            self.problem(ERROR_CELL, row0, col, why, error)
            return True
        if a1 in self.facts.formula_no_value:
            self.problem(FORMULA_NO_VALUE, row0, col, NO_VALUE)
            return True
        if formula is not None:
            self.problems.append(formula)
        return False

    def check_layout(self, inputs: Sequence[Column], merged: Merged, first_row: int = L.FIRST_DATA_ROW) -> None:
        """Hidden data rows, and merged cells over input columns (only their top-left value exists)."""
        for row in sorted(r for r in self.facts.hidden_rows if r >= first_row):
            self.problems.append(
                HIDDEN_ROW(file=self.file, sheet=self.name, cell=f"{row}:{row}", row=row, what=self.what)
            )
        input_cols = {c.index for c in inputs}
        for (r0, c0), (r1, c1) in merged:
            if r1 >= first_row - 1 and any(c0 <= c <= c1 for c in input_cols):
                first = L.cell_ref(c0, r0 + 1)
                area = f"{first}:{L.cell_ref(c1, r1 + 1)}"
                self.problems.append(MERGED_CELLS(file=self.file, sheet=self.name, cell=area, area=area, first=first))

    def problem(
        self,
        kind: ProblemCode,
        row0: int,
        col: Column | None,
        reason: str | None = None,
        raw: object = "",
        severity: Severity | None = None,
        **fields: Any,
    ) -> None:
        """A problem about one cell of this sheet (or its first data row's area, with ``col`` None)."""
        self.problems.append(
            kind(
                file=self.file,
                sheet=self.name,
                cell=L.cell_ref(col, row0 + 1) if col is not None else "",
                raw="" if is_blank(raw) else raw,
                reason=reason,
                severity=severity,
                **fields,
            )
        )

    def issue(self, issue: ValueIssue, row0: int, col: Column, raw: object, severity: Severity | None = None) -> None:
        self.problem(issue.kind, row0, col, issue.reason, raw, severity)

    def rows_by_key(self, key_col: Column, what: str, first_row: int = L.FIRST_DATA_ROW) -> dict[str, int]:
        """Key in ``key_col`` → 0-based row, for data rows; repeated keys are reported, the first one wins.

        A key that needed :func:`~.values.read_code` (invisible characters removed, NFKC) is listed
        (``code-normalised``) and its note kept in ``key_notes``.
        """
        found: dict[str, int] = {}
        for row in keyed_rows(self.grid, (key_col.index,), first_row - 1):
            key = row.key[0]
            if row.first is not None:
                self.problem(
                    DUPLICATE_ROW, row.row0, key_col, None, row.raw[0], what=f"{what} {key}", first=row.first + 1
                )
                continue
            if row.notes:
                self.key_notes[key] = row.notes[0]
                ref = self.ref(row.row0, key_col)
                self.problems.append(
                    CODE_NORMALISED.at(ref, file=self.file, raw=row.raw[0], note=row.notes[0], what=f"{what} {key}")
                )
            found[key] = row.row0
        return found


def open_sheet(
    wb: CalamineWorkbook,
    file: str,
    name: str,
    problems: list[Problem],
    guard: GuardResult | None = None,
    inputs: Sequence[Column] = (),
    missing: list[str] | None = None,
    consequence: str = "",
    what: str = "bid",
) -> SheetReader | None:
    """The sheet ``name`` (or its one near miss, with a warning). A required sheet (``missing`` given) that is
    absent or unreadable is added to ``missing``, and ``consequence`` says what that means."""
    found = find_sheet(wb.sheet_names, name)
    if found is None:
        if missing is not None:
            problems.append(SHEET_MISSING(file=file, sheet=name, name=name, consequence=consequence))
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
    damaged = guard.facts(found).damaged if guard is not None else ""
    if damaged:
        problems.append(
            SHEET_DAMAGED(
                file=file, sheet=found, name=found, why=damaged, reason=f"the sheet '{found}' is damaged ({damaged}) and "
                "could not be checked: save the workbook again from Excel and resubmit"
            )
        )  # fmt: skip
        if missing is not None:
            missing.append(name)
        return None
    sheet = SheetReader(file, found, grid, problems, guard, what)
    sheet.check_layout(inputs, merged)
    return sheet


def hidden_sheets(wb: CalamineWorkbook, file: str, problems: list[Problem], what: str = "bid") -> None:
    """A warning for each hidden sheet (other than our own very hidden record)."""
    for meta in wb.sheets_metadata:
        if meta.name != L.META and meta.visible != SheetVisibleEnum.Visible:
            problems.append(HIDDEN_SHEET(file=file, sheet=meta.name, name=meta.name, what=what))
