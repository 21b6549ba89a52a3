"""The store on SQLite and PostgreSQL: footprints, awards, returns (idempotent, superseded, rejected whole), status."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from openpyxl import load_workbook

from socialvalue.cli import main
from socialvalue.contracts.status import contract_status
from socialvalue.example import ExampleTender
from socialvalue.footprint import load_footprint
from socialvalue.store import open_store
from socialvalue.store import schema as S
from socialvalue.store.footprints import read_footprint, save_footprint
from socialvalue.store.frames import table
from socialvalue.store.status import Scope
from tests.stores import assert_summary_current
from tests.tenders import cli, filled_return

WINNER, SECOND = "mersey-care-services.xlsx", "wirral-community-cic.xlsx"


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def results(example_tender, tmp_path_factory: pytest.TempPathFactory) -> Path:  # type: ignore[no-untyped-def]
    """The bundled example tender, scored to JSON through the CLI."""
    out = tmp_path_factory.mktemp("scored") / "results.json"
    cli(
        "score",
        example_tender.bids_dir,
        "--rubric",
        example_tender.rubric,
        "--evaluations",
        example_tender.consensus,
        "-o",
        out.with_suffix(".xlsx"),
        "--json",
        out,
        "-q",
        ok=(1,),
    )  # fmt: skip  (one example bid has mistakes)
    return out


def _award(store: str, results: Path, bids: Path, contract: str = "C-1", bid: str = WINNER, org: str = "RBQ", *extra: str) -> str:  # fmt: skip
    return cli("award", results, "--bid", bids / bid, "--contract", contract, "--org", org,
               "--start", "2026-04-01", "--end", "2027-09-30", "--store", store, *extra)  # fmt: skip


@pytest.fixture
def awarded(store_url: str, results: Path, example_tender) -> str:  # type: ignore[no-untyped-def]
    """A store with Cheshire and Merseyside and contract C-1 (the example tender's winner, for RBQ, 2026Q2 to 2027Q3)."""
    cli("footprint", "create", "cheshire-and-merseyside", "--store", store_url)
    _award(store_url, results, example_tender.bids_dir)
    return store_url


def snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in key order: what 'the store as it was' means."""
    store = open_store(url)
    with store.read() as conn:
        return {name: [tuple(r) for r in conn.execute(sa.select(t).order_by(*t.primary_key.columns))] for name, t in S.metadata.tables.items()}  # fmt: skip


KPIS = {"LE01": 3, "LE02": 1, "SK01": 80, "SK03": 10, "EN01": 30, "EN03": 5, "CB01": 150, "LS01": 50000, "SK04": 20}


# --- footprints -------------------------------------------------------------------------------


def test_footprint_round_trip_and_organisations_csv(store_url: str, tmp_path: Path) -> None:
    built, _ = load_footprint("cheshire-and-merseyside")
    assert built is not None
    store = open_store(store_url)
    saved, problems = save_footprint(store, built)
    assert saved is not None and saved.created and saved.organisations_added == 43 and not problems
    back, _ = read_footprint(store, "QYG")
    assert back == built

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "scheme,code,name,kind,place,closed,successor\n"
        "charity,12,Too Short,vcse,Liverpool,,\n"
        "charity,1099999,Nowhere Trust,vcse,Manchester,,\n"
        "ods,RXX,Old Trust,trust,Wirral,31/02/2020,RBL\n"
        "company,01234567,Good Ltd,other,Halton,,\n",
        encoding="utf-8",
    )
    code, out = run("footprint", "load", "QYG", bad, "--store", store_url)
    assert code == 1
    assert "bad.csv:2 (code)" in out and "'12' is not a CHARITY code" in out
    assert "bad.csv:3 (place)" in out and "'Manchester' is not a place of footprint QYG" in out
    assert "bad.csv:4 (closed)" in out and "'31/02/2020' is not a date" in out
    assert "Good Ltd" not in str(read_footprint(store, "QYG")[0])  # the good row waits for the file to be right

    good = tmp_path / "good.csv"
    good.write_text(
        "scheme,code,name,kind,place,closed,successor\n"
        "charity,1099999,Example Community Trust,vcse,E08000012,,\n"
        "ods,RXX,Old Wirral Trust,trust,Wirral,2020-03-31,RBL\n",
        encoding="utf-8",
    )
    code, out = run("footprint", "load", "QYG", good, "--store", store_url)
    assert code == 0, out
    with store.read() as conn:
        rollup = S.organisation.alias("r")
        rows = dict(conn.execute(sa.select(S.organisation.c.code, rollup.c.code).join(rollup, rollup.c.id == S.organisation.c.rollup_id)).all())  # fmt: skip
    assert rows["RXX"] == "RBL" and rows["1099999"] == "1099999" and rows["01F"] == "QYG" and rows["01C"] == "QYG"

    other = built.model_copy(update={"code": "QOP", "gss": None, "name": "Another ICS"})
    saved, problems = save_footprint(store, other)
    assert saved is None and problems[0].code == "organisation-in-other-footprint"


def test_footprint_show_check_and_thresholds(store_url: str) -> None:
    cli("footprint", "create", "cheshire-and-merseyside", "--store", store_url)
    out = cli("footprint", "show", "QYG", "--store", store_url)
    assert "E08000014 Sefton" in out and "RVY" in out and "rolls up under RBN" in out
    code, out = run("footprint", "check", "QYG", "--store", store_url)
    assert code == 0 and "0 thing(s) to look at" in out
    out = cli("footprint", "create", "--code", "qxx", "--name", "A New ICS", "--place", "E06000001=Hartlepool", "--store", store_url)  # fmt: skip
    assert "Recorded footprint QXX A New ICS: 1 place(s)" in out
    out = cli("footprint", "show", "--store", store_url)
    assert "QXX, QYG" in out and "cheshire-and-merseyside" in out
    cli("footprint", "set", "QYG", "--green", "95", "--amber", "80", "--store", store_url)
    model, _ = read_footprint(open_store(store_url), "QYG")
    assert model is not None and (model.rag_green_pct, model.rag_amber_pct) == (95, 80)
    code, out = run("footprint", "set", "QYG", "--green", "50", "--store", store_url)
    assert code == 2 and "amber threshold (80%) is above green (50%)" in out


# --- award ------------------------------------------------------------------------------------


def test_award_keeps_the_tender_trail_and_is_recorded_once(awarded: str, results: Path, example_tender) -> None:  # type: ignore[no-untyped-def]
    import hashlib
    import json

    payload = json.loads(results.read_text(encoding="utf-8"))
    winner = next(b for b in payload["bids"] if b["file"] == WINNER)
    store = open_store(awarded)
    with store.read() as conn:
        contract = conn.execute(sa.select(S.contract)).one()
        tender = conn.execute(sa.select(S.tender)).one()
        kpis = {k.code: k for k in conn.execute(sa.select(S.kpi))}
        rows = conn.execute(sa.select(sa.func.count()).select_from(S.kpi_period)).scalar_one()
    assert (
        contract.bid_sha256
        == winner["sha256"]
        == hashlib.sha256((example_tender.bids_dir / WINNER).read_bytes()).hexdigest()
    )
    assert tender.results_sha256 == hashlib.sha256(results.read_bytes()).hexdigest()
    assert tender.rubric_fingerprint == payload["rubric_fingerprint"] and (
        tender.value_set,
        tender.value_set_version,
    ) == ("illustrative-2026", "2026.1")
    lines = {m["code"]: m for m in payload["measures"] if m["bid_id"] == winner["bid_id"] and m["quantity"]}
    assert kpis.keys() == lines.keys() and rows == len(lines) * 6
    for code, k in kpis.items():
        m = lines[code]
        assert (k.committed_quantity, k.unit_value_gbp, k.value_code, k.bid_cell) == (m["quantity"], m["unit_value"], m["value_code"], m["cell"])  # fmt: skip
        assert k.net_factor == pytest.approx((1 - m["deadweight_pct"] / 100) * (1 - m["displacement_pct"] / 100) * (1 - m["attribution_pct"] / 100))  # fmt: skip

    before = snapshot(awarded)
    assert "already recorded from this bid: nothing changed" in _award(awarded, results, example_tender.bids_dir)
    assert snapshot(awarded) == before
    for args, message in (
        ((results, example_tender.bids_dir, "C-1", SECOND, "RBQ", "--not-first"), "contract C-1 is already recorded"),
        ((results, example_tender.bids_dir, "C-2", SECOND), "ranked 2, not first"),
        ((results, example_tender.bids_dir, "C-2", SECOND, "XYZ", "--not-first"), "no organisation XYZ"),
        (
            (results, example_tender.bids_dir.parent, "C-2", "consensus.xlsx"),
            "is not one of the bids these results scored",
        ),
    ):
        code, out = run("award", args[0], "--bid", Path(args[1]) / args[3], "--contract", args[2], "--org",
                        args[4] if len(args) > 4 else "RBQ", "--start", "2026-04-01", "--end", "2027-09-30",
                        "--store", awarded, *args[5:])  # fmt: skip
        assert code == 2 and message in out, out
    assert snapshot(awarded) == before


def test_award_phases_by_a_profile(store_url: str, results: Path, example_tender, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("footprint", "create", "cheshire-and-merseyside", "--store", store_url)
    _award(store_url, results, example_tender.bids_dir, "C-P", WINNER, "gss:E08000012", "--profile", "0,1,1,2,2,4")
    with open_store(store_url).read() as conn:
        rows = conn.execute(
            sa.select(S.kpi.c.code, S.kpi.c.committed_quantity, S.kpi_period.c.period, S.kpi_period.c.committed_quantity)
            .join(S.kpi, S.kpi.c.id == S.kpi_period.c.kpi_id).order_by(S.kpi.c.code, S.kpi_period.c.period_index)
        ).all()  # fmt: skip
    by_kpi: dict[str, list[float]] = {}
    for code, whole, _, part in rows:
        by_kpi.setdefault(code, []).append(part)
        assert sum(by_kpi[code]) <= whole + 1e-9
    for code, parts in by_kpi.items():
        whole = next(r[1] for r in rows if r[0] == code)
        assert sum(parts) == whole  # exactly: the last quarter takes the rounding
        assert parts == pytest.approx([whole * w / 10 for w in (0, 1, 1, 2, 2, 4)])
    profile = tmp_path / "profile.csv"
    profile.write_text("measure,period,weight\n*,2026Q2,1\n*,2026Q3,1\nLE01,2027Q3,1\n", encoding="utf-8")
    _award(store_url, results, example_tender.bids_dir, "C-CSV", WINNER, "RBL", "--profile", str(profile))
    with open_store(store_url).read() as conn:
        le01 = conn.execute(
            sa.select(S.kpi_period.c.period, S.kpi_period.c.committed_quantity).join(S.kpi, S.kpi.c.id == S.kpi_period.c.kpi_id)
            .join(S.contract, S.contract.c.id == S.kpi.c.contract_id).where(S.contract.c.code == "C-CSV", S.kpi.c.code.in_(["LE01", "SK01"]))
            .order_by(S.kpi.c.code, S.kpi_period.c.period_index)
        ).all()  # fmt: skip
    assert [q for _, q in le01] == [
        0,
        0,
        0,
        0,
        0,
        12,
        260,
        260,
        0,
        0,
        0,
        0,
    ]  # LE01 all in 2027Q3; the rest split over two quarters
    profile.write_text("period,weight\n2031Q1,1\n", encoding="utf-8")
    code, out = run("award", results, "--bid", example_tender.bids_dir / WINNER, "--contract", "C-Q", "--org", "RBQ",
                    "--start", "2026-04-01", "--end", "2027-09-30", "--profile", profile, "--store", store_url)  # fmt: skip
    assert code == 2 and "profile.csv:2 (period): not a quarter of the contract (2026Q2 to 2027Q3)" in out
    code, out = run("award", results, "--bid", example_tender.bids_dir / WINNER, "--contract", "C-Q", "--org", "RBQ",
                    "--start", "2026-04-01", "--end", "2027-09-30", "--profile", "1,2", "--store", store_url)  # fmt: skip
    assert code == 2 and "has 2 weight(s); the contract has 6 quarter(s)" in out


# --- returns ----------------------------------------------------------------------------------


def test_same_file_twice_changes_nothing_and_a_correction_changes_only_what_it_corrects(awarded: str, tmp_path: Path) -> None:  # fmt: skip
    inbox = tmp_path / "in"
    first = filled_return(awarded, "C-1", "2026Q2", inbox / "return.xlsx", KPIS)
    out = cli("returns", "ingest", inbox, "--store", awarded)
    assert "recorded    return.xlsx (C-1 2026Q2)" in out and "1 return(s) recorded, 0 rejected" in out
    cli("returns", "grade", "C-1", "--period", "2026Q2", "--grade", "verified", "--kpi", "LE01", "--kpi", "EN01", "--store", awarded)  # fmt: skip
    before = snapshot(awarded)

    out = cli("returns", "ingest", inbox, "--store", awarded)
    assert "this file is already recorded; nothing changed" in out and "0 return(s) recorded" in out
    assert snapshot(awarded) == before
    resaved = inbox / "return-resaved.xlsx"  # the same figures, saved again: other bytes
    load_workbook(first).save(resaved)
    out = cli("returns", "ingest", inbox, "--store", awarded)
    assert "same figures as return.xlsx; nothing changed" in out
    assert snapshot(awarded) == before

    shutil.rmtree(inbox)
    filled_return(awarded, "C-1", "2026Q2", inbox / "return-v2.xlsx", {**KPIS, "EN01": 35, "SK03": 12}, {**{c: f"C-1/2026Q2/{c}" for c in KPIS}, "SK03": "REG-7"})  # fmt: skip
    out = cli("returns", "ingest", inbox, "--store", awarded)
    assert "superseded  return-v2.xlsx (C-1 2026Q2) replaces return.xlsx" in out
    assert "EN01: delivered 30 → 35 tCO2e" in out and "SK03: delivered 10 → 12 week" in out

    with open_store(awarded).read() as conn:
        facts = {r.code: r for r in conn.execute(
            sa.select(S.kpi.c.code, S.kpi.c.unit_value_gbp, S.kpi.c.net_factor, S.kpi_period)
            .join(S.kpi, S.kpi.c.id == S.kpi_period.c.kpi_id).where(S.kpi_period.c.period == "2026Q2")
        )}  # fmt: skip
        subs = conn.execute(sa.select(S.return_submission).order_by(S.return_submission.c.id)).all()
        old_lines = conn.execute(sa.select(sa.func.count()).where(S.return_line.c.submission_id == subs[0].id)).scalar_one()  # fmt: skip
    assert [s.status for s in subs] == ["superseded", "current"] and old_lines == len(KPIS)
    assert subs[1].supersedes_id == subs[0].id and subs[0].superseded_at is not None
    assert "EN01" in subs[1].changes and "SK03" in subs[1].changes and "LE01" not in subs[1].changes
    for code, qty in {**KPIS, "EN01": 35, "SK03": 12}.items():
        f = facts[code]
        assert f.delivered_quantity == qty and f.return_id == subs[1].id
        if f.unit_value_gbp is not None:
            assert f.delivered_gross_gbp == pytest.approx(qty * f.unit_value_gbp)
            assert f.delivered_net_gbp == pytest.approx(qty * f.unit_value_gbp * f.net_factor)
    assert facts["LE01"].evidence_grade == "verified"  # unchanged: its grade stands
    assert facts["EN01"].evidence_grade == "self-reported"  # corrected: graded afresh
    assert facts["SK03"].evidence_ref == "REG-7"
    derived = ("return_submission", "return_line", "kpi_period", "kpi_summary")  # the summary totals kpi_period
    unchanged = {name: rows for name, rows in before.items() if name not in derived}
    assert {name: snapshot(awarded)[name] for name in unchanged} == unchanged
    assert_summary_current(awarded)
    out = cli("returns", "history", "C-1", "--store", awarded)
    assert "2026Q2 superseded" in out and "2026Q2 current" in out and "EN01: delivered 30 → 35 tCO2e" in out


def _edit(template: Path, target: Path, edit: Any) -> Path:
    wb = load_workbook(template)
    edit(wb["Delivery"])
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return target


def _rows(ws: Any) -> dict[str, int]:
    return {str(ws.cell(row=r, column=1).value): r for r in range(4, ws.max_row + 1) if ws.cell(row=r, column=1).value}


def test_a_return_with_any_error_is_rejected_whole_with_every_problem_listed(
    awarded: str,
    tmp_path: Path,
    example_tender: ExampleTender,
) -> None:
    from tests.test_guard import Entry, build_zip, spaces_stream

    inbox = tmp_path / "in"
    good = filled_return(awarded, "C-1", "2026Q2", tmp_path / "good.xlsx", KPIS)
    blank = tmp_path / "blank.xlsx"
    cli("returns", "template", "C-1", "--period", "2026Q2", "-o", blank, "--store", awarded)

    def mistakes(ws: Any) -> None:
        rows = _rows(ws)
        ws.cell(row=rows["LE01"], column=8).value = "about 3"
        ws.cell(row=rows["LE02"], column=8).value = None
        ws.cell(row=rows["SK01"], column=8).value = -4
        ws.cell(row=rows["EN01"], column=9).value = None
        ws.cell(row=rows["EN03"], column=4).value = "kg"

    def rows_changed(ws: Any) -> None:
        rows = _rows(ws)
        ws.delete_rows(rows["CB01"])
        ws.cell(row=ws.max_row + 1, column=1).value = "ZZ99"
        ws.cell(row=ws.max_row, column=8).value = 5

    tampered = load_workbook(good)  # the hidden record says another quarter: the KPI fingerprint no longer fits
    meta = tampered["_socialvalue"]
    next(row for row in meta.iter_rows() if row[0].value == "period")[1].value = "2026Q3"
    inbox.mkdir()
    tampered.save(inbox / "tampered.xlsx")
    _edit(good, inbox / "mistakes.xlsx", mistakes)
    _edit(good, inbox / "rows.xlsx", rows_changed)
    (inbox / "notes.xlsx").write_text("Supplier,Delivered\nAcme,12\n", encoding="utf-8")
    shutil.copy(example_tender.bids_dir / WINNER, inbox / "a-bid.xlsx")
    data = good.read_bytes()
    parts = {i.filename: zipfile.ZipFile(io.BytesIO(data)).read(i.filename) for i in zipfile.ZipFile(io.BytesIO(data)).infolist()}  # fmt: skip
    sheet = "xl/worksheets/sheet2.xml"
    dtd = re.sub(rb"^(<\?xml[^>]*\?>)?", lambda m: m.group(0) + b'<!DOCTYPE worksheet [<!ENTITY x "y">]>', parts[sheet], count=1)  # fmt: skip
    (inbox / "dtd.xlsx").write_bytes(build_zip([Entry(n, dtd if n == sheet else c) for n, c in parts.items()]))
    liar = Entry(sheet, payload=spaces_stream(50), file_size=2000, crc=0)
    (inbox / "bomb.xlsx").write_bytes(build_zip([liar if n == sheet else Entry(n, c) for n, c in parts.items()]))
    before = snapshot(awarded)

    code, out = run("returns", "ingest", inbox, "--store", awarded)
    assert code == 1
    assert "0 return(s) recorded, 7 rejected, of 7 file(s)" in out
    expected = [
        ("mistakes.xlsx Delivery!H4", "not a number"),
        ("mistakes.xlsx Delivery!H5", "nothing was typed for KPI LE02"),
        ("mistakes.xlsx Delivery!H6", "negative"),
        ("mistakes.xlsx Delivery!I8", "no evidence is described"),
        ("mistakes.xlsx Delivery!D9", "the unit of KPI EN03 was changed"),
        ("rows.xlsx Delivery", "the row for KPI CB01"),
        ("rows.xlsx Delivery!A", "'ZZ99' is not a KPI of contract C-1"),
        ("notes.xlsx", "CSV"),
        ("a-bid.xlsx", "not a delivery return"),
        ("dtd.xlsx", "<!DOCTYPE"),
        ("bomb.xlsx", "zip bomb"),
        ("tampered.xlsx", "the KPIs of contract C-1 changed after this return was made"),
        ("blank.xlsx", ""),
    ]
    shutil.copy(blank, inbox / "blank.xlsx")
    code, out = run("returns", "ingest", inbox, "--store", awarded)
    assert code == 1 and "8 rejected" in out
    assert "blank.xlsx Delivery!H4: nothing was typed for KPI LE01" in out
    for where, what in expected:
        assert any(where in line and what in line for line in out.splitlines()), (where, what, out)
    assert snapshot(awarded) == before


def test_a_return_is_read_by_the_bids_formula_rule_and_response_area(awarded: str, tmp_path: Path) -> None:
    """A return's input cells follow the same rule as a bid's (intake/formulas.py) and only its area is read."""
    good = filled_return(awarded, "C-1", "2026Q2", tmp_path / "good.xlsx", KPIS)

    def edits(ws: Any) -> None:
        rows = _rows(ws)
        ws.cell(row=rows["LE01"], column=8).value = "=[1]Prices!$A$1"  # from another workbook: refused
        ws.cell(row=rows["SK01"], column=8).value = "=2+3"  # saved without its result: refused
        ws.cell(row=2, column=30).value = "a note far to the right"  # beyond the return's columns: listed, not read

    inbox = tmp_path / "in"
    _edit(good, inbox / "formulas.xlsx", edits)
    before = snapshot(awarded)
    code, out = run("returns", "ingest", inbox, "--store", awarded)
    assert code == 1 and "0 return(s) recorded, 1 rejected" in out
    lines = out.splitlines()
    assert any("formulas.xlsx Delivery!H4" in line and "outside this workbook" in line for line in lines), out
    assert any("formulas.xlsx Delivery!H6" in line and "saved without its result" in line for line in lines), out
    assert any("formulas.xlsx Delivery" in line and "AD2" in line and "not read" in line for line in lines), out
    assert snapshot(awarded) == before


def test_status_rag_overdue_and_double_counting(awarded: str, results: Path, example_tender, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _award(awarded, results, example_tender.bids_dir, "C-2", SECOND, "RBL", "--not-first")
    _award(awarded, results, example_tender.bids_dir, "C-3", WINNER, "REM")  # the same bid again: counted twice
    inbox = tmp_path / "in"
    filled_return(awarded, "C-1", "2026Q2", inbox / "c1.xlsx", KPIS, {c: "SHARED-PAYROLL" if c == "LE01" else f"c1-{c}" for c in KPIS})  # fmt: skip
    second = {c: 0 for c in ("LE01", "LE02", "SK01", "SK03", "EN01", "EN03", "CB01", "LS01", "SK04")}
    filled_return(awarded, "C-2", "2026Q2", inbox / "c2.xlsx", {**second, "LE01": 1}, {"LE01": " shared-payroll "})
    cli("returns", "ingest", inbox, "--store", awarded)

    report = contract_status(open_store(awarded), date(2026, 11, 30))
    status = {c.contract: c for c in report.contracts}
    assert status["C-1"].overdue == ["2026Q3"] and status["C-1"].returned == ["2026Q2"]
    assert status["C-3"].overdue == ["2026Q2", "2026Q3"]
    assert status["C-1"].through == "2026Q3"
    le01 = next(k for k in status["C-1"].kpis if k.code == "LE01")
    assert le01.committed_to_date == pytest.approx(12 / 6 * 2) and le01.delivered_to_date == 3 and le01.ratio == pytest.approx(0.75)  # fmt: skip
    assert le01.rag == "amber"
    codes = {p.code for p in report.findings}
    assert codes == {"evidence-claimed-twice", "commitment-counted-twice"}
    assert any("C-1, C-2" in p.reason and "shared-payroll" in p.reason for p in report.findings)
    assert any("C-1, C-3" in p.reason for p in report.findings)

    cli("footprint", "set", "QYG", "--green", "75", "--amber", "50", "--store", awarded)
    report = contract_status(open_store(awarded), date(2026, 11, 30), Scope(contract="C-1"))
    assert [c.contract for c in report.contracts] == ["C-1"]
    assert next(k for k in report.contracts[0].kpis if k.code == "LE01").rag == "green"
    early = contract_status(open_store(awarded), date(2026, 5, 1), Scope(footprint="QYG"))
    assert all(c.rag == "not due" and c.overdue == [] and c.through == "" for c in early.contracts)
    out = cli("returns", "status", "--footprint", "QYG", "--as-of", "2026-11-30", "--store", awarded)
    assert "3 contract(s); 4 overdue return(s); 2 possible double count(s)" in out


def test_the_return_workbook_is_protected_and_explains_itself(awarded: str, tmp_path: Path) -> None:
    target = tmp_path / "return.xlsx"
    cli("returns", "template", "C-1", "--period", "2026Q3", "-o", target, "--store", awarded)
    code, out = run("returns", "template", "C-1", "--period", "2026Q3", "-o", target, "--store", awarded)
    assert code == 2 and "--overwrite" in out
    wb = load_workbook(target)
    ws = wb["Delivery"]
    assert ws.protection.sheet and wb["_socialvalue"].sheet_state == "veryHidden"
    rows = _rows(ws)
    assert set(rows) == set(KPIS)
    row = rows["LE01"]
    assert [ws.cell(row=row, column=c).protection.locked for c in (5, 6, 7, 8, 9, 10, 11)] == [True, True, True, False, False, False, True]  # fmt: skip
    assert (ws.cell(row=row, column=5).value, ws.cell(row=row, column=6).value) == (
        2,
        4,
    )  # 12 FTE-years over 6 quarters
    assert ws.cell(row=row, column=11).value == f"=G{row}+N(H{row})" and ws.cell(row=row, column=12).value.startswith(
        "=IF(F"
    )
    meta = {r[0].value: r[1].value for r in wb["_socialvalue"].iter_rows()}
    assert (meta["kind"], meta["contract"], meta["period"]) == ("delivery-return", "C-1", "2026Q3") and len(meta["kpi_fingerprint"]) == 64  # fmt: skip
    code, out = run("returns", "template", "C-1", "--period", "2028Q1", "-o", tmp_path / "x.xlsx", "--store", awarded)
    assert code == 2 and "2028Q1 is not a quarter of contract C-1 (2026Q2 to 2027Q3)" in out


def test_tables_as_dataframes(awarded: str) -> None:
    store = open_store(awarded)
    assert len(table(store, "kpi_period")) == 9 * 6 and set(table(store, "footprint")["code"]) == {"QYG"}
    with pytest.raises(KeyError, match="no table"):
        table(store, "nope")


def test_store_errors_are_usage_errors(tmp_path: Path) -> None:
    code, out = run("returns", "status", "--store", str(tmp_path / "missing.db"))
    assert code == 2 and "there is no store at" in out
    code, out = run("returns", "status", "--store", "nosuchdb://x")
    assert code == 2
    code, out = run("returns", "template", "C-9", "--period", "2026Q5", "-o", tmp_path / "x.xlsx", "--store", str(tmp_path / "s.db"))  # fmt: skip
    assert code == 2 and "not a quarter" in out


def test_contract_manager_at_award_changed_later_and_shown(
    store_url: str, results: Path, example_tender: ExampleTender, tmp_path: Path
) -> None:
    from socialvalue.periods import Period
    from socialvalue.reports.queries import contract_figures, footprint_figures

    cli("footprint", "create", "cheshire-and-merseyside", "--store", store_url)
    _award(store_url, results, example_tender.bids_dir, "C-1", WINNER, "RBQ", "--manager", "A. Shah")
    day = date(2026, 11, 30)  # two quarters ended, no return: the contract is at risk
    assert [c.manager for c in contract_status(open_store(store_url), day).contracts] == ["A. Shah"]
    out = cli("returns", "status", "--as-of", "2026-11-30", "--store", store_url)
    assert "manager A. Shah" in out

    hostile = "B. Jones\x1b[2J\nERROR forged line"
    out = cli("contract", "set", "C-1", "--manager", hostile, "--store", store_url)
    assert "\x1b" not in out and "B. Jones\\x1b[2J\\nERROR forged line" in out and "(was A. Shah)" in out
    quarter = Period.parse("2026Q3")
    assert quarter is not None
    figures = footprint_figures(open_store(store_url), "QYG", quarter, quarter, day, with_rows=False)
    assert [(r.contract, r.manager) for r in figures.at_risk] == [("C-1", hostile.strip())]
    assert contract_figures(open_store(store_url), "C-1", day).manager == hostile.strip()
    html = tmp_path / "c1.html"
    cli("report", "contract", "C-1", "--as-of", "2026-11-30", "--html", html, "--store", store_url)
    assert "contract manager B. Jones" in html.read_text(encoding="utf-8") and "\x1b" not in html.read_text(
        encoding="utf-8"
    )

    cli("contract", "set", "C-1", "--manager", "", "--store", store_url)
    assert [c.manager for c in contract_status(open_store(store_url), day).contracts] == [""]
    code, out = run("contract", "set", "C-9", "--manager", "X", "--store", store_url)
    assert code == 2 and "no contract C-9 in the store" in out


def test_template_return_is_the_returns_template(awarded: str, tmp_path: Path) -> None:
    one, other = tmp_path / "one.xlsx", tmp_path / "other.xlsx"
    cli("returns", "template", "C-1", "--period", "2026Q3", "-o", one, "--store", awarded)
    out = cli("template", "--return", "C-1", "--period", "2026Q3", "-o", other, "--store", awarded)
    assert f"Delivery return for C-1, 2026Q3: {other}" in out

    def content(path: Path) -> tuple[object, ...]:
        wb = load_workbook(path)
        meta = {r[0].value: r[1].value for r in wb["_socialvalue"].iter_rows() if r[0].value != "created"}
        cells = [tuple(c.value for c in row) for row in wb["Delivery"].iter_rows()]
        return meta, cells

    assert content(one) == content(other)
    code, out = run("template", "--return", "C-1", "--period", "2026Q3", "-o", other, "--store", awarded)
    assert code == 2 and "--overwrite" in out
    code, out = run("template", "--return", "C-1", "-o", tmp_path / "x.xlsx", "--store", awarded)
    assert code == 2 and "--return CONTRACT --period 2026Q3" in out
    code, out = run("template", "--return", "C-1", "--period", "2026Q3", "--rubric", "local-measures", "-o", tmp_path / "x.xlsx", "--store", awarded)  # fmt: skip
    assert code == 2 and not (tmp_path / "x.xlsx").exists()
    code, out = run("template", "-o", tmp_path / "x.xlsx")
    assert code == 2 and "--rubric R" in out


def test_names_from_files_cannot_forge_console_lines(store_url: str, tmp_path: Path) -> None:
    cli("footprint", "create", "cheshire-and-merseyside", "--store", store_url)
    csv_file = tmp_path / "vcse.csv"
    csv_file.write_text(
        'scheme,code,name,kind,place\ncharity,1099999,"Trust\x1b[31m\rERROR all scores lost",vcse,Liverpool\n',
        encoding="utf-8",
    )
    cli("footprint", "load", "QYG", csv_file, "--store", store_url)
    out = cli("footprint", "show", "QYG", "--store", store_url)
    assert "\x1b" not in out and "Trust\\x1b[31m\\nERROR all scores lost" in out  # the \r was read as a line break


def test_the_example_supplier_fills_its_issued_returns_ready_to_ingest(awarded: str, tmp_path: Path) -> None:
    """`example --returns-for` (the demo's supplier): every KPI gets the delivery.yaml figure or 0, evidence above 0,
    and the returns then ingest cleanly; a quarter the example has no figures for is refused with nothing written."""
    import yaml

    from socialvalue.rubric import data_dir

    spec = yaml.safe_load((data_dir("templates") / "example" / "delivery.yaml").read_text(encoding="utf-8"))
    issued, filled = tmp_path / "issued", tmp_path / "filled"
    for quarter in ("2026Q2", "2026Q3"):
        cli("template", "--return", "C-1", "--period", quarter, "-o", issued / f"C-1-{quarter}.xlsx", "--store", awarded)  # fmt: skip
    out = cli("example", filled, "--returns-for", issued)
    assert "2 delivery return(s) filled" in out and f"socialvalue returns ingest {filled}" in out
    assert sorted(p.name for p in filled.iterdir()) == ["C-1-2026Q2.xlsx", "C-1-2026Q3.xlsx"]
    ws = load_workbook(filled / "C-1-2026Q2.xlsx")["Delivery"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] in KPIS}
    assert {code: row[7] for code, row in rows.items()} == {c: spec["delivered"]["2026Q2"].get(c, 0) for c in KPIS}
    assert rows["LE02"][8] is None and rows["LE01"][8].endswith("2026Q2") and rows["LE01"][9] == "HR-PAY-2026Q2.xlsx"

    assert "2 return(s) recorded, 0 rejected" in cli("returns", "ingest", filled, "--store", awarded)
    report = contract_status(open_store(awarded), date(2026, 11, 30), Scope(contract="C-1"))
    delivered = {k.code: k.delivered_to_date for k in report.contracts[0].kpis}
    assert delivered == {c: sum(spec["delivered"][q].get(c, 0) for q in ("2026Q2", "2026Q3")) for c in KPIS}

    cli("template", "--return", "C-1", "--period", "2026Q4", "-o", tmp_path / "later" / "C-1-2026Q4.xlsx", "--store", awarded)  # fmt: skip
    code, out = run("example", tmp_path / "none", "--returns-for", tmp_path / "later")
    assert code == 2 and "for 2026Q4: the example has figures for 2026Q2, 2026Q3 only" in out
    assert not (tmp_path / "none").exists()
