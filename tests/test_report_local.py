"""The footprint report's local-economy part: local spend, LM3 and local employment beside social value, read from
the store's local-spend runs (SQLite and PostgreSQL), checked against sums worked out here from the stored rows,
in the workbook and in headless Chromium; and a report with no run says so in one line."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from socialvalue.cli import main
from socialvalue.periods import Period
from socialvalue.reports.local import LocalEconomy, local_economy
from socialvalue.reports.queries import footprint_figures
from socialvalue.store import open_store
from socialvalue.store import schema as S
from socialvalue.store.engine import Store

from .browser import check_page, require_chromium
from .recalc import cached_values, formula_cells, same
from .stores import postgres_database

EXAMPLE = Path(__file__).parents[1] / "templates" / "example" / "localspend"
QYG = "QYG"
AS_OF = dt.date(2026, 11, 15)


def _cli(*args: object) -> tuple[int, str]:
    got = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return got.exit_code, got.output


def record_example(url: str, out: Path) -> None:
    """The built-in footprint and the invented example run (make demo's), recorded in the store at ``url``."""
    assert _cli("footprint", "create", "cheshire-and-merseyside", "--store", url)[0] == 0
    code, said = _cli(
        "localspend", EXAMPLE / "REM-spend-over-25k-2026-07.csv", EXAMPLE / "RBQ-spend-over-25k-2026-08.csv",
        "--suppliers", EXAMPLE / "supplier-register.csv", "--postcodes", EXAMPLE / "postcode-directory-extract.csv",
        "--staff", EXAMPLE / "staff-home-postcodes.csv", "--respend-suppliers", "25", "--respend-staff", "30",
        "--pay-per-fte", "38000", "--footprint", "cheshire-and-merseyside", "--store", url, "-o", out / "ls.xlsx",
    )  # fmt: skip
    assert code == 1, said  # the example's dirty rows: written, listed
    assert "Recorded run 1" in said


@dataclass
class Example:
    store: Store
    out: Path


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def example(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Example]:
    """The example run in an SQLite store, and in a PostgreSQL one."""
    out = tmp_path_factory.mktemp("local")
    with contextlib.ExitStack() as stack:
        url = f"sqlite:///{out / 'store.db'}" if request.param == "sqlite" else stack.enter_context(postgres_database())
        record_example(url, out)
        store = open_store(url)
        stack.callback(store.close)
        yield Example(store, out)


def stored_sums(store: Store) -> dict[str, dict[str, dict[str, float]]]:
    """Local, not-local, all payments and credits per rolled-up organisation, per place and in all, and payments
    per category: added up here, row by row, from ``localspend_spend`` and ``organisation``."""
    with store.read() as conn:
        orgs = {r.id: r for r in conn.execute(sa.select(S.organisation))}
        rows = conn.execute(sa.select(S.localspend_spend)).all()
    code = {i: orgs[o.rollup_id].code if o.rollup_id in orgs else o.code for i, o in orgs.items()}
    out: dict[str, dict[str, dict[str, float]]] = {k: defaultdict(lambda: defaultdict(float)) for k in ("org", "place", "all", "category")}  # fmt: skip
    for r in rows:
        keys = {"org": code.get(r.organisation_id, r.organisation), "place": r.place_gss or "", "all": ""}
        for by, key in keys.items():
            sums = out[by][key]
            if r.kind == "payment":
                sums["payments"] += r.amount_gbp
                if r.category in ("local", "not-local"):
                    sums[r.category] += r.amount_gbp
            elif r.kind == "credit":
                sums["credits"] += r.amount_gbp
        if r.kind == "payment":
            out["category"][r.category]["payments"] += r.amount_gbp
    return out


def test_local_figures_are_the_stored_rows_added_up(example: Example) -> None:
    le = local_economy(example.store, QYG)
    want = stored_sums(example.store)
    assert le.recorded and [r.id for r in le.runs] == [1]
    assert {r for r, _, _ in le.runs[0].inputs} >= {"spend", "supplier register", "postcode directory", "staff"}
    assert le.runs[0].first_month == "2026-07" and le.runs[0].last_month == "2026-08"
    got = {str(f.keys["organisation"]): f for f in le.by_organisation}
    assert set(got) == set(want["org"]) == {"REM", "RBQ"}  # the old name of RQ6 rolled up under REM
    for org, sums in want["org"].items():
        f = got[org]
        assert (f.local_gbp, f.not_local_gbp, f.payments_gbp, f.credits_gbp) == pytest.approx(
            (sums["local"], sums["not-local"], sums["payments"], sums["credits"])
        ), org
    places = {str(f.keys["place"] or ""): f.payments_gbp for f in le.by_place}
    assert places == pytest.approx({k: v["payments"] for k, v in want["place"].items()})
    t, all_ = le.total, want["all"][""]
    assert t is not None
    assert t.local_share == pytest.approx(all_["local"] / (all_["local"] + all_["not-local"]))
    assert t.unplaced_gbp == pytest.approx(all_["payments"] - all_["local"] - all_["not-local"])
    assert t.unplaced_gbp > 0  # REDACTED, a supplier not in the register, a bad postcode, a head office only
    not_placed = {str(f.keys["category"]): f.payments_gbp for f in le.by_category}
    assert not_placed == pytest.approx({k: v["payments"] for k, v in want["category"].items()})
    assert {"redacted", "unknown-supplier", "bad-postcode", "head-office-only"} <= set(not_placed)
    # staff and LM3, as stored: suppressed counts are null there and never come back
    with example.store.read() as conn:
        emp = conn.execute(sa.select(S.localspend_employment)).all()
        lm3 = conn.execute(sa.select(S.localspend_lm3)).all()
    stored = {(e.organisation, e.category, e.district): e for e in emp}
    living = le.staff("living-locally")
    assert living is not None and living.headcount == stored[(None, "living-locally", None)].headcount
    hidden = {(e.organisation, e.district) for e in le.employment if e.suppressed}
    assert hidden == {(e.organisation, e.district) for e in emp if e.suppressed} and hidden
    assert {m.organisation: m.lm3 for m in le.lm3} == pytest.approx({r.organisation: r.lm3 for r in lm3})
    assert all(m.assumptions for m in le.lm3)


@pytest.fixture(scope="module")
def report(example: Example) -> tuple[Path, Path]:
    xlsx, html = example.out / "footprint.xlsx", example.out / "footprint.html"
    code, said = _cli("report", "footprint", "--store", example.store.url, "--footprint", QYG, "--from", "2026Q2",
                      "--to", "2026Q3", "--as-of", AS_OF.isoformat(), "-o", xlsx, "--html", html)  # fmt: skip
    assert code == 0, said
    return xlsx, html


def _sheet(values: dict[tuple[str, str], object], sheet: str) -> dict[str, dict[str, object]]:
    """A figure sheet's rows by their first column: heading → value."""
    headings = {ref[0]: v for (s, ref), v in values.items() if s == sheet and ref[1:] == "4"}
    rows: dict[str, dict[str, object]] = {}
    for (s, ref), v in values.items():
        if s == sheet and ref[0] == "A" and int(ref[1:]) > 4 and v is not None:
            rows[str(v)] = {str(h): values.get((sheet, f"{col}{ref[1:]}")) for col, h in headings.items()}
    return rows


def test_workbook_shows_the_local_economy_apart_from_social_value(example: Example, report: tuple[Path, Path]) -> None:
    values = cached_values(report[0])
    want = stored_sums(example.store)
    by_org = _sheet(values, "Local spend by org")
    for org, sums in want["org"].items():
        assert same(by_org[org]["Local £"], sums["local"]) and same(by_org[org]["All payments £"], sums["payments"])
        assert same(by_org[org]["Local share"], sums["local"] / (sums["local"] + sums["not-local"]))
    total = want["all"][""]
    assert same(by_org["Total"]["Not placed £"], total["payments"] - total["local"] - total["not-local"])
    formulas = formula_cells(report[0])
    assert any(s == "Local spend by org" and "/" in f for (s, _), (f, _) in formulas.items())  # shares recompute
    summary = {values[("Summary", f"A{r}")]: values.get(("Summary", f"B{r}")) for r in range(1, 40) if ("Summary", f"A{r}") in values}  # fmt: skip
    assert same(summary["Local share of spend"], total["local"] / (total["local"] + total["not-local"]))
    le = local_economy(example.store, QYG)
    living = le.staff("living-locally")
    assert living is not None and summary["Staff living locally"] == living.headcount
    staff = _sheet(values, "Staff by place")
    assert "<5" in {str(r["Headcount"]) for r in staff.values()}  # suppressed as the run suppressed it
    assert {"LM3", "Local spend runs", "Local spend not placed"} <= {s for s, _ in values}
    # social value £ are what they are without local spend: never added to it
    first, last = Period.parse("2026Q2"), Period.parse("2026Q3")
    assert first is not None and last is not None
    figures = footprint_figures(example.store, QYG, first, last, AS_OF)
    assert same(summary["Delivered £ (gross)"], figures.total.delivered_gross)


def test_html_local_economy_in_headless_chromium(report: tuple[Path, Path], tmp_path: Path) -> None:
    require_chromium()
    check = check_page(report[1], tmp_path, "footprint-local")
    assert check.log.errors() == [] and check.log.blocked == []
    local = {f["id"]: f for f in check.figures if f["id"].startswith(("t-local", "t-staff", "t-lm3"))}
    assert {"t-local-spend-by-org", "t-local-spend-by-place", "t-staff-by-place", "t-staff-by-organisation",
            "t-lm3", "t-local-spend-runs"} <= set(local)  # fmt: skip
    for key in ("t-local-spend-by-org", "t-local-spend-by-place", "t-staff-by-place", "t-staff-by-organisation"):
        f = local[key]
        assert f["chart"] and f["tableAfterChart"] and f["describedBy"] == f["tableId"] and f["rows"] >= 1
    page = report[1].read_text(encoding="utf-8")
    assert "Local share of spend" in page and "Staff living locally" in page
    assert "never added to it" in page and "&lt;5" in page
    assert "No local-spend run is recorded" not in page


def test_a_footprint_without_a_run_says_so_in_one_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    assert _cli("footprint", "create", "cheshire-and-merseyside", "--store", url)[0] == 0
    assert local_economy(open_store(url), QYG) == LocalEconomy()
    xlsx, html = tmp_path / "f.xlsx", tmp_path / "f.html"
    code, said = _cli("report", "footprint", "--store", url, "--from", "2026Q2", "--to", "2026Q3", "-o", xlsx, "--html", html)  # fmt: skip
    assert code == 0, said
    page = html.read_text(encoding="utf-8")
    assert page.count("No local-spend run is recorded for this footprint") == 1
    assert "t-local-spend-by-org" not in page and "t-staff-by-place" not in page  # no empty charts
    sheets = {s for s, _ in cached_values(xlsx)}
    assert not {s for s in sheets if s.startswith(("Local spend", "Staff", "LM3"))}
    summary = cached_values(xlsx)
    assert "no local-spend run recorded" in summary.values()


def test_a_newer_run_of_the_same_months_is_the_one_the_report_names(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    record_example(url, tmp_path)
    store = open_store(url)
    corrected = tmp_path / "REM-spend-over-25k-2026-07-corrected.csv"
    corrected.write_text((EXAMPLE / "REM-spend-over-25k-2026-07.csv").read_text(encoding="utf-8").replace("£48,200.00", "£48,300.00"), encoding="utf-8")  # fmt: skip
    code, said = _cli(
        "localspend", corrected, "--suppliers", EXAMPLE / "supplier-register.csv", "--postcodes",
        EXAMPLE / "postcode-directory-extract.csv", "--footprint", QYG, "--store", url, "-o", tmp_path / "ls2.xlsx",
    )  # fmt: skip
    assert code in (0, 1) and "Recorded run 2" in said, said
    le = local_economy(store, QYG)
    # REM's July from run 2; RBQ's August, the staff and LM3 still from run 1: both are named, nothing added twice
    assert [r.id for r in le.runs] == [1, 2]
    rem = next(f for f in le.by_organisation if f.keys["organisation"] == "REM")
    with store.read() as conn:
        run2 = conn.execute(
            sa.select(sa.func.sum(S.localspend_spend.c.amount_gbp)).where(
                S.localspend_spend.c.run_id == 2, S.localspend_spend.c.kind == "payment"
            )
        ).scalar_one()
    assert rem.payments_gbp == pytest.approx(run2)
