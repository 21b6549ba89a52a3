"""Payment rows from spend files, read into columns: organisation, date, supplier, amount, and where each came from.

Every data row below the header ends up in the columns, including blank rows and rows whose amount cannot
be read (their ``status`` says so), so the categories later add up to the rows read. Values are read by the
documented rules of :mod:`socialvalue.intake.values`; a rule applied to many cells is one note per file.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from socialvalue.intake.values import is_blank, read_amount, read_date
from socialvalue.problems import Problem, Severity, define

from .register import supplier_id_text
from .tables import Field, Source, Table, read_tables

if TYPE_CHECKING:
    import duckdb

K = TypeVar("K")

SPEND_FIELDS = (
    Field(
        "organisation",
        (
            "organisation", "organisation name", "organization", "body", "body name", "council name", "council",
            "authority", "local authority", "icb", "icb name", "trust", "trust name", "entity", "entity name",
            "department family", "department", "expenditure body",
        ),
        describe="the paying organisation",
    ),
    Field(
        "date",
        (
            "payment date", "date paid", "paid date", "date of payment", "transaction date", "date", "payment run date",
            "posting date", "invoice date",
        ),
        describe="the payment date",
    ),
    Field(
        "supplier",
        (
            "supplier", "supplier name", "payee", "payee name", "vendor", "vendor name", "beneficiary", "merchant",
            "merchant name", "creditor", "creditor name", "supplier/payee",
        ),
        required=True,
        describe="the supplier",
    ),
    Field(
        "amount",
        (
            "amount", "amount £", "amount (£)", "amount gbp", "net amount", "amount paid", "payment amount",
            "transaction amount", "value", "value £", "total", "net", "gross amount", "expenditure",
        ),
        required=True,
        describe="the amount paid",
    ),
    Field("supplier_id", ("supplier id", "supplier number", "supplier code", "vendor id", "vendor number", "supplier ref")),
)  # fmt: skip

STATUS_OK, STATUS_BLANK, STATUS_NO_AMOUNT = 0, 1, 2
NO_DAY = -(2**31)
"""``days`` of a row whose date is missing or could not be read."""
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()

AMOUNT_UNREADABLE = define("amount-unreadable", Severity.ERROR, "{why}; this payment is not counted")
NO_AMOUNT = define("no-amount", Severity.ERROR, "this row names a supplier but has no amount; it is not counted")
DATE_UNREADABLE = define("date-unreadable", Severity.WARNING, "{why}; the payment is counted, under month 'unknown'")
NO_DATE = define("no-date", Severity.WARNING, "this payment has no date; it is counted, under month 'unknown'")
READ_BY_RULE = define(
    "read-by-rule", Severity.INFO, "{count:,} {what} written as text were read by the documented rules, e.g. {example}"
)
NO_DATE_COLUMN = define(
    "no-date-column",
    Severity.WARNING,
    "no column gives the payment date: every payment is counted under month 'unknown'; "
    'name the column with --column date="Header"',
)
NO_ORGANISATION_COLUMN = define(
    "no-organisation-column",
    Severity.INFO,
    "no column names the paying organisation: its payments are taken as made by '{name}' (the file name); "
    'name the column with --column organisation="Header"',
)


@dataclass
class Payments:
    """Every payment row read, as columns; ``orgs`` and ``suppliers`` hold the distinct texts the indices point at."""

    sources: list[Source] = field(default_factory=list)
    places: list[tuple[str, str]] = field(default_factory=list)
    """(file, sheet) of each ``place`` index."""
    place: array[int] = field(default_factory=lambda: array("i"))
    row: array[int] = field(default_factory=lambda: array("i"))
    org: array[int] = field(default_factory=lambda: array("i"))
    supplier: array[int] = field(default_factory=lambda: array("i"))
    """Index into ``suppliers``; -1 when the supplier cell is blank."""
    days: array[int] = field(default_factory=lambda: array("i"))
    """Days since 1970-01-01, or :data:`NO_DAY`."""
    amount: array[float] = field(default_factory=lambda: array("d"))
    """0.0 where ``status`` is not OK."""
    status: array[int] = field(default_factory=lambda: array("b"))
    orgs: list[str] = field(default_factory=list)
    suppliers: list[tuple[str, str]] = field(default_factory=list)
    """(name as written, supplier id or '') of each supplier index."""
    raw: dict[int, tuple[str, str]] = field(default_factory=dict)
    """Row index → (raw amount, raw date) as found, for rows whose amount or date could not be read."""

    def __len__(self) -> int:
        return len(self.status)


class Interner(Generic[K]):
    """Distinct values, each given the index of its first appearance."""

    def __init__(self, values: list[K]) -> None:
        self.values = values
        self.index: dict[K, int] = {}

    def __call__(self, value: K) -> int:
        found = self.index.get(value)
        if found is None:
            found = self.index[value] = len(self.values)
            self.values.append(value)
        return found


@dataclass
class Tally:
    """One note per file and rule: how many cells a rule was applied to, and the first example."""

    counts: dict[tuple[str, str], list[Any]] = field(default_factory=dict)
    rules: dict[str, str] = field(default_factory=dict)
    """Note → the rule part of it (``' (decimal comma)'``), worked out once per distinct note."""

    def add(self, what: str, note: str, table: Table, row: int, col: int) -> None:
        rule = self.rules.get(note)
        if rule is None:
            rule = self.rules[note] = note[note.find(" (") :] if " (" in note else ""
        entry = self.counts.get((what, rule))
        if entry is None:
            entry = self.counts[(what, rule)] = [0, f"{where(table, row, col)}: {note}"]
        entry[0] += 1

    def merge(self, what: str, rule: str, count: int, example: str) -> None:
        """``count`` cells read by one rule, counted elsewhere (by DuckDB); ``example`` is the first of them."""
        entry = self.counts.get((what, rule))
        if entry is None:
            self.counts[(what, rule)] = [count, example]
        else:
            entry[0] += count

    def flush(self, file: str, problems: list[Problem]) -> None:
        for (what, _), (count, example) in self.counts.items():
            problems.append(READ_BY_RULE(file=file, count=count, what=what, example=example))
        self.counts.clear()


def cell_text(raw: Any) -> str:
    """Text as compared and shown: spaces trimmed and runs of spaces made one."""
    if isinstance(raw, str):
        return " ".join(raw.split())
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return "" if raw is None else str(raw)


def read_payments(
    paths: Sequence[Path],
    problems: list[Problem],
    mapping: Mapping[str, str] | None = None,
    progress: Callable[[int], None] | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> Payments:
    """Read every payment row of ``paths`` (xlsx or CSV, several sheets each) into columns.

    Given a DuckDB connection, a clean CSV file is read by DuckDB (:mod:`.fastcsv`); any other file, and a CSV
    file DuckDB cannot read exactly as the rules here would, row by row in Python."""
    from .fastcsv import read_fast

    out = Payments()
    seen: dict[str, str] = {}
    interners = Interner(out.orgs), Interner(out.suppliers)
    for path in paths:
        source = read_tables(path, SPEND_FIELDS, problems, mapping, seen)
        out.sources.append(source)
        tally = Tally()
        for table in source.tables:
            place, fixed_org = _begin(table, path, out, interners[0], problems)
            reading = Reading(out, place, fixed_org, *interners, problems, tally, progress)
            fast = con is not None and read_fast(con, table, source, reading)
            if not fast:
                _read_table(table, reading)
            source.read_by = "duckdb" if fast else "python"
        tally.flush(source.name, problems)
    return out


def _begin(table: Table, path: Path, out: Payments, org_of: Interner[str], problems: list[Problem]) -> tuple[int, int]:
    """What a table's columns say before its rows are read: (its place index, the organisation of every row or -1)."""
    fixed_org = -1
    if "organisation" not in table.columns:
        fixed_org = org_of(path.stem)
        problems.append(NO_ORGANISATION_COLUMN(file=table.file, sheet=table.sheet, name=path.stem))
    if "date" not in table.columns:
        problems.append(NO_DATE_COLUMN(file=table.file, sheet=table.sheet))
    out.places.append((table.file, table.sheet))
    return len(out.places) - 1, fixed_org


@dataclass
class Reading:
    """One table being read: where its rows go (``out``, under ``place``), and what is found on the way."""

    out: Payments
    place: int
    fixed_org: int
    """The organisation of every row (a file with no organisation column), or -1."""
    org_of: Interner[str]
    supplier_of: Interner[tuple[str, str]]
    problems: list[Problem]
    tally: Tally
    progress: Callable[[int], None] | None


def _read_table(table: Table, reading: Reading) -> None:
    cols = table.columns
    oi, di, si, ai = cols.get("organisation"), cols.get("date"), cols["supplier"], cols["amount"]
    ii = cols.get("supplier_id")
    out, place, fixed_org, problems, tally, progress = (
        reading.out, reading.place, reading.fixed_org, reading.problems, reading.tally, reading.progress,
    )  # fmt: skip
    org_of, supplier_of = reading.org_of, reading.supplier_of
    width = max(c for c in (oi, di, si, ai, ii) if c is not None) + 1
    date_cache: dict[Any, Any] = {}
    org_cache: dict[Any, int] = {}
    sup_cache: dict[Any, int] = {}
    place_a, row_a, org_a, sup_a = out.place, out.row, out.org, out.supplier
    days_a, amount_a, status_a = out.days, out.amount, out.status
    count = 0
    for rownum, values in table.rows:
        if len(values) < width:
            values = [*values, *[""] * (width - len(values))]
        count += 1
        if progress is not None and count % 10_000 == 0:
            progress(10_000)
        index = len(status_a)
        place_a.append(place)
        row_a.append(rownum)
        if oi is None:
            org_a.append(fixed_org)
        else:
            org_raw = values[oi]
            found = org_cache.get(org_raw)
            if found is None:
                found = org_cache[org_raw] = org_of(cell_text(org_raw))
            org_a.append(found)
        sup_raw = values[si]
        sup_key = sup_raw if ii is None else (sup_raw, values[ii])
        found = sup_cache.get(sup_key)
        if found is None:
            if is_blank(sup_raw):
                found = -1
            else:
                sid = "" if ii is None else supplier_id_text(values[ii])
                found = supplier_of((cell_text(sup_raw), sid))
            sup_cache[sup_key] = found
        sup_a.append(found)

        raw_amount = values[ai]
        if type(raw_amount) is float:
            amount: float | None = raw_amount
        else:
            got = read_amount(raw_amount)
            amount = got.value
            if got.issue is not None:
                problems.append(
                    table.problem_at(AMOUNT_UNREADABLE, rownum, "amount", raw=raw_amount, why=got.issue.reason)
                )
            elif got.note:
                tally.add("amounts", got.note, table, rownum, ai)

        raw_date = values[di] if di is not None else None
        cached = date_cache.get(raw_date) if type(raw_date) is not float else None
        if cached is None:
            got_date = read_date(raw_date)
            cached = (NO_DAY if got_date.value is None else got_date.value.toordinal() - EPOCH_ORDINAL, got_date)
            if type(raw_date) is not float:
                date_cache[raw_date] = cached
        days_a.append(cached[0])
        got_date = cached[1]

        if amount is None:
            blank = all(is_blank(v) for v in values)
            status_a.append(STATUS_BLANK if blank else STATUS_NO_AMOUNT)
            amount_a.append(0.0)
            if not blank:
                out.raw[index] = (cell_text(raw_amount), cell_text(raw_date))
                if is_blank(raw_amount):
                    problems.append(table.problem_at(NO_AMOUNT, rownum, "amount"))
            continue
        status_a.append(STATUS_OK)
        amount_a.append(amount)
        if got_date.issue is not None:
            out.raw[index] = (cell_text(raw_amount), cell_text(raw_date))
            problems.append(table.problem_at(DATE_UNREADABLE, rownum, "date", raw=raw_date, why=got_date.issue.reason))
        elif got_date.value is None and di is not None:
            problems.append(table.problem_at(NO_DATE, rownum, "date"))
        elif got_date.note:
            tally.add("dates", got_date.note, table, rownum, di or 0)
    if progress is not None:
        progress(count % 10_000)


def where(table: Table, row: int, col: int) -> str:
    from socialvalue.problems import CellRef

    return str(CellRef(table.sheet, row, col)) if table.sheet else f"line {row}"
