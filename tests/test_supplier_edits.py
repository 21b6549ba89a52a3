"""No silent wrong number from a supplier file (issue 8): each careless or hostile edit a bidder can make.

Every test builds the bid with the project's own template and filler, edits it the way a bidder's
spreadsheet program would (openpyxl), scores it in a batch with the example tender's four bids, and
asserts the exact problem (code, cell, reason) and that the other bids keep their scores: the same as
in a batch with the bid's clean twin (the same answers, unedited), or with no such bid at all when
the edit keeps it out of the comparison.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from socialvalue.batch import Batch, score_folder
from socialvalue.example import ExampleTender
from socialvalue.fill import fill_response
from socialvalue.problems import CellRef, Problem
from socialvalue.rubric import RubricSource
from socialvalue.scoring import BidResult, BidStatus

ANSWER = (
    "We will run the service from a depot in Bootle with a team of thirty staff, supervised by a named contract "
    "manager, and report every quarter on each commitment with payroll and supplier evidence."
)
BASE: dict[str, dict[str, Any]] = {
    "supplier": {"supplier_name": "Edited Services Ltd", "company_number": "01234567", "bid_price": 1_500_000},
    "commitments": {"LE01": 5, "LE02": 2, "SK01": 200, "EN01": 50, "CB01": 300, "LS01": 100_000},
    "answers": {"Q1": ANSWER, "SV1": ANSWER + " Apprentices start in month two."},
    "gates": {"G1": "Yes"},
}
NAME = "edited.xlsx"

Edit = Callable[[Workbook], None]


def _bid(template: Path, folder: Path, edit: Edit | None = None, name: str = NAME, **changes: Any) -> Path:
    """BASE (updated by ``changes``) typed into the template, then ``edit`` applied as a spreadsheet program would."""
    parts = {k: {**v, **changes.get(k, {})} for k, v in BASE.items()}
    parts = {k: {c: x for c, x in v.items() if x is not None} for k, v in parts.items()}
    path = fill_response(template, folder / name, **parts)
    if edit is not None:
        wb = load_workbook(path)
        edit(wb)
        wb.save(path)
    return path


def _batch(example: ExampleTender, hybrid: RubricSource, folder: Path, *extra: Path) -> Batch:
    """The example tender's bids plus ``extra``, scored with the example's consensus scores."""
    bids = folder / "bids"
    shutil.copytree(example.bids_dir, bids)
    for path in extra:
        shutil.copy(path, bids / path.name)
    return score_folder(bids, hybrid, [example.consensus])


def _scores(batch: Batch, but: str = NAME) -> dict[str, tuple[object, ...]]:
    """Every other bid's status and points."""
    return {
        b.file: (b.status, b.in_pool, b.price_points, b.sv_quant_points, b.quality_points, b.total, b.rank)
        for b in batch.result.bids
        if b.file != but
    }


def _problems(batch: Batch, file: str = NAME) -> dict[tuple[str, str], Problem]:
    return {(p.code, f"{p.sheet}!{p.cell}"): p for p in batch.problems if p.file == file}


def _texts(result: BidResult) -> list[str]:
    """A bid's flags in words, as the results show them."""
    return [f.text for f in result.flags]


def _result(batch: Batch, file: str = NAME):  # type: ignore[no-untyped-def]
    return next(b for b in batch.result.bids if b.file == file)


@pytest.fixture(scope="module")
def without(example_tender: ExampleTender, hybrid: RubricSource, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[object, ...]]:  # fmt: skip
    """The example tender's scores with no extra bid."""
    return _scores(_batch(example_tender, hybrid, tmp_path_factory.mktemp("without")))


@pytest.fixture(scope="module")
def twin(
    example_tender: ExampleTender, hybrid: RubricSource, hybrid_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Batch:
    """The example tender plus the clean, unedited bid."""
    folder = tmp_path_factory.mktemp("twin")
    return _batch(example_tender, hybrid, folder, _bid(hybrid_template, folder))


Setup = tuple[ExampleTender, RubricSource, Path, Path]


@pytest.fixture
def setup(example_tender: ExampleTender, hybrid: RubricSource, hybrid_template: Path, tmp_path: Path) -> Setup:
    made = tmp_path / "made"
    made.mkdir()
    return example_tender, hybrid, hybrid_template, made


def _run(setup: Setup, edit: Edit | None = None, **changes: Any) -> Batch:
    example, hybrid, template, made = setup
    return _batch(example, hybrid, made.parent / "run", _bid(template, made, edit, **changes))


# --- 1. non-finite and absurd quantities ------------------------------------------------------------------


def test_quantities_too_large_to_be_numbers_are_refused_with_their_cells(setup: Setup) -> None:
    example, hybrid, template, made = setup
    batch = _run(setup, commitments={"LE01": "99999999999999999999999", "EN01": 1e308})
    found = _problems(batch)
    assert found[("not-finite", "Commitments!E4")].reason == (
        '"99999999999999999999999" is too large to be read as a number (a spreadsheet holds 15 digits exactly; '
        "this needs more): type a plain number such as 12"
    )
    assert found[("not-finite", "Commitments!E8")].raw == "1e+308"
    # the others score as if the bidder had left those two cells blank
    clean = _batch(
        example, hybrid, made.parent / "blank", _bid(template, made, commitments={"LE01": None, "EN01": None})
    )
    assert _scores(batch) == _scores(clean)
    assert _result(batch).sv_scored == _result(clean).sv_scored


def test_a_commitment_worth_more_than_the_bid_price_is_not_counted(setup: Setup) -> None:
    example, hybrid, template, made = setup
    # 100 local FTE-years at £20,000 = £2,000,000 on a £1,500,000 contract: over the 100% ceiling
    batch = _run(setup, commitments={"LE01": 100})
    problem = _problems(batch)[("implausible-value", "Commitments!E4")]
    assert problem.reason == (
        "the commitment to LE01 was not counted: 100 FTE-year × £20,000.00 = £2,000,000 is more than 100% of the "
        "bid's own price (£1,500,000), the plausibility ceiling: check the quantity and its unit"
    )
    edited = _result(batch)
    assert any(f.startswith("1 commitment(s) not counted by the plausibility guard (LE01)") for f in _texts(edited))
    line = next(m for m in batch.result.measures if m.bid_id == NAME and m.code == "LE01")
    assert (line.counted, line.counted_quantity, line.quantity) == (False, 0, 100)
    assert "plausibility ceiling" in line.note  # the Readings row says why
    # the others score as if LE01 had been left blank: the absurd figure takes nobody's points
    clean = _batch(example, hybrid, made.parent / "blank", _bid(template, made, commitments={"LE01": None}))
    assert _scores(batch) == _scores(clean)


def test_no_output_holds_inf_or_nan(setup: Setup, tmp_path: Path) -> None:
    from socialvalue.output.export import write_csv, write_json
    from socialvalue.output.results import AuditInfo, write_results

    example, hybrid, template, made = setup
    hostile = [
        _bid(template, made, name="huge-text.xlsx", commitments={"LE01": "99999999999999999999999", "LS01": "1e308"}),
        _bid(template, made, name="huge-number.xlsx", commitments={"EN01": 1e308, "CB01": 9.9e14}),
        _bid(template, made, name="tiny-price.xlsx", supplier={"bid_price": 1e-300}, commitments={"LE01": 1e14}),
        _bid(template, made, name="huge-price.xlsx", supplier={"bid_price": 9.99e14}, commitments={"SK03": 9e14}),
    ]
    batch = _batch(example, hybrid, tmp_path / "run", *hostile)
    xlsx = write_results(
        batch.result, hybrid.rubric, hybrid.value_set, tmp_path / "r.xlsx", batch.problems, AuditInfo()
    )
    js = write_json(batch.result, tmp_path / "r.json")
    csv = write_csv(batch.result, tmp_path / "r.csv")

    def refuse(constant: str) -> None:
        raise AssertionError(f"the JSON holds {constant}")

    json.loads(js.read_text(encoding="utf-8"), parse_constant=refuse)
    for cell in csv.read_text(encoding="utf-8").replace("\n", ",").split(","):
        assert cell.strip().lower() not in ("inf", "-inf", "nan", "infinity")
    import re
    import zipfile

    with zipfile.ZipFile(xlsx) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                values = re.findall(rb"<v>([^<]*)</v>", zf.read(name))
                assert not [v for v in values if v.lower() in (b"inf", b"-inf", b"nan")], name
    loaded = load_workbook(xlsx, data_only=True)  # openpyxl could not load a workbook holding inf
    assert "Summary" in loaded.sheetnames


# --- 3. missing, renamed or unreadable required sheet --------------------------------------------------


def test_a_near_miss_sheet_name_is_read_with_a_warning(setup: Setup, twin: Batch) -> None:
    def rename(wb: Workbook) -> None:
        wb["Commitments"].title = "commitments "

    batch = _run(setup, rename)
    problem = _problems(batch)[("sheet-renamed", "commitments !")]
    assert problem.reason == (
        "the sheet 'commitments ' was read as the sheet 'Commitments' (the names differ only in case and spaces): "
        "rename it 'Commitments'"
    )
    assert problem.severity.value == "warning"
    assert _result(batch).sv_scored == _result(twin).sv_scored  # every commitment read
    assert _scores(batch) == _scores(twin)


def test_a_missing_required_sheet_makes_the_bid_incomplete_not_a_zero(
    setup: Setup, without: dict[str, tuple[object, ...]]
) -> None:
    def delete(wb: Workbook) -> None:
        del wb["Commitments"]

    batch = _run(setup, delete)
    problem = _problems(batch)[("sheet-missing", "Commitments!")]
    assert problem.reason == (
        "the sheet 'Commitments' is missing: the bid is listed as incomplete and is not compared or ranked (never "
        "scored as zero): use the response workbook issued for this tender"
    )
    edited = _result(batch)
    assert (edited.status, edited.in_pool, edited.total, edited.rank) == (BidStatus.INCOMPLETE, False, None, None)
    assert edited.missing_sheets == ["Commitments"]
    assert "required sheet 'Commitments' missing or unreadable" in edited.status_reason
    assert _scores(batch) == without  # not a competitor at all


def test_an_unreadable_required_sheet_makes_the_bid_incomplete(
    setup: Setup, without: dict[str, tuple[object, ...]]
) -> None:
    import io
    import zipfile

    example, hybrid, template, made = setup
    path = _bid(template, made)
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    sheet = "xl/worksheets/sheet3.xml"  # Commitments: a number cell holding text, which the sheet reader rejects
    # (inside the sheet's response area: a cell beyond column G would be cut and listed instead)
    parts[sheet] = parts[sheet].replace(b'<c r="E4"', b'<c r="G1" t="n"><v>abc</v></c><c r="E4"', 1)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    path.write_bytes(buffer.getvalue())
    batch = _batch(example, hybrid, made.parent / "run", path)
    assert ("sheet-unreadable", "Commitments!") in _problems(batch)
    edited = _result(batch)
    assert (edited.status, edited.in_pool, edited.missing_sheets) == (BidStatus.INCOMPLETE, False, ["Commitments"])
    assert _scores(batch) == without


# --- 4. invisible characters in codes ------------------------------------------------------------------


def test_invisible_characters_in_codes_and_units_are_removed_and_said(
    setup: Setup, twin: Batch, tmp_path: Path
) -> None:
    from socialvalue.output.results import AuditInfo, write_results

    def invisible(wb: Workbook) -> None:
        ws = wb["Commitments"]
        ws["A6"] = "SK01\u200b"  # zero-width space
        ws["A4"] = "\ufeffLE01"  # byte order mark
        ws["D5"] = "FTE\u200d-year"  # zero-width joiner
        wb["Gates"]["A4"] = "Ｇ1"  # fullwidth G

    batch = _run(setup, invisible)
    found = _problems(batch)
    assert found[("code-normalised", "Commitments!A6")].reason == (
        "read 'SK01<U+200B>' as 'SK01' (removed U+200B zero width space): matched to the rubric's measure SK01"
    )
    assert ("code-normalised", "Commitments!A4") in found
    assert found[("code-normalised", "Commitments!D5")].reason == (
        "read 'FTE<U+200D>-year' as 'FTE-year' (removed U+200D zero width joiner): matched to the rubric's unit FTE-year"
    )
    assert "fullwidth latin capital letter g" in found[("code-normalised", "Gates!A4")].reason
    assert not [p for p in batch.problems if p.file == NAME and p.code in ("row-missing", "unit-changed")]
    assert _result(batch).sv_scored == _result(twin).sv_scored  # every commitment counted
    assert _result(batch).status == _result(twin).status  # the gate was found
    assert _scores(batch) == _scores(twin)
    # ... and said on Readings, with the quantity it belongs to
    xlsx = write_results(
        batch.result, setup[1].rubric, setup[1].value_set, tmp_path / "r.xlsx", batch.problems, AuditInfo()
    )
    rows = load_workbook(xlsx, data_only=True)["Readings"].iter_rows(values_only=True)
    sk01 = next(r for r in rows if r[0] == NAME and r[2] == "SK01")
    assert sk01[3] == "Commitments!E6"
    assert sk01[7] == "measure code read 'SK01<U+200B>' as 'SK01' (removed U+200B zero width space)"


# --- 5. edits to locked cells ------------------------------------------------------------------------


def test_every_edited_locked_cell_is_listed_and_scoring_ignores_it(setup: Setup, twin: Batch) -> None:
    def edit(wb: Workbook) -> None:
        ws = wb["Commitments"]
        ws["G4"] = "£99,000.00 per FTE-year (illustrative-2026)"  # the £ per unit shown to the bidder
        ws["B5"] = "Jobs"  # theme
        ws["C6"] = "Apprenticeships"  # measure text
        wb["Method statements"]["D4"] = 5000  # word limit
        wb["Method statements"]["C5"] = "Tell us anything"  # question text
        wb["Gates"]["B4"] = "Insurance: optional"  # requirement text
        wb["Supplier"]["B7"] = "Price (optional)"  # label
        wb["Instructions"]["A1"] = "Our response"

    batch = _run(setup, edit)
    changed = {cell: p for (code, cell), p in _problems(batch).items() if code == "locked-cell-changed"}
    assert set(changed) == {
        "Commitments!G4", "Commitments!B5", "Commitments!C6", "Method statements!D4", "Method statements!C5",
        "Gates!B4", "Supplier!B7", "Instructions!A1",
    }  # fmt: skip
    assert changed["Commitments!G4"].reason == (
        "a protected cell was changed: the template says '£20,000.00 per FTE-year (illustrative-2026); net of "
        "deadweight 20%, displacemen…'; the file says '£99,000.00 per FTE-year (illustrative-2026)'; scoring uses the "
        "rubric's own value, never this cell"
    )
    assert changed["Method statements!D4"].reason == (
        "a protected cell was changed: the template says 1,000; the file says 5,000; scoring uses the rubric's own "
        "value, never this cell"
    )
    assert all(p.severity.value == "warning" for p in changed.values())
    edited, clean = _result(batch), _result(twin)
    assert (edited.sv_scored, edited.price_points, edited.sv_quant_points) == (
        clean.sv_scored, clean.price_points, clean.sv_quant_points,
    )  # fmt: skip
    assert _scores(batch) == _scores(twin)


# --- 6. template version ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("edit", "code", "flag"),
    [
        ({"B3": "2.0"}, "template-record-changed", "template: its record says rubric version '2.0', but its fingerprint"),
        ({"B3": "0.9", "B4": "0" * 64}, "template-other-version", "template: made from rubric version '0.9' (000000000000)"),
        ({"B4": "f" * 64}, "template-other-version", "template: made from a rubric with the same version number '1.0'"),
    ],
)  # fmt: skip
def test_a_bid_read_against_another_template_says_so_on_its_row(
    setup: Setup, twin: Batch, edit: dict[str, str], code: str, flag: str
) -> None:
    def record(wb: Workbook) -> None:
        ws = wb["_socialvalue"]
        assert (ws["A3"].value, ws["A4"].value) == ("rubric_version", "rubric_fingerprint")
        for cell, value in edit.items():
            ws[cell] = value

    batch = _run(setup, record)
    problem = _problems(batch)[(code, "_socialvalue!")]
    edited = _result(batch)
    assert any(f.startswith(flag) for f in _texts(edited)), _texts(edited)
    assert problem.reason in next(f for f in _texts(edited) if f.startswith("template:"))
    assert _scores(batch) == _scores(twin)


def test_a_bid_with_no_template_record_says_so_on_its_row(setup: Setup, twin: Batch) -> None:
    def strip(wb: Workbook) -> None:
        del wb["_socialvalue"]

    batch = _run(setup, strip)
    assert _problems(batch)[("template-unknown", "!")].reason.startswith(
        "the workbook has no record of the template it was made from"
    )
    assert any(f.startswith("template: no record of the template") for f in _texts(_result(batch)))
    assert _scores(batch) == _scores(twin)


def test_another_layout_is_not_read(setup: Setup, without: dict[str, tuple[object, ...]]) -> None:
    def layout(wb: Workbook) -> None:
        ws = wb["_socialvalue"]
        assert ws["A1"].value == "layout_version"
        ws["B1"] = "2"

    batch = _run(setup, layout)
    assert _problems(batch)[("template-other-layout", "_socialvalue!")].reason == (
        "this response was made with layout '2' of the response workbook, and this tool reads layout '1': its columns "
        "may have moved, so nothing in it was read: ask for the response on the current template"
    )
    assert _result(batch).status is BidStatus.UNREADABLE
    assert _scores(batch) == without


# --- 8. prices typed as text ---------------------------------------------------------------------------


def test_a_price_typed_as_text_is_recorded_as_a_quantity_is(setup: Setup, twin: Batch, tmp_path: Path) -> None:
    from socialvalue.output.export import write_json

    batch = _run(setup, supplier={"bid_price": "£1.5m"})
    edited = _result(batch)
    assert (edited.price, edited.price_raw, edited.price_cell) == (1_500_000, "£1.5m", CellRef("Supplier", 7, 2))
    assert edited.price_note == "read '£1.5m' as 1500000 (removed £; 'm' = ×1,000,000)"
    saved = json.loads(write_json(batch.result, tmp_path / "r.json").read_text(encoding="utf-8"))
    row = next(b for b in saved["bids"] if b["file"] == NAME)
    assert (row["price_raw"], row["price_note"], row["price_cell"]) == ("£1.5m", edited.price_note, "Supplier!C7")
    assert _scores(batch) == _scores(twin)  # the same price as the twin's 1500000


@pytest.mark.parametrize("typed", ["1,25", "1.250.000", "1.250.000,00", "1 250 000,00"])
def test_an_ambiguous_price_is_refused_not_guessed(
    setup: Setup, typed: str, without: dict[str, tuple[object, ...]]
) -> None:
    batch = _run(setup, supplier={"bid_price": typed})
    problem = _problems(batch)[("ambiguous-number", "Supplier!C7")]
    assert problem.reason == (
        f'"{typed}" could be read more than one way (a comma or full stop can separate thousands or mark decimals): '
        "a price is read only the UK way, never guessed: type the amount in £ as a plain number such as 1250000, "
        "with a full stop only before pence (1250000.50)"
    )
    edited = _result(batch)
    assert (edited.status, edited.status_reason, edited.price, edited.price_raw) == (
        BidStatus.EXCLUDED, "no usable bid price", None, typed,
    )  # fmt: skip
    assert _scores(batch) == without  # £1.25 never became everyone's lowest price


# --- 9. look-alike suppliers -------------------------------------------------------------------------


def test_look_alike_names_identical_files_and_answers_are_flagged_not_excluded(
    setup: Setup, example_tender: ExampleTender, twin: Batch
) -> None:
    example, hybrid, template, made = setup
    mersey = example.bids_dir / "mersey-care-services.xlsx"
    copy = made / "mersey-copy.xlsx"
    shutil.copy(mersey, copy)
    look_alike = _bid(
        template, made, supplier={"supplier_name": "North West Faci1ities Limited", "company_number": "07777777"}
    )
    words = load_workbook(mersey)["Method statements"]["E4"].value
    copied = _bid(template, made, name="zz-copied.xlsx", supplier={"supplier_name": "Copied Answers Ltd", "company_number": "06666666"}, answers={"Q1": words})  # fmt: skip
    batch = _batch(example, hybrid, made.parent / "run", look_alike, copy, copied)

    # the later of the two files (in file order) is listed; both rows are flagged
    name = _problems(batch, "northwest-facilities.xlsx")[("duplicate-supplier", "!")]
    assert name.reason == (
        "the supplier name 'Northwest Facilities plc' looks like 'North West Faci1ities Limited' (letters that look "
        "alike), used as edited.xlsx: check whether one organisation submitted twice (flagged, not excluded)"
    )
    assert "looks like edited.xlsx: a look-alike supplier name (see Errors; flagged, not excluded)" in _texts(
        _result(batch, "northwest-facilities.xlsx")
    )
    same_file = _problems(batch, "mersey-copy.xlsx")
    assert same_file[("identical-file", "!")].reason.startswith(
        "this file is byte for byte the same as mersey-care-services.xlsx (SHA-256 "
    )
    assert ("duplicate-supplier", "!") in same_file  # and the same company number
    answer = _problems(batch, "zz-copied.xlsx")[("identical-answer", "Method statements!E4")]
    assert answer.reason == (
        f"the answer to Q1 ({len(words.split())} words) is word for word the same as mersey-care-services.xlsx's "
        "(case and spacing aside): check for a shared or copied bid (flagged, not excluded)"
    )
    for file in (NAME, "mersey-copy.xlsx", "zz-copied.xlsx", "mersey-care-services.xlsx"):
        result = _result(batch, file)
        assert result.in_pool and result.status is not BidStatus.EXCLUDED  # flagged, not excluded
    assert (
        "looks like northwest-facilities.xlsx: a look-alike supplier name (see Errors; flagged, not excluded)"
        in _texts(_result(batch))
    )
    assert (
        "looks like mersey-copy.xlsx: an identical file (the same SHA-256) (see Errors; flagged, not excluded)"
        in _texts(_result(batch, "mersey-care-services.xlsx"))
    )
    assert (
        "looks like mersey-care-services.xlsx: the same answer to Q1, word for word (see Errors; flagged, not excluded)"
        in _texts(_result(batch, "zz-copied.xlsx"))
    )
    # a copy of the best bid and two plausible bids: the example's own bids keep their points
    example_scores = {f: s for f, s in _scores(batch).items() if f not in ("mersey-copy.xlsx", "zz-copied.xlsx")}
    assert example_scores == _scores(twin)


# --- 10. abnormally low prices of bids outside the comparison --------------------------------------------


def test_an_excluded_bid_with_an_abnormally_low_price_is_flagged_and_reported(
    setup: Setup, without: dict[str, tuple[object, ...]], tmp_path: Path
) -> None:
    from socialvalue.output.summaries import evaluation_report

    # the compared bids' mean price is £1,730,000; £1,090,000 is 37% below it; and the bid fails the gate
    batch = _run(setup, supplier={"bid_price": 1_090_000}, gates={"G1": "No"})
    edited = _result(batch)
    assert (edited.status, edited.in_pool) == (BidStatus.EXCLUDED, False)
    assert edited.price_below_mean_pct == pytest.approx(37, abs=0.5)
    assert _texts(edited) == [
        "abnormally low price (outside the comparison: this bid is excluded, so its price changes no score): "
        "£1,090,000.00 is 37% below the mean of the compared bids (£1,730,000.00; threshold 20%): investigate before "
        "award, do not reject outright"
    ]
    report = evaluation_report(batch.result, setup[1].rubric, []).text()
    assert "No price was flagged" not in report
    assert "Edited Services Ltd (outside the comparison: excluded): abnormally low price" in report
    assert _scores(batch) == without
    # the results workbook's Summary row and the JSON say it too
    from socialvalue.output.export import write_json
    from socialvalue.output.results import AuditInfo, write_results

    hybrid = setup[1]
    xlsx = write_results(
        batch.result, hybrid.rubric, hybrid.value_set, tmp_path / "r.xlsx", batch.problems, AuditInfo()
    )
    summary = load_workbook(xlsx, data_only=True)["Summary"]
    row = next(r for r in summary.iter_rows(values_only=True) if NAME in r)
    assert any(isinstance(v, str) and "abnormally low price (outside the comparison" in v for v in row)
    saved = json.loads(write_json(batch.result, tmp_path / "r.json").read_text(encoding="utf-8"))
    assert next(b for b in saved["bids"] if b["file"] == NAME)["price_below_mean_pct"] == pytest.approx(37, abs=0.5)
