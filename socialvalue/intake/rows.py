"""Finding rows by their key: the one way every reader of our workbooks matches rows to the rubric.

Rows are never found by position: a supplier or evaluator may insert, delete or sort rows. Each data row
whose key cells are not all blank is keyed by those cells, read by :func:`~.values.read_code` (Unicode
NFKC, invisible characters and surrounding spaces removed, noted), and a key seen before is marked with
the row it was first seen on. What a repeated, unknown or missing key means is the caller's to say.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from .values import read_code

Grid = list[list[Any]]


@dataclass(frozen=True, slots=True)
class KeyedRow:
    """One data row and its key."""

    row0: int
    """0-based row in the grid (Excel's row number is ``row0 + 1``)."""
    key: tuple[str, ...]
    """The key cells' text, one per key column ("" for a blank one)."""
    raw: tuple[Any, ...]
    """The key cells as found."""
    notes: tuple[str, ...] = ()
    """How each key cell that needed it was read (read_code's note), "" for the others."""
    first: int | None = None
    """The 0-based row this key was first seen on, when this row repeats it."""


def _key(raw: Any) -> tuple[str, str]:
    if type(raw) is str and raw.isascii():  # the usual key: plain text
        return raw.strip(), ""
    read = read_code(raw)
    return read.value or "", read.note


def keyed_rows(grid: Grid, columns: Sequence[int], first_row0: int) -> Iterator[KeyedRow]:
    """Every row from ``first_row0`` on whose key cells (``columns``) are not all blank, in sheet order."""
    seen: dict[tuple[str, ...], int] = {}
    for row0 in range(first_row0, len(grid)):
        line = grid[row0]
        raw = tuple(line[c] if c < len(line) else "" for c in columns)
        read = [_key(r) for r in raw]
        key = tuple(k for k, _ in read)
        if not any(key):
            continue
        notes = tuple(n for _, n in read) if any(n for _, n in read) else ()
        first = seen.setdefault(key, row0)
        yield KeyedRow(row0, key, raw, notes, first if first != row0 else None)
