"""The footprint and contract reports laid out from figures (the store's queries are tested with the store)."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from pathlib import Path

import pytest

from socialvalue.output.reportkit import write_report_html, write_report_xlsx
from socialvalue.output.reportkit.html import render
from socialvalue.reports.contract import contract_report
from socialvalue.reports.figures import (
    ContractFigures,
    ContractRisk,
    CountLine,
    FootprintFigures,
    GradeLine,
    Group,
    KpiQuarter,
    Money,
    ReturnRecord,
    ValueSetUse,
)
from socialvalue.reports.footprint import footprint_report

from .recalc import cached_values, libreoffice_mismatches, same, soffice

ORGS = [("RBQ", "Liverpool Heart and Chest", "E08000012", "Liverpool"), ("RJR", "Countess of Chester", "E06000050", "Cheshire West and Chester"),
        ("E08000012", "Liverpool City Council", "E08000012", "Liverpool")]  # fmt: skip
MEASURES = [("local/LE01", "Local jobs", "Jobs", 28_000.0), ("local/EN01", "Carbon saved", "Climate", 250.0), ("local/VOL", "Volunteering", "Communities", None)]  # fmt: skip


def _gbp(quantity: float, value: float | None, factor: float = 1.0) -> float | None:
    return None if value is None else quantity * value * factor


def _rows() -> list[dict[str, object]]:
    rng = random.Random(3)
    rows: list[dict[str, object]] = []
    for period in ("2026Q1", "2026Q2"):
        for org, name, gss, place in ORGS:
            for key, description, theme, value in MEASURES:
                committed, delivered = rng.uniform(1, 20), rng.uniform(0, 20)
                rows.append({"period": period, "contract": f"C-{org}", "org_code": org, "organisation": name, "place_gss": gss,
                             "place": place, "theme": theme, "measure_key": key, "description": description, "unit": "units",
                             "committed_quantity": committed, "delivered_quantity": delivered, "unit_value": value,
                             "net_factor": 0.5, "committed_gross": _gbp(committed, value), "committed_net": _gbp(committed, value, 0.5),
                             "delivered_gross": _gbp(delivered, value), "delivered_net": _gbp(delivered, value, 0.5),
                             "grade": "verified", "evidence_ref": "EV", "return_file": "r.xlsx", "return_sha256": "0" * 64})  # fmt: skip
    return rows


def _group(rows: list[dict[str, object]], key: str, name: str = "", detail: str = "") -> list[Group]:
    out: dict[str, Group] = {}
    for r in rows:
        g = out.setdefault(
            str(r[key]), Group(str(r[key]), str(r[name or key]), Money(), str(r[detail]) if detail else "")
        )
        g.money.committed_gross += float(r["committed_gross"] or 0)  # type: ignore[arg-type]
        g.money.committed_net += float(r["committed_net"] or 0)  # type: ignore[arg-type]
        g.money.delivered_gross += float(r["delivered_gross"] or 0)  # type: ignore[arg-type]
        g.money.delivered_net += float(r["delivered_net"] or 0)  # type: ignore[arg-type]
    return list(out.values())


def figures() -> FootprintFigures:
    rows = _rows()
    (total,) = _group([{**r, "all": "all"} for r in rows], "all")
    priced = [r for r in rows if r["unit_value"] is not None]
    counted: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for r in rows:
        if r["unit_value"] is None:
            counted[str(r["measure_key"])][0] += float(r["committed_quantity"])  # type: ignore[arg-type]
            counted[str(r["measure_key"])][1] += float(r["delivered_quantity"])  # type: ignore[arg-type]
    return FootprintFigures(
        footprint="QYG Cheshire and Merseyside", first="2026Q1", last="2026Q2", total=total.money,
        by_organisation=_group(rows, "org_code", "organisation", "place"), by_place=_group(rows, "place_gss", "place"),
        by_theme=_group(priced, "theme"), by_measure=_group(priced, "measure_key", "description", "theme"),
        by_quarter=_group(rows, "period"),
        counts=[CountLine(k, "Volunteering", "hours", c, d) for k, (c, d) in counted.items()],
        grades=[GradeLine("verified", len(rows), total.money.delivered_gross)],
        value_sets=[ValueSetUse("illustrative-2026", "2026.1", True, 3)], rag={"red": 1, "amber": 0, "green": 2, "not due": 0},
        at_risk=[ContractRisk("C-RBQ", "Cleaning", "RBQ Liverpool Heart and Chest", "", "Acme <Ltd>", 0.4, "red", ["2026Q2"])],
        overdue_returns=1, as_of="15 August 2026", rows=rows, kpi_periods=len(rows),  # type: ignore[arg-type]
    )  # fmt: skip


def test_footprint_report_says_what_the_issue_asks() -> None:
    report = footprint_report(figures(), dt.datetime(2026, 8, 15, 9, 0, tzinfo=dt.UTC))
    assert report.warnings and report.warnings[0].label == "Illustrative values:"
    assert report.warnings[0].text.startswith("illustrative-2026 v2026.1 (3 contracts) holds illustrative values")
    keys = {h.key for h in report.headlines}
    assert {
        "committed_gross",
        "delivered_gross",
        "committed_net",
        "delivered_net",
        "rate",
        "red",
        "amber",
        "green",
        "overdue",
    } <= keys
    assert [s.heading for s in report.sections][:5] == [
        "By organisation",
        "By place",
        "By theme",
        "By measure",
        "Over time",
    ]
    for figure in report.figures():
        if figure.table.key.startswith("By "):
            assert figure.chart is not None  # each breakdown has its chart
    counts = next(f.table for f in report.figures() if f.table.key == "Counts")
    assert all(c.kind != "gbp" for c in counts.columns)  # counts are never given a £ value
    hours = next(h for h in report.headlines if h.key.startswith("count-"))
    assert hours.kind == "count" and "never given a £ value" in hours.note
    risk = next(f.table for f in report.figures() if f.table.key == "At risk")
    assert [c.heading for c in risk.columns][3:5] == ["Organisation", "Contract manager"]
    page = render(report)
    assert "Acme &lt;Ltd&gt;" in page and "not recorded" in page
    assert page.index("Illustrative values:") < page.index("Headline figures")


def test_footprint_workbook_totals_trace_to_its_rows(tmp_path: Path) -> None:
    f = figures()
    xlsx = write_report_xlsx(footprint_report(f), tmp_path / "footprint.xlsx")
    values = cached_values(xlsx)
    place = {values[("By place", f"A{r}")]: r for r in range(5, 5 + len(f.by_place))}
    for g in f.by_place:
        assert same(values[("By place", f"C{place[g.key]}")], g.money.committed_gross)
    if soffice() is not None:
        count, mismatches = libreoffice_mismatches(xlsx, tmp_path)
        assert count > 40 and not mismatches, "\n".join(mismatches[:20])


def test_contract_report(tmp_path: Path) -> None:
    lines = [KpiQuarter("LE01", "Local jobs", "FTE-years", q, 2.0, d, Money(56_000, 28_000, (d or 0) * 28_000, (d or 0) * 14_000), "documented" if d else "")
             for q, d in (("2026Q1", 1.5), ("2026Q2", None))]  # fmt: skip
    lines += [
        KpiQuarter("VOL", "Volunteering", "hours", q, 10, d, None) for q, d in (("2026Q1", 12.0), ("2026Q2", None))
    ]
    c = ContractFigures(
        contract="C-1", title="Cleaning", organisation="RBQ Liverpool Heart and Chest", supplier="Acme Ltd", manager="",
        start="1 January 2026", end="31 December 2027", value_gbp=400_000, tender="local-measures version 1",
        value_set=ValueSetUse("illustrative-2026", "2026.1", True, 1), rag="red", rate=0.75, through="2026Q1", overdue=["2026Q2"],
        by_quarter=[Group("2026Q1", "2026Q1", Money(56_000, 28_000, 42_000, 21_000)), Group("2026Q2", "2026Q2", Money(56_000, 28_000))],
        lines=lines, returns=[ReturnRecord("2026Q1", "r1.xlsx", "a" * 64, "30 Apr 2026 12:00", "current")],
    )  # fmt: skip
    report = contract_report(c)
    kpis = [f for f in report.figures() if f.table.key.startswith("KPI ")]
    assert [f.table.key for f in kpis] == ["KPI LE01", "KPI VOL"] and all(f.chart for f in kpis)
    assert all(col.kind != "gbp" for col in kpis[1].table.columns)  # hours stay hours
    assert report.warnings and "contract manager not recorded" in report.subtitle
    assert report.warnings[0].text.startswith("illustrative-2026 v2026.1 holds illustrative values")
    page = write_report_html(report, tmp_path / "c.html").read_text(encoding="utf-8")
    assert "Overdue: 2026Q2." in page
    assert pytest.approx(42_000) == next(h.value for h in report.headlines if h.key == "delivered")
