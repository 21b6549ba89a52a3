"""Supplier files are hostile until proven otherwise: no crash, no formula injection, no lost result."""

from __future__ import annotations

import csv
import io
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialvalue.batch import score_folder
from socialvalue.example import ExampleTender
from socialvalue.fill import fill_response
from socialvalue.intake.bid_reader import BidReading, read_bid
from socialvalue.output.consensus import write_consensus_template
from socialvalue.output.export import write_csv
from socialvalue.output.results import AuditInfo, write_results
from socialvalue.rubric import RubricSource, load_rubric
from socialvalue.scoring import score_tender
from tests.builders import bid

PAYLOADS = [
    '=HYPERLINK("http://attacker.example/x","Click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C notepad'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1 tabbed",
    '=WEBSERVICE("http://attacker.example")',
]


def _hostile_bids(template: Path, folder: Path) -> None:
    for i, payload in enumerate(PAYLOADS):
        fill_response(
            template,
            folder / f"hostile-{i}.xlsx",
            supplier={"supplier_name": payload, "bid_price": 1000 + i, "contact_email": payload},
            commitments={"LE01": 1, "CB01": payload},
            evidence={"LE01": payload + " _x0007_ escaped control char"},
            answers={"Q1": payload, "SV1": payload * 3},
            gates={"G1": "Yes"},
        )


def _formulas_in(path: Path) -> list[str]:
    out: list[str] = []
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                out += re.findall(r"<f[^>]*>(.*?)</f>", zf.read(name).decode("utf-8"), flags=re.S)
    return out


def test_no_output_holds_a_formula_built_from_supplier_text(
    hybrid_template: Path, hybrid: RubricSource, tmp_path: Path
) -> None:
    bids = tmp_path / "bids"
    _hostile_bids(hybrid_template, bids)
    batch = score_folder(bids, hybrid)
    results = write_results(
        batch.result, hybrid.rubric, hybrid.value_set, tmp_path / "results.xlsx", batch.problems, AuditInfo()
    )
    consensus = write_consensus_template(hybrid.rubric, batch.bids, tmp_path / "consensus.xlsx")
    for workbook in (results, consensus):
        formulas = _formulas_in(workbook)
        assert formulas or workbook is consensus, "the results workbook should hold live formulas"
        for f in formulas:
            for marker in ("attacker", "cmd", "HYPERLINK", "WEBSERVICE", "tabbed"):
                assert marker not in f, f"{workbook.name}: formula {f!r} contains supplier text"
        with zipfile.ZipFile(workbook) as zf:
            names = zf.namelist()
            assert not any("externalLink" in n or "vbaProject" in n for n in names)
            text = "".join(zf.read(n).decode("utf-8", "replace") for n in names if n.endswith(".xml"))
            assert "\x00" not in text
            assert "\x07" not in text
    # the payloads are still there, as text, so the officer sees what was sent
    from openpyxl import load_workbook

    summary = load_workbook(results)["Summary"]
    suppliers = {c.value for c in summary["B"] if c.value}
    assert PAYLOADS[0] in suppliers
    assert all(c.data_type == "s" for c in summary["B"] if c.value)


TRICKY_TEXT = [
    "plain", " leading", "trailing ", "two\nlines", "line end\n", "tab\t", "_x0041_ looks escaped", "bell\x07",
    "& < > \" '", "=1+1", "£150k", "non-character \ufffe", "ünïcödé — “quotes”", "",
]  # fmt: skip


def _rows_workbook(path: Path, texts: list[str]) -> None:
    from socialvalue.output.safe import WORKBOOK_OPTIONS
    from socialvalue.output.sheets import ResultsWorkbook

    wb = ResultsWorkbook(str(path), {**WORKBOOK_OPTIONS, "constant_memory": True})
    ws = wb.add_worksheet("S")
    fmt = wb.add_format({"num_format": "0.00", "valign": "top"})
    ws.set_column(3, 3, 12, fmt)  # a column format: applies to that column's unformatted cells
    ws.set_row(2, 30)
    for r, text in enumerate(texts):
        ws.write_string(r, 0, text)
        ws.write_string(r, 1, text, fmt)
        ws.write_number(r, 2, r * 1.5 + 1e-9, fmt if r % 2 else None)
        ws.write_number(r, 3, -r)
        ws.write_formula(r, 4, f"=C{r + 1}*2", fmt, r * 3.0)
        ws.write_formula(r, 5, '=IF(C1="","","a<b & c")', None, "" if r % 2 else "a<b & c")
        ws.write_formula(r, 6, "=1/0", None, "#DIV/0!")
        ws.write_blank(r, 7, None, fmt)
        ws.write_boolean(r, 8, True)  # not one of the lean writer's cells: XlsxWriter writes it
    wb.close()


def _sheet_xml(path: Path) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read("xl/worksheets/sheet1.xml")


def test_the_one_xlsxwriter_override_writes_what_xlsxwriter_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The results workbook's sheets skip XlsxWriter's search for Excel 365 function names in our formulas
    (output/sheets.py): the sheet XML is byte for byte what XlsxWriter writes without the override."""
    from xlsxwriter.worksheet import Worksheet

    from socialvalue.output import sheets

    _rows_workbook(tmp_path / "ours.xlsx", TRICKY_TEXT)
    monkeypatch.setattr(sheets.ClassicFormulaWorksheet, "_prepare_formula", Worksheet._prepare_formula)
    _rows_workbook(tmp_path / "xlsxwriter.xlsx", TRICKY_TEXT)
    assert _sheet_xml(tmp_path / "ours.xlsx") == _sheet_xml(tmp_path / "xlsxwriter.xlsx")


def test_no_private_xlsxwriter_call_outside_the_one_override() -> None:
    """Workbooks are written with XlsxWriter's public API (so its versions are not pinned): no call of a private
    writer anywhere in the package, and text goes through put/write_text/write() (quote prefix) not write_string."""
    import re

    package = Path(__file__).resolve().parents[1] / "socialvalue"
    private = re.compile(r"\.\_(write|prepare|check|xml)\w*\(")
    found = {
        f"{path.relative_to(package)}:{n}": line.strip()
        for path in package.rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if private.search(line) or (".write_string(" in line and path.name != "sheets.py" and "def " not in line)
    }
    assert not found, found


def test_text_shaped_like_markup_stays_text_in_every_workbook(
    hybrid_template: Path, hybrid: RubricSource, tmp_path: Path
) -> None:
    """The same, for every workbook made from supplier text (results, consensus, evaluator workbooks), whatever
    XlsxWriter's row writer: such text is cleaned to end in a space, which XlsxWriter writes as text."""
    from openpyxl import load_workbook

    from socialvalue.batch import read_bids
    from socialvalue.output.consensus import write_consensus_template
    from socialvalue.output.safe import clean_text
    from socialvalue.panel.prepare import prepare_panel

    name = "<r>Acme & Sons</r>"
    assert clean_text(name) == name + " "
    bids = tmp_path / "bids"
    fill_response(
        hybrid_template, bids / "acme.xlsx", supplier={"supplier_name": name, "bid_price": 1000},
        answers={"Q1": "<r><t>bold?</t></r>"},
    )  # fmt: skip
    batch = score_folder(bids, hybrid)
    results = write_results(
        batch.result, hybrid.rubric, hybrid.value_set, tmp_path / "r.xlsx", batch.problems, AuditInfo()
    )
    consensus = write_consensus_template(hybrid.rubric, batch.bids, tmp_path / "c.xlsx")
    readings = read_bids(sorted(bids.iterdir()), hybrid.rubric)  # with the answers' text, as panel prepare reads
    prepare_panel([r.bid for r in readings if r.bid], hybrid.rubric, ["A. Evaluator"], tmp_path / "panel")
    books = [results, consensus, *sorted((tmp_path / "panel").glob("*.xlsx"))]
    for book in books:
        texts = {
            str(c.value).strip()
            for ws in load_workbook(book).worksheets
            for row in ws.iter_rows()
            for c in row
            if isinstance(c.value, str) and c.value.startswith("<r>")
        }
        assert name in texts, book.name
    assert "<r><t>bold?</t></r>" in texts  # the answer, in the evaluator workbook


def test_csv_export_neutralises_formulas(hybrid_template: Path, hybrid: RubricSource, tmp_path: Path) -> None:
    bids = tmp_path / "bids"
    _hostile_bids(hybrid_template, bids)
    batch = score_folder(bids, hybrid)
    rows = list(csv.DictReader(io.StringIO(write_csv(batch.result, tmp_path / "r.csv").read_text())))
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t")) or _is_number(value), value


def test_clean_text_removes_control_characters() -> None:
    from socialvalue.output.safe import clean_text, csv_text

    assert clean_text("a\x00b\x07c\td\ne") == "abc\td\ne"
    assert csv_text("=1+1") == "'=1+1"
    assert csv_text("\t=1") == "'\t=1"
    assert csv_text("plain") == "plain"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_over_long_text_is_cut_visibly(hybrid_template: Path, hybrid: RubricSource, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from socialvalue.output.export import write_json

    def long_gate_evidence(wb) -> None:  # type: ignore[no-untyped-def]
        ws = wb["Gates"]
        row = next(c.row for c in ws["A"] if c.value == "G1")
        ws.cell(row=row, column=4, value="word " * 9000)  # D: evidence or reference
        wb["Commitments"]["F4"] = "deliver " * 6000  # LE01's evidence: 48,000 characters

    path = _edited(hybrid_template, tmp_path, long_gate_evidence)
    batch = score_folder(path.parent, hybrid)
    out = write_results(batch.result, hybrid.rubric, hybrid.value_set, tmp_path / "r.xlsx", batch.problems, AuditInfo())
    wb = load_workbook(out)
    evidence = [c.value for c in wb["Gates"]["G"] if isinstance(c.value, str) and c.value.startswith("word")]
    assert evidence
    assert len(evidence[0]) <= 32_767
    # commitment evidence is not in the results workbook (its rows stay short); the JSON export keeps it
    texts = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not any(t.startswith("deliver deliver") for t in texts)
    data = write_json(batch.result, tmp_path / "r.json").read_text()
    assert "deliver deliver" in data
    # a supplier's cell cannot exceed Excel's limit; text the tool builds can, and is cut visibly
    from socialvalue.output.safe import clean_text

    cut = clean_text("word " * 9000)
    assert len(cut) <= 32_767
    assert cut.endswith("…[cut: 45,000 characters, first 32,721 shown]")


# --- atomic writes ---------------------------------------------------------------------------

_SLOW_WRITER = """
import sys
from pathlib import Path
from socialvalue.rubric import load_rubric
from socialvalue.scoring import score_tender
from socialvalue.output.results import AuditInfo, write_results
from tests.builders import bid
source, _ = load_rubric("local-measures")
bids = [bid(f"s{i}", 1000 + i, {"LE01": i % 7, "CB01": i}) for i in range(4000)]
result = score_tender(source.rubric, source.value_set, bids)
print("writing", flush=True)
write_results(result, source.rubric, source.value_set, Path(sys.argv[1]), [], AuditInfo())
print("done", flush=True)
"""


def test_killed_writer_leaves_the_previous_results_intact(tmp_path: Path) -> None:
    """Killed outright (no chance to clean up) while writing: the previous results stay whole; the next
    write removes the dead writer's temporary file."""
    target = tmp_path / "results.xlsx"
    source, _ = load_rubric("local-measures")
    assert source is not None
    small = score_tender(source.rubric, source.value_set, [bid("s1", 1000, {"LE01": 1})])
    write_results(small, source.rubric, source.value_set, target, [], AuditInfo())
    before = target.read_bytes()
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.Popen(
        [sys.executable, "-c", _SLOW_WRITER, str(target)], cwd=root, stdout=subprocess.PIPE, text=True
    )
    while proc.poll() is None and not any(p.name.endswith(".part") for p in tmp_path.iterdir()):
        time.sleep(0.001)  # until the writer has its temporary file: it is then mid-write
    assert proc.poll() is None, "the writer finished before it could be killed: make the output larger"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert target.read_bytes() == before
    leftovers = [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
    assert [p.name.split(".")[3] for p in leftovers] == [str(proc.pid)]  # its own, named by its process id
    write_results(small, source.rubric, source.value_set, target, [], AuditInfo())
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_refuses_to_write_over_an_input(hybrid: RubricSource, example_tender, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from socialvalue.output.atomic import OutputError

    batch = score_folder(example_tender.bids_dir, hybrid)
    victim = batch.files[0]
    before = victim.read_bytes()
    with pytest.raises(OutputError, match="input"):
        write_results(batch.result, hybrid.rubric, hybrid.value_set, victim, [], AuditInfo(), inputs=batch.files)
    assert victim.read_bytes() == before


# --- mutation: nothing but our own problems comes out of the reader ---------------------------


def _mutate_zip(data: bytes, entry: str, how: str, blob: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == entry:
                if how == "drop":
                    continue
                if how == "truncate":
                    content = content[: len(blob) % max(1, len(content))]
                elif how == "replace":
                    content = blob
                elif how == "inject":
                    cut = len(blob) % max(1, len(content))
                    content = content[:cut] + blob + content[cut:]
            dst.writestr(info.filename, content)
    return out.getvalue()


@pytest.fixture(scope="module")
def filled_bid(hybrid_template: Path, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("mut") / "bid.xlsx"
    fill_response(
        hybrid_template, path,
        supplier={"supplier_name": "Mutant Ltd", "bid_price": 1000}, commitments={"LE01": 2, "SK01": "1,200"},
        answers={"Q1": "An answer"}, gates={"G1": "Yes"},
    )  # fmt: skip
    return path.read_bytes()


ENTRIES = [
    "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml", "xl/worksheets/sheet4.xml",
    "xl/worksheets/sheet5.xml", "xl/worksheets/sheet6.xml", "xl/sharedStrings.xml", "xl/workbook.xml",
    "xl/styles.xml", "[Content_Types].xml", "xl/_rels/workbook.xml.rels",
]  # fmt: skip


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    entry=st.sampled_from(ENTRIES),
    how=st.sampled_from(["drop", "truncate", "replace", "inject"]),
    blob=st.one_of(
        st.binary(max_size=200),
        st.sampled_from(
            [
                b"<row r='5'><c r='E5' t='s'><v>99999</v></c></row>",
                b"<c r='E4'><v>NaN</v></c>",
                b"<dimension ref='A1:XFD1048576'/>",
                b"<c r='E4' t='e'><v>#DIV/0!</v></c>",
                b"<c r='E4' t='b'><v>1</v></c>",
                b"<c r='E4'><f>1/0</f></c>",
                b"\xff\xfe<\x00",
            ]
        ),
    ),
)
def test_mutated_workbooks_never_escape_the_reader(
    filled_bid: bytes, hybrid: RubricSource, tmp_path: Path, entry: str, how: str, blob: bytes
) -> None:
    path = tmp_path / "mutant.xlsx"
    path.write_bytes(_mutate_zip(filled_bid, entry, how, blob))
    reading = read_bid(path, hybrid.rubric)  # must not raise
    assert reading.bid is not None or reading.problems, "an unreadable file must say why"
    if reading.bid is not None:
        score_tender(hybrid.rubric, hybrid.value_set, [reading.bid])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.one_of(
            st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40),
            st.floats(allow_nan=True, allow_infinity=True),
            st.booleans(),
        ),
        min_size=4,
        max_size=4,
    )
)
def test_any_typed_values_are_read_or_reported(
    hybrid_template: Path, hybrid: RubricSource, tmp_path: Path, values: list[object]
) -> None:
    path = tmp_path / "typed.xlsx"
    codes = ["LE01", "LE02", "SK01", "EN01"]
    fill_response(hybrid_template, path, supplier={"supplier_name": "T", "bid_price": values[0]},  # type: ignore[dict-item]
                  commitments=dict(zip(codes, values, strict=True)))  # type: ignore[arg-type]  # fmt: skip
    reading = read_bid(path, hybrid.rubric)
    assert reading.bid is not None
    for code in codes:
        c = reading.bid.commitments[code]
        reported = any(p.ref == c.cell for p in reading.problems)
        # every quantity is a finite non-negative number, blank, or reported at its cell
        assert (
            c.quantity is None
            or (c.quantity >= 0 and c.quantity == c.quantity and c.quantity != float("inf"))
            or reported
        )


def test_other_bids_keep_their_scores_when_one_is_hostile(example_tender, hybrid: RubricSource, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    clean = score_folder(example_tender.bids_dir, hybrid, [example_tender.consensus])
    mixed = tmp_path / "bids"
    shutil.copytree(example_tender.bids_dir, mixed)
    (mixed / "bomb.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    (mixed / "empty.xlsx").write_bytes(b"")
    again = score_folder(mixed, hybrid, [example_tender.consensus])
    before = {b.file: (b.total, b.rank) for b in clean.result.bids}
    after = {b.file: (b.total, b.rank) for b in again.result.bids}
    for file, score in before.items():
        assert after[file] == score
    assert {"bomb.xlsx", "empty.xlsx"} <= {p.file for p in again.problems}


# --- structure a value reader cannot see ------------------------------------------------------


def _edited(template: Path, tmp_path: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    """A filled bid, then edited in openpyxl as a supplier's spreadsheet program might."""
    from openpyxl import load_workbook

    path = fill_response(
        template, tmp_path / "bids" / "edited.xlsx",
        supplier={"supplier_name": "Edited Ltd", "bid_price": 5000},
        commitments={"LE01": 2, "LE02": 1, "SK01": 10, "SK03": 5}, gates={"G1": "Yes"},
    )  # fmt: skip
    wb = load_workbook(path)
    edit(wb)
    wb.save(path)
    return path


def _problems(path: Path, hybrid: RubricSource) -> dict[tuple[str, str], object]:
    reading = read_bid(path, hybrid.rubric)
    return {(p.code, f"{p.sheet}!{p.cell}"): p for p in reading.problems}


def test_error_cell_in_an_input_is_reported(hybrid_template: Path, hybrid: RubricSource, tmp_path: Path) -> None:
    def edit(wb) -> None:  # type: ignore[no-untyped-def]
        cell = wb["Commitments"]["E5"]  # LE02
        cell.value = "#DIV/0!"
        cell.data_type = "e"

    found = _problems(_edited(hybrid_template, tmp_path, edit), hybrid)
    problem = found[("error-cell", "Commitments!E5")]
    assert "#DIV/0!" in problem.reason  # type: ignore[attr-defined]


def test_formula_without_a_saved_result_is_reported(
    hybrid_template: Path, hybrid: RubricSource, tmp_path: Path
) -> None:
    def edit(wb) -> None:  # type: ignore[no-untyped-def]
        wb["Commitments"]["E6"] = "=E4*52"  # openpyxl saves formulas with no computed value
        wb["Supplier"]["C7"] = "=1000*2"  # the bid price

    found = _problems(_edited(hybrid_template, tmp_path, edit), hybrid)
    assert ("formula-no-value", "Commitments!E6") in found
    assert ("formula-no-value", "Supplier!C7") in found


def test_hidden_rows_and_merged_inputs_are_reported(
    hybrid_template: Path, hybrid: RubricSource, tmp_path: Path
) -> None:
    def edit(wb) -> None:  # type: ignore[no-untyped-def]
        ws = wb["Commitments"]
        ws.row_dimensions[7].hidden = True
        ws.merge_cells("E8:E9")

    path = _edited(hybrid_template, tmp_path, edit)
    found = _problems(path, hybrid)
    assert ("hidden-row", "Commitments!7:7") in found
    assert ("merged-cells", "Commitments!E8:E9") in found
    reading = read_bid(path, hybrid.rubric)
    assert reading.bid is not None
    assert reading.bid.commitments["SK03"].quantity == 5  # row 7 (hidden) still read


def test_reordered_added_duplicated_and_deleted_rows(
    hybrid_template: Path, hybrid: RubricSource, tmp_path: Path
) -> None:
    def edit(wb) -> None:  # type: ignore[no-untyped-def]
        ws = wb["Commitments"]
        # swap the LE01 and LE02 rows (codes and quantities move together), delete SK01's row,
        # add a row for a code the rubric does not have, and repeat LE02 at the bottom
        for col in "ABCDEFG":
            ws[f"{col}4"].value, ws[f"{col}5"].value = ws[f"{col}5"].value, ws[f"{col}4"].value
        ws.delete_rows(6)
        ws.append(["ZZ99", "Made up", "A measure we would like", "hour", 1000])
        ws.append(["LE02", "Dup", "Long-term unemployed local people employed on the contract", "FTE-year", 99])

    path = _edited(hybrid_template, tmp_path, edit)
    reading = read_bid(path, hybrid.rubric)
    assert reading.bid is not None
    assert reading.bid.commitments["LE01"].quantity == 2  # found by code, not position
    assert reading.bid.commitments["LE02"].quantity == 1
    assert "SK01" not in reading.bid.commitments
    codes = {p.code: p for p in reading.problems}
    assert "SK01" in codes["row-missing"].reason
    assert codes["row-not-in-rubric"].raw == "ZZ99"
    assert "appears more than once" in codes["duplicate-row"].reason


def test_template_from_another_rubric_is_refused(hybrid: RubricSource, tmp_path: Path) -> None:
    from socialvalue.output.template import write_response_template
    from socialvalue.rubric import load_rubric

    other, _ = load_rubric("local-measures")
    assert other is not None
    template = write_response_template(other.rubric, other.value_set, tmp_path / "other.xlsx")
    path = fill_response(template, tmp_path / "bids" / "wrong.xlsx", supplier={"supplier_name": "W", "bid_price": 1})
    reading = read_bid(path, hybrid.rubric)
    assert reading.bid is None
    assert reading.problems[0].code == "template-wrong-rubric"
    assert "local-measures" in reading.problems[0].reason


def test_changed_locked_cells_are_reported(hybrid_template: Path, hybrid: RubricSource, tmp_path: Path) -> None:
    def edit(wb) -> None:  # type: ignore[no-untyped-def]
        ws = wb["Commitments"]
        ws["C4"] = "Local people employed (any location)"
        ws["D5"] = "headcount"

    found = _problems(_edited(hybrid_template, tmp_path, edit), hybrid)
    assert ("locked-cell-changed", "Commitments!C4") in found
    assert ("unit-changed", "Commitments!D5") in found


# --- one hostile file in a batch: reported by name and reason, the other bids' scores unchanged ----


def _hostile_files(good: bytes) -> dict[str, tuple[bytes, str]]:
    """name → (bytes, expected problem code), built from a real filled bid."""
    from tests.test_guard import Entry, build_zip, ole2, spaces_stream

    parts = {
        i.filename: zipfile.ZipFile(io.BytesIO(good)).read(i.filename)
        for i in zipfile.ZipFile(io.BytesIO(good)).infolist()
    }
    sheet = "xl/worksheets/sheet3.xml"
    dtd = re.sub(
        rb"^(<\?xml[^>]*\?>)?", lambda m: m.group(0) + b'<!DOCTYPE worksheet [<!ENTITY x "y">]>', parts[sheet], count=1
    )
    liar = Entry(sheet, payload=spaces_stream(50), file_size=2000, crc=0)
    # a far cell on a sheet part no response area covers (on a response sheet it is cut and listed instead)
    far = b'<worksheet><sheetData><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>'
    return {
        "far-cell.xlsx": (build_zip([*(Entry(n, c) for n, c in parts.items()), Entry("xl/worksheets/sheet9.xml", far)]), "sheet-oversized"),
        "legacy.xlsx": (ole2("Workbook", padding=bytes(1024)), "legacy-xls"),
        "locked.xlsx": (ole2("EncryptionInfo", "EncryptedPackage", padding=bytes(1024)), "password-protected"),
        "prices.xlsx": (b"Supplier,Price\nAcme,100\n", "csv-not-xlsx"),
        "page.xlsx": (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "html-not-xlsx"),
        "half.xlsx": (good[: len(good) // 2], "truncated"),
        "empty.xlsx": (b"", "empty-file"),
        "dtd.xlsx": (build_zip([Entry(n, dtd if n == sheet else c) for n, c in parts.items()]), "xml-dtd"),
        "bomb.xlsx": (build_zip([liar if n == sheet else Entry(n, c) for n, c in parts.items()]), "zip-bomb"),
        "traversal.xlsx": (build_zip([*(Entry(n, c) for n, c in parts.items()), Entry("../../evil.sh", b"x")]), "zip-path-traversal"),
    }  # fmt: skip


@pytest.fixture(scope="module")
def clean_scores(example_tender, hybrid: RubricSource) -> dict[str, tuple[float | None, int | None]]:  # type: ignore[no-untyped-def]
    batch = score_folder(example_tender.bids_dir, hybrid, [example_tender.consensus])
    return {b.file: (b.total, b.rank) for b in batch.result.bids}


@pytest.mark.parametrize(
    "hostile",
    ["far-cell.xlsx", "legacy.xlsx", "locked.xlsx", "prices.xlsx", "page.xlsx", "half.xlsx", "empty.xlsx", "dtd.xlsx", "bomb.xlsx",
     "traversal.xlsx"],
)  # fmt: skip
def test_a_hostile_file_is_listed_and_the_others_keep_their_scores(
    hostile: str,
    example_tender: ExampleTender,
    hybrid: RubricSource,
    clean_scores: Any,
    tmp_path: Path,
) -> None:
    folder = tmp_path / "bids"
    shutil.copytree(example_tender.bids_dir, folder)
    data, code = _hostile_files((example_tender.bids_dir / "mersey-care-services.xlsx").read_bytes())[hostile]
    (folder / hostile).write_bytes(data)
    batch = score_folder(folder, hybrid, [example_tender.consensus])
    listed = [p for p in batch.problems if p.file == hostile]
    assert [p.code for p in listed] == [code], [str(p) for p in listed]
    assert listed[0].reason  # plain English, said once
    after = {b.file: (b.total, b.rank) for b in batch.result.bids}
    assert after.pop(hostile) == (None, None)
    assert after == clean_scores


@pytest.mark.parametrize(
    ("xml", "extent"),
    [
        (b'<row r="3"><c r="B3"/><c r="AB12"/></row>', (12, 28)),
        (b'<row r="3"><c r="B3"/><c s="1" r="xfd1048576"/></row>', (1048576, 16384)),  # r not first, lower case
        (b'<row r="900000"><c t="s"><v>1</v></c></row>', (900000, 0)),  # a cell placed by its row alone
        (b'<x:row r="7"><x:c r="XFD7"/></x:row>', (7, 16384)),  # a namespace prefix
        (b'<row r="3"><c\tr="AB3"/></row>', (3, 28)),  # a tab before the position
        (b"", (0, 0)),
    ],
)
def test_sheet_extent_sees_the_furthest_cell_however_it_is_written(xml: bytes, extent: tuple[int, int]) -> None:
    from socialvalue.intake.extent import sheet_extent

    assert sheet_extent(xml) == extent


@pytest.mark.parametrize(
    ("xml", "small"),
    [
        (b'<row r="3" spans="1:8"><c r="B3"/><c r="Z9999"/></row>', True),  # Excel's order, inside A1:Z9999
        (b'<row r="3"><c r="B3"/><c r="AA3"/></row>', False),  # a second column letter
        (b'<row r="3"><c r="B3"/><c r="B10000"/></row>', False),  # a fifth row digit
        (b'<row r="10000"><c t="s"><v>1</v></c></row>', False),  # a row placed far down
        (b'<row r="3"><c s="1" r="B3"/></row>', False),  # position not first: not settled by the quick scan
        (b'<row spans="1:2" r="3"><c r="B3"/></row>', False),
        (b'<row r="3"><c\tr="XFD1048576"/></row>', False),  # other whitespace before the position
        (b'<row r="3"><c/><c>1</c></row>', False),  # cells placed by their order alone
        (b'<x:row r="3"><x:c r="XFD1048576"/></x:row>', False),  # a namespace prefix
        (b'<row r="3"><col min="1" max="16384"/><c r="B3"/></row>', True),  # <col> is not a cell
    ],
)
def test_the_quick_extent_scan_settles_only_sheets_inside_z9999(xml: bytes, small: bool) -> None:
    from socialvalue.intake.extent import sheet_extent, within_z9999

    assert within_z9999(xml) is small
    if small:  # what the quick scan settles, the full scan agrees with
        rows, columns = sheet_extent(xml)
        assert rows <= 9_999 and columns <= 26


@pytest.mark.skipif(sys.platform == "win32", reason="worker processes are forked, so the stand-in reader reaches them")
@pytest.mark.parametrize("copies", [1, 10])  # a small folder (one chunk) and a large one (several)
def test_a_reader_that_dies_on_one_file_does_not_stop_a_parallel_batch(
    copies: int,
    example_tender: ExampleTender,
    hybrid: RubricSource,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A file that kills the process reading it (as a reader crash or the kernel's OOM killer would) is found
    by reading its chunk a file at a time, reported, and every other bid is scored as without it."""
    import os

    import socialvalue.batch as batch_module

    folder = tmp_path / "bids"
    folder.mkdir()
    for i in range(copies):
        for src in example_tender.bids_dir.iterdir():
            shutil.copy(src, folder / f"{i:02d}-{src.name}")
    clean = score_folder(folder, hybrid, [example_tender.consensus], jobs=1)
    shutil.copy(example_tender.bids_dir / "mersey-care-services.xlsx", folder / "05-killer.xlsx")
    real = read_bid  # what socialvalue.batch calls

    def dies_on_the_killer(
        path: Path, rubric: object, display_name: str | None = None, keep_answers: bool = True, value_set: object = None
    ) -> BidReading:
        if path.name == "05-killer.xlsx":
            os._exit(70)  # the worker process ends at once, as if the reader had crashed
        return real(path, rubric, display_name, keep_answers, value_set)  # type: ignore[arg-type]

    monkeypatch.setattr(batch_module, "read_bid", dies_on_the_killer)
    batch = score_folder(folder, hybrid, [example_tender.consensus], jobs=2)
    crashed = [p for p in batch.problems if p.code == "reader-crashed"]
    assert [(p.file, p.severity.value) for p in crashed] == [("05-killer.xlsx", "error")]
    assert batch.outcome("05-killer.xlsx") == "unreadable"
    assert [r.file for r in batch.readings] == sorted(p.name for p in folder.iterdir())
    scores = {b.file: (b.total, b.rank) for b in batch.result.bids if b.file != "05-killer.xlsx"}
    assert scores == {b.file: (b.total, b.rank) for b in clean.result.bids}
