"""The DuckDB reader of clean CSV spend files gives what the row-by-row reader gives: the same rows, values,
problems and notes, so the same categories and £; files it cannot read exactly are left to the row-by-row reader."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialvalue.intake.values import read_amount
from socialvalue.localspend.analysis import Options, analyse
from socialvalue.localspend.fastcsv import SHAPES
from socialvalue.localspend.models import Category, Kind
from socialvalue.localspend.places import parse_local_area
from socialvalue.localspend.spend import Payments, read_payments
from socialvalue.problems import Problem

from .test_localspend import DIRTY, LOCAL, files, write_csv

__all__ = ["files"]  # the fixture, shared


def _payments(paths: list[Path], fast: bool) -> tuple[Payments, list[Problem]]:
    problems: list[Problem] = []
    con = duckdb.connect() if fast else None
    try:
        return read_payments(paths, problems, {}, None, con), problems
    finally:
        if con is not None:
            con.close()


def _same(paths: list[Path]) -> list[str]:
    """Read ``paths`` both ways, assert everything read is the same, and say how each file was read."""
    slow, slow_problems = _payments(paths, fast=False)
    fast, fast_problems = _payments(paths, fast=True)
    for name in ("place", "row", "org", "supplier", "days", "amount", "status"):
        assert list(getattr(fast, name)) == list(getattr(slow, name)), name
    assert fast.orgs == slow.orgs and fast.suppliers == slow.suppliers and fast.places == slow.places
    assert fast.raw == slow.raw
    assert [p.model_dump() for p in fast_problems] == [p.model_dump() for p in slow_problems]
    return [s.read_by for s in fast.sources]


def _messy_rows(n: int, seed: int) -> list[tuple[str, ...]]:
    """Rows as councils and trusts publish them: every amount shape, credits, zero, withheld, text dates."""
    rng = random.Random(seed)
    out: list[tuple[str, ...]] = []
    for i in range(n):
        amount = round(rng.lognormvariate(6, 2), 2)
        text = rng.choice([
            f"{amount:.2f}", f"{amount}", f"£{amount:,.2f}", f"£{amount:.2f}", f"{amount:,.2f}", f"({amount:,.2f})",
            f"(£{amount:,.2f})", f"({amount:.2f})", f"-{amount:.2f}", "0", "0.00", "(0.00)", f"£{amount:,.0f}",
        ])  # fmt: skip
        date = rng.choice(["31/07/2024", "2024-07-31", "01/08/2024", "1-Aug-24", "45504", "2024-08-01"])
        supplier = rng.choice(["Local Builders Ltd", "AWAY LTD", "REDACTED", "Stranger Ltd", "Charity Trust"])
        out.append((rng.choice(["Council", "Trust"]), date, f"{supplier}{'' if i % 7 else '  '}", text))
    return out


def test_clean_files_are_read_by_duckdb_to_the_same_rows_values_problems_and_notes(tmp_path: Path) -> None:
    header = ("Organisation", "Payment Date", "Supplier", "Amount")
    a = write_csv(tmp_path / "a.csv", [header, *_messy_rows(3000, 1)])
    b = write_csv(tmp_path / "b.csv", [("Payments over £500",), ("",), header, *_messy_rows(500, 2)])
    assert _same([a, b]) == ["duckdb", "duckdb"]


def test_dirty_rows_give_the_same_problems_both_ways(tmp_path: Path) -> None:
    rows = [("Organisation", "Payment Date", "Supplier Name", "Amount (£)"), *(r[0] for r in DIRTY[:-1])]
    rows += [("Council", "", "Away Ltd", "12"), ("Council", "31/07/2024", "Away Ltd", ""), ("", "", "", "")]
    rows += [("Council", "13/13/2024", "Away Ltd", "1,23,456"), ("Council", "31/07/24", "Away Ltd", "£-5")]
    spend = write_csv(tmp_path / "spend.csv", rows)
    assert _same([spend]) == ["duckdb"]


def test_files_duckdb_cannot_read_line_for_line_are_read_row_by_row(tmp_path: Path) -> None:
    header = ("Organisation", "Payment Date", "Supplier", "Amount")
    blank_line = tmp_path / "blank-line.csv"
    blank_line.write_text("Organisation,Payment Date,Supplier,Amount\nCouncil,31/07/2024,Away Ltd,5\n\nCouncil,31/07/2024,Away Ltd,6\n")  # fmt: skip
    line_break = write_csv(tmp_path / "line-break.csv", [header, ("Council", "31/07/2024", "Away\nLtd", "5")])
    wide = write_csv(tmp_path / "wide.csv", [header, ("Council", "31/07/2024", "Away Ltd", "5", "extra")])
    windows = write_csv(tmp_path / "cp1252.csv", [header, ("Council", "31/07/2024", "Café Ltd", "£5")], "cp1252")
    no_date = write_csv(tmp_path / "no-date.csv", [("Supplier", "Amount"), ("Away Ltd", "5")])
    assert _same([blank_line, line_break, wide, windows]) == ["python"] * 4
    assert _same([no_date]) == ["duckdb"]


def test_analysis_gives_the_same_categories_and_pounds_both_ways(tmp_path: Path, files: dict[str, Path]) -> None:
    spend = write_csv(tmp_path / "spend.csv", [("Organisation", "Payment Date", "Supplier", "Amount"), *_messy_rows(2000, 3)])  # fmt: skip
    results = []
    for fast in (False, True):
        problems: list[Problem] = []
        options = Options(local_area=parse_local_area(LOCAL, problems), duckdb_csv=fast)
        result = analyse([spend], files["register"], files["directory"], options, problems)
        assert result is not None
        results.append(result)
    slow, fast_result = results
    assert [c.model_dump() for c in fast_result.spend] == [c.model_dump() for c in slow.spend]
    assert list(fast_result.set_aside) == list(slow.set_aside)
    assert fast_result.suppliers == slow.suppliers


_SHAPE_TEXT = st.one_of(*(st.from_regex(f"\\A{regex}\\Z", fullmatch=True) for _, regex in SHAPES))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_SHAPE_TEXT, min_size=1, max_size=30))
def test_every_amount_of_a_shape_reads_as_the_value_rules_read_it(texts: list[str]) -> None:
    """For any text of the shapes SQL converts, SQL's value is the rules' value, with one rule per shape."""
    con = duckdb.connect()
    con.execute("CREATE TABLE spend_raw (c0 VARCHAR)")
    con.executemany("INSERT INTO spend_raw VALUES (?)", [(t,) for t in texts])
    from socialvalue.localspend.fastcsv import _shapes

    found = _shapes(con, "coalesce(c0, '')")
    rows: list[Any] = con.execute("SELECT raw, value, shape FROM spend_amount ORDER BY i").fetchall()
    con.close()
    assert found is not None
    rules = {shape: rule for _, rule, _, shape, _ in found}
    for raw, value, shape in rows:
        got = read_amount(raw)
        if shape is None:  # left to the rules (a zero in brackets, text too long)
            continue
        assert got.issue is None and got.value == value, raw
        note = got.note
        assert (note[note.find(" (") :] if " (" in note else "") == rules[shape], raw


@pytest.mark.parametrize("text", ["(0.00)", "(0)", "£01,234.00", "1,23,456", "12,34", "£ 12", " 12.5", "1e5", "nan"])
def test_amounts_of_no_shape_are_left_to_the_rules(text: str) -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE spend_raw (c0 VARCHAR)")
    con.execute("INSERT INTO spend_raw VALUES (?)", [text])
    from socialvalue.localspend.fastcsv import _shapes

    assert _shapes(con, "coalesce(c0, '')") == []
    assert con.execute("SELECT shape FROM spend_amount").fetchall() == [(None,)]
    con.close()


def test_names_duckdb_would_read_as_patterns_are_read_as_the_files_they_are(
    tmp_path: Path, files: dict[str, Path]
) -> None:
    """``spend[1].csv`` is that file, not ``spend1.csv`` (DuckDB's pattern for it); the same for the directory."""
    header = ("Organisation", "Payment Date", "Supplier", "Amount")
    spend = write_csv(tmp_path / "spend[1].csv", [header, ("Council", "31/07/2024", "Local Builders Ltd", "7")])
    write_csv(tmp_path / "spend1.csv", [header, ("Council", "31/07/2024", "Away Ltd", "999")])  # the decoy
    directory = tmp_path / "onspd[1].csv"
    directory.write_bytes(files["directory"].read_bytes())
    write_csv(tmp_path / "onspd1.csv", [("pcd", "oslaua"), ("L3  8EN", "E99999999")])  # the decoy
    problems: list[Problem] = []
    options = Options(local_area=parse_local_area(LOCAL, problems))
    result = analyse([spend], files["register"], directory, options, problems)
    assert result is not None and result.rows_read == 1
    assert result.total(kind=Kind.PAYMENT, category=Category.LOCAL) == (1, 7.0)
    assert not any("read by DuckDB" in n for n in result.notes)  # read row by row
