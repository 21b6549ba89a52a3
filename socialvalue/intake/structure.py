"""What the sheet XML says that the value reader cannot: hidden rows, error cells, formulas with no result.

python-calamine returns ``""`` for an error cell (#DIV/0!, #N/A, …) and for a formula saved without
its computed value, and says nothing of hidden rows. The guard already inflates every sheet part
once to check it, so it hands the bytes here instead of the reader inflating them again.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass, field

_ROW = re.compile(rb"<row\b([^>]*)>")
_HIDDEN = re.compile(rb'\bhidden\s*=\s*["\'](?:1|true)["\']')
_ROW_NUMBER = re.compile(rb'\br\s*=\s*["\'](\d+)["\']')
_ERROR_CELL = re.compile(rb'<c\b([^>]*\bt\s*=\s*["\']e["\'][^>]*)>(?:<f\b[^>]*(?:/>|>.*?</f>))?<v>([^<]*)</v>', re.S)
# a formula cell whose value is absent or empty: <c r="E10"><f>E4*2</f><v></v></c> or ...<f .../></c>
_FORMULA_NO_VALUE = re.compile(rb"<c\b([^>]*)>\s*<f\b[^>]*(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>")
_NO_VALUE_TAIL = re.compile(rb"<f\b[^>]*(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>")
_CELL_REF = re.compile(rb'\br\s*=\s*["\']([A-Z]{1,3}\d+)["\']')
_SHEET = re.compile(r"<sheet\b([^>]*)/?>")
_ATTR = re.compile(r'([\w:]+)\s*=\s*"([^"]*)"')
_RELATIONSHIP = re.compile(r"<Relationship\b([^>]*)/?>")


@dataclass(frozen=True)
class SheetFacts:
    """Structure of one sheet that values alone do not show (rows 1-based, cells A1-style)."""

    hidden_rows: frozenset[int] = frozenset()
    error_cells: dict[str, str] = field(default_factory=dict)
    formula_no_value: frozenset[str] = frozenset()


def scan_sheet(xml: bytes) -> SheetFacts:
    hidden: frozenset[int] = frozenset()
    if b"hidden=" in xml:
        hidden = frozenset(
            int(number.group(1))
            for row in _ROW.finditer(xml)
            if _HIDDEN.search(row.group(1)) and (number := _ROW_NUMBER.search(row.group(1)))
        )
    errors: dict[str, str] = {}
    if b't="e"' in xml or b"t='e'" in xml:
        for m in _ERROR_CELL.finditer(xml):
            ref = _CELL_REF.search(m.group(1))
            if ref:
                errors[ref.group(1).decode()] = html.unescape(m.group(2).decode("utf-8", "replace"))
    no_value: set[str] = set()
    for tail in _NO_VALUE_TAIL.finditer(xml):  # a formula element closing its cell with no value after it
        start = xml.rfind(b"<c ", 0, tail.start())
        found = _FORMULA_NO_VALUE.match(xml, start) if start != -1 else None
        if found and (ref := _CELL_REF.search(found.group(1))):
            no_value.add(ref.group(1).decode())
    return SheetFacts(hidden, errors, frozenset(no_value))


_CELL_COLUMN = re.compile(rb'<(?:[\w.-]+:)?c\b[^>]*?\br\s*=\s*["\']([A-Za-z]{1,4})')
_CELL_ROW = re.compile(rb'<(?:[\w.-]+:)?c\b[^>]*?\br\s*=\s*["\'][A-Za-z]{1,4}(\d{1,8})')
_ROW_POSITION = re.compile(rb'<(?:[\w.-]+:)?row\b[^>]*?\br\s*=\s*["\'](\d{1,8})')


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ch - 64
    return number


def _largest(numerals: set[bytes]) -> bytes:
    return max(numerals, key=lambda n: (len(n.lstrip(b"0")), n.lstrip(b"0")), default=b"0")


SMALL_SHEET_CELLS = 26 * 9_999
"""Cells in A1:Z9999, the most a sheet passing :func:`within_z9999` can span."""
_NOT_WITHIN_Z9999 = re.compile(
    rb"<(?:"
    rb'c(?=[\s/>])(?! r="[A-Za-z]\d{1,4}")'  # a cell not naming a position within Z9999 as its first attribute
    rb'|row(?=[\s/>])(?! r="\d{1,4}")'  # a row not naming a number up to 9999 first
    rb"|[\w.-]+:(?:c|row)(?=[\s/>]))"  # a cell or row with a namespace prefix
)


def within_z9999(xml: bytes) -> bool:
    """True when every cell and row names its position first (as Excel writes) and none lies beyond Z9999.

    One scan by the regex engine with no match: a response sheet is checked without listing its cells.
    Anything else (another attribute order, other whitespace, a cell placed by its row alone, a
    namespace prefix) is left to :func:`sheet_extent`.
    """
    return _NOT_WITHIN_Z9999.search(xml) is None


def sheet_extent(xml: bytes) -> tuple[int, int]:
    """(rows, columns) from A1 to the furthest cell or row the sheet XML names.

    Distinct values are gathered by the regex engine and only those are compared, so a sheet of a
    few hundred cells costs a few set insertions, not a Python step per cell. The usual sheet never
    gets here: :func:`within_z9999` settles it first.
    """
    cell_rows, cell_columns = set(_CELL_ROW.findall(xml)), set(_CELL_COLUMN.findall(xml))
    rows = int(_largest(cell_rows | set(_ROW_POSITION.findall(xml))) or 0)
    columns = {c.upper() for c in cell_columns}
    widest = max(columns, key=lambda c: (len(c), c), default=b"")
    return rows, _column_number(widest) if widest else 0


def _attrs(text: str) -> dict[str, str]:
    return {k: html.unescape(v) for k, v in _ATTR.findall(text)}


def sheet_parts(workbook_xml: str, rels_xml: str) -> dict[str, str]:
    """Sheet name → its part in the zip (e.g. 'Commitments' → 'xl/worksheets/sheet3.xml')."""
    targets: dict[str, str] = {}
    for rel in _RELATIONSHIP.findall(rels_xml):
        a = _attrs(rel)
        if "Id" in a and "Target" in a:
            target = a["Target"]
            targets[a["Id"]] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
    parts: dict[str, str] = {}
    for sheet in _SHEET.findall(workbook_xml):
        a = _attrs(sheet)
        rid = next((v for k, v in a.items() if k.endswith(":id")), "")
        if "name" in a and rid in targets:
            parts[a["name"]] = targets[rid]
    return parts


def sheet_xml(parts: dict[str, bytes], names: dict[str, str]) -> dict[str, bytes]:
    """Sheet name → its XML, from the inflated parts the guard kept (keys are lower-case part names) and
    ``names``, the workbook's :func:`sheet_parts`."""
    out: dict[str, bytes] = {}
    for name, part in names.items():
        xml = parts.get(part.casefold())
        if xml:
            out[name] = xml
    return out
