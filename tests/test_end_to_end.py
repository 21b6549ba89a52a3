"""A tender end to end, the way an officer runs it: template → filled bids → score → results workbook."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from socialvalue.batch import Batch, score_folder
from socialvalue.cli import main
from socialvalue.example import ExampleTender
from socialvalue.fill import fill_response
from socialvalue.problems import Severity
from socialvalue.rubric import RubricSource
from socialvalue.scoring import BidStatus

from .recalc import (
    cached_values,
    formula_cells,
    libreoffice_mismatches,
    recalc_formulas_package,
    recalc_libreoffice,
    same,
    soffice,
)
from .tenders import three_bid_tender


@pytest.fixture
def scored(example_batch: Batch) -> Batch:
    return example_batch


@pytest.fixture(scope="module")
def results_xlsx(example_tender: ExampleTender, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("results") / "results.xlsx"
    res = CliRunner().invoke(
        main,
        ["score", str(example_tender.bids_dir), "--rubric", "hybrid-commitments-plan",
         "--evaluations", str(example_tender.consensus), "-o", str(out)],
    )  # fmt: skip
    assert res.exit_code == 1, res.output  # the example has a bid with mistakes: results written, exit 1
    return out


def test_every_input_file_is_scored_or_listed(scored, example_tender: ExampleTender) -> None:  # type: ignore[no-untyped-def]
    files = sorted(p.name for p in example_tender.bids_dir.iterdir())
    assert sorted(b.file for b in scored.result.bids) == files
    statuses = {b.file: b.status for b in scored.result.bids}
    assert statuses["late-bid-saved-as-csv.xlsx"] is BidStatus.UNREADABLE
    assert all(s is BidStatus.RANKED for f, s in statuses.items() if f != "late-bid-saved-as-csv.xlsx")
    csv_problem = [p for p in scored.problems if p.file == "late-bid-saved-as-csv.xlsx"]
    assert csv_problem and csv_problem[0].code == "csv-not-xlsx"


def test_mistakes_are_located_and_explained(scored) -> None:  # type: ignore[no-untyped-def]
    found = {(p.file, p.sheet, p.cell): p for p in scored.problems if p.file == "sefton-cleaning.xlsx"}
    twelve = found[("sefton-cleaning.xlsx", "Commitments", "E4")]  # LE01 is the first measure row
    assert twelve.code == "not-a-number"
    assert '"twelve" is not a number' in twelve.reason
    assert str(twelve).startswith("sefton-cleaning.xlsx Commitments!E4: ")
    about = found[("sefton-cleaning.xlsx", "Commitments", "E8")]  # EN01
    assert about.code in ("not-a-number", "range-not-number")
    lines = {m.code: m for m in scored.result.measures if m.bid_id == "sefton-cleaning.xlsx"}
    assert lines["LE01"].counted_quantity == 0 and lines["LE01"].note.startswith("not counted")
    assert lines["LE02"].quantity == 2  # "2 FTE" in an FTE-year measure
    assert lines["SK01"].quantity == 1040  # "1,040"
    assert lines["LS01"].quantity == 150_000  # "£150k" in a GBP measure


def test_ranking_matches_the_worked_numbers(scored, hybrid: RubricSource) -> None:  # type: ignore[no-untyped-def]
    bids = {b.supplier: b for b in scored.result.bids}
    mersey = bids["Mersey Care Services Ltd"]
    # price: 40 × 1,420,000 / 1,850,000
    assert mersey.price_points == pytest.approx(40 * 1_420_000 / 1_850_000)
    # quality: Q1 4/5 of 40; SV questions: SV1 4/5 of 10
    assert mersey.quality_points == pytest.approx(32)
    assert mersey.sv_qual_points == pytest.approx(8)
    # net £: LE01 12 × 20,000 × 0.8 × 0.9 = 172,800 ; LE02 4 × 25,000 × 0.9 = 90,000 ; SK01 520 × 250 × 0.9 = 117,000
    # SK03 60 × 150 = 9,000 ; EN01 180 × 250 × 0.9 = 40,500 ; EN03 40 × 100 × 0.7 = 2,800 ; CB01 900 × 15 = 13,500
    # LS01 350,000 × 0.2 × 0.75 = 52,500 ; SK04 count only
    assert mersey.sv_net == pytest.approx(172_800 + 90_000 + 117_000 + 9_000 + 40_500 + 2_800 + 13_500 + 52_500)
    ranks = [b.rank for b in scored.result.bids if b.rank is not None]
    assert sorted(ranks) == [1, 2, 3, 4]
    assert scored.result.winner is not None


def test_results_workbook_has_the_promised_sheets(results_xlsx: Path) -> None:
    wb = load_workbook(results_xlsx, read_only=True)
    assert wb.sheetnames == [
        "Summary", "Decision", "Social value", "Commitments", "Readings", "Measures", "Questions", "Gates", "Errors",
        "Method", "Audit",
    ]  # fmt: skip
    decision = [r[0] for r in wb["Decision"].iter_rows(values_only=True) if r and r[0]]
    assert (
        "Mersey Care Services Ltd ranked first with 78.16 points out of 100, 6.45 ahead of Wirral Community CIC (71.71)."
        in decision
    )
    assert any(str(line).startswith("Close: 2 single one-step change(s)") for line in decision)
    audit = {r[0]: r[1] for r in wb["Audit"].iter_rows(values_only=True) if r and r[0]}
    assert audit["Rubric id"] == "hybrid-commitments-plan"
    assert len(audit["Rubric fingerprint (SHA-256)"]) == 64
    assert "ILLUSTRATIVE" in audit["Value set"]
    rows = list(wb["Audit"].iter_rows(values_only=True))
    hashed = {r[0]: r[1] for r in rows if r and r[1] and len(str(r[1])) == 64}
    assert "late-bid-saved-as-csv.xlsx" in hashed and "sefton-cleaning.xlsx" in hashed
    errors = [r for r in wb["Errors"].iter_rows(min_row=6, values_only=True) if r[0]]
    assert any(r[0] == "sefton-cleaning.xlsx" and r[1] == "Commitments" and r[2] == "E4" for r in errors)


def _table(ws, heading: str) -> tuple[list[str], list[tuple]]:  # type: ignore[no-untyped-def, type-arg]
    """The headings row (the first row whose column A is ``heading``) and the rows below it, up to a blank one."""
    rows = list(ws.iter_rows(values_only=True))
    at = next(i for i, r in enumerate(rows) if r and r[0] == heading)
    body = []
    for r in rows[at + 1 :]:
        if not r or r[0] is None:
            break
        body.append(r)
    return list(rows[at]), body


def test_social_value_is_one_row_per_bid_adding_up_to_the_scored_total(results_xlsx: Path, scored) -> None:  # type: ignore[no-untyped-def]
    values = load_workbook(results_xlsx, data_only=True)
    formulas = load_workbook(results_xlsx)
    headings, rows = _table(values["Social value"], "Bid file")
    assert headings[2].startswith("LE01 Local people employed") and headings[2].endswith("(FTE-year)")
    assert headings[-2:] == ["Gross £", "Net £"]
    bids = {b.bid_id: b for b in scored.result.bids}
    readable = sorted(b.bid_id for b in scored.result.bids if b.status is not BidStatus.UNREADABLE)
    assert [r[0] for r in rows] == readable  # one row per bid, in bid order
    for r in rows:
        b = bids[r[0]]
        assert r[-1] == pytest.approx(b.sv_scored)  # the rubric scores net £
        assert r[-2] == pytest.approx(b.sv_gross)
        assert sum(v for v in r[2:-2] if isinstance(v, int | float)) == pytest.approx(b.sv_scored)
    # a measure's cell: the quantity on Commitments (same cell) × £ per unit × net factor (above, from Measures)
    mersey = formulas["Social value"]["C8"]
    assert mersey.value == "='Commitments'!C8*C$5*C$6"
    assert formulas["Social value"]["C5"].value.startswith("='Measures'!$F$")
    assert values["Social value"]["C8"].value == pytest.approx(12 * 20_000 * 0.8 * 0.9)
    # the Summary's social value £ is that row's total
    summary = formulas["Summary"]
    sv_col = next(c.column_letter for c in summary[5] if c.value == "Social value £ (net)")
    linked = {summary[f"C{r}"].value: summary[f"{sv_col}{r}"].value for r in range(6, 10)}
    assert linked["mersey-care-services.xlsx"] == "='Social value'!M8"


def test_commitments_and_readings_show_how_each_quantity_was_counted(results_xlsx: Path) -> None:
    values = load_workbook(results_xlsx, data_only=True)
    styled = load_workbook(results_xlsx)
    headings, rows = _table(values["Commitments"], "Bid file")
    sefton = next(r for r in rows if r[0] == "sefton-cleaning.xlsx")
    by_code = {h.split()[0]: v for h, v in zip(headings[2:], sefton[2:], strict=True)}
    assert by_code["LS01"] == 150_000  # "£150k"
    assert by_code["LE01"] is None  # "twelve": not counted
    row = 8 + [r[0] for r in rows].index("sefton-cleaning.xlsx")
    assert styled["Commitments"][f"C{row}"].fill.fgColor.rgb.endswith("FFC7CE")  # red: nothing counted
    assert styled["Commitments"][f"J{row}"].fill.fgColor.rgb.endswith("FFEB9C")  # amber: read from text
    headings, readings = _table(values["Readings"], "Bid file")
    assert headings == ["Bid file", "Supplier", "Code", "Input cell", "As typed", "Read as", "Counted", "Note"]
    found = {(r[0], r[2]): r for r in readings}
    # a price typed as text is recorded as a quantity is: the cell, what was typed and how it was read
    assert found[("wirral-community-cic.xlsx", "Price £")][3:7] == ("Supplier!C7", "£2,050,000", 2_050_000, 2_050_000)
    assert "read '£2,050,000' as 2050000" in found[("wirral-community-cic.xlsx", "Price £")][7]
    assert ("mersey-care-services.xlsx", "Price £") not in found  # typed as a number: nothing to explain
    assert found[("sefton-cleaning.xlsx", "LS01")][3:7] == ("Commitments!E11", "£150k", 150_000, 150_000)
    assert "read '£150k' as 150000" in found[("sefton-cleaning.xlsx", "LS01")][7]
    assert found[("sefton-cleaning.xlsx", "LE01")][4:7] == ("twelve", None, 0)
    # plain numbers counted in full have no row; nor does a count-only measure's standing note
    assert ("mersey-care-services.xlsx", "LE01") not in found
    assert ("mersey-care-services.xlsx", "SK04") not in found
    notes = [r[0] for r in values["Readings"].iter_rows(max_row=4, values_only=True)]
    assert any("Evidence text is not in this workbook" in (n or "") for n in notes)


def test_questions_hold_each_question_once_and_short_rows_per_bid(results_xlsx: Path, scored) -> None:  # type: ignore[no-untyped-def]
    values = load_workbook(results_xlsx, data_only=True)
    ws = values["Questions"]
    block_headings, block = _table(ws, "Criterion")
    assert block_headings[:6] == ["Criterion", "Theme", "Code", "Top of scale", "Scale", "Max points"]
    assert [r[2] for r in block] == ["Q1", "SV1"]
    assert block[0][5] == pytest.approx(40)  # Q1: 100% of the quality weight
    headings, rows = _table(ws, "Bid file")
    assert headings == ["Bid file", "Supplier", "Code", "Consensus score", "Descriptor", "Points",
                        "Reason (moderation)", "Score from", "Words", None]  # fmt: skip
    assert len(rows) == len(scored.result.questions)
    mersey_q1 = next(r for r in rows if r[0] == "mersey-care-services.xlsx" and r[2] == "Q1")
    assert mersey_q1[3] == 4 and mersey_q1[5] == pytest.approx(32)


def test_formulas_recompute_to_the_stored_values_in_python(results_xlsx: Path) -> None:
    cells = formula_cells(results_xlsx)
    assert len(cells) > 50
    recomputed = recalc_formulas_package(results_xlsx)
    mismatches = []
    for (sheet, ref), (formula, cached) in cells.items():
        got = recomputed.get((sheet.upper(), ref))
        if not same(cached, got):
            mismatches.append(f"{sheet}!{ref} {formula}: stored {cached!r}, recomputed {got!r}")
    assert not mismatches, "\n".join(mismatches[:20])


def test_a_gross_scored_rubric_with_a_cap_recomputes_too(
    example_tender: ExampleTender, hybrid: RubricSource, tmp_path: Path
) -> None:
    """The other branch of the Social value formulas (gross scored, net by SUMPRODUCT) and a cap on Commitments."""
    from socialvalue.batch import read_bids
    from socialvalue.output.results import AuditInfo, write_results
    from socialvalue.scoring import score_tender

    sv = hybrid.rubric.social_value
    assert sv is not None
    themes = [
        t.model_copy(
            update={"measures": [m.model_copy(update={"cap": 10}) if m.code == "LE01" else m for m in t.measures]}
        )
        for t in sv.themes
    ]
    rubric = hybrid.rubric.model_copy(
        update={"social_value": sv.model_copy(update={"score_on": "gross", "themes": themes})}
    )
    files = sorted(example_tender.bids_dir.iterdir())
    bids = [r.bid for r in read_bids(files, hybrid.rubric) if r.bid is not None]
    result = score_tender(rubric, hybrid.value_set, bids)
    out = write_results(result, rubric, hybrid.value_set, tmp_path / "gross.xlsx", [], AuditInfo())
    cells = formula_cells(out)
    assert cells[("Social value", "C8")][0] == "='Commitments'!C8*C$5"  # gross: no net factor
    assert cells[("Commitments", "C6")][0].startswith("='Measures'!$E$")  # LE01's cap
    recomputed = recalc_formulas_package(out)
    mismatches = [
        f"{sheet}!{ref} {formula}: stored {cached!r}, recomputed {recomputed.get((sheet.upper(), ref))!r}"
        for (sheet, ref), (formula, cached) in cells.items()
        if not same(cached, recomputed.get((sheet.upper(), ref)))
    ]
    assert not mismatches, "\n".join(mismatches[:20])
    values = load_workbook(out, data_only=True)
    _, rows = _table(values["Social value"], "Bid file")
    by_bid = {b.bid_id: b for b in result.bids}
    for r in rows:
        assert r[-2] == pytest.approx(by_bid[r[0]].sv_scored) == pytest.approx(by_bid[r[0]].sv_gross)
    mersey = next(r for r in _table(values["Commitments"], "Bid file")[1] if r[0] == "mersey-care-services.xlsx")
    assert mersey[2] == 10  # 12 committed, capped at 10


@pytest.mark.libreoffice
@pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed (CI installs it: .ci/run)")
def test_formulas_recompute_to_the_stored_values_in_libreoffice(results_xlsx: Path, tmp_path: Path) -> None:
    # sanity: LibreOffice really recalculates (a deliberately wrong cached value is corrected)
    import xlsxwriter

    probe = tmp_path / "probe.xlsx"
    wb = xlsxwriter.Workbook(str(probe))
    wb.add_worksheet("S").write_formula("A1", "=1+1", None, 5)
    wb.close()
    assert cached_values(recalc_libreoffice(probe, tmp_path))[("S", "A1")] == 2

    _, mismatches = libreoffice_mismatches(results_xlsx, tmp_path)
    assert not mismatches, "\n".join(mismatches[:20])


def test_json_and_csv_outputs(example_tender: ExampleTender, tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    res = CliRunner().invoke(
        main,
        ["score", str(example_tender.bids_dir), "--rubric", "hybrid-commitments-plan", "--evaluations",
         str(example_tender.consensus), "-o", str(out), "--json", str(tmp_path / "r.json"), "--csv", str(tmp_path / "r.csv")],
    )  # fmt: skip
    assert res.exit_code == 1
    data = json.loads((tmp_path / "r.json").read_text())
    assert {b["file"] for b in data["bids"]} == {p.name for p in example_tender.bids_dir.iterdir()}
    assert (tmp_path / "r.csv").read_text().splitlines()[0].startswith("rank,bid_id,supplier")


def test_exit_code_zero_when_every_bid_is_clean(example_tender: ExampleTender, tmp_path: Path) -> None:
    clean = tmp_path / "bids"
    clean.mkdir()
    for name in ("mersey-care-services.xlsx", "northwest-facilities.xlsx"):
        shutil.copy(example_tender.bids_dir / name, clean / name)
    res = CliRunner().invoke(
        main, ["score", str(clean), "--rubric", "hybrid-commitments-plan", "--evaluations", str(example_tender.consensus),
               "-o", str(tmp_path / "r.xlsx")],
    )  # fmt: skip
    # the consensus file also scores bids not in this folder: those rows are warnings, not errors
    assert res.exit_code == 0, res.output


def test_exit_code_two_for_a_broken_rubric(example_tender: ExampleTender, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntitle: X\ncriteria:\n  - {id: price, name: Price, kind: price, weight: 90}\n")
    res = CliRunner().invoke(
        main, ["score", str(example_tender.bids_dir), "--rubric", str(bad), "-o", str(tmp_path / "r.xlsx")]
    )
    assert res.exit_code == 2
    assert "weights must sum to 100" in res.output
    assert not (tmp_path / "r.xlsx").exists()


def test_refuses_to_overwrite_an_input(example_tender: ExampleTender) -> None:
    target = example_tender.bids_dir / "mersey-care-services.xlsx"
    before = target.read_bytes()
    res = CliRunner().invoke(
        main, ["score", str(example_tender.bids_dir), "--rubric", "hybrid-commitments-plan", "-o", str(target)]
    )
    assert res.exit_code == 2
    assert target.read_bytes() == before


def test_a_supplier_filling_cells_gets_scored(hybrid_template: Path, hybrid: RubricSource, tmp_path: Path) -> None:
    """Only input cells are written, rows found by code, and the values come back."""
    bids = tmp_path / "bids"
    fill_response(
        hybrid_template, bids / "acme.xlsx",
        supplier={"supplier_name": "=HYPERLINK(\"http://evil\",\"click\")", "bid_price": 1000},
        commitments={"LE01": 1.5, "CB01": "1 200 hours"}, gates={"G1": "Yes"},
    )  # fmt: skip
    batch = score_folder(bids, hybrid)
    b = batch.result.bids[0]
    assert b.supplier.startswith("=HYPERLINK")  # kept as text, never run
    lines = {m.code: m for m in batch.result.measures}
    assert lines["LE01"].quantity == 1.5
    assert lines["CB01"].quantity == 1200


def test_parallel_reading_gives_the_same_result(
    example_tender: ExampleTender, hybrid: RubricSource, tmp_path: Path
) -> None:
    """--jobs spreads reading over processes; the scored tender is identical."""
    many = tmp_path / "bids"
    many.mkdir()
    for i in range(40):
        for src in example_tender.bids_dir.iterdir():
            shutil.copy(src, many / f"{i:02d}-{src.name}")
    one = score_folder(many, hybrid, [example_tender.consensus], jobs=1)
    two = score_folder(many, hybrid, [example_tender.consensus], jobs=2)
    assert one.result.model_dump() == two.result.model_dump()
    assert len(one.result.bids) == 200


def test_duplicate_and_look_alike_suppliers_are_flagged() -> None:
    from socialvalue.batch import duplicate_suppliers
    from socialvalue.bid import Bid

    bids = [
        Bid(bid_id="a.xlsx", file="a.xlsx", supplier_name="Acme Services Ltd", company_number="01234567"),
        Bid(bid_id="b.xlsx", file="b.xlsx", supplier_name="ACME SERVICES LIMITED"),
        Bid(bid_id="c.xlsx", file="c.xlsx", supplier_name="Аcme Services"),  # Cyrillic А
        Bid(bid_id="d.xlsx", file="d.xlsx", supplier_name="Other Co", company_number="01234567"),
        Bid(bid_id="e.xlsx", file="e.xlsx", supplier_name="Different Ltd"),
    ]
    problems = {p.file: p for p in duplicate_suppliers(bids)}
    assert set(problems) == {"b.xlsx", "c.xlsx", "d.xlsx"}
    assert "a.xlsx" in problems["c.xlsx"].reason
    assert "company number 01234567" in problems["d.xlsx"].reason


def test_lock_files_hidden_files_and_subfolders_are_listed_not_scored(tmp_path: Path) -> None:
    from socialvalue.batch import list_bid_files

    (tmp_path / "a.xlsx").write_bytes(b"x")
    (tmp_path / "~$a.xlsx").write_bytes(b"lock")
    (tmp_path / ".DS_Store").write_bytes(b"mac")
    (tmp_path / "old").mkdir()
    files, notes = list_bid_files(tmp_path)
    assert [f.name for f in files] == ["a.xlsx"]
    assert {n.file: n.code for n in notes} == {
        "~$a.xlsx": "lock-file-skipped",
        ".DS_Store": "hidden-file-skipped",
        "old": "subfolder-skipped",
    }


@pytest.mark.parametrize(("count", "shown"), [(4, 4), (40, 15)])
def test_the_summary_chart_shows_the_top_of_the_ranking(count: int, shown: int, tmp_path: Path) -> None:
    """One bar per ranked bid up to 15; a large batch's chart shows the top 15 and says so."""
    import re
    import zipfile

    from socialvalue.output.results import AuditInfo, write_results
    from socialvalue.scoring import score_tender
    from tests.builders import VALUES, bid, rubric, scores

    names = [f"s{i:02d}" for i in range(count)]
    bids = [bid(n, 1000 + 10 * i, {"M1": 1 + i}) for i, n in enumerate(names)]
    panel = [s for n in names for s in scores(n, Q1=4)]
    result = score_tender(rubric(), VALUES, bids, panel)
    out = write_results(result, rubric(), VALUES, tmp_path / "r.xlsx", [], AuditInfo())
    with zipfile.ZipFile(out) as zf:
        chart = zf.read("xl/charts/chart1.xml").decode()
    ranges = set(re.findall(r"<c:f>Summary!\$[A-Z]+\$(\d+):\$[A-Z]+\$(\d+)</c:f>", chart))
    assert ranges == {("6", str(5 + shown))}  # rows 6.. of the Summary: the ranked bids, best first
    titles = re.findall(r"<a:t>([^<]*)</a:t>", chart)
    if shown < count:
        assert f"Points by criterion: the top {shown} of {count} ranked bids" in titles
    else:
        assert "Points by criterion (ranked bids)" in titles


@pytest.mark.parametrize("rubric_id", ["nhs-net-zero-sv", "local-measures", "hybrid-commitments-plan"])
def test_every_built_in_rubric_scores_end_to_end(rubric_id: str, tmp_path: Path) -> None:
    """Each built-in rubric: template → three filled bids → consensus → results whose formulas recompute."""
    from socialvalue.output.results import AuditInfo, write_results

    batch, source = three_bid_tender(rubric_id, tmp_path)
    r = source.rubric
    assert not [p for p in batch.problems if p.severity is Severity.ERROR], batch.problems
    assert sorted(b.rank or 0 for b in batch.result.bids) == [1, 2, 3]
    out = write_results(batch.result, r, source.value_set, tmp_path / "results.xlsx", batch.problems, AuditInfo())
    cells = formula_cells(out)
    recomputed = recalc_formulas_package(out)
    wrong = [
        f"{sheet}!{ref} {formula}: stored {cached!r}, recomputed {recomputed.get((sheet.upper(), ref))!r}"
        for (sheet, ref), (formula, cached) in cells.items()
        if not same(cached, recomputed.get((sheet.upper(), ref)))
    ]
    assert cells and not wrong, "\n".join(wrong[:20])
