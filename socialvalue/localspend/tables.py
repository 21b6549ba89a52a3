"""Tables from outside (spend files, registers, staff lists): xlsx through the guard, CSV with its encoding found
(by :mod:`socialvalue.encoding`, the rules every text input is read by).

A table is found by its header row: each wanted field has header names it may go by (compared without case,
spaces or punctuation), and the user may name the header of any field outright (``--column amount="Net £"``).
Rows come back with their location (sheet row, or CSV line) so every problem can point at its cell.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from socialvalue.encoding import detect_encoding
from socialvalue.intake.guard import GuardLimits
from socialvalue.problems import CellRef, Problem, Severity, define

_MiB = 1024 * 1024
DATA_LIMITS = GuardLimits(
    max_file_bytes=512 * _MiB,
    max_total_uncompressed=4096 * _MiB,
    max_inflated_bytes=4096 * _MiB,
    max_sheet_cells=1_048_576 * 64,
    max_sheet_xml_bytes=2048 * _MiB,
)
"""The guard's limits for data workbooks (a year of payments; a staff list): a full sheet of 1,048,576 rows
of up to 64 columns, still checked for zip bombs, false sizes and damaged parts."""

HEADER_SEARCH_ROWS = 20
"""A header row is looked for in a table's first rows (published files often start with a title)."""

NO_HEADER = define("no-header", Severity.ERROR, "{what}")
CSV_UNREADABLE = define("csv-unreadable", Severity.ERROR, "{what}")
DUPLICATE_FILE = define("duplicate-file", Severity.WARNING, "{what}")


def header_key(text: object) -> str:
    """A header compared without case, spaces or punctuation: ``Payment Date`` = ``payment_date`` = ``PAYMENT-DATE``."""
    return re.sub(r"[^a-z0-9£]+", "", str(text).casefold())


@dataclass(frozen=True)
class Field:
    """One column a reader wants: its name, the headers it may go by (first match wins) and whether it must be there."""

    name: str
    headers: tuple[str, ...]
    required: bool = False
    describe: str = ""


@dataclass
class Table:
    """One sheet or CSV file: where its columns are and its rows after the header, each with its 1-based row."""

    file: str
    sheet: str
    header_row: int
    columns: dict[str, int]
    """Field name → 0-based column."""
    headers: list[str]
    rows: Iterator[tuple[int, Sequence[Any]]]

    def get(self, values: Sequence[Any], fieldname: str) -> Any:
        """The value of ``fieldname`` in one row ('' when the table has no such column or the row is short)."""
        col = self.columns.get(fieldname)
        return values[col] if col is not None and col < len(values) else ""

    def ref(self, row: int, fieldname: str) -> CellRef:
        return CellRef(self.sheet, row, self.columns.get(fieldname, 0))

    def problem_at(self, code: Any, row: int, fieldname: str, **kwargs: Any) -> Problem:
        """A problem about one cell of this table (a CSV line when it is a CSV file)."""
        if self.sheet:
            return code.at(self.ref(row, fieldname), file=self.file, **kwargs)  # type: ignore[no-any-return]
        return code(file=self.file, line=row, field=fieldname, **kwargs)  # type: ignore[no-any-return]


@dataclass
class Source:
    """One input file as read: its name, SHA-256 and what reading it found."""

    path: Path
    name: str
    sha256: str = ""
    encoding: str = ""
    tables: list[Table] = field(default_factory=list)
    read_by: str = ""
    """How its rows were read: 'duckdb' (a clean CSV file, :mod:`.fastcsv`) or 'python' (row by row)."""


def find_columns(
    header: Sequence[Any], fields: Sequence[Field], mapping: Mapping[str, str]
) -> tuple[dict[str, int], list[str]]:
    """Field name → column for the fields this header row holds, and the required fields it lacks."""
    keys = [header_key(h) for h in header]
    found: dict[str, int] = {}
    for f in fields:
        wanted = [header_key(mapping[f.name])] if f.name in mapping else [header_key(h) for h in f.headers]
        for w in wanted:
            if w in keys and keys.index(w) not in found.values():
                found[f.name] = keys.index(w)
                break
    missing = [f.name for f in fields if f.required and f.name not in found]
    return found, missing


def _locate_header(
    first: list[tuple[int, Sequence[Any]]], fields: Sequence[Field], mapping: Mapping[str, str]
) -> tuple[int, dict[str, int], list[str]] | tuple[None, dict[str, int], list[str]]:
    best: tuple[dict[str, int], list[str]] = ({}, [f.name for f in fields if f.required])
    for row, values in first:
        cols, missing = find_columns(values, fields, mapping)
        if not missing:
            return row, cols, missing
        if len(cols) > len(best[0]):
            best = (cols, missing)
    return None, best[0], best[1]


def _missing_reason(what: str, missing: Sequence[str], fields: Sequence[Field], mapping: Mapping[str, str]) -> str:
    parts = []
    for f in fields:
        if f.name in missing:
            names = [mapping[f.name]] if f.name in mapping else list(f.headers[:4])
            parts.append(f"{f.describe or f.name} (a column headed {' or '.join(repr(n) for n in names)})")
    return (
        f"{what}: no header row in the first {HEADER_SEARCH_ROWS} rows names {'; '.join(parts)}; "
        f'name the column with --column {missing[0]}="Your header"'
    )


def _table(
    file: str,
    sheet: str,
    rows: Iterator[tuple[int, Sequence[Any]]],
    fields: Sequence[Field],
    mapping: Mapping[str, str],
    problems: list[Problem],
) -> Table | None:
    first: list[tuple[int, Sequence[Any]]] = []
    for item in rows:
        first.append(item)
        if len(first) >= HEADER_SEARCH_ROWS:
            break
    if not first:
        return None
    header_row, cols, missing = _locate_header(first, fields, mapping)
    if header_row is None:
        where = f"the sheet '{sheet}'" if sheet else "this file"
        problems.append(
            NO_HEADER(file=file, sheet=sheet, what=_missing_reason(f"{where} was not read", missing, fields, mapping))
        )
        return None
    header = next(v for r, v in first if r == header_row)

    def rest() -> Iterator[tuple[int, Sequence[Any]]]:
        yield from ((r, v) for r, v in first if r > header_row)
        yield from rows

    return Table(file, sheet, header_row, cols, [str(h) for h in header], rest())


def _grid_rows(grid: list[list[Any]]) -> Iterator[tuple[int, Sequence[Any]]]:
    return ((i, row) for i, row in enumerate(grid, start=1))


def read_tables(
    path: Path,
    fields: Sequence[Field],
    problems: list[Problem],
    mapping: Mapping[str, str] | None = None,
    seen: dict[str, str] | None = None,
) -> Source:
    """The tables in ``path`` (each visible sheet of a workbook that has the fields; a CSV file's one table).

    ``seen`` (SHA-256 → file name) makes a second copy of a file already read a problem, not a second count.
    """
    mapping = mapping or {}
    name = path.name
    source = Source(path, name)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"):
        from socialvalue.intake.workbook import open_workbook, read_grid

        opened = open_workbook(path, problems, name, DATA_LIMITS)
        source.sha256 = opened.sha256
        if opened.wb is None or _seen_before(source, seen, problems):
            return source
        for sheet in opened.wb.sheet_names:
            grid = read_grid(opened.wb, name, sheet, problems)
            if grid is None:
                continue
            table = _table(name, sheet, _grid_rows(grid), fields, mapping, problems)
            if table is not None:
                source.tables.append(table)
        return source
    source.sha256 = file_sha256(path)
    if _seen_before(source, seen, problems):
        return source
    found, unreadable = detect_encoding(path, name, option=None)
    if found is None:
        assert unreadable is not None
        problems.append(unreadable)
        return source
    source.encoding = found.encoding
    if found.note is not None:
        problems.append(found.note)
    table = _table(name, "", csv_rows(path, found.encoding, name, problems), fields, mapping, problems)
    if table is not None:
        source.tables.append(table)
    return source


def _seen_before(source: Source, seen: dict[str, str] | None, problems: list[Problem]) -> bool:
    if seen is None:
        return False
    first = seen.setdefault(source.sha256, source.name)
    if first == source.name:
        return False
    problems.append(
        DUPLICATE_FILE(
            file=source.name,
            what=f"this file is a copy of {first} (the same SHA-256): its rows were counted once, from {first}",
        )
    )
    return True


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def delimiter_of(line: str) -> str:
    counts = {d: line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def csv_rows(path: Path, encoding: str, name: str, problems: list[Problem]) -> Iterator[tuple[int, Sequence[Any]]]:
    """The records of a CSV file with the line each ends on; a damaged record stops the file with a problem."""
    with path.open(encoding=encoding, newline="") as fh:
        first = fh.readline()
        fh.seek(0)
        reader = csv.reader(fh, delimiter=delimiter_of(first), strict=False)
        try:
            for record in reader:
                yield reader.line_num, record
        except csv.Error as exc:
            problems.append(
                CSV_UNREADABLE(
                    file=name,
                    line=reader.line_num,
                    what=f"reading stopped at this line ({exc}); the rows after it were not read: "
                    "check the file (a stray quote or a very long field) and run again",
                )
            )
