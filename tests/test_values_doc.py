"""docs/values.md, tested from the document itself: every example row says what the reader does.

The page's example tables are read here, row by row: the first column is what a cell holds, the
last what it is read as. A row may give several cells (`a`, `b` or 12 (a number)); the value or
problem code applies to each, the note and reason (quoting the first cell) to the first. In the
document ``…`` stands for words left out, and ``<U+200B>`` in a cell for that invisible character.
Cells described in words (``a date``) are the values in :data:`DESCRIBED`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from socialvalue.bid import Bid
from socialvalue.intake import values as V
from socialvalue.intake.names import same_supplier
from socialvalue.intake.template_check import find_sheet, renamed
from socialvalue.problems import registered
from socialvalue.rubric import load_rubric
from socialvalue.scoring.plausible import implausible

DOC = Path(__file__).resolve().parents[1] / "docs" / "values.md"

DESCRIBED: dict[str, list[object]] = {
    "empty, or only spaces": ["", "   "],
    "a date": [dt.datetime(2024, 1, 2)],
    "a date and time": [dt.datetime(2024, 1, 2, 9, 5)],
    "a time": [dt.time(9, 5)],
    "a date cell showing 02/01/2024": [dt.datetime(2024, 1, 2)],
    "a time cell showing 12:30": [dt.time(12, 30)],
    "a duration cell showing 36:00:00": [dt.timedelta(hours=36)],
    "text longer than 100 characters": ["12 " * 40],
    "a negative number": [-5.0],
    "a number": [12.0],
    "infinity": [math.inf],
    "NaN": [math.nan],
}
"""The cells the document describes in words, as the reader receives them from python-calamine."""

READERS: dict[str, Callable[[object, str], V.Read[Any]]] = {
    "Quantities": V.read_quantity,
    "Money": lambda raw, _: V.read_money(raw),
    "Percentages": lambda raw, _: V.read_percent(raw),
    "Yes or No": lambda raw, _: V.read_yes_no(raw),
    "Text answers": lambda raw, _: V.read_text(raw),
    "Company and charity numbers": lambda raw, _: V.read_company_number(raw),
    "Postcodes": lambda raw, _: V.read_postcode(raw),
    "Amounts in spend files": lambda raw, _: V.read_amount(raw),
    "Dates": lambda raw, _: V.read_date(raw),
    "Codes, keys and sheet names": lambda raw, _: V.read_code(raw),
}
"""The reader each section (``## heading``) documents."""


@dataclass
class Table:
    section: str
    heading: str
    """The ``###`` heading it is under ('' when none)."""
    header: list[str]
    rows: list[tuple[int, list[str]]]
    """(line number, cells)."""


def _cells(line: str) -> list[str]:
    """A table row's cells: split on | outside code spans."""
    cells, cell, code = [], "", False
    for ch in line.strip().strip("|"):
        if ch == "`":
            code = not code
        if ch == "|" and not code:
            cells.append(cell.strip())
            cell = ""
        else:
            cell += ch
    return [*cells, cell.strip()]


def tables() -> list[Table]:
    out: list[Table] = []
    section = heading = ""
    lines = DOC.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("## "):
            section, heading = line[3:].strip(), ""
        elif line.startswith("### "):
            heading = line[4:].strip()
        elif line.startswith("|") and i + 1 < len(lines) and lines[i + 1].startswith("|---"):
            table = Table(section, heading, _cells(line), [])
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                table.rows.append((i + 1, _cells(lines[i])))
                i += 1
            out.append(table)
            continue
        i += 1
    return out


def _decode(text: str) -> str:
    return re.sub(r"<U\+([0-9A-F]{4,6})>", lambda m: chr(int(m[1], 16)), text)


def cells_of(text: str) -> list[object]:
    """The cells a 'the cell holds' column gives: `text`, numbers, TRUE/FALSE or described cells, with
    comments in brackets; separated by commas, "or" and "/"."""
    if text in DESCRIBED:
        return DESCRIBED[text]
    out: list[object] = []
    rest = text
    while rest:
        rest = rest.lstrip()
        if rest.startswith(("or ", "/ ", ", ", "and ")):
            rest = rest.split(" ", 1)[1] if " " in rest else ""
            continue
        if rest.startswith(","):
            rest = rest[1:]
            continue
        if rest.startswith("("):  # a comment on the cell before
            depth = 0
            for j, ch in enumerate(rest):
                depth += ch == "("
                depth -= ch == ")"
                if depth == 0:
                    rest = rest[j + 1 :]
                    break
            continue
        if rest.startswith("`"):
            end = rest.index("`", 1)
            out.append(_decode(rest[1:end]))
            rest = rest[end + 1 :]
            continue
        word = re.match(r"[^,(/`]+?(?=\s*(?:\(|,|$|\bor\b|/))", rest)
        assert word, f"cannot read the cell description {text!r} at {rest!r}"
        token = word.group(0).strip()
        rest = rest[word.end() :]
        if token in ("TRUE", "FALSE"):
            out.append(token == "TRUE")
        elif token in DESCRIBED:
            out += DESCRIBED[token]
        else:
            try:
                out.append(float(token))
            except ValueError:
                raise AssertionError(f"cannot read the cell {token!r} in {text!r}") from None
    return out


@dataclass
class Expected:
    values: list[str] | None = None
    """What the cell is read as (``**x**``), one per cell or one for all; None for an issue or blank."""
    as_typed: bool = False
    code: str = ""
    reason: str = ""
    note: str | None = None
    """None: the row says nothing about a note."""


def expected_of(text: str) -> Expected:
    if text.startswith("blank"):
        return Expected(values=[])
    if text.startswith("as typed"):
        return Expected(as_typed=True)
    if text.startswith("`"):
        code, rest = text[1:].split("`", 1)
        rest = rest.strip()
        if rest.startswith(":"):
            reason = rest[1:].strip()
        elif ': "' in rest:
            reason = rest[rest.index(': "') + 2 :]
        else:
            reason = ""
        return Expected(code=code, reason=reason)
    found = re.findall(r"\*\*(.*?)\*\*", text.split(";")[0])
    assert found, f"cannot read the expected value {text!r}"
    note = "" if "(no note)" in text else None
    if "; note: " in text:
        note = text.split("; note: ", 1)[1]
    return Expected(values=found, note=note)


def matches(actual: str, pattern: str) -> bool:
    """``actual`` is ``pattern``, where … in the pattern stands for any words left out."""
    pieces = [p.strip() for p in pattern.split("…")]
    if len(pieces) == 1:
        return actual == pattern.strip()
    at = 0
    for k, piece in enumerate(pieces):
        if not piece:
            continue
        found = actual.find(piece, at)
        if found < 0 or (k == 0 and found != 0):
            return False
        at = found + len(piece)
    return not pieces[-1] or actual.endswith(pieces[-1])


def _as_value(section: str, text: str) -> object:
    if section.startswith("Yes or No"):
        return {"Yes": True, "No": False}[text]
    if section.startswith("Dates"):
        return dt.date.fromisoformat(text)
    if section.startswith(("Quantities", "Money", "Percentages", "Amounts")):
        return float(text.replace(",", ""))
    return _decode(text)


def example_rows() -> list[Any]:
    params = []
    for t in tables():
        if t.header[0] != "the cell holds":
            continue
        reader = next((r for name, r in READERS.items() if t.section.startswith(name)), None)
        assert reader is not None, f"docs/values.md: no reader for the section {t.section!r}"
        has_unit = len(t.header) == 3 and t.header[1] == "unit"
        for line, cells in t.rows:
            unit = cells[1] if has_unit else "hour"
            params.append(pytest.param(t.section, reader, unit, cells[0], cells[-1], id=f"line{line}"))
    return params


@pytest.mark.parametrize(("section", "reader", "unit", "holds", "read_as"), example_rows())
def test_each_example_row_is_what_the_reader_does(
    section: str, reader: Callable[[object, str], V.Read[Any]], unit: str, holds: str, read_as: str
) -> None:
    raws = cells_of(holds)
    expected = expected_of(read_as)
    assert raws, holds
    for i, raw in enumerate(raws):
        got = reader(raw, unit)
        where = f"{holds!r} ({raw!r}) in unit {unit}: got {got}"
        if expected.code:
            assert got.issue is not None and got.issue.code == expected.code, where
            if i == 0 and expected.reason:
                assert matches(got.issue.reason, expected.reason), f"{where}; the page says {expected.reason!r}"
            continue
        assert got.issue is None, where
        if expected.as_typed:
            assert got.value == raw.strip() if isinstance(raw, str) else got.value == raw, where
            continue
        assert expected.values is not None
        if not expected.values:
            assert got.value is None and not got.note, where
            continue
        value = expected.values[i] if len(expected.values) == len(raws) else expected.values[0]
        assert got.value == _as_value(section, value), where
        if i == 0 and expected.note is not None and expected.note != "as above":
            assert matches(got.note, expected.note), f"{where}; the page says the note is {expected.note!r}"


def test_the_page_has_examples_for_every_reader() -> None:
    sections = {p.values[0] for p in example_rows()}
    assert {next(s for s in sections if s.startswith(name)) for name in READERS}
    assert len(example_rows()) > 120


def test_the_issue_code_table_is_the_readers_codes() -> None:
    table = next(t for t in tables() if t.section == "Issue codes")
    assert {c[0].strip("`") for _, c in table.rows} == set(V.ISSUE_CODES)


def test_the_problem_code_table_lists_registered_codes() -> None:
    import socialvalue.batch  # noqa: F401  # the parts that define the codes

    table = next(t for t in tables() if t.heading == "Problems across a workbook and a tender")
    for _, (code, severity, _meaning) in table.rows:
        defined = registered(code.strip("`"))
        assert defined is not None, f"{code} is not a registered problem code"
        assert defined.severity.value == severity, code


def _unit_words() -> list[Any]:
    table = next(t for t in tables() if t.header[:2] == ["unit", "words accepted after the number"])
    params = []
    for line, (unit, words) in table.rows:
        if " " in unit or unit == "GBP":  # "any other unit (e.g. points)"; GBP is in the Money examples
            continue
        for word in re.sub(r" \(also ([^)]*)\)", r", \1", words).split(", "):
            forms = [word.replace("(s)", ""), word.replace("(s)", "s")] if "(s)" in word else [word]
            params += [pytest.param(unit, form, id=f"line{line}-{form}") for form in forms]
    return params


@pytest.mark.parametrize(("unit", "word"), _unit_words())
def test_each_unit_word_on_the_page_is_accepted(unit: str, word: str) -> None:
    assert V.read_quantity(f"12 {word}", unit).value == 12.0


def test_sheet_names_as_the_page_says() -> None:
    table = next(t for t in tables() if t.header == ["the workbook has a sheet named", "the Commitments sheet is"])
    assert len(table.rows) >= 6
    for _, (named, found_as) in table.rows:
        names = [str(n) for n in cells_of(named)]
        found = find_sheet(["Instructions", "Supplier", *names, "Gates"], "Commitments")
        if found_as.startswith("missing"):
            assert found is None, named
            continue
        expected = expected_of(found_as)
        assert expected.values is not None
        assert found == _decode(expected.values[0]), named
        if found != "Commitments":
            problem = renamed("bid.xlsx", found, "Commitments")
            warning = expected_of(found_as.split("; ", 1)[1])
            assert problem.code == warning.code
            assert not warning.reason or matches(problem.reason, warning.reason), (problem.reason, warning.reason)


def test_the_plausibility_examples_as_the_page_says() -> None:
    source, _ = load_rubric("hybrid-commitments-plan")
    assert source is not None and source.value_set is not None
    measure = next(m for _, m in source.rubric.measures() if m.code == "LE01")
    unit_value = source.value_set.get("local-employment")
    assert unit_value is not None and unit_value.value_gbp == 20_000
    table = next(t for t in tables() if t.header == ["LE01, FTE-years", "counted"])
    for _, (holds, counted) in table.rows:
        (quantity,) = cells_of(holds)
        assert isinstance(quantity, float)
        why = implausible(measure, quantity, unit_value.value_gbp, 1_500_000, source.rubric.ceiling_pct_of_price)
        expected = expected_of(counted)
        if expected.code:
            problem = f"the commitment to LE01 was not counted: {why}"
            assert why and matches(problem, expected.reason), (problem, expected.reason)
        else:
            assert why == "", why


def test_look_alike_suppliers_as_the_page_says() -> None:
    table = next(t for t in tables() if t.header == ["one bid's supplier", "another bid's supplier", "flagged"])
    for _, (one, other, flagged) in table.rows:
        (a,), (b,) = cells_of(one), cells_of(other)
        bids = [Bid(bid_id=f"{x}.xlsx", file=f"{x}.xlsx", supplier_name=str(n)) for x, n in (("a", a), ("b", b))]
        assert bool(same_supplier(*bids)) is (flagged == "yes"), (a, b)
