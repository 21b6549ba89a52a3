"""Formulas in answer cells: what they refer to, and whether their saved value may be used.

A workbook stores each formula with the value Excel last calculated. The reader reads that saved
value, never recalculates, so a formula in an answer cell is never used silently (docs/values.md,
"Formulas in answer cells"):

- a formula taking its value from outside the workbook (another workbook ``[1]Prices!$A$1``, a path,
  a DDE link, RTD or WEBSERVICE) is refused: its saved value is whatever that source held when saved;
- a formula that refers back to its own cell, directly or through other formula cells of the
  workbook, or that depends on any circular chain, is refused: Excel cannot calculate it, so the
  saved value is stale;
- a formula whose references cannot be followed (INDIRECT, OFFSET, table references) is refused:
  it could be either of the above;
- any other formula is read as its saved value, with a warning quoting the formula and the value.

References are found in the formula's text (string literals removed) and followed through the
formula cells of every sheet the workbook holds and through defined names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from socialvalue.problems import CellRef, Problem, Severity, define, registered, shorten

FORMULA_EXTERNAL = define(
    "formula-external",
    Severity.ERROR,
    "the cell holds the formula ={formula}, which takes its value from outside this workbook ({source}): its saved "
    "value {saved} was not counted; type the value itself",
)
FORMULA_CIRCULAR = define(
    "formula-circular",
    Severity.ERROR,
    "the cell holds the formula ={formula}, which is circular ({chain}): Excel cannot calculate it, so its saved "
    "value {saved} was not counted; type the value itself",
)
FORMULA_UNFOLLOWABLE = define(
    "formula-unfollowable",
    Severity.ERROR,
    "the cell holds the formula ={formula}, which uses {what}: the tool cannot tell what it refers to (it could be "
    "another workbook or the cell itself), so its saved value {saved} was not counted; type the value itself",
)
FORMULA_IN_INPUT = define(
    "formula-in-input",
    Severity.WARNING,
    "the cell holds the formula ={formula}: its saved value {saved} was read as the answer (the tool reads what "
    "Excel saved and never recalculates); check it, or type the value itself",
)

MAX_STEPS = 100_000
"""Most formula cells and range checks one verdict may visit before the formula counts as unfollowable."""

_TOKEN = re.compile(
    r"""
      (?P<string>"(?:[^"]|"")*"?)
    | (?P<prefix>(?:'(?:[^']|'')*'|\[[^\]]*\][\w.]*|[A-Za-z_\\][\w.]*(?::[A-Za-z_\\][\w.]*)?)!)
    | (?P<cell>\$?[A-Za-z]{1,3}\$?\d{1,7}(?::\$?[A-Za-z]{1,3}\$?\d{1,7})?)(?![\w(.!\[])
    | (?P<cols>\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3})(?![\w(.!\[])
    | (?P<rows>\$?\d{1,7}:\$?\d{1,7})(?![\w(.!\[:])
    | (?P<name>[A-Za-z_\\][\w.\\?]*)(?P<call>\s*\()?
    | (?P<bracket>\[)
    | (?P<link>\|)
    | (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)
    """,
    re.X,
)
_PART = re.compile(r"(\$?)([A-Za-z]{1,3})?(\$?)(\d{1,7})?")
_EXTERNAL_FUNCTIONS = frozenset({"RTD", "WEBSERVICE", "CALL", "REGISTER.ID", "SQL.REQUEST"})
_UNFOLLOWABLE_FUNCTIONS = frozenset({"INDIRECT", "OFFSET"})
_BOOLEANS = frozenset({"TRUE", "FALSE"})
MAX_ROW, MAX_COL = 1_048_576, 16_384


def column_number(letters: str) -> int:
    """0-based column of ``letters`` (A → 0)."""
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number - 1


@dataclass(frozen=True)
class Area:
    """Cells ``row0..row1`` (1-based) × ``col0..col1`` (0-based) on ``sheets`` (None: the formula's own sheet)."""

    sheets: tuple[str, ...] | None
    row0: int
    col0: int
    row1: int
    col1: int

    def holds(self, row: int, col: int) -> bool:
        return self.row0 <= row <= self.row1 and self.col0 <= col <= self.col1


@dataclass(frozen=True)
class Parsed:
    """What one formula's text refers to."""

    areas: tuple[Area, ...] = ()
    names: tuple[tuple[str | None, str], ...] = ()
    """Defined names used (the sheet they were qualified with, or None; the name)."""
    external: str = ""
    """The first reference to something outside the workbook, as written (empty if none)."""
    unfollowable: str = ""
    """What makes the references impossible to follow (empty if nothing)."""


def _sheet_of(prefix: str) -> tuple[str, bool]:
    """(sheet text without quotes or '!', whether it names something outside the workbook)."""
    text = prefix[:-1]
    if text.startswith("'"):
        text = text[1:-1].replace("''", "'")
    # Excel forbids [ ] \ / in sheet names: any of them means another workbook, a path or a web address
    return text, any(ch in text for ch in "[]\\/")


def _bounds(text: str) -> tuple[int, int, int, int]:
    """(row0, col0, row1, col1) of ``A1``, ``A1:B2``, ``A:C`` or ``1:3`` (open ends are the sheet's edges)."""
    ends = text.split(":")
    rows, cols = [], []
    for end in ends:
        found = _PART.fullmatch(end)
        assert found is not None  # the token pattern only lets these through
        cols.append(column_number(found.group(2)) if found.group(2) else None)
        rows.append(int(found.group(4)) if found.group(4) else None)
    first, last = (0, -1) if len(ends) == 2 else (0, 0)
    top, bottom = rows[first], rows[last]
    row0 = top if top is not None else 1
    row1 = bottom if bottom is not None else MAX_ROW
    left, right = cols[first], cols[last]
    col0 = left if left is not None else 0
    col1 = right if right is not None else MAX_COL - 1
    return min(row0, row1), min(col0, col1), max(row0, row1), max(col0, col1)


def parse(formula: str, sheet_order: tuple[str, ...] = ()) -> Parsed:
    """The references in ``formula`` (its text as stored, without ``=``)."""
    areas: list[Area] = []
    names: list[tuple[str | None, str]] = []
    external = unfollowable = ""
    prefix: tuple[str, ...] | None = None
    prefix_end = -1
    for token in _TOKEN.finditer(formula):
        kind = token.lastgroup if token.lastgroup != "call" else "name"
        sheets = prefix if token.start() == prefix_end else None
        if kind == "prefix":
            text, outside = _sheet_of(token.group())
            if outside or text.startswith("["):
                external = external or token.group()
            first, _, last = text.partition(":")
            if last and first in sheet_order and last in sheet_order:  # a 3-D reference: every sheet between
                i, j = sorted((sheet_order.index(first), sheet_order.index(last)))
                prefix = sheet_order[i : j + 1]
            else:
                prefix = (first, last) if last else (first,)
            prefix_end = token.end()
        elif kind in ("cell", "cols", "rows"):
            areas.append(Area(sheets, *_bounds(token.group(kind).replace("$", ""))))
        elif kind == "name":
            word = token.group("name")
            upper = word.upper().removeprefix("_XLFN.").removeprefix("_XLWS.")
            if token.group("call"):
                if upper in _EXTERNAL_FUNCTIONS or upper.startswith("_XLL."):
                    external = external or f"{word}()"
                elif upper in _UNFOLLOWABLE_FUNCTIONS:
                    unfollowable = unfollowable or upper
            elif formula[token.end() : token.end() + 1] == "[":
                unfollowable = unfollowable or f"the table reference {word}[…]"
            elif upper not in _BOOLEANS:
                names.append((sheets[0] if sheets else None, word))
        elif kind == "bracket":
            unfollowable = unfollowable or "a table reference […]"
        elif kind == "link":
            external = external or "a DDE link (|)"
    return Parsed(tuple(areas), tuple(names), external, unfollowable)


def shift(formula: str, rows: int, cols: int) -> str:
    """``formula`` as copied ``rows`` down and ``cols`` right (a shared formula's other cells): relative
    references move, ``$``-anchored parts stay; a reference moved off the sheet becomes ``#REF!``."""

    def moved(ref: str) -> str:
        out = []
        for end in ref.split(":"):
            found = _PART.fullmatch(end)
            if found is None:
                return ref
            col_anchor, letters, row_anchor, digits = found.groups()
            text = ""
            if letters:
                col = column_number(letters) + (0 if col_anchor else cols)
                if not 0 <= col < MAX_COL:
                    return "#REF!"
                text += col_anchor + CellRef("", 1, col).a1[:-1]
            if digits:
                row = int(digits) + (0 if row_anchor else rows)
                if not 1 <= row <= MAX_ROW:
                    return "#REF!"
                text += row_anchor + str(row)
            out.append(text)
        return ":".join(out)

    parts: list[str] = []
    last = 0
    for token in _TOKEN.finditer(formula):
        kind = token.lastgroup
        if kind in ("cell", "cols", "rows"):
            parts += (formula[last : token.start(kind)], moved(token.group(kind)))
            last = token.end(kind)
    return "".join(parts) + formula[last:]


class FormulaBook(Protocol):
    """What the verdict needs of a workbook: its formula cells, sheet order and defined names."""

    @property
    def sheet_order(self) -> tuple[str, ...]: ...

    def defined_name(self, name: str, sheet: str) -> str | None:
        """The formula a defined name stands for, as seen from ``sheet`` (None when there is no such name)."""

    def formula_at(self, sheet: str, row: int, col: int) -> tuple[str, CellRef] | None:
        """The formula in a cell and the cell holding it (an array formula's first cell), or None."""

    def formula_cells(self, sheet: str) -> list[CellRef]:
        """Every cell of ``sheet`` that holds a formula (an array formula: its first cell)."""


@dataclass(frozen=True)
class Verdict:
    """Whether a formula's saved value may be used: ``code`` with the fields its message needs."""

    code: str
    formula: str
    fields: dict[str, str]

    @property
    def refused(self) -> bool:
        return self.code != FORMULA_IN_INPUT.code


class _Search:
    """Depth-first walk from one formula cell through every formula cell it depends on."""

    def __init__(self, book: FormulaBook) -> None:
        self.book = book
        self.steps = 0
        self.state: dict[CellRef, int] = {}  # 1: on the current path, 2: finished
        self.path: list[CellRef] = []

    def _targets(self, cell: CellRef, formula: str) -> tuple[list[CellRef], Verdict | None]:
        parsed = parse(formula, self.book.sheet_order)
        if parsed.external:
            return [], Verdict(FORMULA_EXTERNAL.code, formula, {"source": parsed.external, "at": str(cell)})
        if parsed.unfollowable:
            return [], Verdict(FORMULA_UNFOLLOWABLE.code, formula, {"what": parsed.unfollowable, "at": str(cell)})
        found: list[CellRef] = []
        areas = list(parsed.areas)
        for qualifier, name in parsed.names:
            meaning = self.book.defined_name(name, qualifier or cell.sheet)
            if meaning is None:
                continue
            named = parse(meaning, self.book.sheet_order)
            if named.external:
                source = f"{named.external} (the name {name})"
                return [], Verdict(FORMULA_EXTERNAL.code, formula, {"source": source, "at": str(cell)})
            if named.unfollowable or named.names:
                what = named.unfollowable or f"the name {name}, defined by other names"
                return [], Verdict(FORMULA_UNFOLLOWABLE.code, formula, {"what": what, "at": str(cell)})
            areas += named.areas
        for area in areas:
            for sheet in area.sheets or (cell.sheet,):
                if area.row0 == area.row1 and area.col0 == area.col1:
                    hit = self.book.formula_at(sheet, area.row0, area.col0)
                    found += [hit[1]] if hit else []
                    continue
                cells = self.book.formula_cells(sheet)
                self.steps += len(cells)
                found += [c for c in cells if area.holds(c.row, c.col)]
        return found, None

    def visit(self, cell: CellRef) -> Verdict | None:
        """The verdict on ``cell`` and everything it depends on; None when nothing is wrong."""
        self.steps += 1
        if self.steps > MAX_STEPS:
            return Verdict(FORMULA_UNFOLLOWABLE.code, "", {"what": f"more than {MAX_STEPS:,} formula cells in a chain"})
        held = self.book.formula_at(cell.sheet, cell.row, cell.col)
        if held is None:
            return None
        self.state[cell] = 1
        self.path.append(cell)
        targets, verdict = self._targets(cell, held[0])
        for target in targets:
            if verdict is not None:
                break
            seen = self.state.get(target)
            if seen == 1:
                loop = [*self.path[self.path.index(target) :], target]
                verdict = Verdict(FORMULA_CIRCULAR.code, "", {"chain": " → ".join(str(c) for c in loop)})
            elif seen is None:
                verdict = self.visit(target)
        self.path.pop()
        self.state[cell] = 2
        return verdict


def judge(book: FormulaBook, sheet: str, row: int, col: int) -> Verdict | None:
    """The verdict on the formula in one answer cell (None when the cell holds no formula)."""
    held = book.formula_at(sheet, row, col)
    if held is None:
        return None
    formula, anchor = held
    found = _Search(book).visit(anchor)
    if found is None:
        return Verdict(FORMULA_IN_INPUT.code, formula, {})
    fields = dict(found.fields)
    at = fields.pop("at", "")
    if at and at != str(anchor):  # found further along: say where
        key = "source" if found.code == FORMULA_EXTERNAL.code else "what"
        fields[key] += f" in {at}"
    if found.code == FORMULA_CIRCULAR.code and not fields["chain"].startswith(str(anchor)):
        fields["chain"] = f"it depends on the circular chain {fields['chain']}"
    return Verdict(found.code, formula, fields)


def _shown(saved: object) -> str:
    if saved is None or saved == "":
        return "(none)"
    if isinstance(saved, float) and saved.is_integer():
        return f"{int(saved):,}"
    if isinstance(saved, int | float) and not isinstance(saved, bool):
        return f"{saved:,}"
    return repr(shorten(str(saved), 40))


def formula_problem(book: FormulaBook, file: str, sheet: str, row: int, col: int, saved: object) -> Problem | None:
    """The problem to report for a formula in an answer cell (``row`` 1-based, ``col`` 0-based; ``saved``
    is the value the reader read), or None when the cell holds no formula."""
    verdict = judge(book, sheet, row, col)
    if verdict is None:
        return None
    code = registered(verdict.code)
    assert code is not None  # the verdicts' codes are defined above
    return code.at(
        CellRef(sheet, row, col), file=file, raw=f"={verdict.formula}", formula=shorten(verdict.formula, 120),
        saved=_shown(saved), **verdict.fields,
    )  # fmt: skip
