"""The local-spend web page (``localspend --html``): drawn in headless Chromium, the workbook's figures, hostile names
shown as text, written together with the workbook."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from markupsafe import escape

from socialvalue.cli import main
from socialvalue.localspend.models import LocalSpendResult
from socialvalue.localspend.workbook import write_workbook
from socialvalue.output.reportkit import Kind
from socialvalue.output.reportkit.html import show
from socialvalue.problems import Problem

from .browser import check_page, pdf_page_sizes, require_chromium
from .test_localspend import DIRTY, LOCAL, write_csv

__all__ = ["files", "run"]  # the fixtures, shared

from .test_localspend import files
from .test_localspend_realdata import COUNCIL, ICB, ONSPD, REALDATA, run

BREAKDOWN_COLUMNS: tuple[tuple[str, str, Kind], ...] = (
    ("Local £", "Local £", "gbp"), ("Not placed £", "Not placed £", "gbp"),
    ("Credits £", "Credits £", "gbp"), ("Local share", "Local share", "percent"),
    ("Coverage", "Coverage", "percent"),
)  # fmt: skip
"""(the workbook's heading, the page's heading, how the page shows it) of each breakdown's figures."""
HOSTILE = '<script>alert("x")</script> & Sons'


def spend_rows() -> list[tuple[str, ...]]:
    """The dirty rows of the workbook tests for a council, a trust's payments over three months, and an unknown
    supplier whose name is markup."""
    rows: list[tuple[str, ...]] = [("Organisation", "Payment Date", "Supplier Name", "Amount (£)")]
    rows += [r for r, _, _ in DIRTY]
    for month, (local, away) in zip(("05", "06", "07"), ((900, 300), (450, 1350), (1200, 0)), strict=True):
        rows += [("Trust", f"15/{month}/2024", "Local Builders Ltd", str(local)),
                 ("Trust", f"15/{month}/2024", "Away Ltd", str(away)),
                 ("Trust", f"16/{month}/2024", "Charity Trust", "55.50")]  # fmt: skip
    rows.append(("Trust", "20/06/2024", HOSTILE, "321"))
    return rows


@pytest.fixture
def made(tmp_path: Path, files: dict[str, Path]) -> tuple[Path, Path, Any]:
    spend = write_csv(tmp_path / "spend.csv", spend_rows())
    staff = [("Home postcode", "Organisation", "FTE", "Annual pay")]
    staff += [("L3 8EN", "Trust", "1", "30000")] * 12 + [("M1 1AE", "Trust", "0.5", "15000")] * 3
    staff += [("L1 1AA", "Council", "1", "28000")] * 7 + [("M1 1AE", "Council", "1", "28000")] * 9
    staff_file = write_csv(tmp_path / "staff.csv", staff)
    out, html = tmp_path / "local-spend.xlsx", tmp_path / "local-spend.html"
    res = CliRunner().invoke(
        main,
        ["localspend", str(spend), "--suppliers", str(files["register"]), "--postcodes", str(files["directory"]),
         "--local-area", LOCAL, "--staff", str(staff_file), "--respend-suppliers", "25", "--respend-staff", "40",
         "-o", str(out), "--html", str(html)],
    )  # fmt: skip
    assert res.exit_code == 1, res.output  # the dirty rows are problems: written, and listed
    assert f"web page: {html}" in res.output
    return out, html, res


class Tables(HTMLParser):
    """Each ``table.data`` of the page by id: its header cells, and its body and foot rows as the page shows them."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, dict[str, list[list[str]]]] = {}
        self.table = ""
        self.part = ""
        self.row: list[str] | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.table = dict(attrs).get("id") or ""
            self.tables[self.table] = {"thead": [], "tbody": [], "tfoot": []}
        elif tag in ("thead", "tbody", "tfoot"):
            self.part = tag
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.row is not None and self.cell is not None:
            self.row.append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables[self.table][self.part].append(self.row)
            self.row = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)

    def rows(self, key: str) -> list[dict[str, str]]:
        t = self.tables[f"t-{key}-table"]
        return [dict(zip(t["thead"][0], r, strict=True)) for r in t["tbody"]]


def tables(html: Path) -> Tables:
    parsed = Tables()
    parsed.feed(html.read_text(encoding="utf-8"))
    return parsed


def sheet_rows(ws: Any, heading_row: int) -> list[dict[str, Any]]:
    """The rows under a sheet's header row (1-based), keyed by heading, up to the first row without a first cell."""
    heads = [c.value for c in ws[heading_row]]
    out = []
    for values in ws.iter_rows(min_row=heading_row + 1, values_only=True):
        if values[0] is None or values[0] == "Total":
            break
        out.append(dict(zip(heads, values, strict=False)))
    return out


def test_page_figures_are_the_workbooks(made: tuple[Path, Path, Any]) -> None:
    out, html, _ = made
    assert same_figures(out, html) > 80
    shown_staff = tables(html).rows("employment")
    assert any(h["Headcount"] == "<5" and h["FTE"] == "suppressed" for h in shown_staff)  # suppressed as in the book


def same_figures(out: Path, html: Path) -> int:
    """Assert every figure of the page is the workbook's (as the page shows it); how many were compared."""
    wb = openpyxl.load_workbook(out, data_only=True)  # the values each formula was written with
    page = tables(html)
    compared = 0
    for sheet, key in (("By organisation", "by-organisation"), ("By place", "by-place"),
                       ("By supplier type", "by-supplier-type"), ("By month", "by-month")):  # fmt: skip
        book = sheet_rows(wb[sheet], 3)
        shown = page.rows(key)
        assert len(book) == len(shown) > 0, sheet
        for b, h in zip(book, shown, strict=True):
            for heading, column, kind in BREAKDOWN_COLUMNS:
                value = b[heading]
                assert show(None if value == "" else value, kind) == h[column], (sheet, b, h)
                compared += 1
            placed = round(b["Local £"] + b["Not local £"], 2)
            paid = round(placed + b["Not placed £"], 2)
            assert (show(placed, "gbp"), show(paid, "gbp")) == (h["Placed £ (local + not local)"], h["All payments £"])
    summary = wb["Summary"]
    went = sheet_rows(summary, 10)
    payments = page.rows("payments")
    others = page.rows("other-rows")
    assert len(went) == len(payments) + len(others)
    for w in went:
        if w["Kind"] == "payment":
            h = next(p for p in payments if p["Category"] == w["Category"])
            assert show(w["Share of payments £"], "percent") == h["Share of all payments £"]
        else:
            h = next(p for p in others if (p["Kind"], p["Category"]) == (w["Kind"], w["Category"]))
        assert (show(w["Rows"], "count"), show(w["Amount £"], "gbp")) == (h["Rows"], h["Amount £"])
        compared += 2
    headline = {m["label"]: m["value"] for m in _headlines(html)}
    assert headline["Local share of placed payments"] == show(summary["A5"].value, "percent")
    assert headline["Payments placed (coverage)"] == show(summary["A7"].value, "percent")
    lm3 = {r[0]: r for r in wb["LM3"].iter_rows(min_row=4, values_only=True) if r[0] and r[1] is not None}
    for h in page.rows("lm3"):
        r = lm3[h["Scope"]]
        assert (show(r[7], "gbp"), show(r[8], "gbp")) == (h["Round 1 £"], h["Round 2 £"])
        r3, factor = (None, None) if r[9] == "not worked out" else (r[9], round(r[10], 2))
        assert (show(r3, "gbp"), show(factor, "number")) == (h["Round 3 £"], h["LM3"])
        compared += 4
    if "Employment" in wb.sheetnames:
        staff = sheet_rows(wb["Employment"], 3)
        shown_staff = page.rows("employment")
        assert len(staff) == len(shown_staff) > 0
        for b, h in zip(staff, shown_staff, strict=True):
            assert (b["Organisation"], b["District"] or "") == (h["Organisation"], h["District"])
            assert show(b["Headcount"], "count") == h["Headcount"] and show(b["FTE"], "number") == h["FTE"]
            compared += 2
    return compared


def _headlines(html: Path) -> list[dict[str, str]]:
    class Headlines(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.found: list[dict[str, str]] = []
            self.into = ""

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            cls = dict(attrs).get("class") or ""
            if tag == "dt":
                self.found.append({"label": "", "value": ""})
                self.into = "label"
            elif tag == "span" and cls == "figure":
                self.into = "value"

        def handle_endtag(self, tag: str) -> None:
            if tag in ("dt", "span"):
                self.into = ""

        def handle_data(self, data: str) -> None:
            if self.into:
                self.found[-1][self.into] += data.strip()

    parsed = Headlines()
    parsed.feed(html.read_text(encoding="utf-8"))
    return parsed.found


def test_set_aside_counted_by_reason_and_the_inputs_named_with_their_sha256(made: tuple[Path, Path, Any]) -> None:
    out, html, _ = made
    text = html.read_text(encoding="utf-8")
    wb = openpyxl.load_workbook(out, data_only=True)
    categories = {r["Category"] for r in tables(html).rows("payments")}
    assert {"redacted", "unknown-supplier", "head-office-only", "bad-postcode", "postcode-not-found",
            "no-postcode", "no-district", "no-supplier"} <= categories  # fmt: skip
    others = {(r["Kind"], r["Category"]) for r in tables(html).rows("other-rows")}
    assert ("credit", "not-local") in others and ("blank-row", "none") in others
    method = {r[0]: r for r in wb["Method"].iter_rows(values_only=True) if r[0]}
    for role in ("spend", "supplier register", "postcode directory", "staff"):
        sha = method[role][2]
        assert len(sha) == 64 and sha in text
    listing = out.with_name("local-spend-set-aside.csv")
    assert listing.name in text
    assert sum(1 for r in tables(html).rows("lm3") if r["Scope"]) == sum(
        1 for r in wb["LM3"].iter_rows(min_row=4, values_only=True) if r[0] and r[1] is not None
    )
    assumptions, scope = [], ""
    for (first,) in wb["LM3"].iter_rows(min_row=4, max_col=1, values_only=True):
        if isinstance(first, str) and first.startswith("Assumptions: "):
            scope = first.removeprefix("Assumptions: ")
        elif scope and first:
            assumptions.append((scope, first))
    assert len(assumptions) >= 8
    for scope, a in assumptions:  # every assumption printed, under its scope
        assert f"<strong>{escape(scope)}:</strong> {escape(a)}" in text


def test_a_supplier_name_with_markup_is_shown_as_text(made: tuple[Path, Path, Any]) -> None:
    _, html, _ = made
    text = html.read_text(encoding="utf-8")
    assert "<script" not in text.lower()
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Sons" in text
    assert any(r["Supplier (as paid)"] == HOSTILE for r in tables(html).rows("suppliers-to-add"))


def test_page_in_headless_chromium(made: tuple[Path, Path, Any], tmp_path: Path) -> None:
    require_chromium()
    _, html, _ = made
    check = check_page(html, tmp_path, "localspend")
    assert check.log.errors() == [] and check.log.blocked == []
    assert check.log.requests == [html.resolve().as_uri()]
    charts = [f for f in check.figures if f["chart"]]
    keys = {c["id"] for c in charts}
    assert {"t-payments", "t-by-organisation", "t-by-place", "t-by-supplier-type", "t-by-month", "t-lm3",
            "t-staff-by-place"} <= keys  # fmt: skip
    for c in charts:
        assert c["tableAfterChart"] and c["describedBy"] == c["tableId"] and c["rows"] > 0
        marks = sum(n for colour, n in c["colours"].items() if colour not in ("rgb(0, 0, 0)", "rgb(255, 255, 255)",
                                                                               "rgb(221, 221, 221)"))  # fmt: skip
        assert marks >= 1 and c["width"] > 300, c
    sizes = pdf_page_sizes(check.pdf)
    assert sizes and all(abs(w - 595) < 1 and abs(h - 842) < 1 for w, h in sizes)  # prints on A4 portrait


def test_the_page_is_written_with_the_workbook_or_not_at_all(tmp_path: Path, files: dict[str, Path]) -> None:
    spend = write_csv(tmp_path / "spend.csv", spend_rows())
    theirs, html = tmp_path / "out.xlsx", tmp_path / "page.html"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "my notes"  # someone's workbook: never replaced without --overwrite
    wb.save(theirs)
    before = theirs.read_bytes()
    args = ["localspend", str(spend), "--suppliers", str(files["register"]), "--postcodes", str(files["directory"]),
            "--local-area", LOCAL, "-o", str(theirs), "--html", str(html)]  # fmt: skip
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 2 and "--overwrite" in res.output, res.output
    assert theirs.read_bytes() == before and not html.exists() and not (tmp_path / "out-set-aside.csv").exists()
    folder = tmp_path / "folder.html"
    folder.mkdir()
    res = CliRunner().invoke(main, [*args[:-1], str(folder), "--overwrite"])
    assert res.exit_code == 2 and "folder" in res.output, res.output
    assert theirs.read_bytes() == before and not (tmp_path / "out-set-aside.csv").exists()
    res = CliRunner().invoke(main, [*args, "--overwrite"])
    assert res.exit_code == 1, res.output
    assert theirs.read_bytes() != before and (tmp_path / "out-set-aside.csv").exists()
    assert "Local spend" in html.read_text(encoding="utf-8")


@pytest.mark.skipif(
    not all(p.exists() for p in (COUNCIL, ICB, ONSPD)),
    reason=f"the real data files are not in {REALDATA} (the team's shared/realdata folder): nothing real to test on",
)
def test_real_spend_files_page_is_the_workbooks_and_draws_in_chromium(
    run: tuple[LocalSpendResult, list[Problem], Any, list[Any]], tmp_path: Path
) -> None:
    result = run[0]
    out, html = tmp_path / "local-spend.xlsx", tmp_path / "local-spend.html"
    write_workbook(result, out, [COUNCIL, ICB, ONSPD], "socialvalue localspend (real data test)", html=html)
    assert same_figures(out, html) > 100
    text = html.read_text(encoding="utf-8")
    for i in result.inputs:
        assert i.sha256 in text
    require_chromium()
    check = check_page(html, tmp_path, "localspend-realdata")
    assert check.log.errors() == [] and check.log.blocked == []
    assert check.log.requests == [html.resolve().as_uri()]
    charts = [f for f in check.figures if f["chart"]]
    assert {c["id"] for c in charts} >= {
        "t-payments",
        "t-by-organisation",
        "t-by-place",
        "t-by-supplier-type",
        "t-by-month",
    }
    for c in charts:
        assert c["tableAfterChart"] and c["describedBy"] == c["tableId"] and c["rows"] > 0
