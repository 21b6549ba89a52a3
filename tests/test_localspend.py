"""Local spend on small files written here: dirty rows, CSV encodings, xlsx spend files, employment, LM3, the CLI."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from socialvalue import encoding as encoding_rules
from socialvalue.cli import main
from socialvalue.encoding import ENCODING_ASSUMED, UNREADABLE_TEXT
from socialvalue.localspend.analysis import Options, analyse
from socialvalue.localspend.employment import StaffOptions
from socialvalue.localspend.listings import SET_ASIDE_ON_SHEET
from socialvalue.localspend.lm3 import Lm3Options
from socialvalue.localspend.models import Category, Kind, LocalSpendResult
from socialvalue.localspend.places import parse_local_area
from socialvalue.localspend.workbook import write_workbook
from socialvalue.problems import Problem

from .recalc import cached_values, formula_cells, recalc_libreoffice, same, soffice

LOCAL = "E08000012"  # Liverpool
DIRECTORY = [
    ("pcd", "oslaua", "doterm"),
    ("L3  8EN", LOCAL, ""),
    ("L1  1AA", LOCAL, ""),
    ("L2  2BB", LOCAL, "202106"),  # terminated, still maps
    ("M1  1AE", "E08000003", ""),  # Manchester
    ("IM2 3JA", "M99999999", ""),  # Isle of Man: pseudo code
    ("M22 2BG", "", ""),  # no district
    ("L3  9ZZ", "E08000014", ""),  # a district straddling the local area (for staff districts)
]
REGISTER = [
    ("Supplier", "Trading postcode", "Head office postcode", "SME", "VCSE"),
    ("Local Builders Limited", "l38en", "", "Yes", "No"),
    ("Old Shop Ltd", "L2 2BB", "", "No", "No"),
    ("Away Ltd", "M1 1AE", "", "No", "No"),
    ("Island Co", "IM2 3JA", "", "", ""),
    ("Nowhere Ltd", "M22 2BG", "", "", ""),
    ("Missing Ltd", "SW1A 1AA", "", "", ""),
    ("Bad Pc Ltd", "12345", "", "", ""),
    ("No Pc Ltd", "", "", "", ""),
    ("Head Only Ltd", "", "L1 1AA", "No", "No"),
    ("Charity Trust", "L1 1AA", "", "No", "Yes"),
]


def write_csv(path: Path, rows: list[tuple[Any, ...]], encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as fh:
        csv.writer(fh).writerows(rows)
    return path


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    return {
        "directory": write_csv(tmp_path / "onspd.csv", DIRECTORY),
        "register": write_csv(tmp_path / "register.csv", REGISTER),
    }


def run(spend: list[Path], files: dict[str, Path], **kw: Any) -> tuple[LocalSpendResult, list[Problem]]:
    problems: list[Problem] = []
    area = parse_local_area(LOCAL, problems)
    result = analyse(spend, files["register"], files["directory"], Options(local_area=area, **kw), problems)
    assert result is not None, problems
    return result, problems


# one row per case: (organisation, date, supplier, amount) → expected (kind, category)
DIRTY = [
    (("Council", "31/07/2024", "LOCAL BUILDERS LTD", "£1,200.00"), Kind.PAYMENT, Category.LOCAL),
    (("Council", "2024-07-31", "local builders limited", "800"), Kind.PAYMENT, Category.LOCAL),
    (("Council", "45504", "OLD SHOP LTD", "100"), Kind.PAYMENT, Category.LOCAL),
    (("Council", "31-Jul-24", "AWAY LTD", "2,000"), Kind.PAYMENT, Category.NOT_LOCAL),
    (("Council", "31/07/2024", "AWAY LTD", "(150.00)"), Kind.CREDIT, Category.NOT_LOCAL),
    (("Council", "31/07/2024", "REDACTED", "500"), Kind.PAYMENT, Category.REDACTED),
    (("Council", "31/07/2024", "Redacted - personal data", "75"), Kind.PAYMENT, Category.REDACTED),
    (("Council", "31/07/2024", "", "60"), Kind.PAYMENT, Category.NO_SUPPLIER),
    (("Council", "31/07/2024", "Stranger Ltd", "40"), Kind.PAYMENT, Category.UNKNOWN_SUPPLIER),
    (("Council", "31/07/2024", "Island Co", "30"), Kind.PAYMENT, Category.NO_DISTRICT),
    (("Council", "31/07/2024", "Nowhere Ltd", "20"), Kind.PAYMENT, Category.NO_DISTRICT),
    (("Council", "31/07/2024", "Missing Ltd", "10"), Kind.PAYMENT, Category.POSTCODE_NOT_FOUND),
    (("Council", "31/07/2024", "Bad Pc Ltd", "9"), Kind.PAYMENT, Category.BAD_POSTCODE),
    (("Council", "31/07/2024", "No Pc Ltd", "8"), Kind.PAYMENT, Category.NO_POSTCODE),
    (("Council", "31/07/2024", "Head Only Ltd", "7"), Kind.PAYMENT, Category.HEAD_OFFICE_ONLY),
    (("Council", "31/07/2024", "Charity Trust", "0"), Kind.ZERO, Category.LOCAL),
    (("Council", "31/07/2024", "Charity Trust", "TBC"), Kind.NO_AMOUNT, Category.NONE),
    (("Council", "07/31/2024", "Charity Trust", "5"), Kind.PAYMENT, Category.LOCAL),
    (("", "", "", ""), Kind.BLANK_ROW, Category.NONE),
]


def test_dirty_rows_each_land_in_their_category_and_are_listed(tmp_path: Path, files: dict[str, Path]) -> None:
    rows = [("Organisation", "Payment Date", "Supplier Name", "Amount (£)"), *(r for r, _, _ in DIRTY)]
    spend = write_csv(tmp_path / "spend.csv", rows, encoding="cp1252")  # Excel's plain "CSV": £ is one byte
    result, problems = run([spend], files)
    assert result.rows_read == len(DIRTY)
    got = {(a.row, a.kind, a.category) for a in result.set_aside}
    for line, (_, kind, category) in enumerate(DIRTY, start=2):
        placed = kind is Kind.PAYMENT and category in (Category.LOCAL, Category.NOT_LOCAL)
        assert placed or (line, kind.value, category.value) in got, (line, kind, category)
        assert result.total(kind=kind, category=category)[0] >= 1
    assert sum(c.rows for c in result.spend) == len(DIRTY)
    assert len(result.set_aside) == sum(
        1 for _, k, c in DIRTY if not (k is Kind.PAYMENT and c in (Category.LOCAL, Category.NOT_LOCAL))
    )
    assert result.total(kind=Kind.PAYMENT, category=Category.LOCAL)[1] == 1200 + 800 + 100 + 5
    assert result.total(kind=Kind.CREDIT)[1] == -150
    codes = {(p.code, p.line) for p in problems}
    assert ("amount-unreadable", 18) in codes  # TBC
    assert ("date-unreadable", 19) in codes  # month first: refused, counted under month 'unknown'
    assert any(p.code == ENCODING_ASSUMED.code and "Windows-1252" in p.reason for p in problems)
    terminated = [s for s in result.suppliers if s.supplier == "OLD SHOP LTD"]
    assert terminated[0].terminated == "202106" and terminated[0].category == Category.LOCAL
    assert [u.supplier for u in result.unmatched] == ["Stranger Ltd"]
    assert {c.month for c in result.spend} == {"2024-07", ""}


def test_xlsx_spend_with_a_title_odd_headers_and_serial_dates(tmp_path: Path, files: dict[str, Path]) -> None:
    path = tmp_path / "spend.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("July")
    ws.write(0, 0, "Payments over £500, July 2024")
    for c, h in enumerate(["Body", "Paid on", "Beneficiary", "Net £"]):
        ws.write(2, c, h)
    ws.write_row(3, 0, ["Council", 45504, "Local Builders Ltd", 250.5])
    ws.write_row(4, 0, ["Council", 45505, "Away Ltd", "£1,000"])
    wb.close()
    problems: list[Problem] = []
    area = parse_local_area(LOCAL, problems)
    bare = analyse([path], files["register"], files["directory"], Options(local_area=area), problems)
    assert bare is not None and bare.rows_read == 0
    assert [p.code for p in problems if p.code == "no-header"] == ["no-header"]
    assert "--column amount=" in next(p.reason for p in problems if p.code == "no-header")
    result, problems = run([path], files, columns={"spend": {"amount": "Net £", "date": "Paid on"}})
    assert result.rows_read == 2
    assert result.total(kind=Kind.PAYMENT, category=Category.LOCAL)[1] == 250.5
    assert result.total(kind=Kind.PAYMENT, category=Category.NOT_LOCAL)[1] == 1000
    assert {c.month for c in result.spend} == {"2024-07", "2024-08"}  # serials 45504 and 45505
    assert len(result.set_aside) == 0 and list(result.set_aside) == []


def test_the_same_file_twice_is_counted_once(tmp_path: Path, files: dict[str, Path]) -> None:
    rows = [("Supplier", "Amount"), ("Away Ltd", "10")]
    a = write_csv(tmp_path / "a.csv", rows)
    b = write_csv(tmp_path / "b.csv", rows)
    result, problems = run([a, b], files)
    assert result.rows_read == 1
    assert [p.file for p in problems if p.code == "duplicate-file"] == ["b.csv"]


def test_utf8_bom_and_semicolons(tmp_path: Path, files: dict[str, Path]) -> None:
    spend = tmp_path / "spend.csv"
    spend.write_bytes("\ufeffSupplier;Amount;Date\nAway Ltd;£5;01/08/2024\n".encode())
    result, problems = run([spend], files)
    assert result.total(kind=Kind.PAYMENT, category=Category.NOT_LOCAL) == (1, 5.0)
    assert not [p for p in problems if p.code == ENCODING_ASSUMED.code]


def test_a_csv_file_in_no_known_encoding_is_refused_where_it_goes_wrong(tmp_path: Path, files: dict[str, Path]) -> None:
    """The rules of socialvalue.encoding, read in chunks: a byte Windows-1252 does not define, past the first
    megabyte, is found on its line; the file is not read (never guessed as Latin-1), the other file is."""
    spend = tmp_path / "odd.csv"
    lines = ["Supplier,Amount,Date", *["Away Ltd,£5,01/08/2024"] * 60_000, ""]
    spend.write_bytes("\n".join(lines).encode("cp1252") + b"Caf\x81 Ltd,1,01/08/2024\n")  # £ is one byte: not UTF-8
    assert spend.stat().st_size > 1 << 20 and spend.read_bytes().count(b"\x81") == 1
    good = write_csv(tmp_path / "good.csv", [("Supplier", "Amount"), ("Away Ltd", "10")])
    result, problems = run([spend, good], files)
    assert result.rows_read == 1
    refused = [p for p in problems if p.code == UNREADABLE_TEXT.code]
    assert [p.file for p in refused] == ["odd.csv"]
    assert "neither UTF-8 nor Windows-1252: byte 0x81 on line 60002 is not valid" in refused[0].reason
    assert "--encoding" not in refused[0].reason and "CSV UTF-8" in refused[0].reason


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.binary(max_size=200) | st.text(max_size=60).map(lambda t: t.encode("utf-8")),
    st.sampled_from([None, "utf-8", "cp1252", "utf-16"]),
    st.integers(1, 9),
)
def test_a_file_read_in_chunks_is_judged_as_its_bytes_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: bytes, encoding: str | None, chunk: int
) -> None:
    """The spend readers detect a file's encoding in chunks; wherever the chunks break (inside a character, a line),
    the verdict and the place of a bad byte are those of the whole text."""
    monkeypatch.setattr(encoding_rules, "CHUNK", chunk)
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    whole, refused = encoding_rules.decode_text(data, "f.csv", encoding)
    found, problem = encoding_rules.detect_encoding(path, "f.csv", encoding)
    assert (found is None, problem) == (whole is None, refused)
    if whole is not None and found is not None:
        assert (found.encoding, found.name, found.note) == (whole.encoding, whole.name, whole.note)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(DIRTY), min_size=1, max_size=40))
def test_categories_always_sum_to_the_rows_read(tmp_path: Path, files: dict[str, Path], picked: list[Any]) -> None:
    spend = write_csv(
        tmp_path / "spend.csv", [("Organisation", "Date", "Supplier", "Amount"), *(r for r, _, _ in picked)]
    )
    result, _ = run([spend], files)
    assert result.rows_read == len(picked) == sum(c.rows for c in result.spend) == sum(s.rows for s in result.suppliers)
    for kind in Kind:
        for category in Category:
            expected = sum(1 for _, k, c in picked if (k, c) == (kind, category))
            assert result.total(kind=kind, category=category)[0] == expected
    placed = sum(1 for _, k, c in picked if k is Kind.PAYMENT and c in (Category.LOCAL, Category.NOT_LOCAL))
    assert len(result.set_aside) == len(picked) - placed


# --- employment ----------------------------------------------------------------------------------


def test_staff_by_home_postcode_counted_per_place_with_suppression(tmp_path: Path, files: dict[str, Path]) -> None:
    staff = [("Employee", "Home postcode", "FTE", "Organisation")]
    staff += [(f"e{i}", "L3 8EN", "1", "Trust A") for i in range(12)]  # 12 in Liverpool
    staff += [(f"m{i}", "M1 1AE", "0.5", "Trust A") for i in range(3)]  # 3 in Manchester: suppressed
    staff += [("x", "NOT A PC", "1", "Trust A"), ("y", "", "1", "Trust A")]
    staff += [(f"s{i}", "M1 1AE", "1", "Trust A") for i in range(6)]  # … and 6 more: 9 in Manchester
    path = write_csv(tmp_path / "staff.csv", staff)
    spend = write_csv(tmp_path / "spend.csv", [("Supplier", "Amount"), ("Away Ltd", "10")])
    result, problems = run([spend], files, staff=[path])
    cells = {(c.district, c.category): c for c in result.employment}
    assert cells[(LOCAL, "local")].headcount == 12 and cells[(LOCAL, "local")].fte == 12
    assert cells[("", "not-local")].headcount == 9 and cells[("", "not-local")].fte == 7.5
    # one bad and one blank postcode: each under 5, so suppressed (and nothing else needs to be, as two are hidden)
    for category in ("bad-postcode", "no-postcode"):
        assert cells[("", category)].suppressed and cells[("", category)].headcount is None
    assert not cells[(LOCAL, "local")].suppressed
    assert cells[("", "living-locally")].headcount == 12 and cells[("", "all-staff")].headcount == 23
    assert "suppressed" in result.employment_note
    bad = [p for p in problems if p.code == "staff-row"]
    assert len(bad) == 1 and bad[0].raw == "" and bad[0].line == 17  # the postcode itself is never repeated


def test_one_small_count_hides_the_next_smallest_too(tmp_path: Path, files: dict[str, Path]) -> None:
    staff = [("Home postcode",), *[("L3 8EN",)] * 20, *[("M1 1AE",)] * 7, ("IM2 3JA",), ("IM2 3JA",)]
    path = write_csv(tmp_path / "staff.csv", staff)
    spend = write_csv(tmp_path / "spend.csv", [("Supplier", "Amount"), ("Away Ltd", "10")])
    result, _ = run([spend], files, staff=[path], staff_options=StaffOptions(suppress_under=5))
    by = {c.category: c for c in result.employment}
    assert by["no-district"].suppressed  # 2: under 5
    assert by["not-local"].suppressed and by["not-local"].headcount is None  # 7: hidden so 2 cannot be worked out
    assert by["local"].headcount == 20


def test_staff_of_several_organisations_add_up_for_the_footprint(tmp_path: Path, files: dict[str, Path]) -> None:
    staff = [("Home postcode", "Organisation"), *[("L3 8EN", "Trust A")] * 8, *[("L1 1AA", "Trust B")] * 3]
    staff += [("M1 1AE", "Trust B")] * 9
    path = write_csv(tmp_path / "staff.csv", staff)
    spend = write_csv(tmp_path / "spend.csv", [("Supplier", "Amount"), ("Away Ltd", "10")])
    result, _ = run([spend], files, staff=[path])
    by = {(c.organisation, c.category): c for c in result.employment}
    # Trust B's 3 local staff are suppressed; so is whatever would give them away, within Trust B (12 - 9) and
    # across the organisations (all organisations' 9 not local are Trust B's, their 11 in Liverpool less Trust A's 8)
    assert by[("Trust B", "local")].suppressed and by[("Trust B", "not-local")].suppressed
    assert by[("All organisations", "all-staff")].headcount == 20
    assert _worked_out(result.employment) == set()


def test_staff_counts_by_postcode_district(tmp_path: Path, files: dict[str, Path]) -> None:
    staff = [
        ("Postcode district", "Headcount", "FTE"),
        ("L1", "30", "25.5"),
        ("L3", "8", "8"),
        ("M1", "6", "6"),
        ("ZZ9", "5", ""),
    ]
    path = write_csv(tmp_path / "staff.csv", staff)
    spend = write_csv(tmp_path / "spend.csv", [("Supplier", "Amount"), ("Away Ltd", "10")])
    result, _ = run([spend], files, staff=[path])
    by = {(c.district, c.category): c for c in result.employment}
    assert by[(LOCAL, "local")].headcount == 30 and by[(LOCAL, "local")].fte == 25.5
    assert by[("", "district-straddles")].headcount == 8  # L3 is partly Liverpool, partly Sefton (not local)
    assert by[("", "not-local")].headcount == 6
    assert by[("", "postcode-not-found")].headcount == 5


# --- LM3 -------------------------------------------------------------------------------------------


def test_lm3_worked_by_hand(tmp_path: Path, files: dict[str, Path]) -> None:
    spend = write_csv(
        tmp_path / "spend.csv",
        [("Supplier", "Amount", "Date"), ("Local Builders Ltd", "600", "2024-01-15"), ("Away Ltd", "400", "2024-12-15"),
         ("Stranger Ltd", "1000", "2024-06-01")],
    )  # fmt: skip
    staff = write_csv(
        tmp_path / "staff.csv", [("Home postcode", "Annual pay"), ("L3 8EN", "24000"), ("M1 1AE", "36000")]
    )
    survey = write_csv(tmp_path / "survey.csv", [("Supplier", "Local re-spend"), ("Local Builders Limited", "50%")])
    lm3 = Lm3Options(respend_suppliers=20, respend_staff=40, survey=survey)
    result, _ = run([spend], files, staff=[staff], lm3=lm3)
    m = result.lm3[0]
    # the payments span 12 months, so a year's pay: R1 = 2000 + 60000; R2 = 600 + 24000; R3 = 600×50% + 24000×40%
    assert (m.r1, m.r2, m.r3) == (62_000, 24_600, 300 + 9_600)
    assert m.lm3 == pytest.approx((62_000 + 24_600 + 9_900) / 62_000)
    assert any("40% of their pay" in a for a in m.assumptions)
    assert any("survey answers where given (1 suppliers answered)" in a for a in m.assumptions)


def test_lm3_round_3_is_not_guessed(tmp_path: Path, files: dict[str, Path]) -> None:
    spend = write_csv(tmp_path / "spend.csv", [("Supplier", "Amount"), ("Local Builders Ltd", "600")])
    result, _ = run([spend], files)
    m = result.lm3[0]
    assert m.r1 == 600 and m.r2 == 600 and m.r3 is None and m.lm3 is None
    assert any("--respend-suppliers" in a for a in m.assumptions)


# --- the workbook and the command ------------------------------------------------------------------


def test_workbook_totals_are_formulas_with_the_values(tmp_path: Path, files: dict[str, Path]) -> None:
    rows = [("Organisation", "Payment Date", "Supplier Name", "Amount (£)"), *(r for r, _, _ in DIRTY)]
    spend = write_csv(tmp_path / "spend.csv", rows)
    result, _ = run([spend], files)
    out = write_workbook(result, tmp_path / "out.xlsx", [spend])
    wb = CalamineWorkbook.from_path(str(out))
    assert {
        "Summary",
        "By organisation",
        "By month",
        "Lines",
        "Set aside",
        "Suppliers to add",
        "Errors",
        "Method",
    } <= set(wb.sheet_names)
    summary = wb.get_sheet_by_name("Summary").to_python()
    local, not_local = 2105, 2000
    assert summary[4][0] == pytest.approx(local / (local + not_local))
    checks = [r for r in summary if len(r) > 3 and r[3] == "every row accounted for"]
    assert checks
    set_aside = wb.get_sheet_by_name("Set aside").to_python()
    assert len(set_aside) - 3 == len(result.set_aside)
    listing = tmp_path / "out-set-aside.csv"  # every row set aside, also in the CSV file the sheet names
    assert "out-set-aside.csv" in str(set_aside[1][0])
    with listing.open(encoding="utf-8-sig", newline="") as fh:
        listed = list(csv.reader(fh))
    assert len(listed) - 1 == len(result.set_aside)
    assert [r[2] for r in listed[1:]] == [str(a.row) for a in result.set_aside]
    lands = wb.get_sheet_by_name("Where it lands").to_python()
    assert any("matches the Summary" in r for r in lands)
    from openpyxl import load_workbook

    formulas = load_workbook(out)["By organisation"]
    assert str(formulas["C4"].value).startswith("=SUMIFS(L_amount")
    assert str(load_workbook(out)["Where it lands"]["D4"].value).startswith("=SUMIFS(S_paid")


def test_a_long_set_aside_listing_goes_to_the_csv_file_and_its_text_cannot_run(
    tmp_path: Path, files: dict[str, Path]
) -> None:
    rows = [("Organisation", "Supplier", "Amount"), ("Council", '=HYPERLINK("http://x")', "5")]
    rows += [("Council", "REDACTED", str(i + 1)) for i in range(SET_ASIDE_ON_SHEET)]
    spend = write_csv(tmp_path / "spend.csv", rows)
    result, _ = run([spend], files)
    out = write_workbook(result, tmp_path / "local.xlsx", [spend])
    sheet = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Set aside").to_python()
    assert f"All {SET_ASIDE_ON_SHEET + 1:,} are listed in the CSV file local-set-aside.csv" in str(sheet[1][0])
    counts = {(r[0], r[1]): r[2] for r in sheet[4:] if r[0]}
    assert counts == {("payment", "redacted"): SET_ASIDE_ON_SHEET, ("payment", "unknown-supplier"): 1}
    with (tmp_path / "local-set-aside.csv").open(encoding="utf-8-sig", newline="") as fh:
        listed = list(csv.reader(fh))
    assert len(listed) == SET_ASIDE_ON_SHEET + 2
    assert listed[1][5] == '\'=HYPERLINK("http://x")'  # a spreadsheet shows it as text, never runs it
    assert {r[9] for r in listed[1:]} == {"redacted", "unknown-supplier"}


def test_cli_writes_the_workbook_and_exits_1_when_inputs_had_problems(tmp_path: Path, files: dict[str, Path]) -> None:
    rows = [("Organisation", "Payment Date", "Supplier Name", "Amount (£)"), *(r for r, _, _ in DIRTY)]
    spend = write_csv(tmp_path / "spend.csv", rows)
    out = tmp_path / "local.xlsx"
    args = ["localspend", str(spend), "--suppliers", str(files["register"]), "--postcodes", str(files["directory"]),
            "--local-area", LOCAL, "--respend-suppliers", "25", "-o", str(out)]  # fmt: skip
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 1, res.output
    assert out.exists()
    assert "Local share of placed payments: 51.3%" in res.output
    assert "amount-unreadable" not in res.output or "TBC" in res.output
    bad = CliRunner().invoke(main, [*args[:-4], "--local-area", "Liverpool", "-o", str(tmp_path / "x.xlsx")])
    assert bad.exit_code == 2 and "not a local authority district code" in bad.output
    assert not (tmp_path / "x.xlsx").exists()


def test_cli_refuses_to_write_over_an_input(tmp_path: Path, files: dict[str, Path]) -> None:
    spend = write_csv(tmp_path / "spend.csv", [("Supplier", "Amount"), ("Away Ltd", "10")])
    args = ["localspend", str(spend), "--suppliers", str(files["register"]), "--postcodes", str(files["directory"]),
            "--local-area", LOCAL, "-o", str(spend)]  # fmt: skip
    res = CliRunner().invoke(main, args)
    assert res.exit_code != 0
    assert spend.read_text().startswith("Supplier")


def test_read_amount_and_read_date_cover_spend_files() -> None:
    from socialvalue.intake.values import read_amount, read_date

    assert read_amount("(£1,200.50)").value == -1200.5
    assert read_amount("1241,32").value == 1241.32
    assert read_date(45504.0).value == date(2024, 7, 31)
    assert read_date("31-JUL-24").value == date(2024, 7, 31)


@pytest.mark.libreoffice
@pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed (CI installs it: .ci/run)")
def test_every_formula_recomputes_to_its_stored_value_in_libreoffice(tmp_path: Path, files: dict[str, Path]) -> None:
    rows = [("Organisation", "Payment Date", "Supplier Name", "Amount (£)"), *(r for r, _, _ in DIRTY)]
    rows += [("Trust", f"0{m}/0{m}/2024", "Local Builders Ltd", str(100 * m)) for m in range(1, 10)]
    spend = write_csv(tmp_path / "spend.csv", rows)
    staff = write_csv(tmp_path / "staff.csv", [("Home postcode", "Annual pay"), *[("L3 8EN", "20000")] * 6])
    result, _ = run([spend], files, staff=[staff], lm3=Lm3Options(respend_suppliers=30, respend_staff=50))
    out = write_workbook(result, tmp_path / "out.xlsx", [spend])
    cells = formula_cells(out)
    assert len(cells) > 100
    recalculated = cached_values(recalc_libreoffice(out, tmp_path))
    mismatches = [
        f"{sheet}!{ref} {formula}: stored {cached!r}, LibreOffice {recalculated.get((sheet, ref))!r}"
        for (sheet, ref), (formula, cached) in cells.items()
        if not same(cached, recalculated.get((sheet, ref)), tol=1e-9)
    ]
    assert not mismatches, "\n".join(mismatches[:20])


def test_cli_replaces_its_own_outputs_but_not_someone_elses_without_overwrite(
    tmp_path: Path, files: dict[str, Path]
) -> None:
    spend = write_csv(tmp_path / "spend.csv", [("Supplier", "Amount"), ("Away Ltd", "10")])
    theirs = tmp_path / "local.xlsx"
    wb = xlsxwriter.Workbook(str(theirs))
    wb.add_worksheet("Notes").write(0, 0, "my notes")
    wb.close()
    before = theirs.read_bytes()
    args = ["localspend", str(spend), "--suppliers", str(files["register"]), "--postcodes", str(files["directory"]),
            "--local-area", LOCAL, "-o", str(theirs)]  # fmt: skip
    refused = CliRunner().invoke(main, args)
    assert refused.exit_code == 2 and "--overwrite" in refused.output
    assert theirs.read_bytes() == before and not (tmp_path / "local-set-aside.csv").exists()
    assert CliRunner().invoke(main, [*args, "--overwrite"]).exit_code == 1  # written (no date column: a warning)
    assert theirs.read_bytes() != before
    again = CliRunner().invoke(main, args)  # the workbook is ours now: replaced, with its CSV, without asking
    assert again.exit_code == 1 and "workbook:" in again.output, again.output
    assert (tmp_path / "local-set-aside.csv").exists()


def _cells(counts: dict[tuple[str, str, str], int]) -> list[Any]:
    """Every count the staff table shows for these people (organisation, district, category → headcount), with the
    totals added as `Staff.count` adds them (each organisation's living locally and all staff, and all organisations)."""
    from socialvalue.localspend.employment import ALL_ORGANISATIONS, ALL_STAFF, LIVING_LOCALLY, LOCAL_CATEGORIES
    from socialvalue.localspend.models import EmploymentCell

    sums: dict[tuple[str, str, str], int] = {}
    several = len({org for org, _, _ in counts}) > 1
    for (org, district, category), n in counts.items():
        for o in (org, ALL_ORGANISATIONS) if several else (org,):
            keys = [(o, district, category), (o, "", ALL_STAFF)]
            keys += [(o, "", LIVING_LOCALLY)] if category in LOCAL_CATEGORIES else []
            for key in keys:
                sums[key] = sums.get(key, 0) + n
    return [
        EmploymentCell(organisation=o, district=d, local=c in LOCAL_CATEGORIES, category=c, headcount=n, fte=float(n),
                       suppressed=False)
        for (o, d, c), n in sorted(sums.items())
    ]  # fmt: skip


def _worked_out(cells: list[Any]) -> set[int]:
    """The hidden counts a reader could work out exactly from the shown ones, by linear algebra over every sum
    the table implies (written here apart from the product's own list): a hidden count is determined when its
    unit vector lies in the row space of the sums restricted to the hidden counts."""
    import numpy as np

    from socialvalue.localspend.employment import ALL_ORGANISATIONS, ALL_STAFF, LIVING_LOCALLY, LOCAL_CATEGORIES

    at = {(c.organisation, c.district, c.category): i for i, c in enumerate(cells)}
    sums: list[tuple[int, list[int]]] = []
    for (o, d, c), i in at.items():
        if c == ALL_STAFF:
            sums.append((i, [j for (o2, _, c2), j in at.items() if o2 == o and c2 not in (ALL_STAFF, LIVING_LOCALLY)]))
        if c == LIVING_LOCALLY:
            sums.append((i, [j for (o2, _, c2), j in at.items() if o2 == o and c2 in LOCAL_CATEGORIES]))
        if o == ALL_ORGANISATIONS:
            sums.append((i, [j for (o2, d2, c2), j in at.items() if o2 != o and (d2, c2) == (d, c)]))
    hidden = [i for i, c in enumerate(cells) if c.suppressed]
    if not hidden:
        return set()
    column = {i: k for k, i in enumerate(hidden)}
    rows = []
    for total, parts in sums:
        row = np.zeros(len(hidden))
        for i, sign in [(total, 1.0), *((p, -1.0) for p in parts)]:
            if i in column:
                row[column[i]] += sign
        rows.append(row)
    matrix = np.array(rows) if rows else np.zeros((0, len(hidden)))
    rank = np.linalg.matrix_rank(matrix) if len(rows) else 0
    found = set()
    for i, k in column.items():
        unit = np.zeros(len(hidden))
        unit[k] = 1.0
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            found.add(i)
    return found


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.tuples(
            st.sampled_from(["RBQ", "REM", "RVY"]),
            st.sampled_from(
                [
                    ("E08000012", "local"),
                    ("E08000015", "local"),
                    ("", "not-local"),
                    ("", "no-postcode"),
                    ("", "several-local-districts"),
                ]
            ),
        ),
        st.integers(1, 40),
        min_size=1,
        max_size=12,
    )
)
def test_no_suppressed_staff_count_can_be_worked_out_from_the_shown_ones(counts: dict[Any, int]) -> None:
    from socialvalue.localspend.employment import suppress

    cells = suppress(_cells({(org, d, c): n for (org, (d, c)), n in counts.items()}), 5)
    originals = _cells({(org, d, c): n for (org, (d, c)), n in counts.items()})
    assert all(c.headcount is None for c in cells if c.suppressed)
    assert all(
        c.suppressed for c, o in zip(cells, originals, strict=True) if o.headcount is not None and o.headcount < 5
    )
    assert _worked_out(cells) == set()
