"""The report kit: one report written as a self-contained HTML page and as a workbook whose totals trace to rows."""

from __future__ import annotations

import datetime as dt
import html
import re
import zipfile
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from socialvalue.output.reportkit import (
    PALETTE,
    Chart,
    Column,
    DataTable,
    Figure,
    Headline,
    Note,
    Report,
    Section,
    Series,
    write_report_html,
    write_report_xlsx,
)
from socialvalue.output.reportkit import xlsx as kit_xlsx
from socialvalue.output.reportkit.html import render
from socialvalue.output.reportkit.xlsx import ReportTooLarge, sheet_name

from .browser import check_page, pdf_page_sizes, require_chromium, rgb
from .recalc import cached_values, formula_cells, libreoffice_mismatches, same, soffice

HOSTILE = [
    ("RBQ", "Liverpool Heart and Chest"),
    ("REM", "Aintree <script>alert(1)</script>"),
    ("E08000012", "Liverpool City Council $x$ & co"),
    ("RVY", "Southport =SUM(A1) * Ormskirk?"),
    ("A*", 'Wild "card" ~ supplier'),
    ("=B", "<img src=http://example.invalid/x.png>"),
]
QUARTERS = ["2025Q3", "2025Q4", "2026Q1", "2026Q2"]


def _rows() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for qi, quarter in enumerate(QUARTERS):
        for oi, (code, name) in enumerate(HOSTILE):
            committed = 1000.0 * (oi + 1) + 250 * qi
            rows.append({"quarter": quarter, "org": code, "org_name": name, "committed": committed,
                         "delivered": committed * (0.5 + 0.1 * oi), "hours": 10 * oi})  # fmt: skip
    rows.append(
        {
            "quarter": "2026Q2",
            "org": "RBQ",
            "org_name": "Liverpool Heart and Chest",
            "committed": 0.0,
            "delivered": 0.0,
            "hours": 0,
        }
    )
    return rows


def _group(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    out: dict[object, dict[str, Any]] = {}
    for r in rows:
        g = out.setdefault(r[key], {key: r[key], "committed": 0.0, "delivered": 0.0})
        g["committed"] = float(g["committed"]) + float(r["committed"])
        g["delivered"] = float(g["delivered"]) + float(r["delivered"])
    for g in out.values():
        g["rate"] = float(g["delivered"]) / float(g["committed"]) if g["committed"] else None
    return list(out.values())


def sample_report() -> Report:
    rows = _rows()
    names = dict(HOSTILE)
    money = [Column("committed", "Committed £", "gbp", sums="committed"), Column("delivered", "Delivered £", "gbp", sums="delivered"),
             Column("rate", "Delivery rate", "percent", ratio=("delivered", "committed"))]  # fmt: skip
    by_org = _group(rows, "org")
    for g in by_org:
        g["org_name"] = names[str(g["org"])]
    committed = sum(float(r["committed"]) for r in rows)
    delivered = sum(float(r["delivered"]) for r in rows)
    empty = DataTable("Empty", "A breakdown with nothing in it", [Column("x", "X"), *money], [], match={"org": "x"})
    return Report(
        "Footprint report",
        "Cheshire & Merseyside <ICS>, 2025Q3 to 2026Q2",
        headlines=[
            Headline("committed", "Committed (gross)", committed, sums="committed"),
            Headline("delivered", "Delivered (gross)", delivered, sums="delivered"),
            Headline("rate", "Delivery rate", delivered / committed, "percent", ratio=("delivered", "committed")),
            Headline(
                "hours",
                "Volunteering hours",
                sum(int(r["hours"]) for r in rows),
                "count",
                note="a count, never given a £ value",
                sums="hours",
            ),
        ],
        sections=[
            Section(
                "By organisation",
                [Note("Gross and net are kept apart.", "note")],
                [
                    Figure(
                        DataTable(
                            "By organisation",
                            "Committed and delivered by organisation",
                            [Column("org", "Code"), Column("org_name", "Organisation"), *money],
                            by_org,
                            match={"org": "org"},
                            total="All organisations",
                        ),
                        Chart(
                            "barh",
                            "Committed and delivered £ by organisation",
                            "org_name",
                            [Series("committed", "Committed"), Series("delivered", "Delivered")],
                            "£",
                        ),
                    ),
                ],
            ),
            Section(
                "Over time",
                [],
                [
                    Figure(
                        DataTable(
                            "By quarter",
                            "By quarter",
                            [Column("quarter", "Quarter"), *money],
                            _group(rows, "quarter"),
                            match={"quarter": "quarter"},
                            total="Total",
                        ),
                        Chart(
                            "line",
                            "Committed and delivered by quarter",
                            "quarter",
                            [Series("committed"), Series("delivered")],
                            "£",
                        ),
                    ),
                    Figure(empty, Chart("bar", "Nothing", "x", [Series("committed")])),
                ],
            ),
        ],
        basis=[
            Note("Illustrative values: not for publication.", "warning", "Warning:"),
            Note("Value set illustrative-2026 v1."),
        ],
        rows=DataTable(
            "Rows",
            "Rows behind the totals",
            [
                Column("quarter", "Quarter"),
                Column("org", "Organisation code"),
                Column("org_name", "Organisation"),
                Column("committed", "Committed £", "gbp"),
                Column("delivered", "Delivered £", "gbp"),
                Column("hours", "Hours", "count"),
            ],
            rows,
        ),
    )


# --- HTML ---------------------------------------------------------------------------------------


def test_html_is_self_contained_and_escapes_every_name(tmp_path: Path) -> None:
    page = render(sample_report())
    assert "<script" not in page.lower()  # neither ours nor a name's
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img" not in page and "&lt;img src=http://example.invalid/x.png&gt;" in page
    assert "Cheshire &amp; Merseyside &lt;ICS&gt;" in page
    assert "Liverpool City Council $x$ &amp; co" in page  # $ drawn as typed, not as mathematics
    tags = re.findall(r"<[^>]*>", page)  # (escaped text holds no "<")
    assert not [t for t in tags if re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:|//)""", t)]
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)
    assert csp and html.unescape(csp.group(1)).startswith("default-src 'none';")
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "ids repeat across charts"
    assert page.count("<svg") == 2  # the empty breakdown has its table and no chart
    assert "No figures for this period." in page


def test_html_report_in_headless_chromium(tmp_path: Path) -> None:
    require_chromium()
    report = sample_report()
    page = write_report_html(report, tmp_path / "kit.html")
    check = check_page(page, tmp_path, "reportkit-sample")
    assert check.log.errors() == []
    assert check.log.blocked == []
    assert check.log.requests == [page.resolve().as_uri()]
    charts = [f for f in check.figures if f["chart"]]
    tables = {f.table.key: f for f in report.figures()}
    assert len(charts) == 2 and len(check.figures) == 3
    for shown in charts:
        figure = next(
            f for f in report.figures() if shown["id"].startswith("t-" + f.table.key.lower().replace(" ", "-"))
        )
        assert figure.chart is not None
        assert shown["describedBy"] == shown["tableId"] and shown["tableAfterChart"]
        assert shown["rows"] == len(figure.table.rows) and shown["width"] > 300
        for i, series in enumerate(figure.chart.series):  # a visible mark for every non-zero value, in its colour
            nonzero = sum(1 for r in figure.table.rows if r.get(series.column))
            assert shown["colours"].get(rgb(PALETTE[i]), 0) >= nonzero, (shown["id"], series.column)
    assert tables["Empty"].table.rows == []
    sizes = pdf_page_sizes(check.pdf)
    assert sizes and all(abs(w - 595) < 1 and abs(h - 842) < 1 for w, h in sizes)  # A4 portrait
    assert check.screenshot.stat().st_size > 10_000


def test_the_harness_sees_errors_and_blocks_requests(tmp_path: Path) -> None:
    """The checks above mean something: a page that logs an error and asks for a remote image is caught."""
    require_chromium()
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><html><head><title>x</title></head><body>"
        '<img src="http://example.invalid/pixel.png" alt=""><script>console.error("broken")</script></body></html>',
        encoding="utf-8",
    )
    check = check_page(bad, tmp_path, "harness-probe")
    assert any("broken" in m["text"] for m in check.log.errors())
    assert check.log.blocked == ["http://example.invalid/pixel.png"]


# --- Excel ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kit_xlsx_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_report_xlsx(sample_report(), tmp_path_factory.mktemp("kit") / "kit.xlsx")


def test_workbook_sheets_charts_and_print_setup(kit_xlsx_file: Path) -> None:
    wb = load_workbook(kit_xlsx_file)
    assert wb.sheetnames == ["Summary", "By organisation", "By quarter", "Empty", "Rows"]
    with zipfile.ZipFile(kit_xlsx_file) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        kinds = sorted(re.search(rb"<c:(barChart|lineChart)>", z.read(n)).group(1).decode() for n in charts)  # type: ignore[union-attr]
    assert kinds == ["barChart", "lineChart"]  # the empty breakdown draws none
    for name in ["By organisation", "By quarter", "Rows"]:
        ws = wb[name]
        assert ws.freeze_panes in ("B5", "B2")
        assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
        assert (
            ws.sheet_properties.pageSetUpPr.fitToPage
            and ws.page_setup.fitToWidth in (None, 1)
            and ws.page_setup.fitToHeight == 0
        )  # 1 wide (the default), any tall
        assert ws.print_title_rows in ("$4:$4", "$1:$1")
    assert wb["Summary"]["A1"].value == "Footprint report"
    summary = [c.value for c in wb["Summary"]["A"]]
    assert "Warning: Illustrative values: not for publication." in summary
    assert summary.index("What these figures rest on") < summary.index("Sheets in this workbook")


def test_workbook_totals_are_formulas_over_the_rows(kit_xlsx_file: Path) -> None:
    cells = formula_cells(kit_xlsx_file)
    org = {ref: f for (sheet, ref), (f, _v) in cells.items() if sheet == "By organisation"}
    assert org["C5"].startswith("=SUMIFS(Rows!$D$2:$D$26,Rows!$B$2:$B$26,")
    assert org["C5"].endswith(",$A5)")  # a plain code is matched by reference
    wild = next(
        f for ref, f in org.items() if ref.startswith("C") and '"=A~*"' in f
    )  # a wildcard key spelled out exactly
    assert wild
    summary = {ref: f for (sheet, ref), (f, _v) in cells.items() if sheet == "Summary"}
    assert summary["B6"] == "=SUM(Rows!$D$2:$D$26)" and summary["B8"] == '=IF(B6=0,"",B7/B6)'
    # the stored values are the report's own figures
    rows = _rows()
    by_org: dict[object, float] = defaultdict(float)
    for r in rows:
        by_org[r["org"]] += float(r["committed"])
    values = cached_values(kit_xlsx_file)
    for row in range(5, 5 + len(HOSTILE)):
        assert same(values[("By organisation", f"C{row}")], by_org[values[("By organisation", f"A{row}")]])


@pytest.mark.libreoffice
@pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed (CI installs it: .ci/run)")
def test_workbook_formulas_recompute_to_the_stored_figures(kit_xlsx_file: Path, tmp_path: Path) -> None:
    """Every formula, recalculated by LibreOffice, gives the figure stored: hostile keys (*, ?, ~, =) included."""
    count, mismatches = libreoffice_mismatches(kit_xlsx_file, tmp_path)
    assert count > 30 and not mismatches, "\n".join(mismatches[:20])


def test_too_many_rows_for_one_sheet_is_refused_before_writing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kit_xlsx, "EXCEL_MAX_ROWS", 10)
    target = tmp_path / "big.xlsx"
    with pytest.raises(ReportTooLarge, match="25 rows lie behind these totals"):
        write_report_xlsx(sample_report(), target)
    assert list(tmp_path.iterdir()) == []


@settings(deadline=None, max_examples=200)
@given(st.lists(st.text(max_size=60), max_size=12))
def test_sheet_names_are_valid_and_unique(names: list[str]) -> None:
    taken: set[str] = set()
    made = [sheet_name(n, taken) for n in names]
    assert len({m.lower() for m in made}) == len(made)
    for m in made:
        assert 0 < len(m) <= 31 and not re.search(r"[\[\]:*?/\\']", m) and m == m.strip()


def test_long_headings_and_names_wrap_in_the_workbook_rather_than_being_cut(tmp_path: Path) -> None:
    """Gross and net headings stay told apart, a long organisation name is shown whole, charts count from £0."""
    long_name = "Warrington and Halton Teaching Hospitals NHS Foundation Trust, Community Services Division"
    rows: list[dict[str, str | int | float | dt.date | None]] = [{"key": "RWW", "name": long_name, "committed_gross": 39_483.0, "committed_net": 30_186.0},
            {"key": "RBQ", "name": "Short", "committed_gross": 39_000.0, "committed_net": 30_000.0}]  # fmt: skip
    table = DataTable(
        "Orgs", "By organisation",
        [Column("key", "Code", code=True), Column("name", "Organisation"), Column("committed_gross", "Committed £ (gross)", "gbp"),
         Column("committed_net", "Committed £ (net)", "gbp")],
        rows, note="A note wider than the whole table: " + "it is printed whole, wrapped across the table, never cut at the page edge. " * 3,
    )  # fmt: skip
    chart = Chart("bar", "Committed", "key", [Series("committed_gross", "Committed (gross)")], "£")
    headline = Headline("h", "A headline figure whose label is longer than its column is wide, by far", 1.0)
    report = Report("Report", "Sub", headlines=[headline], sections=[Section("S", [], [Figure(table, chart)])])
    target = write_report_xlsx(report, tmp_path / "wrap.xlsx")
    ws = load_workbook(target)["Orgs"]
    heading = kit_xlsx.HEADING_ROW + 1
    width = ws.column_dimensions["C"].width
    assert len("Committed £ (gross)") > width  # the heading needs two lines …
    assert ws.row_dimensions[heading].height >= 2 * kit_xlsx.LINE_HEIGHT  # … and its row shows both
    name = ws.cell(heading + 1, 2)
    assert name.value == long_name and name.alignment.wrap_text
    assert ws.row_dimensions[heading + 1].height >= 2 * kit_xlsx.LINE_HEIGHT
    assert ws.row_dimensions[heading + 2].height is None  # a short name keeps the default height
    assert ws["A2"].value.startswith("A note") and "A2:D2" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.row_dimensions[2].height >= 2 * kit_xlsx.LINE_HEIGHT  # across the table, wrapped: printed whole
    summary = load_workbook(target)["Summary"]
    label = next(c for c in summary["A"] if c.value and str(c.value).startswith("A headline"))
    assert label.alignment.wrap_text and summary.row_dimensions[label.row].height >= 2 * kit_xlsx.LINE_HEIGHT
    with zipfile.ZipFile(target) as z:
        drawn = z.read(next(n for n in z.namelist() if n.startswith("xl/charts/chart"))).decode()
    assert '<c:min val="0"/>' in drawn  # £ from zero: two close figures are not drawn as if one were half the other


def test_chart_labels_wrap_between_words() -> None:
    from socialvalue.output.reportkit.charts import label

    assert (
        label("Liverpool Heart and Chest Hospital NHS Foundation Trust")
        == "Liverpool Heart and Chest\nHospital NHS Foundation Trust"
    )
    assert label("Wirral Council") == "Wirral Council"
    three = label("Hours of careers support in local schools and colleges (reported as a count)")
    assert three.count("\n") == 1 and three.endswith("…")


@settings(deadline=None, max_examples=200)
@given(st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=200), st.integers(4, 60))
def test_wrapped_words_keep_every_word_in_order_within_the_width(text: str, width: int) -> None:
    from socialvalue.words import wrap_words

    lines = wrap_words(text, width)
    assert all(len(line) <= width for line in lines)
    assert "".join("".join(lines).split()) == "".join(text.split())  # nothing lost, nothing added, in order
    short = wrap_words(text, width, max_lines=2)
    assert len(short) <= 2 and all(len(line) <= width for line in short)
