"""The typed contracts every part shares: problem codes and cell references."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import socialvalue
from socialvalue import catalogue
from socialvalue.problems import (
    READ_BACK,
    CellRef,
    Problem,
    Severity,
    UnregisteredCode,
    column_letters,
    define,
    registered,
)


@pytest.mark.parametrize(
    ("index", "letters"), [(0, "A"), (25, "Z"), (26, "AA"), (51, "AZ"), (701, "ZZ"), (702, "AAA"), (16383, "XFD")]
)
def test_column_letters(index: int, letters: str) -> None:
    assert column_letters(index) == letters


@given(
    st.text(alphabet=st.characters(exclude_characters="!\x00", exclude_categories=["Cs"]), min_size=1),
    st.integers(1, 1_048_576),
    st.integers(0, 16383),
)
def test_cell_reference_survives_its_text(sheet: str, row: int, col: int) -> None:
    ref = CellRef(sheet, row, col)
    assert CellRef.parse(str(ref)) == ref


def test_cell_reference_text() -> None:
    assert str(CellRef("Commitments", 14, 4)) == "Commitments!E14"
    assert str(CellRef("Method statements", 5, 4)) == "'Method statements'!E5"
    assert str(CellRef("O'Brien", 1, 0)) == "'O''Brien'!A1"
    assert CellRef.parse("Commitments!$E$14") == CellRef("Commitments", 14, 4)
    assert CellRef.parse("E14") == CellRef("", 14, 4)
    assert CellRef.parse("14:14") is None


def test_a_code_makes_located_problems_from_its_template() -> None:
    code = define("test-not-a-number", Severity.ERROR, '"{shown}" is not a number: type {example}')
    p = code.at(CellRef("Commitments", 14, 4), file="acme.xlsx", raw="12 apples", shown="12 apples", example="12")
    assert (p.code, p.severity, p.sheet, p.cell, p.raw) == (
        "test-not-a-number",
        Severity.ERROR,
        "Commitments",
        "E14",
        "12 apples",
    )
    assert p.reason == '"12 apples" is not a number: type 12'
    assert p.ref == CellRef("Commitments", 14, 4)
    assert str(p) == 'acme.xlsx Commitments!E14: "12 apples" is not a number: type 12'
    assert registered("test-not-a-number") is code
    assert code(severity=Severity.WARNING, reason="said outright").severity is Severity.WARNING


def test_a_code_cannot_be_defined_twice_differently() -> None:
    define("test-twice", Severity.WARNING, "same")
    define("test-twice", Severity.WARNING, "same")  # importing a module twice is harmless
    with pytest.raises(ValueError, match="defined twice"):
        define("test-twice", Severity.ERROR, "other")


def test_a_problem_with_an_unregistered_code_is_refused_unless_read_back() -> None:
    with pytest.raises(UnregisteredCode, match="'test-never-declared' is not registered"):
        Problem(code="test-never-declared", reason="made by hand")
    # a problem in a results file made by another version is data: read back, not refused
    kept = Problem.model_validate({"code": "test-never-declared", "reason": "from elsewhere"}, context=READ_BACK)
    assert kept.code == "test-never-declared" and kept.kind is None


def test_no_part_makes_a_problem_from_a_bare_code() -> None:
    # every problem is made from its registered code (CODE(...), CODE.at(...)); only problems.py builds one itself
    package = Path(socialvalue.__file__).parent
    bare = [
        f"{path.relative_to(package)}:{node.lineno}"
        for path in sorted(package.rglob("*.py"))
        if path.name != "problems.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and (getattr(node.func, "id", None) == "Problem" or getattr(node.func, "attr", None) == "Problem")
    ]
    assert bare == []


def test_the_problem_codes_page_is_the_registry() -> None:
    page = Path(__file__).parents[1] / "docs" / "problem-codes.md"
    assert page.read_text(encoding="utf-8") == catalogue.markdown(), (
        "docs/problem-codes.md is out of date: python -m socialvalue.catalogue > docs/problem-codes.md"
    )
    codes = catalogue.every_code()
    assert len({c.code for c in codes}) == len(codes) > 150
    for c in codes:
        assert registered(c.code) is not None and c.part.startswith("socialvalue.")
        assert f"| `{c.code}` | {c.severity.value} |" in page.read_text(encoding="utf-8")
