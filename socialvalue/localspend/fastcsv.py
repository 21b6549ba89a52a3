"""Clean CSV spend files read by DuckDB, to the same columns, problems and notes as the row-by-row reader.

A published spend file is mostly the same few shapes a million times over: plain amounts (``1234.56``), amounts
with a £ sign, thousands commas or accounting brackets, day-first dates. DuckDB reads the file and the rows are
worked out column by column:

- an amount of one of those shapes (:data:`SHAPES`) is converted in SQL. The rule behind each shape is the one
  :func:`~socialvalue.intake.values.read_amount` applies: its note is asked of it on the shape's first row, and
  its value there must be SQL's, or the whole file is read row by row instead;
- every other amount, and every date, organisation and supplier, is read by the documented rules in Python once
  per distinct text, and joined back to its rows;
- the few rows that need a problem of their own (an unreadable amount or date, a blank row) get the same problem
  as the row-by-row reader gives, in the same order, and the notes count the same cells.

A file is clean when it is UTF-8 and DuckDB's reading agrees line for line with Python's CSV reader: one record
per line (no blank lines, no line breaks inside quotes), no record wider than the header row, no field longer
than Python's CSV reader takes. Any other file is read row by row (:func:`.spend.read_payments`).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socialvalue.bid import LARGEST
from socialvalue.intake.values import is_blank, read_amount, read_date
from socialvalue.problems import Problem

from .directory import GLOB
from .register import supplier_id_text
from .spend import (
    AMOUNT_UNREADABLE,
    DATE_UNREADABLE,
    EPOCH_ORDINAL,
    NO_AMOUNT,
    NO_DATE,
    NO_DAY,
    STATUS_BLANK,
    STATUS_NO_AMOUNT,
    Payments,
    Reading,
    Tally,
    cell_text,
    where,
)
from .tables import Source, Table, delimiter_of

if TYPE_CHECKING:
    import duckdb

SHAPES = (
    ("plain", r"-?[0-9]+(\.[0-9]+)?"),
    ("pound", r"£[0-9]+(\.[0-9]+)?"),
    ("pound-thousands", r"£[1-9][0-9]{0,2}(,[0-9]{3})+(\.[0-9]+)?"),
    ("thousands", r"[1-9][0-9]{0,2}(,[0-9]{3})+(\.[0-9]+)?"),
    ("brackets", r"\([0-9]+(\.[0-9]+)?\)"),
    ("brackets-pound", r"\(£[0-9]+(\.[0-9]+)?\)"),
    ("brackets-pound-thousands", r"\(£[1-9][0-9]{0,2}(,[0-9]{3})+(\.[0-9]+)?\)"),
    ("brackets-thousands", r"\([1-9][0-9]{0,2}(,[0-9]{3})+(\.[0-9]+)?\)"),
)
"""Amount shapes converted in SQL: £, commas and brackets dropped; brackets make it negative (a credit)."""
BRACKETS = 4
"""Shapes from this index on are in brackets."""
MAX_NUMBER_TEXT = 100
"""Longer text is never a number to the value rules; it is left to them."""
CSV_FIELD_LIMIT = csv.field_size_limit()
"""A longer field stops Python's CSV reader (with a problem): such a file is left to it."""
DATE_NOTE, DATE_ISSUE, DATE_NONE = 1, 2, 3


@dataclass
class _Cols:
    """The spend table's columns as SQL expressions over ``spend_raw`` ('' where the file has no such column)."""

    organisation: str
    date: str
    supplier: str
    amount: str
    has_date: bool


def _lines(path: Path) -> int:
    """Physical lines in the file (a last line without a line break counts)."""
    count, last = 0, b"\n"
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 22), b""):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (last != b"\n")


def read_fast(con: duckdb.DuckDBPyConnection, table: Table, source: Source, reading: Reading) -> bool:
    """Read one CSV table with DuckDB into ``out``; False, with nothing changed, when the file is not clean."""
    import duckdb

    if source.encoding not in ("utf-8", "utf-8-sig") or table.sheet or GLOB.search(str(source.path)):
        return False  # (a name DuckDB would read as a pattern is read row by row)
    width = len(table.headers)
    with source.path.open(encoding=source.encoding, newline="") as fh:
        delimiter = delimiter_of(fh.readline())
    quoted = str(source.path).replace("'", "''")
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
    longest = "greatest(" + ", ".join(f"coalesce(length(c{i}), 0)" for i in range(width)) + ", 0)"
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE spend_raw AS SELECT * FROM read_csv('{quoted}', header = false, "
            f"skip = {table.header_row}, delim = $delim, quote = '\"', escape = '\"', auto_detect = false, "
            f"columns = {{{columns}}}, null_padding = true, parallel = false)",
            {"delim": delimiter},
        )
        found = con.execute(f"SELECT count(*), coalesce(max({longest}), 0) FROM spend_raw").fetchone()
    except duckdb.Error:
        return False  # a record wider than the header row, a stray quote: the row-by-row reader says what it finds
    rows, longest_field = found or (0, 0)
    if rows != _lines(source.path) - table.header_row or longest_field > CSV_FIELD_LIMIT:
        return False

    def col(name: str) -> str:
        index = table.columns.get(name)
        return f"coalesce(c{index}, '')" if index is not None else "''"

    cols = _Cols(col("organisation"), col("date"), col("supplier") + " || chr(31) || " + col("supplier_id"),
                 col("amount"), "date" in table.columns)  # fmt: skip
    shapes = _shapes(con, cols.amount)
    if shapes is None:
        return False
    _read(con, table, cols, reading, shapes)
    if reading.progress is not None:
        reading.progress(rows)
    return True


def _shapes(con: duckdb.DuckDBPyConnection, amount: str) -> list[tuple[int, str, int, int, str]] | None:
    """(first row, rule, rows, shape, note) of each shape of amount in the file that SQL converts; None when a
    shape's value or note on its first row is not what the value rules give (the file is then read row by row)."""
    cases = " ".join(f"WHEN regexp_full_match(a, '{regex}') THEN {n}" for n, (_, regex) in enumerate(SHAPES))
    # the rules' to read: a zero in brackets (not a credit), and beyond 15 digits written with £ or commas
    theirs = f"(shape >= {BRACKETS} AND value = 0) OR (shape > 0 AND abs(value) >= {LARGEST!r})"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE spend_amount AS SELECT i, a AS raw, "
        f"CASE WHEN {theirs} THEN NULL ELSE shape END AS shape, CASE WHEN {theirs} THEN NULL ELSE value END AS value "
        "FROM ("
        f"SELECT i, a, shape, CASE WHEN shape IS NOT NULL THEN (CASE WHEN shape >= {BRACKETS} THEN -1 ELSE 1 END) "
        f"* CAST(regexp_replace(a, '[£,()]', '', 'g') AS DOUBLE) + 0.0 END AS value FROM ("
        f"SELECT rowid AS i, {amount} AS a, CASE WHEN length({amount}) > {MAX_NUMBER_TEXT} THEN NULL {cases} END "
        f"AS shape FROM spend_raw))"
    )
    found = []
    for shape, count, first, raw, value in con.execute(
        "SELECT shape, count(*), min(i), arg_min(raw, i), arg_min(value, i) FROM spend_amount "
        "WHERE shape IS NOT NULL GROUP BY shape"
    ).fetchall():
        got = read_amount(raw)
        if got.issue is not None or got.value != value or (shape == 0) != (got.note == ""):
            return None
        found.append((first, _rule(got.note), count, shape, got.note))
    return found


def _rule(note: str) -> str:
    """The rule part of a note (``' (removed £)'``), as the tally counts by."""
    return note[note.find(" (") :] if " (" in note else ""


_TYPES = {"raw": "object", "idx": "int32", "i": "int64", "value": "float64", "ok": "bool", "issue": "bool",
          "days": "int32", "flag": "int8"}  # fmt: skip
"""The type of each column of the small tables joined to the rows (an empty column must still have its type)."""


def _register(con: duckdb.DuckDBPyConnection, name: str, columns: dict[str, list[Any]]) -> None:
    import pandas as pd

    con.register(name, pd.DataFrame({k: pd.Series(v, dtype=_TYPES[k]) for k, v in columns.items()}))


def _read(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    cols: _Cols,
    reading: Reading,
    shapes: list[tuple[int, str, int, int, str]],
) -> None:
    """Everything after the checks: nothing here changes its mind, so ``out`` is only ever added to once."""
    import numpy as np

    out, fixed_org, problems = reading.out, reading.fixed_org, reading.problems
    org_of, supplier_of = reading.org_of, reading.supplier_of

    def distinct(expr: str, source: str = "spend_raw", key: str = "rowid", where: str = "") -> list[tuple[Any, ...]]:
        """Each distinct value with its rows and first row, in order of first appearance (as indices are given)."""
        return con.execute(f"SELECT {expr} AS v, count(*), min({key}) FROM {source} {where} GROUP BY v ORDER BY 3").fetchall()  # fmt: skip

    orgs = [(raw, org_of(cell_text(raw))) for raw, _, _ in distinct(cols.organisation)] if fixed_org < 0 else []
    sups = []
    for key, _, _ in distinct(cols.supplier):
        name, _, sid = key.partition("\x1f")
        supplier_id = supplier_id_text(sid) if "supplier_id" in table.columns else ""
        sups.append((key, -1 if is_blank(name) else supplier_of((cell_text(name), supplier_id))))
    others = distinct("raw", "spend_amount", "i", "WHERE shape IS NULL")
    amounts = {raw: read_amount(raw) for raw, _, _ in others}
    dates = {raw: read_date(raw) for raw, _, _ in distinct(cols.date)} if cols.has_date else {}
    _register(con, "map_orgs", {"raw": [r for r, _ in orgs], "idx": [i for _, i in orgs]})
    _register(con, "map_sups", {"raw": [r for r, _ in sups], "idx": [i for _, i in sups]})
    _register(con, "map_amounts", {
        "raw": list(amounts), "value": [0.0 if g.value is None else g.value for g in amounts.values()],
        "ok": [g.value is not None for g in amounts.values()], "issue": [g.issue is not None for g in amounts.values()],
    })  # fmt: skip
    _register(con, "map_dates", {
        "raw": list(dates),
        "days": [NO_DAY if g.value is None else g.value.toordinal() - EPOCH_ORDINAL for g in dates.values()],
        "flag": [DATE_ISSUE if g.issue else DATE_NONE if g.value is None else DATE_NOTE if g.note else 0 for g in dates.values()],
    })  # fmt: skip
    try:
        org = "o.idx" if fixed_org < 0 else str(fixed_org)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE spend_rows AS SELECT r.rowid AS i, {org} AS org, s.idx AS sup, "
            f"{'d.days' if cols.has_date else NO_DAY} AS days, {'d.flag' if cols.has_date else 0} AS dflag, "
            f"CASE WHEN a.shape IS NOT NULL THEN a.value WHEN m.ok THEN m.value END AS value, "
            f"coalesce(m.issue, false) AS issue, a.raw AS amount_raw, {cols.date} AS date_raw "
            f"FROM spend_raw r JOIN spend_amount a ON a.i = r.rowid JOIN map_sups s ON s.raw = {cols.supplier} "
            + (f"JOIN map_orgs o ON o.raw = {cols.organisation} " if fixed_org < 0 else "")
            + (f"JOIN map_dates d ON d.raw = {cols.date} " if cols.has_date else "")
            + "LEFT JOIN map_amounts m ON a.shape IS NULL AND m.raw = a.raw"
        )
    finally:
        for name in ("map_orgs", "map_sups", "map_amounts", "map_dates"):
            con.unregister(name)
    got = con.execute(
        "SELECT org, sup, days, coalesce(value, 0.0) AS amount, value IS NULL AS missing FROM spend_rows ORDER BY i"
    ).fetchnumpy()
    status = np.zeros(len(got["missing"]), np.int8)
    first_line, index0 = table.header_row + 1, len(out.status)
    per_row: list[tuple[int, int, Problem]] = []
    dirty = con.execute(
        "SELECT i, amount_raw, date_raw, issue, value IS NULL, dflag FROM spend_rows "
        f"WHERE issue OR value IS NULL OR dflag IN ({DATE_ISSUE}, {DATE_NONE}) ORDER BY i"
    ).fetchall()
    blank = _blank_rows(con, [r[0] for r in dirty if r[4]], len(table.headers))
    for i, raw_amount, raw_date, issue, missing, dflag in dirty:
        line = first_line + i
        if issue:
            why = amounts[raw_amount].issue
            assert why is not None
            per_row.append((i, 0, table.problem_at(AMOUNT_UNREADABLE, line, "amount", raw=raw_amount, why=why.reason)))
        if missing:
            status[i] = STATUS_BLANK if i in blank else STATUS_NO_AMOUNT
            if i not in blank:
                out.raw[index0 + i] = (cell_text(raw_amount), cell_text(raw_date))
                if is_blank(raw_amount):
                    per_row.append((i, 1, table.problem_at(NO_AMOUNT, line, "amount")))
        elif dflag == DATE_ISSUE:
            out.raw[index0 + i] = (cell_text(raw_amount), cell_text(raw_date))
            why = dates[raw_date].issue
            assert why is not None
            per_row.append((i, 2, table.problem_at(DATE_UNREADABLE, line, "date", raw=raw_date, why=why.reason)))
        elif dflag == DATE_NONE:
            per_row.append((i, 2, table.problem_at(NO_DATE, line, "date")))
    problems.extend(p for _, _, p in sorted(per_row, key=lambda t: (t[0], t[1])))
    _notes(con, table, shapes, others, amounts, dates, reading.tally)
    _append(out, reading.place, first_line, got, status)


def _blank_rows(con: duckdb.DuckDBPyConnection, rows: Sequence[int], width: int) -> set[int]:
    """Which of ``rows`` are blank in every column (as the row-by-row reader judges a blank row)."""
    if not rows:
        return set()
    _register(con, "blank_ask", {"i": list(rows)})
    try:
        found = con.execute(
            f"SELECT r.rowid, {', '.join(f'coalesce(c{i}, {chr(39) * 2})' for i in range(width))} FROM spend_raw r "
            "JOIN blank_ask b ON b.i = r.rowid"
        ).fetchall()
    finally:
        con.unregister("blank_ask")
    return {r[0] for r in found if all(is_blank(v) for v in r[1:])}


def _notes(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    shapes: list[tuple[int, str, int, int, str]],
    others: list[tuple[Any, ...]],
    amounts: dict[str, Any],
    dates: dict[str, Any],
    tally: Tally,
) -> None:
    """One note per rule, counting the cells read by it, with its first example (as the row-by-row reader's)."""
    col = table.columns
    notes = [(first, 0, "amounts", rule, count, note) for first, rule, count, _, note in shapes if note]
    for raw, count, first in others:
        read = amounts[raw]
        if read.issue is None and read.note:
            notes.append((first, 0, "amounts", _rule(read.note), count, read.note))
    if any(read.note and read.issue is None for read in dates.values()):
        for raw, count, first in con.execute(
            f"SELECT date_raw, count(*), min(i) FROM spend_rows WHERE value IS NOT NULL AND dflag = {DATE_NOTE} "
            "GROUP BY date_raw"
        ).fetchall():
            notes.append((first, 1, "dates", _rule(dates[raw].note), count, dates[raw].note))
    first_line = table.header_row + 1
    for first, order, what, rule, count, note in sorted(notes, key=lambda t: (t[0], t[1])):
        column = col["amount"] if order == 0 else col.get("date", 0)
        tally.merge(what, rule, count, f"{where(table, first_line + first, column)}: {note}")


def _append(out: Payments, place: int, first_line: int, got: dict[str, Any], status: Any) -> None:
    import numpy as np

    n = len(status)
    out.place.frombytes(np.full(n, place, np.int32).tobytes())
    out.row.frombytes(np.arange(first_line, first_line + n, dtype=np.int32).tobytes())
    out.org.frombytes(np.asarray(got["org"], np.int32).tobytes())
    out.supplier.frombytes(np.asarray(got["sup"], np.int32).tobytes())
    out.days.frombytes(np.asarray(got["days"], np.int32).tobytes())
    out.amount.frombytes(np.asarray(got["amount"], np.float64).tobytes())
    out.status.frombytes(status.tobytes())
