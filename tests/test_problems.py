"""The typed contracts every part shares: problem codes and cell references."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from socialvalue.problems import CellRef, Severity, column_letters, define, registered


@pytest.mark.parametrize(
    ("index", "letters"), [(0, "A"), (25, "Z"), (26, "AA"), (51, "AZ"), (701, "ZZ"), (702, "AAA"), (16383, "XFD")]
)
def test_column_letters(index: int, letters: str) -> None:
    assert column_letters(index) == letters


@given(
    st.text(alphabet=st.characters(blacklist_characters="!\x00", blacklist_categories=("Cs",)), min_size=1),
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
