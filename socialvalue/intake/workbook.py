"""Opening an untrusted workbook: one bounded read, the guard, then python-calamine on the parts the guard
checked; calamine's own errors become problems (anything else is a bug, and is raised)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from socialvalue.problems import Problem, Severity, define, shorten

from .extent import Area
from .guard import DEFAULT_LIMITS, GuardLimits, GuardResult, guard_file

Grid = list[list[Any]]

UNREADABLE_WORKBOOK = define(
    "unreadable-workbook",
    Severity.ERROR,
    "the workbook could not be read ({why}); save it again from Excel and resubmit",
)
SHEET_DAMAGED = define(
    "sheet-unreadable",
    Severity.ERROR,
    "the sheet '{name}' is damaged and could not be read ({why}): save the workbook again from Excel and resubmit",
)


@dataclass
class Opened:
    """A guarded workbook: ``wb`` is None when it must not or could not be parsed (see ``guard.problems``)."""

    wb: CalamineWorkbook | None
    guard: GuardResult

    @property
    def sha256(self) -> str:
        return self.guard.sha256


def open_workbook(
    path: Path,
    problems: list[Problem],
    display_name: str | None = None,
    limits: GuardLimits = DEFAULT_LIMITS,
    areas: Mapping[str, Area] | None = None,
) -> Opened:
    """Guard ``path`` and open what the guard checked for reading values; every problem found is appended to
    ``problems``. ``limits`` are a response workbook's unless given (data files such as spend files are larger);
    ``areas``: the cells read on each sheet (see :func:`~socialvalue.intake.guard.guard_file`)."""
    name = display_name or path.name
    guard = guard_file(path, limits, display_name=name, areas=areas)
    problems += guard.problems
    if not guard.readable:
        return Opened(None, guard)
    try:
        return Opened(CalamineWorkbook.from_filelike(io.BytesIO(guard.package)), guard)
    except CalamineError as exc:  # malformed content: calamine's own error types
        problems.append(UNREADABLE_WORKBOOK(file=name, why=shorten(exc, 120)))
        return Opened(None, guard)


Merged = list[tuple[tuple[int, int], tuple[int, int]]]


def read_grid(wb: CalamineWorkbook, file: str, name: str, problems: list[Problem]) -> Grid | None:
    """A sheet's values from A1, or None (with a problem) when calamine cannot read that sheet."""
    loaded = read_sheet(wb, file, name, problems)
    return loaded[0] if loaded is not None else None


def read_sheet(wb: CalamineWorkbook, file: str, name: str, problems: list[Problem]) -> tuple[Grid, Merged] | None:
    """A sheet's values from A1 and its merged ranges (parsed once), or None with a problem."""
    try:
        sheet = wb.get_sheet_by_name(name)
        grid: Grid = sheet.to_python(skip_empty_area=False)
        merged: Merged = sheet.merged_cell_ranges or []
    except CalamineError as exc:  # a damaged part: calamine's own error types
        problems.append(SHEET_DAMAGED(file=file, sheet=name, name=name, why=shorten(exc, 100)))
        return None
    return grid, merged


def read_meta(wb: CalamineWorkbook, file: str, problems: list[Problem]) -> dict[str, str] | None:
    """The hidden record our generated workbooks carry (key → value), or None when there is none."""
    from socialvalue.layout import META

    if META not in wb.sheet_names:
        return None
    grid = read_grid(wb, file, META, problems) or []
    return {str(r[0]): str(r[1]) for r in grid if len(r) >= 2 and r[0]}
