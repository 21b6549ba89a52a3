"""Does a file hold people's work? The one rule every command follows before replacing a file.

People type their work into workbooks (and Word documents): a supplier's answers, an evaluator's
scores and reasons, the moderation meeting's consensus, a delivery return. Such a file is never
replaced without ``--overwrite``. A workbook this tool made is recognised by its hidden record
(``_socialvalue`` sheet, with the workbook's ``kind``) or by its document properties; for each kind
that has input cells, :data:`ENTRY_CELLS` says where people type, and only a file with something typed
there is protected. A spreadsheet or Word document this tool did not make is presumed to be someone's
work, and so is any other kind of file this tool never writes (a rubric YAML given as an output by
mistake). Machine-readable outputs (JSON, CSV, HTML) are replaced: nobody types entries into them.
Workbooks made with :class:`~socialvalue.output.sheets.SafeWorkbook` carry the ``socialvalue``
document property that marks them as this tool's.

A part that writes a new kind of workbook with input cells declares them once with
:func:`declare_entries` (a kind it does not declare is presumed to hold entries).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from socialvalue import layout as L
from socialvalue.contracts import return_layout as R

SPREADSHEETS = frozenset({".xlsx", ".xlsm", ".xltx", ".xltm", ".xls", ".xlsb", ".ods", ".numbers"})
DOCUMENTS = frozenset({".docx", ".docm", ".doc", ".odt", ".rtf"})
OPEN_XML = frozenset({".xlsx", ".xlsm", ".xltx", ".xltm"})
MACHINE_OUTPUTS = frozenset({".json", ".csv", ".tsv", ".html", ".htm", ".svg", ".png"})
"""Files this tool writes for programs and browsers: nobody types entries into them, so they are replaced."""


@dataclass(frozen=True)
class EntryCells:
    """Where people type on one sheet: these columns, from the first data row down."""

    sheet: str
    columns: tuple[L.Column, ...]


ENTRY_CELLS: dict[str, tuple[EntryCells, ...]] = {}
"""Workbook kind (as in its ``_socialvalue`` record; ``""`` for the supplier response) → its input cells."""


def declare_entries(kind: str, *cells: EntryCells) -> None:
    """Declare the input cells of a kind of workbook this tool makes (none: it holds no entries)."""
    ENTRY_CELLS[kind] = cells


declare_entries(
    "",  # the supplier response workbook
    EntryCells(L.SUPPLIER, (L.SUP_VALUE,)),
    EntryCells(L.COMMITMENTS, (L.COM_QUANTITY, L.COM_EVIDENCE)),
    EntryCells(L.STATEMENTS, (L.ST_ANSWER,)),
    EntryCells(L.GATES, (L.GATE_ANSWER, L.GATE_EVIDENCE)),
)
declare_entries("consensus", EntryCells(L.CONSENSUS, (L.CON_SCORE, L.CON_REASON)))
declare_entries("moderation", EntryCells(L.CONSENSUS, (L.CON_SCORE, L.CON_REASON)))
declare_entries("evaluator", EntryCells(L.EVALUATION, (L.EV_SCORE, L.EV_REASON)))
declare_entries("panel-key")
declare_entries(R.RETURN_KIND, EntryCells(R.DELIVERY, R.RETURN_INPUTS))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


SMALL_PART = 1_000_000
SMALL_STORED = 65_536
"""Document properties and the workbook's sheet list are small: larger ones (as stored, or declared
inflated) are not read, so a hostile file cannot make this check inflate much (deflate tops out near 1,032:1)."""


@dataclass(frozen=True)
class _Look:
    ours: bool
    """The document properties say this tool made it."""
    has_record: bool
    """It has the hidden ``_socialvalue`` sheet (a workbook with input cells may have entries)."""


def _part(zf: zipfile.ZipFile, name: str) -> bytes:
    try:
        info = zf.getinfo(name)
    except KeyError:
        return b""
    return zf.read(info) if info.file_size < SMALL_PART and info.compress_size < SMALL_STORED else b""


def _look(path: Path) -> _Look | None:
    """Who made an Office file, from its properties and sheet list only (never its sheets: a results
    workbook of a large tender is far bigger than any input). None when it is not a readable zip."""
    try:
        with zipfile.ZipFile(path) as zf:
            core, workbook = _part(zf, "docProps/core.xml"), _part(zf, "xl/workbook.xml")
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
        return None
    ours = b"<dc:description>socialvalue " in core or b"<dc:creator>socialvalue</dc:creator>" in core
    return _Look(ours, f'name="{L.META}"'.encode() in workbook)


def count_entries(grid_of: dict[str, list[list[Any]]], cells: tuple[EntryCells, ...]) -> dict[str, int]:
    """Non-blank input cells per column heading (``Consensus score`` → 6), from sheets' values."""
    counts: dict[str, int] = {}
    for where in cells:
        grid = grid_of.get(where.sheet) or []
        for col in where.columns:
            n = sum(1 for row in grid[L.FIRST_DATA_ROW - 1 :] if col.index < len(row) and not _blank(row[col.index]))
            if n:
                counts[col.heading] = counts.get(col.heading, 0) + n
    return counts


def _workbook_entries(path: Path) -> str | None:
    from socialvalue.intake.workbook import open_workbook, read_grid, read_meta

    look = _look(path)
    if look is None:
        return "it is not a workbook socialvalue made (it could not be read as one), so it may hold someone's work"
    if look.ours and not look.has_record:
        return None  # made by this tool, with nothing to type into (results, reports)
    if not look.has_record:
        return "it was not made by socialvalue, so it may hold someone's work"
    wb = open_workbook(path, []).wb  # guarded: it may be a supplier's or an evaluator's file
    if wb is None:
        return "it could not be checked as a workbook made by socialvalue, so it may hold someone's work"
    meta = read_meta(wb, path.name, []) or {}
    kind = meta.get("kind", "")
    if kind not in ENTRY_CELLS:
        return f"it is a socialvalue workbook of a kind this version does not know ({kind!r}), so it may hold entries"
    cells = ENTRY_CELLS[kind]
    grids = {c.sheet: read_grid(wb, path.name, c.sheet, []) or [] for c in cells if c.sheet in wb.sheet_names}
    counts = count_entries(grids, cells)
    if not counts:
        return None
    detail = ", ".join(f"{n} in '{heading}'" for heading, n in counts.items())
    return f"it holds {sum(counts.values())} entries people typed in ({detail})"


def entries_in(path: Path) -> str | None:
    """Why ``path`` must not be replaced without ``--overwrite`` (people's work, in words), or None when it may be."""
    if not path.is_file():
        return None
    suffix = path.suffix.lower()
    if suffix in OPEN_XML:
        return _workbook_entries(path)
    if suffix == ".docx":
        look = _look(path)
        return (
            None if look is not None and look.ours else "it was not made by socialvalue, so it may hold someone's work"
        )
    if suffix in SPREADSHEETS or suffix in DOCUMENTS:
        return "it is a spreadsheet or document socialvalue does not write, so it may hold someone's work"
    if suffix in MACHINE_OUTPUTS:
        return None
    return "it is not a kind of file socialvalue writes (a rubric, notes, a program?), so it may be someone's work"
