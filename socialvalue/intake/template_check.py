"""Is a returned workbook the template issued for this tender? Its record, its sheet names, its locked cells.

**The record.**
The generated workbook carries a very hidden record (``_socialvalue``): the layout version, and the
id, version and fingerprint of the rubric it was made from. The rule (docs/response-workbook.md):

- another rubric id: the file belongs to another tender and is not read;
- another layout version: its columns may have moved, so it is not read;
- the same rubric, version and fingerprint: read, nothing to say;
- anything else (another version, a changed rubric under the same version number, a record whose
  version does not match its own fingerprint, or no record at all): read against this rubric, rows
  matched by code, every locked cell that differs listed, **and the bid's row says so** (the note
  becomes a flag on Summary), so no bid is ever scored against a layout it was not made from unsaid.

**Sheet names.** A required sheet is found by its name, or by the one near miss (case, spaces,
invisible characters, NFKC): ``"commitments "`` is read as ``Commitments`` with a warning.

**Locked cells.** Every protected cell the template wrote (:mod:`socialvalue.locked`) is compared
with the file; each one changed is listed with what the template said and what the file says.
Scoring never reads them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from python_calamine import CalamineWorkbook

from socialvalue import layout as L
from socialvalue.locked import Expected, LockedCells, locked_cells, same
from socialvalue.problems import CellRef, Problem, Severity, define, shorten
from socialvalue.rubric import Rubric, ValueSet

from .values import is_blank, read_code
from .workbook import read_meta

TEMPLATE_UNKNOWN = define(
    "template-unknown",
    Severity.WARNING,
    "the workbook has no record of the template it was made from (not our template, or the record was "
    "removed): {consequence}",
)
TEMPLATE_WRONG_RUBRIC = define(
    "template-wrong-rubric",
    Severity.ERROR,
    "this response was made for rubric {found!r}, not {wanted!r}: it belongs to another tender, so nothing in it was read",
)
TEMPLATE_OTHER_LAYOUT = define(
    "template-other-layout",
    Severity.ERROR,
    "this response was made with layout {found!r} of the response workbook, and this tool reads layout {wanted!r}: "
    "its columns may have moved, so nothing in it was read: ask for the response on the current template",
)
SHEET_RENAMED = define(
    "sheet-renamed",
    Severity.WARNING,
    "the sheet '{found}' was read as the sheet '{name}' (the names differ only in {how}): rename it '{name}'",
)
LOCKED_CELL_CHANGED = define(
    "locked-cell-changed",
    Severity.WARNING,
    "a protected cell was changed: the template says {expected}; the file says {found}; "
    "scoring uses the rubric's own value, never this cell",
)
TEMPLATE_OTHER_VERSION = define("template-other-version", Severity.WARNING, "{note}")
TEMPLATE_RECORD_CHANGED = define("template-record-changed", Severity.WARNING, "{note}")

_MATCHED = "rows were matched by code and every locked cell that differs is listed"


@dataclass(frozen=True)
class TemplateCheck:
    made_by: str
    """Rubric id, version and fingerprint as the record gives them ('' with no record)."""
    readable: bool
    """False when the file must not be read against this rubric (another tender, another layout)."""
    note: str = ""
    """How the template differs from the rubric scored against: shown on the bid's row ('' when it does not)."""


def check_template(wb: CalamineWorkbook, file: str, rubric: Rubric, problems: list[Problem]) -> TemplateCheck:
    """Apply the rule above; every difference found is appended to ``problems``."""
    meta = read_meta(wb, file, problems)
    if meta is None:
        note = f"no record of the template it was made from: read against {_label(rubric)}; {_MATCHED}"
        problems.append(TEMPLATE_UNKNOWN(file=file, consequence=f"it was read against {_label(rubric)}; {_MATCHED}"))
        return TemplateCheck("", True, note)
    rubric_id, version = meta.get("rubric_id", ""), meta.get("rubric_version", "")
    fingerprint, layout = meta.get("rubric_fingerprint", ""), meta.get("layout_version", "")
    made_by = f"{rubric_id or '?'} v{version or '?'} ({fingerprint[:12]})"
    if rubric_id != rubric.id:
        problems.append(
            TEMPLATE_WRONG_RUBRIC(file=file, sheet=L.META, raw=rubric_id, found=rubric_id, wanted=rubric.id)
        )
        return TemplateCheck(made_by, False)
    if layout != L.LAYOUT_VERSION:
        problems.append(
            TEMPLATE_OTHER_LAYOUT(file=file, sheet=L.META, raw=layout, found=layout, wanted=L.LAYOUT_VERSION)
        )
        return TemplateCheck(made_by, False)
    ours = rubric.fingerprint()
    if fingerprint == ours and version == rubric.version:
        return TemplateCheck(made_by, True)
    if fingerprint == ours:  # the fingerprint covers the version: the record itself was edited
        note = (
            f"its record says rubric version {version!r}, but its fingerprint is that of version {rubric.version!r} "
            f"(the record was edited): read against version {rubric.version!r}, the one its fingerprint names"
        )
        problems.append(TEMPLATE_RECORD_CHANGED(file=file, sheet=L.META, raw=version, note=note))
        return TemplateCheck(made_by, True, note)
    if version == rubric.version:
        note = (
            f"made from a rubric with the same version number {version!r} but different content (fingerprint "
            f"{fingerprint[:12] or 'missing'}, scored against {ours[:12]}): the rubric changed after the template "
            f"was issued, or the record was edited; {_MATCHED}"
        )
    else:
        note = (
            f"made from rubric version {version!r} ({fingerprint[:12] or 'no fingerprint'}), scored against "
            f"{_label(rubric)}; {_MATCHED}"
        )
    problems.append(TEMPLATE_OTHER_VERSION(file=file, sheet=L.META, raw=version, note=note))
    return TemplateCheck(made_by, True, note)


def _label(rubric: Rubric) -> str:
    return f"version {rubric.version!r} ({rubric.fingerprint()[:12]})"


# --- sheet names --------------------------------------------------------------------------------


def _sheet_key(name: str) -> str:
    """A sheet name as compared for a near miss: NFKC, invisible characters gone, case and spaces ignored."""
    return "".join((read_code(name).value or "").casefold().split())


def find_sheet(names: Sequence[str], name: str) -> str | None:
    """The workbook's own name for the sheet ``name``: itself, or the one near miss (case, spaces, invisible
    characters, NFKC) when exactly one sheet matches that way; None when there is none, or more than one."""
    if name in names:
        return name
    key = _sheet_key(name)
    near = [n for n in names if _sheet_key(n) == key]
    return near[0] if len(near) == 1 else None


def renamed(file: str, found: str, name: str) -> Problem:
    """The warning for a sheet read under its near-miss name ``found``."""
    if found.strip() == name:
        how = "spaces at either end"
    elif found.casefold() == name.casefold():
        how = "upper and lower case"
    elif "".join(found.split()) == "".join(name.split()):
        how = "spaces"
    elif "".join(found.casefold().split()) == "".join(name.casefold().split()):
        how = "case and spaces"
    else:
        how = "case, spaces or characters that look alike or cannot be seen"
    return SHEET_RENAMED(file=file, sheet=found, raw=found, found=found, name=name, how=how)


# --- locked cells -------------------------------------------------------------------------------

_LOCKED: dict[tuple[str, int], tuple[ValueSet | None, LockedCells]] = {}


def locked_for(rubric: Rubric, value_set: ValueSet | None) -> LockedCells:
    """The locked cells of ``rubric``'s template, worked out once per rubric and value set (not once per bid).

    Value sets are frozen: one is known by its identity, and kept in the cache so that identity stays its own.
    """
    key = (rubric.fingerprint(), id(value_set))
    found = _LOCKED.get(key)
    if found is None:
        if len(_LOCKED) > 8:
            _LOCKED.clear()
        found = _LOCKED[key] = (value_set, locked_cells(rubric, value_set))
    return found[1]


def report_locked(
    problems: list[Problem], file: str, sheet: str, row0: int, col: int, expected: Expected, found: object
) -> None:
    """List one changed locked cell: what the template said, what the file says."""
    said = "nothing (the cell was blank)" if expected in (None, "") else _quoted(expected)
    now = "nothing (the cell is blank)" if is_blank(found) else _quoted(found)
    ref = CellRef(sheet, row0 + 1, col)
    problems.append(LOCKED_CELL_CHANGED.at(ref, file=file, raw=found, expected=said, found=now))


def _quoted(value: object) -> str:
    """A cell's content in a message: text quoted and shortened, a number as a spreadsheet shows it."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:,g}"
    return repr(shorten(value, 80))


def check_row(
    problems: list[Problem],
    file: str,
    sheet: str,
    line: Sequence[Any],
    row0: int,
    cells: Sequence[tuple[L.Column, Expected]],
) -> None:
    """List every locked cell of one row (``line``, at 0-based ``row0``) that no longer holds what the template wrote."""
    for col, expected in cells:
        found = line[col.index] if col.index < len(line) else ""
        if found != expected and not same(found, expected):
            report_locked(problems, file, sheet, row0, col.index, expected, found)


def check_fixed(
    problems: list[Problem],
    file: str,
    sheet: str,
    grid: Sequence[Sequence[Any]],
    cells: Sequence[tuple[int, int, Expected]],
) -> None:
    """Titles, column headings and the Instructions: locked cells at fixed places."""
    for row0, col, expected in cells:
        line = grid[row0] if row0 < len(grid) else ()
        found = line[col] if col < len(line) else ""
        if found != expected and not same(found, expected):
            report_locked(problems, file, sheet, row0, col, expected, found)
