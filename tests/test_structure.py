"""The structure scan gives the same facts however valid XML spells a sheet or the workbook's sheet list.

Each spelling is one a hostile or careless program could write and Excel or python-calamine reads:
quotes, namespace prefixes, attribute order, whitespace, self-closing elements, comments, CDATA,
character references, UTF-16. The fast path must either agree with the parser or step aside.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from socialvalue.intake.structure import SheetFacts, _fast, _parsed, read_book, scan_sheet

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

SHEET = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="{MAIN}"><dimension ref="A1:F11"/><sheetData>
<row r="4"><c r="A4" t="s"><v>0</v></c><c r="E4" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>
<row r="5" hidden="1"><c r="E5"><v>3</v></c></row>
<row r="6"><c r="E6"><f>E4*2</f><v>8</v></c></row>
<row r="7"><c r="E7"><f>[1]Prices!$A$1</f></c></row>
<row r="8"><c r="E8"><f t="shared" ref="E8:E9" si="0">D8*2</f><v>2</v></c></row>
<row r="9"><c r="E9"><f t="shared" si="0"/><v>4</v></c></row>
<row r="10"><c r="F10"><f t="array" ref="F10:F11">SUM(A1:A2)&amp;"&lt;"</f><v>1</v></c></row>
<row r="11"><c r="F11"><v>1</v></c></row>
</sheetData></worksheet>"""

EXPECTED = SheetFacts(
    hidden_rows=frozenset({5}),
    error_cells={"E4": "#DIV/0!"},
    formula_no_value=frozenset({"E7"}),
    formulas={"E4": "1/0", "E6": "E4*2", "E7": "[1]Prices!$A$1", "E8": "D8*2", "E9": "D9*2", "F10": 'SUM(A1:A2)&"<"'},
    formula_areas=((10, 5, 11, 5, "F10"),),
)


def _single_quotes(xml: str) -> str:
    return re.sub(r'="([^"]*)"', r"='\1'", xml)


def _prefixed(xml: str) -> str:
    xml = re.sub(r"<(/?)(?!\?)(\w+)", r"<\1x:\2", xml)
    return xml.replace(f'xmlns="{MAIN}"', f'xmlns:x="{MAIN}"')


def _attributes_reordered(xml: str) -> str:
    # the position last: <c t="e" r="E4">, <row hidden="1" r="5">
    return re.sub(r'<(c|row) (r="[^"]*")((?: [\w:]+="[^"]*")+)', r"<\1\3 \2", xml)


def _spaced(xml: str) -> str:
    xml = re.sub(r'(\w)="', r'\1 = "', xml)  # spaces around '='
    return re.sub(r">(<(?!/f|/v))", r">\n  \1", xml)  # line breaks and indents between elements


def _self_closing(xml: str) -> str:
    xml = xml.replace(
        '<row r="7"><c r="E7"><f>[1]Prices!$A$1</f></c></row>',
        '<row r="7"><c r="E7"><f>[1]Prices!$A$1</f><v/></c></row>',
    )
    return xml.replace('<row r="4">', '<row r="4"><c r="B4"/>')


def _commented(xml: str) -> str:
    return xml.replace('<row r="6">', '<!-- a note --><row r="6">').replace("<f>E4*2</f>", "<f><![CDATA[E4*2]]></f>")


def _character_references(xml: str) -> str:
    return xml.replace('t="e"', 't="&#101;"').replace('hidden="1"', 'hidden="&#49;"').replace("E4*2", "E4&#42;2")


def _hidden_true(xml: str) -> str:
    return xml.replace('hidden="1"', 'hidden="true"')


def _value_before_formula_attributes(xml: str) -> str:
    # other attributes before and after the position, as some writers do
    return xml.replace('<c r="E6">', '<c s="3" r="E6" cm="1">').replace(
        '<row r="6">', '<row spans="1:6" r="6" ht="15">'
    )


def _utf16(xml: str) -> bytes:
    return xml.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")


SPELLINGS: dict[str, Callable[[str], str]] = {
    "as Excel writes": lambda x: x,
    "single quotes": _single_quotes,
    "namespace prefix": _prefixed,
    "position last": _attributes_reordered,
    "whitespace": _spaced,
    "self-closing": _self_closing,
    "comment and CDATA": _commented,
    "character references": _character_references,
    "hidden=true": _hidden_true,
    "more attributes": _value_before_formula_attributes,
    "prefix and single quotes": lambda x: _single_quotes(_prefixed(x)),
    "position last, spaced": lambda x: _spaced(_attributes_reordered(x)),
}


@pytest.mark.parametrize("spelling", list(SPELLINGS))
def test_every_spelling_gives_the_same_facts(spelling: str) -> None:
    xml = SPELLINGS[spelling](SHEET).encode()
    assert _parsed(xml) == EXPECTED  # the parser reads every valid spelling
    fast = _fast(xml, plain=False)
    assert fast is None or fast == EXPECTED  # the fast path agrees, or steps aside
    assert scan_sheet(xml) == EXPECTED


def test_the_fast_path_takes_what_programs_write() -> None:
    """The spellings spreadsheet programs write are read by the fast path itself (no parsing); for the others
    it steps aside."""
    takes = {"as Excel writes", "self-closing", "hidden=true"}
    for spelling, change in SPELLINGS.items():
        fast = _fast(change(SHEET).encode(), plain=False)
        assert (fast == EXPECTED) if spelling in takes else (fast is None), spelling


def test_utf16_sheet_gives_the_same_facts() -> None:
    assert scan_sheet(_utf16(SHEET)) == EXPECTED


@pytest.mark.parametrize(
    "trick",
    [
        ('<c r="E6"><f>E4*2</f><v>8</v></c>', '<c r="E6"><v>8</v><f>E4*2</f></c>'),  # value before formula
        ('<c r="E4" t="e">', '<c r="E4" t="e" x=">">'),  # '>' inside an attribute value
        ("<f>E4*2</f>", '<f xml:space="preserve">E4*2</f>'),
        ('<c r="E4" t="e"><f>1/0</f>', '<c r="E4" t="&#x65;">'),  # an error cell without a formula, spelt by reference
    ],
)
def test_odd_cells_do_not_fool_the_fast_path(trick: tuple[str, str]) -> None:
    xml = SHEET.replace(*trick).encode()
    assert SHEET.replace(*trick) != SHEET
    fast = _fast(xml, plain=False)
    assert fast is None or fast == _parsed(xml)
    assert scan_sheet(xml).error_cells == {"E4": "#DIV/0!"}
    assert scan_sheet(xml).formulas["E6"] == "E4*2"
    assert scan_sheet(xml, plain=True).error_cells == {"E4": "#DIV/0!"}  # even when the guard found the sheet plain


def test_a_sheet_that_is_not_xml_is_damaged() -> None:
    facts = scan_sheet(b'<worksheet><sheetData><row r="1"><c r="A1" t="e"><v>#N/A</v></row></sheetData>')
    assert facts.damaged and not facts.error_cells


# --- the workbook's sheet list ---------------------------------------------------------------------

WORKBOOK = f"""<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>
<sheet name="Supplier" sheetId="1" r:id="rId1"/>
<sheet name="Commitments &amp; more" sheetId="2" state="hidden" r:id="rId2"/>
</sheets><definedNames><definedName name="Prices">[1]Prices!$A$1</definedName>
<definedName name="Local" localSheetId="1">Supplier!$C$7</definedName></definedNames></workbook>"""
RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet2.xml"/>
<Relationship Id="rId9" TargetMode="External" Type="x" Target="file:///C:/evil.xlsx"/>
</Relationships>"""


def _workbook_prefixed(xml: str) -> str:
    """Every element prefixed (``s:`` for the workbook, ``p:`` for relationships), ``rel:`` for the sheets' ids."""
    package = "http://schemas.openxmlformats.org/package/2006/relationships"
    prefix = "p" if package in xml else "s"
    xml = re.sub(r"<(/?)(?!\?)(\w+)", rf"<\1{prefix}:\2", xml)
    xml = xml.replace(f'xmlns="{MAIN}"', f'xmlns:s="{MAIN}"').replace(f'xmlns="{package}"', f'xmlns:p="{package}"')
    return xml.replace('xmlns:r="', 'xmlns:rel="').replace("r:id=", "rel:id=")


BOOK_SPELLINGS: dict[str, Callable[[str], str]] = {
    "as Excel writes": lambda x: x,
    "single quotes": _single_quotes,
    "prefixes": _workbook_prefixed,
    "spaced": _spaced,
    "attributes reordered": lambda x: (
        re.sub(r'<sheet (name="[^"]*") (sheetId="\d") ', r"<sheet \2 ", x)
        .replace('r:id="rId1"/>', 'r:id="rId1" name="Supplier"/>')
        .replace('r:id="rId2"/>', 'r:id="rId2" name="Commitments &amp; more"/>')
    ),
}


@pytest.mark.parametrize("spelling", list(BOOK_SPELLINGS))
def test_every_spelling_of_the_workbook_gives_the_same_sheets(spelling: str) -> None:
    change = BOOK_SPELLINGS[spelling]
    book = read_book(change(WORKBOOK).encode(), change(RELS).encode())
    assert book.parts == {"Supplier": "xl/worksheets/sheet1.xml", "Commitments & more": "xl/worksheets/sheet2.xml"}
    assert book.order == ("Supplier", "Commitments & more")
    assert book.names == {"prices": ((None, "[1]Prices!$A$1"),), "local": (("Commitments & more", "Supplier!$C$7"),)}


def test_a_workbook_that_is_not_xml_has_no_sheets() -> None:
    assert read_book(b"<workbook><sheets><sheet name='A' r:id='rId1'>", RELS.encode()).parts == {}
    assert read_book(b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY e "x">]><workbook/>', b"").parts == {}
