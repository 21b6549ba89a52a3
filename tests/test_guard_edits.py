"""Issue 8, the guard's half: bids made with the project's own template, then edited inside the zip the way a
hostile or careless bidder would. Each edit gives one exact problem at one cell, and the other bids in the
same batch keep their scores."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from socialvalue.batch import Batch, score_folder
from socialvalue.example import ExampleTender
from socialvalue.fill import fill_response
from socialvalue.intake.bid_reader import BidReading, read_bid, response_areas
from socialvalue.intake.extent import Area
from socialvalue.intake.formulas import judge
from socialvalue.intake.guard import guard_file
from socialvalue.problems import CellRef, Problem, Severity
from socialvalue.rubric import RubricSource

SUPPLIER, COMMITMENTS, STATEMENTS = "xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml", "xl/worksheets/sheet4.xml"
Edit = Callable[[bytes], bytes]
Scores = dict[str, tuple[float | None, int | None]]


def _bid(template: Path, folder: Path, name: str = "edited.xlsx") -> Path:
    """A complete bid, typed into the template as a supplier would (LE01 2, LE02 1, SK01 10, SK03 5). Its price
    is far above the example tender's and its commitments small, so it is never the best at anything: the other
    bids' scores are then the same with or without it, and any change to them is a leak from the edit."""
    return fill_response(
        template, folder / name,
        supplier={"supplier_name": "Edited Ltd", "bid_price": 9_000_000},
        commitments={"LE01": 2, "LE02": 1, "SK01": 10, "SK03": 5},
        answers={"Q1": "We will deliver.", "SV1": "Our plan."}, gates={"G1": "Yes"},
    )  # fmt: skip


def _edit(path: Path, edits: dict[str, Edit], method: int = zipfile.ZIP_DEFLATED) -> Path:
    """Rewrite the named parts of the workbook at ``path`` (in place), as a hand-edited zip would be."""
    with zipfile.ZipFile(path) as src:
        parts = [(info.filename, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", method) as dst:
        for name, content in parts:
            dst.writestr(name, edits[name](content) if name in edits else content)
    return path


def _cell(ref: str, element: str) -> Edit:
    """Replace cell ``ref`` (as openpyxl wrote it) with ``element``."""

    def edit(xml: bytes) -> bytes:
        pattern = rb'<c r="' + ref.encode() + rb'"[^>]*?(?:/>|>.*?</c>)'
        assert re.search(pattern, xml, re.S), ref
        return re.sub(pattern, lambda _: element.encode(), xml, count=1, flags=re.S)

    return edit


def _both(*edits: Edit) -> Edit:
    def edit(xml: bytes) -> bytes:
        for one in edits:
            xml = one(xml)
        return xml

    return edit


def _only(reading: BidReading, code: str) -> Problem:
    found = [p for p in reading.problems if p.code == code]
    assert len(found) == 1, [str(p) for p in reading.problems]
    return found[0]


@pytest.fixture(scope="module")
def clean(example_tender: ExampleTender, hybrid: RubricSource) -> Scores:
    batch = score_folder(example_tender.bids_dir, hybrid, [example_tender.consensus])
    return {b.file: (b.total, b.rank) for b in batch.result.bids}


def _batch_with(path: Path, example_tender: ExampleTender, hybrid: RubricSource, tmp_path: Path) -> Batch:
    folder = tmp_path / "batch"
    shutil.copytree(example_tender.bids_dir, folder)
    shutil.copy(path, folder / path.name)
    return score_folder(folder, hybrid, [example_tender.consensus])


def _others_keep_their_scores(batch: Batch, clean: Scores, edited: str) -> None:
    after = {b.file: (b.total, b.rank) for b in batch.result.bids if b.file != edited}
    assert after == clean


# --- parse what you checked -----------------------------------------------------------------------


def test_the_reader_is_handed_only_the_checked_parts_stored(hybrid_template: Path, tmp_path: Path) -> None:
    path = _bid(hybrid_template, tmp_path)
    guard = guard_file(path)
    with zipfile.ZipFile(io.BytesIO(guard.package)) as package, zipfile.ZipFile(path) as original:
        assert {i.compress_type for i in package.infolist()} == {zipfile.ZIP_STORED}  # nothing to inflate again
        names = set(package.namelist())
        assert names == {n for n in original.namelist() if n.startswith("xl/worksheets/") or n in (
            "[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
            "xl/sharedStrings.xml", "xl/styles.xml")}  # fmt: skip
        assert "docProps/core.xml" in original.namelist()  # never checked, so never handed over
        for name in names:
            assert package.read(name) == original.read(name)  # the bytes the guard checked, unchanged
    ours, theirs = CalamineWorkbook.from_filelike(io.BytesIO(guard.package)), CalamineWorkbook.from_path(str(path))
    assert ours.sheet_names == theirs.sheet_names
    for sheet in ours.sheet_names:
        assert ours.get_sheet_by_name(sheet).to_python() == theirs.get_sheet_by_name(sheet).to_python()


def test_a_part_changed_after_it_was_written_is_refused(
    hybrid_template: Path, hybrid: RubricSource, example_tender: ExampleTender, clean: Scores, tmp_path: Path
) -> None:
    """A stored part whose bytes no longer match its checksum: one digit changed in transit or by hand. The
    reader no longer sees the original zip, so the guard checks the checksum itself."""
    path = _edit(_bid(hybrid_template, tmp_path), {}, zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    at = data.index(b'<c r="E7" s="12" t="n"><v>5</v>')  # SK03's quantity, 5
    data[at + len(b'<c r="E7" s="12" t="n"><v>')] = ord("9")
    path.write_bytes(bytes(data))
    reading = read_bid(path, hybrid.rubric)
    assert reading.bid is None
    problem = _only(reading, "zip-corrupt")
    assert (problem.raw, problem.severity) == (COMMITMENTS, Severity.ERROR)
    assert problem.reason == (
        f"the file is damaged: its part '{COMMITMENTS}' does not match its checksum (its content was changed or "
        "damaged). It may have been corrupted in upload: upload it again, or open it in Excel, save a new copy as "
        ".xlsx and resubmit"
    )
    batch = _batch_with(path, example_tender, hybrid, tmp_path)
    _others_keep_their_scores(batch, clean, path.name)


# --- XML spellings: the error cell and hidden row reports no longer vanish ------------------------------


def _single_quoted(xml: bytes) -> bytes:
    return re.sub(rb'="([^"]*)"', rb"='\1'", xml)


def _prefixed(xml: bytes) -> bytes:
    main = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    xml = re.sub(rb"<(/?)(?![?!])([\w]+)(?=[\s/>])", rb"<\1x:\2", xml)
    return xml.replace(b'xmlns="' + main + b'"', b'xmlns:x="' + main + b'"')


def test_an_error_cell_is_reported_however_the_workbook_is_spelt(
    hybrid_template: Path, hybrid: RubricSource, example_tender: ExampleTender, clean: Scores, tmp_path: Path
) -> None:
    """Single quotes in workbook.xml and a namespace prefix on every element of the sheet: the #DIV/0! in
    LE02's quantity was read as a blank commitment and the hidden row went unreported."""
    path = _bid(hybrid_template, tmp_path)
    error = _cell("E5", '<c r="E5" t="e"><f>1/0</f><v>#DIV/0!</v></c>')
    hide = lambda xml: xml.replace(b'<row r="7"', b'<row r="7" hidden="1"', 1)  # noqa: E731
    _edit(path, {"xl/workbook.xml": _single_quoted, COMMITMENTS: _both(error, hide, _prefixed)})
    with zipfile.ZipFile(path) as zf:
        assert b"<x:c r=" in zf.read(COMMITMENTS) and b"name='Commitments'" in zf.read("xl/workbook.xml")
    reading = read_bid(path, hybrid.rubric)
    problem = _only(reading, "error-cell")
    assert (problem.sheet, problem.cell, problem.raw) == ("Commitments", "E5", "#DIV/0!")
    assert problem.reason == "the cell shows the error #DIV/0!: type the value itself"
    hidden = _only(reading, "hidden-row")
    assert (hidden.sheet, hidden.cell, hidden.severity) == ("Commitments", "7:7", Severity.WARNING)
    assert reading.bid is not None
    assert not reading.bid.commitments["LE02"].counted
    assert reading.bid.commitments["LE01"].quantity == 2
    _others_keep_their_scores(_batch_with(path, example_tender, hybrid, tmp_path), clean, path.name)


# --- formulas in answer cells -------------------------------------------------------------------------


def _formula_bid(template: Path, folder: Path, edits: dict[str, Edit]) -> Path:
    return _edit(_bid(template, folder), edits)


@pytest.mark.parametrize(
    ("edits", "code", "sheet", "cell", "reason"),
    [
        pytest.param(
            {COMMITMENTS: _cell("E5", '<c r="E5"><f>[1]Prices!$A$1</f><v>777</v></c>')},
            "formula-external", "Commitments", "E5",
            "the cell holds the formula =[1]Prices!$A$1, which takes its value from outside this workbook "
            "([1]Prices!): its saved value 777 was not counted; type the value itself",
            id="another workbook",
        ),
        pytest.param(
            {COMMITMENTS: _cell("E5", "<c r=\"E5\"><f>'C:\\Users\\bid\\[prices.xlsx]Sheet1'!B2*2</f><v>777</v></c>")},
            "formula-external", "Commitments", "E5",
            "the cell holds the formula ='C:\\Users\\bid\\[prices.xlsx]Sheet1'!B2*2, which takes its value from "
            "outside this workbook ('C:\\Users\\bid\\[prices.xlsx]Sheet1'!): its saved value 777 was not counted; "
            "type the value itself",
            id="a path",
        ),
        pytest.param(
            {COMMITMENTS: _cell("E6", '<c r="E6"><f>E6+10</f><v>50</v></c>')},
            "formula-circular", "Commitments", "E6",
            "the cell holds the formula =E6+10, which is circular (Commitments!E6 → Commitments!E6): Excel cannot "
            "calculate it, so its saved value 50 was not counted; type the value itself",
            id="itself",
        ),
        pytest.param(
            {COMMITMENTS: _both(_cell("E6", '<c r="E6"><f>F6*2</f><v>50</v></c>'),
                                _cell("F6", '<c r="F6"><f>SUM(E4:E7)</f><v>25</v></c>'))},
            "formula-circular", "Commitments", "E6",
            "the cell holds the formula =F6*2, which is circular (Commitments!E6 → Commitments!F6 → Commitments!E6): "
            "Excel cannot calculate it, so its saved value 50 was not counted; type the value itself",
            id="through a range",
        ),
        pytest.param(
            {SUPPLIER: _cell("C7", '<c r="C7"><f>Commitments!E6*1000</f><v>5000</v></c>'),
             COMMITMENTS: _cell("E6", '<c r="E6"><f>Supplier!C7/1000</f><v>5</v></c>')},
            "formula-circular", "Supplier", "C7",
            "the cell holds the formula =Commitments!E6*1000, which is circular (Supplier!C7 → Commitments!E6 → "
            "Supplier!C7): Excel cannot calculate it, so its saved value 5,000 was not counted; type the value itself",
            id="through another sheet",
        ),
        pytest.param(
            {COMMITMENTS: _cell("E5", '<c r="E5"><f>INDIRECT("E"&amp;ROW())</f><v>1</v></c>')},
            "formula-unfollowable", "Commitments", "E5",
            'the cell holds the formula =INDIRECT("E"&ROW()), which uses INDIRECT: the tool cannot '
            "tell what it refers to (it could be another workbook or the cell itself), so its saved value 1 was not "
            "counted; type the value itself",
            id="indirect",
        ),
        pytest.param(
            {COMMITMENTS: _cell("E6", '<c r="E6"><f>E4*5</f><v>10</v></c>')},
            "formula-in-input", "Commitments", "E6",
            "the cell holds the formula =E4*5: its saved value 10 was read as the answer (the tool reads what Excel "
            "saved and never recalculates); check it, or type the value itself",
            id="plain",
        ),
    ],
)  # fmt: skip
def test_a_formula_in_an_answer_cell_is_never_used_silently(
    edits: dict[str, Edit],
    code: str,
    sheet: str,
    cell: str,
    reason: str,
    hybrid_template: Path,
    hybrid: RubricSource,
    example_tender: ExampleTender,
    clean: Scores,
    tmp_path: Path,
) -> None:
    path = _formula_bid(hybrid_template, tmp_path, edits)
    reading = read_bid(path, hybrid.rubric)
    found = [p for p in reading.problems if (p.code, p.sheet, p.cell) == (code, sheet, cell)]
    assert len(found) == 1, [str(p) for p in reading.problems]
    problem = found[0]
    assert problem.reason == reason
    assert reading.bid is not None
    refused = problem.severity is Severity.ERROR
    if sheet == "Commitments":
        commitment = next(c for c in reading.bid.commitments.values() if c.cell == CellRef.parse(f"Commitments!{cell}"))
        assert commitment.counted is not refused
    else:
        assert reading.bid.price is None  # the price was not used
    _others_keep_their_scores(_batch_with(path, example_tender, hybrid, tmp_path), clean, path.name)


def test_a_filled_down_formula_is_judged_as_copied(hybrid_template: Path, hybrid: RubricSource, tmp_path: Path) -> None:
    """A shared formula (filled down in Excel) is stored once: each cell's own text is worked out, so E7's copy
    of E6's ``=E7*2`` is ``=E8*2`` (plain) and E6's is circular only if it refers to itself."""
    path = _formula_bid(hybrid_template, tmp_path, {COMMITMENTS: _both(
        _cell("E6", '<c r="E6"><f t="shared" ref="E6:E7" si="0">E6*2</f><v>20</v></c>'),
        _cell("E7", '<c r="E7"><f t="shared" si="0"/><v>40</v></c>'),
    )})  # fmt: skip
    reading = read_bid(path, hybrid.rubric)
    found = {(p.code, p.cell): p for p in reading.problems if p.code.startswith("formula-")}
    assert set(found) == {("formula-circular", "E6"), ("formula-circular", "E7")}
    assert "=E7*2" in found[("formula-circular", "E7")].reason


# --- a stray cell far away ------------------------------------------------------------------------------


def _far(xml: bytes, extra: bytes) -> bytes:
    return xml.replace(b"</sheetData>", extra + b"</sheetData>", 1)


def test_a_stray_cell_far_away_is_listed_and_the_bid_is_read(
    hybrid_template: Path, hybrid: RubricSource, example_tender: ExampleTender, clean: Scores, tmp_path: Path
) -> None:
    stray = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    path = _edit(_bid(hybrid_template, tmp_path), {COMMITMENTS: lambda xml: _far(xml, stray)})
    reading = read_bid(path, hybrid.rubric)
    problem = _only(reading, "cells-outside-template")
    assert (problem.sheet, problem.cell, problem.raw, problem.severity) == (
        "Commitments", "XFD1048576", "x", Severity.WARNING,
    )  # fmt: skip
    assert problem.reason == "1 cell outside the response area of this sheet (A1:G9999) was not read: XFD1048576 ('x')"
    assert reading.bid is not None and reading.bid.commitments["SK03"].quantity == 5
    assert not [p for p in reading.problems if p.severity is Severity.ERROR]
    with zipfile.ZipFile(io.BytesIO(guard_file(path, areas=response_areas(hybrid.rubric)).package)) as package:
        handed = package.read(COMMITMENTS)
    assert b"XFD" not in handed and b'ref="A1:G' in handed  # the reader never sees it; the dimension fits
    batch = _batch_with(path, example_tender, hybrid, tmp_path)
    assert batch.outcome(path.name) != "unreadable"
    _others_keep_their_scores(batch, clean, path.name)


def test_cells_beside_the_response_area_are_listed_with_their_values(
    hybrid_template: Path, hybrid: RubricSource, tmp_path: Path
) -> None:
    """A note typed beside a quantity, a shared-text cell and an empty formatted cell far below: all cut, listed."""
    note = _cell("G5", '<c r="G5" t="s"><v>0</v></c><c r="H5" t="inlineStr"><is><t>see note</t></is></c>')
    far = lambda xml: _far(xml, b'<row r="20000"><c r="B20000" s="3"/><c r="C20000"><v>12.5</v></c></row>')  # noqa: E731
    path = _edit(_bid(hybrid_template, tmp_path), {COMMITMENTS: _both(note, far)})
    problem = _only(read_bid(path, hybrid.rubric), "cells-outside-template")
    assert problem.cell == "H5"
    assert problem.reason == (
        "3 cells outside the response area of this sheet (A1:G9999) were not read: H5 ('see note'), C20000 ('12.5'), "
        "1 empty cell"
    )


def test_a_stray_cell_on_a_sheet_nobody_reads_is_still_refused(
    hybrid_template: Path, hybrid: RubricSource, tmp_path: Path
) -> None:
    """A sheet without a response area (here a sheet part the workbook does not list) keeps the old rule:
    cells spanning more than the limit refuse the file, so no reader can be handed it."""
    path = _bid(hybrid_template, tmp_path)
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("xl/worksheets/sheet9.xml", b'<worksheet><sheetData><row r="1048576"><c r="XFD1048576"><v>1</v>'
                    b"</c></row></sheetData></worksheet>")  # fmt: skip
    reading = read_bid(path, hybrid.rubric)
    assert reading.bid is None
    problem = _only(reading, "sheet-oversized")
    assert problem.raw == "xl/worksheets/sheet9.xml"
    assert "1,048,576 rows and 16,384 columns" in problem.reason


# --- the rules as documented in docs/values.md, checked from the document itself --------------------------

DOC = Path(__file__).resolve().parents[1] / "docs" / "values.md"


def _table(heading: str) -> list[list[str]]:
    """The rows (cells as text) of the first table under ``heading`` in docs/values.md."""
    text = DOC.read_text(encoding="utf-8").split(f"\n## {heading}\n", 1)[1]
    rows = [line for line in text.split("\n## ", 1)[0].splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in row.strip().strip("|").split("|")] for row in rows[2:]]  # no "|" inside cells


class _DocBook:
    """A workbook's formulas as a row of the documented table states them (a test stand-in for the guard)."""

    sheet_order = ("Instructions", "Supplier", "Commitments", "Method statements", "Gates")

    def __init__(self, cells: dict[CellRef, str], names: dict[str, str]) -> None:
        self.cells, self.names = cells, names

    def defined_name(self, name: str, sheet: str) -> str | None:
        return self.names.get(name.casefold())

    def formula_at(self, sheet: str, row: int, col: int) -> tuple[str, CellRef] | None:
        text = self.cells.get(CellRef(sheet, row, col))
        return (text, CellRef(sheet, row, col)) if text is not None else None

    def formula_cells(self, sheet: str) -> list[CellRef]:
        return [cell for cell in self.cells if cell.sheet == sheet]


FORMULA_ROWS = _table("Formulas in answer cells")


@pytest.mark.parametrize("row", FORMULA_ROWS, ids=[r[0] for r in FORMULA_ROWS])
def test_the_documented_formula_rule(row: list[str]) -> None:
    holds, elsewhere, verdict = row
    answer = CellRef("Commitments", 5, 4)  # E5
    cells = {answer: re.findall(r"`=([^`]*)`", holds)[0]}
    names: dict[str, str] = {}
    for where, name, formula in re.findall(r"(?:([\w!]+) holds|the name (\w+) is) `=?([^`]*)`", elsewhere):
        if name:
            names[name.casefold()] = formula
        else:
            cell = CellRef.parse(where if "!" in where else f"Commitments!{where}")
            assert cell is not None
            cells[cell] = formula
    code = re.findall(r"`([a-z-]+)`", verdict)[0]
    found = judge(_DocBook(cells, names), answer.sheet, answer.row, answer.col)
    assert found is not None and found.code == code, found
    if "found in" in verdict:
        assert found.fields["source"].endswith(re.findall(r"found in ([\w!]+)", verdict)[0])
    if "→" in verdict:
        assert found.fields["chain"] == re.findall(r"\((.*→.*)\)", verdict)[0]


def test_the_documented_response_areas(hybrid: RubricSource) -> None:
    documented = {sheet: area for sheet, area in _table("Cells outside the response area")}
    areas = response_areas(hybrid.rubric)
    assert documented == {sheet: area.a1 for sheet, area in areas.items() if sheet != "_socialvalue"}


# --- catch what you mean ------------------------------------------------------------------------------------


def test_a_sheet_calamine_cannot_parse_is_reported_on_that_sheet(
    hybrid_template: Path, hybrid: RubricSource, example_tender: ExampleTender, clean: Scores, tmp_path: Path
) -> None:
    """Calamine's own error (here its XML error on a cut-short sheet) is a problem on the sheet, not a crash."""
    path = _edit(_bid(hybrid_template, tmp_path), {STATEMENTS: lambda xml: xml[: xml.index(b"<sheetData>") + 40]})
    reading = read_bid(path, hybrid.rubric)
    problem = _only(reading, "sheet-unreadable")
    assert problem.sheet == "Method statements"
    assert problem.reason.startswith("the sheet 'Method statements' is damaged and could not be read (")
    _others_keep_their_scores(_batch_with(path, example_tender, hybrid, tmp_path), clean, path.name)


def test_a_programming_error_in_the_reader_is_not_called_damage(
    hybrid_template: Path, hybrid: RubricSource, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only calamine's own errors mean a damaged file: anything else is a bug, raised for all to see (the batch
    turns it into exit code 70 with a traceback), never reported as 'sheet damaged'."""
    from socialvalue.intake import workbook

    class Broken:
        @staticmethod
        def from_filelike(data: object) -> object:
            raise TypeError("a bug in our own code")

    monkeypatch.setattr(workbook, "CalamineWorkbook", Broken)
    with pytest.raises(TypeError, match="a bug in our own code"):
        read_bid(_bid(hybrid_template, tmp_path), hybrid.rubric)


def test_a_response_area_itself_too_large_is_still_refused(hybrid_template: Path, tmp_path: Path) -> None:
    """Cutting to the area never lets through a sheet the reader would choke on: cells inside an area that is
    itself too large are measured as before."""
    inside = b'<row r="2999999"><c r="G2999999"><v>1</v></c></row>'
    path = _edit(_bid(hybrid_template, tmp_path), {COMMITMENTS: lambda xml: _far(xml, inside)})
    guard = guard_file(path, areas={"Commitments": Area(3_000_000, 7)})
    assert [p.code for p in guard.problems] == ["sheet-oversized"]
    assert not guard.readable and guard.package == b""
    assert "2,999,999 rows and 7 columns" in guard.problems[0].reason
