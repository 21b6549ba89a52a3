"""The footprint report from a store: figures checked against sums the test works out itself."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from socialvalue.periods import Period
from socialvalue.reports.figures import FootprintFigures, Group, Money
from socialvalue.reports.queries import footprint_figures
from socialvalue.store.engine import open_store

from .browser import check_page, require_chromium, rgb
from .recalc import cached_values, formula_cells, recalc_libreoffice, same, soffice
from .report_store import FOOTPRINT, QUARTERS, Fact, SyntheticFootprint, build
from .stores import postgres_database

AS_OF = dt.date(2026, 8, 15)
FIRST, LAST = Period.parse("2025Q4"), Period.parse("2026Q3")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def synthetic(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SyntheticFootprint]:
    """The synthetic footprint in an SQLite store, and in a PostgreSQL one."""
    with contextlib.ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'store.db'}"
        else:
            url = stack.enter_context(postgres_database())
        store = open_store(url)
        stack.callback(store.close)
        yield build(store)


@pytest.fixture(scope="module")
def figures(synthetic: SyntheticFootprint) -> FootprintFigures:
    assert FIRST is not None and LAST is not None
    return footprint_figures(synthetic.store, FOOTPRINT, FIRST, LAST, AS_OF)


def window(facts: Iterable[Fact]) -> list[Fact]:
    assert FIRST is not None and LAST is not None
    keys = {q.key for q in QUARTERS if q is not None and FIRST <= q <= LAST}
    return [f for f in facts if f.period in keys]


def money(facts: Iterable[Fact]) -> Money:
    m = Money()
    for f in facts:
        m.committed_gross += f.gbp(False)
        m.committed_net += f.gbp(False, net=True)
        m.delivered_gross += f.gbp(True)
        m.delivered_net += f.gbp(True, net=True)
    return m


def grouped(facts: list[Fact], key: Callable[[Fact], str]) -> dict[str, Money]:
    groups: dict[str, list[Fact]] = defaultdict(list)
    for f in facts:
        groups[key(f)].append(f)
    return {k: money(v) for k, v in groups.items()}


def assert_same_money(got: list[Group], expected: dict[str, Money]) -> None:
    assert {g.key for g in got} == set(expected)
    for g in got:
        e = expected[g.key]
        for part in ("committed_gross", "committed_net", "delivered_gross", "delivered_net"):
            assert getattr(g.money, part) == pytest.approx(getattr(e, part)), (g.key, part)


def test_figures_match_sums_worked_out_from_the_test_data(
    synthetic: SyntheticFootprint, figures: FootprintFigures
) -> None:
    facts = window(synthetic.facts)
    assert figures.kpi_periods == len(facts)
    expected = money(facts)
    for part in ("committed_gross", "committed_net", "delivered_gross", "delivered_net"):
        assert getattr(figures.total, part) == pytest.approx(getattr(expected, part))
    assert_same_money(figures.by_organisation, grouped(facts, lambda f: f.rollup))
    assert "RVY" not in {g.key for g in figures.by_organisation}  # rolled up under its successor RBN
    assert_same_money(figures.by_place, grouped(facts, lambda f: f.place))
    priced = [f for f in facts if f.unit_value is not None]
    assert_same_money(figures.by_theme, grouped(priced, lambda f: f.theme))
    assert_same_money(figures.by_measure, grouped(priced, lambda f: f"local-measures/{f.measure}"))
    assert_same_money(figures.by_quarter, grouped(facts, lambda f: f.period))
    assert [g.key for g in figures.by_quarter] == ["2025Q4", "2026Q1", "2026Q2", "2026Q3"]
    counted = [f for f in facts if f.unit_value is None]
    by_count: dict[str, tuple[float, float]] = defaultdict(lambda: (0.0, 0.0))
    for f in counted:
        c, d = by_count[f"local-measures/{f.measure}"]
        by_count[f"local-measures/{f.measure}"] = (c + f.committed, d + (f.delivered or 0.0))
    assert {c.measure for c in figures.counts} == set(by_count)
    for line in figures.counts:
        assert (line.committed, line.delivered) == pytest.approx(by_count[line.measure])
    grades: dict[str, int] = defaultdict(int)
    for f in facts:
        if f.delivered is not None:
            grades[f.grade or "not graded"] += 1
    assert {g.grade: g.lines for g in figures.grades} == grades
    contracts = len({f.contract for f in facts})  # every synthetic tender uses the one value set
    assert [(v.name, v.version, v.illustrative, v.contracts) for v in figures.value_sets] == [
        ("illustrative-2026", "2026.1", True, contracts)
    ]
    assert sum(figures.rag.values()) == len(synthetic.contracts)
    assert figures.overdue_returns == sum(1 for n in range(len(synthetic.contracts)) if n % 6 == 5)
    overdue = {c for n, c in enumerate(synthetic.contracts) if n % 6 == 5}
    assert overdue <= {r.contract for r in figures.at_risk}  # a return overdue puts a contract at risk
    assert all(r.rag in ("red", "amber") or r.overdue for r in figures.at_risk)
    assert figures.rag["red"] + figures.rag["amber"] <= len(figures.at_risk)


def test_rows_behind_the_totals_are_streamed_in_full(synthetic: SyntheticFootprint, figures: FootprintFigures) -> None:
    assert figures.rows is not None
    rows = list(figures.rows)
    assert len(rows) == len(figures.rows) == len(window(synthetic.facts))
    assert sum(r["delivered_gross"] or 0 for r in rows) == pytest.approx(figures.total.delivered_gross)  # type: ignore[misc]
    delivered = [r for r in rows if r["delivered_quantity"] is not None]
    assert all(r["return_file"] and len(str(r["return_sha256"])) == 64 for r in delivered)


@pytest.fixture(scope="module")
def report_files(synthetic: SyntheticFootprint, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from socialvalue.cli import main

    out = tmp_path_factory.mktemp("report")
    xlsx, html = out / "footprint.xlsx", out / "footprint.html"
    result = CliRunner().invoke(main, ["report", "footprint", "--store", synthetic.store.url, "--footprint", FOOTPRINT,
                                       "--from", "2025Q4", "--to", "2026Q3", "--as-of", AS_OF.isoformat(),
                                       "-o", str(xlsx), "--html", str(html)])  # fmt: skip
    assert result.exit_code == 0, result.output
    return xlsx, html


def test_workbook_figures_are_the_stores(report_files: tuple[Path, Path], figures: FootprintFigures) -> None:
    values = cached_values(report_files[0])
    rows = {values[("By place", f"A{r}")]: r for r in range(5, 5 + len(figures.by_place))}
    for g in figures.by_place:
        assert same(values[("By place", f"C{rows[g.key]}")], g.money.committed_gross)
    summary = {
        values[("Summary", f"A{r}")]: values.get(("Summary", f"B{r}"))
        for r in range(1, 40)
        if ("Summary", f"A{r}") in values
    }
    assert same(summary["Delivered £ (gross)"], figures.total.delivered_gross)
    assert same(summary["Committed £ (net)"], figures.total.committed_net)


@pytest.mark.libreoffice
@pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed (CI installs it: .ci/run)")
def test_workbook_formulas_recompute_from_the_rows(report_files: tuple[Path, Path], tmp_path: Path) -> None:
    cells = formula_cells(report_files[0])
    recalculated = cached_values(recalc_libreoffice(report_files[0], tmp_path))
    mismatches = [
        f"{sheet}!{ref} {formula}: stored {cached!r}, LibreOffice {recalculated.get((sheet, ref))!r}"
        for (sheet, ref), (formula, cached) in cells.items()
        if not same(cached, recalculated.get((sheet, ref)))
    ]
    assert len(cells) > 50 and not mismatches, "\n".join(mismatches[:20])


def test_html_report_in_headless_chromium(report_files: tuple[Path, Path], tmp_path: Path) -> None:
    require_chromium()
    check = check_page(report_files[1], tmp_path, "footprint-report")
    assert check.log.errors() == [] and check.log.blocked == []
    assert check.log.requests == [report_files[1].resolve().as_uri()]
    charts = [f for f in check.figures if f["chart"]]
    assert len(charts) >= 8
    for c in charts:
        assert c["tableAfterChart"] and c["describedBy"] == c["tableId"]
        assert (
            sum(
                n
                for colour, n in c["colours"].items()
                if colour not in ("rgb(0, 0, 0)", "rgb(255, 255, 255)", "rgb(221, 221, 221)")
            )
            >= c["rows"]
        )
    page = report_files[1].read_text(encoding="utf-8")
    assert "Illustrative values:" in page
    from socialvalue.reports.footprint import RAG_COLOURS

    rag = next(c for c in charts if c["id"].startswith("t-rag"))
    shown = {status for status, colour in RAG_COLOURS.items() if rag["colours"].get(rgb(colour), 0) > 0}
    counted = {k for k, n in _rag_counts(report_files[0]).items() if n}
    assert counted and counted <= shown  # each status's bar in its own colour


def _rag_counts(workbook: Path) -> dict[str, float]:
    values = cached_values(workbook)
    return {str(values[("RAG", f"A{r}")]): float(values[("RAG", f"B{r}")]) for r in range(5, 9)}


def test_workbook_rag_chart_colours_each_status(report_files: tuple[Path, Path]) -> None:
    import zipfile

    from socialvalue.reports.footprint import RAG_COLOURS

    with zipfile.ZipFile(report_files[0]) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    rag = [c for c in charts if "RAG" in c]
    assert len(rag) == 1 and all(colour[1:] in rag[0] for colour in RAG_COLOURS.values())


def test_contract_report_for_the_review_meeting(synthetic: SyntheticFootprint, tmp_path: Path) -> None:
    from socialvalue.cli import main

    code = "CM=*?~ 003"
    xlsx, html = tmp_path / "contract.xlsx", tmp_path / "contract.html"
    result = CliRunner().invoke(main, ["report", "contract", code, "--store", synthetic.store.url, "--as-of", AS_OF.isoformat(),
                                       "-o", str(xlsx), "--html", str(html)])  # fmt: skip
    assert result.exit_code == 0, result.output
    facts = [f for f in synthetic.facts if f.contract == code]
    values = cached_values(xlsx)
    quarter_rows = {values[("By quarter", f"A{r}")]: r for r in range(5, 5 + len(QUARTERS))}
    returned = {f.period for f in facts if f.delivered is not None}
    for q, m in grouped(facts, lambda f: f.period).items():
        assert same(values[("By quarter", f"B{quarter_rows[q]}")], m.committed_gross)
        if q in returned:
            assert same(values[("By quarter", f"C{quarter_rows[q]}")], m.delivered_gross)
        else:  # no return yet: nothing delivered is known, which is not £0 delivered
            assert values.get(("By quarter", f"C{quarter_rows[q]}")) in (None, "")
            assert values.get(("By quarter", f"D{quarter_rows[q]}")) in (None, "")
    assert returned < {f.period for f in facts}  # the synthetic contract has a quarter still to report
    page = html.read_text(encoding="utf-8")
    assert "CM=*?~ 003" in page and "Delivery returns received" in page
    require_chromium()
    check = check_page(html, tmp_path, "contract-report")
    assert check.log.errors() == [] and check.log.blocked == []
    assert len([f for f in check.figures if f["chart"]]) == 1 + len({f.measure for f in facts})


def test_ocds_export_from_the_store(synthetic: SyntheticFootprint, tmp_path: Path) -> None:
    import json

    from socialvalue.cli import main

    out = tmp_path / "releases.json"
    result = CliRunner().invoke(main, ["report", "ocds", "--store", synthetic.store.url, "--footprint", FOOTPRINT,
                                       "--ocid-prefix", "ocds-x1y2z3", "--publisher", "NHS Cheshire and Merseyside", "-o", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    package = json.loads(out.read_text(encoding="utf-8"))
    assert len(package["releases"]) == len(synthetic.contracts)
    observed = 0.0
    for release in package["releases"]:
        for metric in release["contracts"][0].get("implementation", {}).get("metrics", []):
            if metric["id"].endswith("-gbp"):
                observed += sum(
                    o["value"]["amount"] for o in metric["observations"] if o["dimensions"]["basis"] == "gross"
                )
    assert observed == pytest.approx(sum(f.gbp(True) for f in synthetic.facts), rel=1e-6)
    bad = CliRunner().invoke(main, ["report", "ocds", "--store", synthetic.store.url, "--ocid-prefix", "nope",
                                    "--publisher", "x", "-o", str(tmp_path / "x.json")])  # fmt: skip
    assert bad.exit_code == 2 and not (tmp_path / "x.json").exists()
