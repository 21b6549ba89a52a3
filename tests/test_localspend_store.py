"""Local spend with a footprint, and its results in the store (SQLite and PostgreSQL): recorded whole or not at
all, the same run once, suppressed staff counts never stored, and the queries the footprint report calls."""

from __future__ import annotations

import threading
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from socialvalue.cli import main
from socialvalue.footprint import load_footprint
from socialvalue.localspend import frames
from socialvalue.localspend.analysis import Options, analyse
from socialvalue.localspend.models import Category, EmploymentCell, Kind, LocalSpendResult
from socialvalue.localspend.queries import (
    local_employment,
    local_multiplier,
    local_spend,
    local_spend_runs,
    where_it_lands,
)
from socialvalue.localspend.record import record_run
from socialvalue.localspend.scope import where_local
from socialvalue.problems import Problem
from socialvalue.store import open_store
from socialvalue.store import schema as S
from socialvalue.store.engine import inserted_id
from socialvalue.store.footprints import save_footprint

from .test_localspend import files, write_csv

__all__ = ["files"]

LIVERPOOL, MANCHESTER = "E08000012", "E08000003"
# supplier → where the register (tests/test_localspend.py) places it
PLACED = {"Local Builders Ltd": Category.LOCAL, "Away Ltd": Category.NOT_LOCAL, "REDACTED": Category.REDACTED,
          "Stranger Ltd": Category.UNKNOWN_SUPPLIER}  # fmt: skip
# organisation as the spend file writes it → (reported code, paid-by code, place)
ORGS = {
    "RBQ": ("RBQ", "RBQ", LIVERPOOL),  # by its code
    "NHS Liverpool CCG": ("QYG", "99A", LIVERPOOL),  # by name through the map: a CCG rolls up under its ICB
    "Alder Hey Children's NHS Foundation Trust": ("RBS", "RBS", LIVERPOOL),  # by its name in the footprint
    "Aintree University Hospital NHS Foundation Trust": ("REM", "REM", LIVERPOOL),  # by its former name
    "NHS Cheshire CCG": ("QYG", "27D", ""),  # no single place
}


def spend_rows(months: tuple[str, ...] = ("2024-07", "2024-08"), scale: int = 1) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = [("Organisation", "Payment Date", "Supplier", "Amount")]
    for m, month in enumerate(months):
        for o, org in enumerate([*ORGS, "Unknown Body"]):
            for s, supplier in enumerate(PLACED):
                amount = (100 * (o + 1) + 10 * (s + 1) + m) * scale
                rows.append((org, f"15/{month[5:]}/{month[:4]}", supplier, f"{amount:.2f}"))
            rows.append((org, f"16/{month[5:]}/{month[:4]}", "Away Ltd", f"({5 * (o + 1)}.00)"))  # a credit
    return rows


def expected(rows: list[tuple[str, ...]]) -> dict[str, dict[str, float]]:
    """Per reported organisation: local, not-local, all payments and credits, worked out here from the rows."""
    out: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for org, _, supplier, text in rows[1:]:
        code = ORGS.get(org, (org,))[0]
        if text.startswith("("):
            out[code]["credits"] -= float(text.strip("()"))
            continue
        out[code]["payments"] += float(text)
        if PLACED[supplier] in (Category.LOCAL, Category.NOT_LOCAL):
            out[code][PLACED[supplier].value] += float(text)
    return out


@pytest.fixture
def names(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "names.csv", [("name", "organisation"), ("NHS Liverpool CCG", "99A")])


def _analyse(spend: list[Path], files: dict[str, Path], names: Path | None, **kw: Any) -> tuple[LocalSpendResult, list[Problem]]:  # fmt: skip
    scope, problems = where_local("cheshire-and-merseyside", None, names)
    assert scope is not None, problems
    result = analyse(spend, files["register"], files["directory"], Options(local_area=scope.area, organisations=scope.organisations, **kw), problems)  # fmt: skip
    assert result is not None
    return result, problems


def test_a_footprint_is_the_local_area_and_its_organisations_are_found_by_code_name_and_succession(
    tmp_path: Path, files: dict[str, Path], names: Path
) -> None:
    rows = spend_rows()
    result, problems = _analyse([write_csv(tmp_path / "spend.csv", rows)], files, names)
    assert set(result.local_area) == {"E06000049", "E06000050", "E06000006", "E06000007", "E08000011", LIVERPOOL,
                                       "E08000013", "E08000014", "E08000015"}  # fmt: skip
    assert result.footprint == "QYG"
    cells = {(c.organisation, c.paid_by, c.place) for c in result.spend}
    assert cells == {v for v in ORGS.values()} | {("Unknown Body", "Unknown Body", "")}
    assert {c.organisation_name for c in result.spend if c.organisation == "QYG"} == {"NHS Cheshire and Merseyside Integrated Care Board"}  # fmt: skip
    unmapped = [p for p in problems if p.code == "organisation-unmapped"]
    assert [p.raw for p in unmapped] == ["Unknown Body"]
    want = expected(rows)
    for code, sums in want.items():
        mine = [c for c in result.spend if c.organisation == code]
        for category in (Category.LOCAL, Category.NOT_LOCAL):
            got = sum(c.amount_gbp for c in mine if c.kind is Kind.PAYMENT and c.category is category)
            assert got == pytest.approx(sums[category.value]), (code, category)
        assert sum(c.amount_gbp for c in mine if c.kind is Kind.CREDIT) == pytest.approx(sums["credits"])


def test_a_map_code_outside_the_footprint_is_a_problem(tmp_path: Path) -> None:
    names = write_csv(tmp_path / "names.csv", [("name", "organisation", "place"), ("Somerset ICB", "QSL", ""),
                                              ("NHS Liverpool CCG", "99A", "E06000049")])  # fmt: skip
    scope, problems = where_local("QYG", None, names)  # the built-in, by its code
    assert scope is not None and scope.organisations is not None
    assert [p.code for p in problems] == ["organisation-map-footprint"] * 2
    assert "QSL, which is not an organisation of footprint QYG" in problems[0].reason
    assert "the footprint's place is used" in problems[1].reason
    assert scope.organisations.resolve("nhs liverpool ccg") is not None
    none, refused = where_local("nowhere", None, None)
    assert none is None and "not a built-in footprint" in refused[0].reason


# --- the store ---------------------------------------------------------------------------------------


def _cli(*args: object) -> tuple[int, str]:
    got = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return got.exit_code, got.output


def _counts(url: str) -> dict[str, int]:
    store = open_store(url)
    with store.read() as conn:
        return {t: conn.execute(sa.select(sa.func.count()).select_from(S.metadata.tables[t])).scalar_one()
                for t in S.metadata.tables if t.startswith("localspend_")}  # fmt: skip


@pytest.fixture
def footprint_store(store_url: str) -> str:
    footprint, _ = load_footprint("cheshire-and-merseyside")
    assert footprint is not None
    saved, problems = save_footprint(open_store(store_url), footprint)
    assert saved is not None, problems
    return store_url


def test_a_run_is_recorded_once_and_the_queries_add_up_to_the_rows(
    footprint_store: str, tmp_path: Path, files: dict[str, Path], names: Path
) -> None:
    rows = spend_rows()
    spend = write_csv(tmp_path / "spend.csv", rows)
    staff = write_csv(tmp_path / "staff.csv", [("Home postcode", "Organisation", "FTE"), *[("L3 8EN", "RBQ", "1")] * 12,
                                               *[("M1 1AE", "RBQ", "0.5")] * 3])  # fmt: skip
    args = ["localspend", spend, "--suppliers", files["register"], "--postcodes", files["directory"], "--footprint",
            "QYG", "--organisations", names, "--staff", staff, "--respend-suppliers", "30", "-o",
            tmp_path / "out.xlsx", "--store", footprint_store]  # fmt: skip
    code, out = _cli(*args)
    assert code == 1, out  # 'Unknown Body' is not in the footprint: written, listed
    assert "Recorded run 1" in out and (tmp_path / "out-set-aside.csv").exists()
    before = _counts(footprint_store)
    assert before["localspend_run"] == 1 and before["localspend_spend"] > 0
    code, out = _cli(*args)
    assert "already holds this run (run 1" in out and "nothing changed" in out
    assert _counts(footprint_store) == before

    store = open_store(footprint_store)
    want = expected(rows)
    by_org = {f.keys["organisation"]: f for f in local_spend(store, footprint="qyg")}
    assert set(by_org) == set(want)
    for org, sums in want.items():
        f = by_org[org]
        assert (f.local_gbp, f.not_local_gbp, f.payments_gbp, f.credits_gbp) == pytest.approx(
            (sums["local"], sums["not-local"], sums["payments"], sums["credits"])
        ), org
    assert by_org["QYG"].keys["organisation_name"] == "NHS Cheshire and Merseyside Integrated Care Board"
    total = local_spend(store, footprint="QYG", by=())[0]
    assert total.rows == len(rows) - 1
    assert total.local_share == pytest.approx(sum(s["local"] for s in want.values()) / sum(s["local"] + s["not-local"] for s in want.values()))  # fmt: skip
    by_place = {f.keys["place"]: f.payments_gbp for f in local_spend(store, footprint="QYG", by=("place",))}
    assert set(by_place) == {LIVERPOOL, None}
    months = [f.keys["month"] for f in local_spend(store, footprint="QYG", by=("month",))]
    assert months == ["2024-07", "2024-08"]
    periods = {f.keys["period"] for f in local_spend(store, footprint="QYG", by=("period",))}
    assert periods == {2024 * 4 + 2}  # July and August are 2024Q3, as kpi_period.period_index counts
    lands = where_it_lands(store, footprint="QYG")
    assert {d["district"] for d in lands} == {LIVERPOOL, MANCHESTER}
    assert sum(d["payments_gbp"] for d in lands) == pytest.approx(total.local_gbp + total.not_local_gbp)
    # staff: 12 living in Liverpool, 3 in Manchester (suppressed, and so the 12 beside them)
    staff_rows = {(e.organisation, e.category): e for e in local_employment(store, footprint="QYG")}
    assert staff_rows[("RBQ", "all-staff")].headcount == 15
    assert staff_rows[("RBQ", "not-local")].suppressed and staff_rows[("RBQ", "not-local")].headcount is None
    with store.read() as conn:
        stored = conn.execute(sa.select(S.localspend_employment.c.headcount).where(S.localspend_employment.c.suppressed)).scalars().all()  # fmt: skip
    assert stored and set(stored) == {None}  # never the small number
    lm3 = local_multiplier(store, footprint="QYG")
    assert lm3[0].organisation is None and lm3[0].lm3 is not None and lm3[0].first_month == "2024-07"
    assert any("30% of their income" in a for a in lm3[0].assumptions)
    runs = local_spend_runs(store, footprint="QYG")
    assert [r.id for r in runs] == [1] and {role for role, _, _ in runs[0].inputs} >= {"spend", "postcode directory"}
    assert all(len(sha) == 64 for _, _, sha in runs[0].inputs)
    # analysts: the same rows as DataFrames
    frame = frames.spend(store, footprint="QYG")
    paid = frame[frame.kind == "payment"].groupby("rolls_up_to")["amount_gbp"].sum()
    assert paid["QYG"] == pytest.approx(want["QYG"]["payments"])
    assert len(frames.runs(store)) == 1 and frames.employment(store, footprint="QYG").headcount.isna().any()


def test_a_newer_run_replaces_the_months_it_reports(
    footprint_store: str, tmp_path: Path, files: dict[str, Path], names: Path
) -> None:
    store = open_store(footprint_store)
    first, _ = _analyse([write_csv(tmp_path / "a.csv", spend_rows(("2024-07", "2024-08")))], files, names)
    recorded, _ = record_run(store, first)
    assert recorded is not None and recorded.created
    corrected, _ = _analyse([write_csv(tmp_path / "b.csv", spend_rows(("2024-08", "2024-09"), scale=2))], files, names)  # fmt: skip
    again, _ = record_run(store, corrected)
    assert again is not None and again.created and again.run_id != recorded.run_id
    by_month = {f.keys["month"]: f.payments_gbp for f in local_spend(store, footprint="QYG", by=("month",))}
    july = sum(c.amount_gbp for c in first.spend if c.month == "2024-07" and c.kind is Kind.PAYMENT)
    august = sum(c.amount_gbp for c in corrected.spend if c.month == "2024-08" and c.kind is Kind.PAYMENT)
    assert by_month["2024-07"] == pytest.approx(july)  # only the first run has July
    assert by_month["2024-08"] == pytest.approx(august)  # the newer run's August, not both
    assert set(by_month) == {"2024-07", "2024-08", "2024-09"}
    # one run's own figures are still there
    first_only = {f.keys["month"] for f in local_spend(store, run=recorded.run_id, by=("month",))}
    assert first_only == {"2024-07", "2024-08"}


def test_a_run_is_recorded_whole_or_not_at_all(
    footprint_store: str, tmp_path: Path, files: dict[str, Path], names: Path
) -> None:
    result, _ = _analyse([write_csv(tmp_path / "a.csv", spend_rows())], files, names)
    before = _counts(footprint_store)
    # a suppressed count that still carries its number is refused after the spend rows went in: none of it stays
    result.employment = [EmploymentCell(organisation="RBQ", district="", local=False, category="not-local",
                                        headcount=3, fte=3.0, suppressed=True)]  # fmt: skip
    with pytest.raises(ValueError, match="suppressed"):
        record_run(open_store(footprint_store), result)
    assert _counts(footprint_store) == before
    # and the database itself refuses one
    store = open_store(footprint_store)
    with store.write() as conn:
        made = conn.execute(sa.insert(S.localspend_run).values(
            fingerprint="f" * 64, scope="x", local_area="x", local_area_codes="", rows_read=0, suppress_under=5,
            recorded_at=datetime.now(UTC)))  # fmt: skip
        run_id = inserted_id(made)
    small = sa.insert(S.localspend_employment).values(run_id=run_id, local=False, category="not-local", headcount=3, suppressed=True)  # fmt: skip
    with pytest.raises(sa.exc.IntegrityError):
        _execute(store, small)
    with store.write() as conn:
        conn.execute(sa.delete(S.localspend_run).where(S.localspend_run.c.id == run_id))
    assert _counts(footprint_store) == before


def _execute(store: Any, statement: Any) -> None:
    with store.write() as conn:
        conn.execute(statement)


def test_the_same_run_recorded_twice_at_once_is_recorded_once(
    footprint_store: str, tmp_path: Path, files: dict[str, Path], names: Path
) -> None:
    result, _ = _analyse([write_csv(tmp_path / "a.csv", spend_rows())], files, names)
    outcomes: list[Any] = []

    def record() -> None:
        outcomes.append(record_run(open_store(footprint_store), result)[0])

    threads = [threading.Thread(target=record) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({o.run_id for o in outcomes}) == 1 and sorted(o.created for o in outcomes) == [False, True]
    assert _counts(footprint_store)["localspend_run"] == 1


def test_employment_across_runs_hides_any_total_over_a_suppressed_count(
    footprint_store: str, tmp_path: Path, files: dict[str, Path], names: Path
) -> None:
    store = open_store(footprint_store)
    spend = write_csv(tmp_path / "a.csv", spend_rows())
    a = write_csv(tmp_path / "a-staff.csv", [("Home postcode", "Organisation"), *[("L3 8EN", "RBQ")] * 9, *[("M1 1AE", "RBQ")] * 6])  # fmt: skip
    b = write_csv(tmp_path / "b-staff.csv", [("Home postcode", "Organisation"), *[("L3 8EN", "RBS")] * 20, *[("M1 1AE", "RBS")] * 2])  # fmt: skip
    for staff in (a, b):
        result, _ = _analyse([spend], files, names, staff=[staff])
        assert record_run(store, result)[0] is not None
    got = {(e.organisation, e.category): e for e in local_employment(store, footprint="QYG")}
    assert got[("RBQ", "local")].headcount == 9 and got[("RBQ", "not-local")].headcount == 6
    assert got[("RBS", "not-local")].suppressed and got[("RBS", "local")].suppressed  # 2, and so the 20 beside it
    # all organisations together: any total with a suppressed part is hidden; all-staff totals are not
    assert got[(None, "local")].headcount is None and got[(None, "local")].suppressed
    assert got[(None, "all-staff")].headcount == 15 + 22


def test_recording_needs_the_footprint_in_the_store(store_url: str, tmp_path: Path, files: dict[str, Path]) -> None:
    spend = write_csv(tmp_path / "spend.csv", spend_rows())
    out = tmp_path / "out.xlsx"
    code, text = _cli("localspend", spend, "--suppliers", files["register"], "--postcodes", files["directory"],
                      "--footprint", "cheshire-and-merseyside", "-o", out, "--store", store_url)  # fmt: skip
    assert code == 2 and "footprint QYG is not in the store" in text and "footprint create" in text
    assert not out.exists()
    code, text = _cli("localspend", spend, "--suppliers", files["register"], "--postcodes", files["directory"],
                      "--footprint", "QYG", "--local-area", LIVERPOOL, "-o", out)  # fmt: skip
    assert code == 2 and "--footprint NAME, or --local-area" in text
