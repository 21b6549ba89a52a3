"""What the workbook's XML says that the value reader cannot: sheet parts, defined names, hidden rows,
error cells, formulas.

python-calamine returns ``""`` for an error cell (#DIV/0!, #N/A, …) and for a formula saved without
its computed value, gives a formula cell's saved value without its formula, and says nothing of
hidden rows. The guard inflates every part once to check it and hands the bytes here.

``workbook.xml`` and its relationships are read with a real XML parser (expat, defused as defusedxml
does it). A sheet is
scanned by a fast path written for the XML spreadsheet programs write (every cell and row giving its
position as ``r="..."`` first, no namespace prefixes on cells, no comments or CDATA); whenever the
fast path is unsure (any other spelling, or a count that does not add up) the sheet is parsed
instead. Both give the same facts (tests/test_structure.py holds the matrix of spellings).
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError
from xml.parsers import expat

from defusedxml.common import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import fromstring

from socialvalue.problems import CellRef

from .formulas import column_number, shift

_RELATIONSHIP_NAMESPACES = (
    "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}",
    "{http://purl.oclc.org/ooxml/officeDocument/relationships}",
)


def parse_xml(data: bytes) -> Element | None:
    """The parsed document, or None when it is not well-formed (defusedxml: no DTDs, no entities)."""
    try:
        root: Element = fromstring(data, forbid_dtd=True)
    except (ParseError, ValueError, LookupError):  # ValueError covers defusedxml's refusals; LookupError: codecs
        return None
    return root


def local(tag: object) -> str:
    """An element's or attribute's name without its namespace."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


@dataclass(frozen=True)
class BookIndex:
    """The workbook's sheets (in order, each with its part) and its defined names."""

    parts: dict[str, str] = field(default_factory=dict)
    """Sheet name → its part in the zip (e.g. 'Commitments' → 'xl/worksheets/sheet3.xml')."""
    order: tuple[str, ...] = ()
    names: dict[str, tuple[tuple[str | None, str], ...]] = field(default_factory=dict)
    """Defined name (case-folded) → (the sheet it is local to, or None for the workbook; its formula)."""


def _forbid_dtd(name: str, sysid: str | None, pubid: str | None, has_internal_subset: bool) -> None:
    raise DTDForbidden(name, sysid, pubid)


def _forbid_entity(name: str, *rest: object) -> None:
    raise EntitiesForbidden(name, None, None, None, None, None)


def _forbid_external(context: str, base: str | None, sysid: str | None, pubid: str | None) -> int:
    raise ExternalReferenceForbidden(context, base, sysid, pubid)


Element3 = tuple[str, dict[str, str], str]


def _elements(data: bytes, wanted: frozenset[str]) -> list[Element3]:
    """(name, attributes, text) of each element named in ``wanted`` (names and attribute keys without their
    namespace, except namespaced attributes keep it as ``uri}name``); empty when ``data`` is not well-formed.

    Parsed by expat with what defusedxml forbids forbidden (DTDs, entity declarations, external
    references), through its own handlers: for the two small parts of every file this is three times
    quicker than defusedxml's pure-Python ElementTree, with the same protection.
    """
    found: list[Element3] = []
    text: list[str] | None = None

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal text
        tag = name.rpartition("}")[2]
        if tag in wanted:
            found.append((tag, attrs, ""))
            text = []

    def chars(data: str) -> None:
        if text is not None:
            text.append(data)

    def end(name: str) -> None:
        nonlocal text
        if text is not None and name.rpartition("}")[2] == found[-1][0]:
            found[-1] = (found[-1][0], found[-1][1], "".join(text))
            text = None

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartDoctypeDeclHandler = _forbid_dtd
    parser.EntityDeclHandler = _forbid_entity
    parser.UnparsedEntityDeclHandler = _forbid_entity
    parser.ExternalEntityRefHandler = _forbid_external
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        parser.Parse(data, True)
    except (expat.ExpatError, ValueError, LookupError):  # ValueError covers defusedxml's refusals
        return []
    return found


_WORKBOOK = frozenset({"sheet", "definedName"})
_RELATIONSHIPS = frozenset({"Relationship"})


def read_book(workbook_xml: bytes, rels_xml: bytes) -> BookIndex:
    """Sheets and defined names from ``xl/workbook.xml`` and ``xl/_rels/workbook.xml.rels``."""
    targets: dict[str, str] = {}
    for _, rel, _ in _elements(rels_xml, _RELATIONSHIPS):
        rid, target = rel.get("Id"), rel.get("Target")
        if rid and target and rel.get("TargetMode", "Internal") != "External":
            targets[rid] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
    parts: dict[str, str] = {}
    order: list[str] = []
    names: dict[str, list[tuple[str | None, str]]] = {}
    for tag, attrs, text in _elements(workbook_xml, _WORKBOOK):
        name = attrs.get("name")
        if tag == "sheet" and name is not None:
            order.append(name)
            ids = [v for k, v in attrs.items() if k.endswith("}id") and ("{" + k).startswith(_RELATIONSHIP_NAMESPACES)]
            rid = ids[0] if ids else next((v for k, v in attrs.items() if k.endswith("}id")), "")
            if rid in targets:
                parts[name] = targets[rid]
        elif tag == "definedName" and name and text:
            names.setdefault(name.casefold(), []).append((attrs.get("localSheetId"), text))
    resolved = {
        key: tuple(
            (order[int(i)] if i is not None and i.isascii() and i.isdigit() and int(i) < len(order) else None, text)
            for i, text in found
        )
        for key, found in names.items()
    }
    return BookIndex(parts, tuple(order), resolved)


@dataclass(frozen=True)
class SheetFacts:
    """Structure of one sheet that values alone do not show (rows 1-based, cells A1-style)."""

    hidden_rows: frozenset[int] = frozenset()
    error_cells: dict[str, str] = field(default_factory=dict)
    formula_no_value: frozenset[str] = frozenset()
    formulas: dict[str, str] = field(default_factory=dict)
    """Cell → its formula's text (without '='), for every formula cell; a shared formula's other cells
    carry the text as shifted to them."""
    formula_areas: tuple[tuple[int, int, int, int, str], ...] = ()
    """Array formulas and data tables: (row0, col0, row1, col1, the cell holding the formula); every cell
    of the area shows a result of that one formula."""
    damaged: str = ""
    """Why the sheet's XML could not be parsed (empty when it could): its facts are unknown."""

    def formula_at(self, row: int, col: int) -> tuple[str, str] | None:
        """(formula, the cell holding it) for the cell at ``row`` (1-based), ``col`` (0-based)."""
        ref = CellRef("", row, col).a1
        text = self.formulas.get(ref)
        if text is not None:
            return text, ref
        for row0, col0, row1, col1, anchor in self.formula_areas:
            if row0 <= row <= row1 and col0 <= col <= col1:
                return self.formulas.get(anchor, ""), anchor
        return None


def _position(ref: str) -> tuple[int, int] | None:
    """(row 1-based, col 0-based) of an A1 reference as a sheet writes it (``E14``), or None."""
    found = _A1.fullmatch(ref)
    return (int(found.group(2)), column_number(found.group(1))) if found else None


def _area(ref: str) -> tuple[int, int, int, int] | None:
    first, _, last = ref.partition(":")
    start, end = _position(first), _position(last or first)
    if start is None or end is None:
        return None
    return min(start[0], end[0]), min(start[1], end[1]), max(start[0], end[0]), max(start[1], end[1])


_A1 = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")
_TRUE = frozenset({"1", "true"})


class _Collector:
    """Builds :class:`SheetFacts` from the cells the fast path or the parser found."""

    def __init__(self) -> None:
        self.hidden: set[int] = set()
        self.errors: dict[str, str] = {}
        self.no_value: set[str] = set()
        self.formulas: dict[str, str] = {}
        self.shared: dict[str, tuple[str, str]] = {}  # si → (anchor cell, text)
        self.sharing: list[tuple[str, str]] = []  # (cell, si) for cells using a shared formula
        self.areas: list[tuple[int, int, int, int, str]] = []

    def formula(self, ref: str, kind: str, text: str, si: str, area: str, value: str | None) -> None:
        if kind == "shared" and si:
            if text.strip():
                self.shared.setdefault(si, (ref, text))
                self.formulas[ref] = text
            else:
                self.sharing.append((ref, si))
        else:
            self.formulas[ref] = text
            bounds = _area(area) if kind in ("array", "dataTable") and area else None
            if bounds is not None:
                self.areas.append((*bounds, ref))
        if value is None or not value.strip():
            self.no_value.add(ref)

    def facts(self) -> SheetFacts:
        for ref, si in self.sharing:
            anchor = self.shared.get(si)
            at, base = _position(ref), _position(anchor[0]) if anchor else None
            if anchor is None or at is None or base is None:
                self.formulas[ref] = ""  # its text is lost: judged unfollowable, never trusted
                continue
            self.formulas[ref] = shift(anchor[1], at[0] - base[0], at[1] - base[1])
        return SheetFacts(
            frozenset(self.hidden), self.errors, frozenset(self.no_value), self.formulas, tuple(self.areas)
        )


# --- the fast path ---------------------------------------------------------------------------------

_ATTRS = rb"""(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*"""
UNPLAIN = rb"!--|!\[CDATA\[|[\w.-]+:(?:sheetData|row|c|f|v|is)[\s/>]"
"""After a '<': what makes a sheet not plain for the fast path (a comment, CDATA, a namespace prefix on
the elements it reads), besides cells and rows not giving their position first."""
_UNSURE = re.compile(
    rb"<(?:" + UNPLAIN + rb'|c(?=[\s/>])(?! r="[A-Z]{1,3}\d{1,7}")'  # a cell not giving its position first
    rb'|row(?=[\s/>])(?! r="\d{1,7}"))'  # a row not giving its number first
)
_HIDDEN_ROW = re.compile(
    rb'<row r="(\d+)"(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|\'[^\']*\'))*?\s+hidden\s*=\s*(["\'])\s*(?:1|true)\s*\2'
)
_T_BEFORE = re.compile(rb"\st\s*=\s*\Z")
"""What comes before ``"e"`` in a cell typed as an error (the cell types are exact words: no spaces inside)."""
_F_START = re.compile(rb"<f[\s/>]")
_CELL = re.compile(
    rb'<c r="([A-Z]{1,3}\d{1,7})"(' + _ATTRS + rb")\s*>\s*"
    rb"(?:<f(" + _ATTRS + rb")\s*(?:/>|>([^<]*)</f\s*>)\s*)?"
    rb"(?:<v" + _ATTRS + rb"\s*(?:/>|>([^<]*)</v\s*>)\s*)?"
    rb"(?=</c\s*>|<is[\s>]|<extLst[\s>])"
)
_ATTR = re.compile(rb"""([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _attrs(text: bytes) -> dict[str, str]:
    return {
        k.decode("utf-8", "replace"): html.unescape((a if a is not None else b).decode("utf-8", "replace"))
        for k, a, b in ((m.group(1), m.group(2), m.group(3)) for m in _ATTR.finditer(text))
    }


def _text(raw: bytes | None) -> str | None:
    if raw is None:
        return None
    text = raw.decode("utf-8", "replace")
    return html.unescape(text) if "&" in text else text


def _wide(xml: bytes) -> bool:
    """True for UTF-16 text (or anything the byte patterns cannot read)."""
    head = xml[:4]
    return b"\x00" in head or head.startswith((b"\xff\xfe", b"\xfe\xff"))


def _error_marks(xml: bytes) -> list[int]:
    """Where each ``t="e"`` (either quote) is: found by a plain search for the rare value first."""
    marks = []
    for value in (b'"e"', b"'e'"):
        at = xml.find(value)
        while at >= 0:
            if _T_BEFORE.search(xml, max(0, at - 16), at):
                marks.append(at)
            at = xml.find(value, at + 3)
    return marks


def _fast(xml: bytes, plain: bool) -> SheetFacts | None:
    """The facts by the fast path, or None when it is unsure (``plain``: the guard already found the
    sheet plain, see :func:`~socialvalue.intake.extent.settled`)."""
    if not plain and (_wide(xml) or _UNSURE.search(xml)):
        return None
    start, end = xml.find(b"<sheetData"), xml.rfind(b"</sheetData")
    if xml.find(b"&#", max(start, 0), end if end > start else len(xml)) >= 0:
        return None  # a character reference in a cell or row could spell its type (t="&#101;" is t="e")
    found = _Collector()
    if b"hidden" in xml:
        found.hidden = {int(m.group(1)) for m in _HIDDEN_ROW.finditer(xml)}
    errors = _error_marks(xml)
    formulas = [m.start() for m in _F_START.finditer(xml)] if b"<f" in xml else []
    if not errors and not formulas:
        return found.facts()
    seen_errors = seen_formulas = 0
    error_cells = {xml.rfind(b'<c r="', 0, at) for at in errors}  # the cell each mark is in
    starts = error_cells | {xml.rfind(b'<c r="', 0, at) for at in formulas}
    for start in sorted(starts):
        cell = _CELL.match(xml, start) if start >= 0 else None
        if cell is None:
            continue  # counted below: an unreadable formula or error cell leaves the counts short
        ref, value = cell.group(1).decode(), _text(cell.group(5))
        if cell.group(3) is not None:
            seen_formulas += 1
            f = _attrs(cell.group(3)) if cell.group(3).strip() else {}
            found.formula(ref, f.get("t", ""), _text(cell.group(4)) or "", f.get("si", ""), f.get("ref", ""), value)
        if start in error_cells:
            seen_errors += 1
            found.errors[ref] = value or ""
    if (seen_errors, seen_formulas) != (len(errors), len(formulas)):
        return None
    return found.facts()


# --- the parser ------------------------------------------------------------------------------------


def cells(root: Element) -> list[tuple[Element, Element | None, int, int]]:
    """Every row (with its cells) of the sheet: (row element, cell element or None for the row itself,
    row 1-based, column 0-based), placing rows and cells without a position after the one before."""
    out: list[tuple[Element, Element | None, int, int]] = []
    row_number = 0
    for data in (el for el in root if local(el.tag) == "sheetData"):
        for row in (el for el in data if local(el.tag) == "row"):
            given = row.get("r", "").strip()
            row_number = int(given) if given.isascii() and given.isdigit() else row_number + 1
            out.append((row, None, row_number, -1))
            col = -1
            for c in (el for el in row if local(el.tag) == "c"):
                at = _position(c.get("r", "").strip())
                row_of, col = at if at is not None else (row_number, col + 1)
                out.append((row, c, row_of, col))
    return out


def _child(el: Element, name: str) -> Element | None:
    return next((c for c in el if local(c.tag) == name), None)


def _parsed(xml: bytes) -> SheetFacts:
    root = parse_xml(xml)
    if root is None:
        return SheetFacts(damaged="its XML is not well-formed")
    found = _Collector()
    for row, c, row_number, col in cells(root):
        if c is None:
            if row.get("hidden", "").strip().lower() in _TRUE:
                found.hidden.add(row_number)
            continue
        ref = CellRef("", row_number, col).a1
        v, f = _child(c, "v"), _child(c, "f")
        value = None if v is None else (v.text or "")
        if f is not None:
            found.formula(ref, f.get("t", ""), f.text or "", f.get("si", ""), f.get("ref", ""), value)
        if c.get("t", "").strip() == "e":
            found.errors[ref] = value or ""
    return found.facts()


def scan_sheet(xml: bytes, plain: bool = False) -> SheetFacts:
    """The facts of one sheet's XML: by the fast path where it is sure, else by parsing. ``plain``: the
    sheet is known to be written as the fast path expects (it is then not checked again)."""
    fast = _fast(xml, plain)
    return fast if fast is not None else _parsed(xml)


def sheet_xml(parts: dict[str, bytes], names: dict[str, str]) -> dict[str, bytes]:
    """Sheet name → its XML, from the parts the guard kept (keys are lower-case part names) and
    ``names``, the workbook's sheet parts (:attr:`BookIndex.parts`)."""
    out: dict[str, bytes] = {}
    for name, part in names.items():
        xml = parts.get(part.casefold())
        if xml:
            out[name] = xml
    return out
