"""Benchmark the store: a footprint's million KPI-quarter rows aggregated in the database, and returns ingested.

    .venv/bin/python bench/store.py                         # SQLite file in bench/out/, 1,000,000 rows
    .venv/bin/python bench/store.py --store postgresql://postgres@127.0.0.1:5432/bench --rows 1000000
    .venv/bin/python bench/store.py --rows 200000 --returns 20   # a quicker look

(a) Loading the fact table: synthetic contracts of the built-in Cheshire and Merseyside organisations,
    24 KPIs each, phased over 20 quarters, inserted in batches (as awards would, without the workbooks).
(b) The report queries reports run (GROUP BY in the database): organisation × theme × quarter, place ×
    quarter over the roll-up, measure totals; each timed as the median of --reps runs.
(c) Contract status for the whole footprint (RAG per KPI and contract, overdue, double counting).
(d) Ingesting returns: template made, filled with openpyxl, then read through the guard and recorded
    (`ingest_file`), per return of 9 KPIs. Figures go to bench/out/store.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from socialvalue.footprint import load_footprint  # noqa: E402
from socialvalue.periods import Period  # noqa: E402
from socialvalue.store import open_store  # noqa: E402
from socialvalue.store import schema as S  # noqa: E402
from socialvalue.store.footprints import save_footprint  # noqa: E402

OUT = ROOT / "bench" / "out"
KPIS_PER_CONTRACT, QUARTERS = 24, 20


def median_seconds(fn: Callable[[], object], reps: int) -> tuple[float, float]:
    """Median (wall, CPU of this process) seconds: on a shared machine the CPU figure is the steadier one
    (SQLite runs in this process; PostgreSQL's own CPU is not in it)."""
    wall, cpu = [], []
    for _ in range(reps):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def load_facts(store_url: str, rows: int) -> tuple[float, int]:
    """(seconds, contracts): the fact table filled with ``rows`` synthetic KPI-quarter rows."""
    store = open_store(store_url)
    footprint, _ = load_footprint("cheshire-and-merseyside")
    assert footprint is not None
    save_footprint(store, footprint)
    rng = random.Random(1)
    contracts = max(1, rows // (KPIS_PER_CONTRACT * QUARTERS))
    first = Period.of(2025, 2)
    start = time.perf_counter()
    with store.write() as conn:
        orgs = list(conn.execute(sa.select(S.organisation.c.id, S.organisation.c.footprint_id)))
        conn.execute(sa.insert(S.theme), [{"name": f"Theme {t}", "model_theme": ""} for t in range(5)])
        themes = list(conn.execute(sa.select(S.theme.c.id)).scalars())
        conn.execute(sa.insert(S.measure), [{"rubric_id": "bench", "code": f"M{m:02d}", "unit": "hour", "description": f"Measure {m}", "theme_id": themes[m % 5]} for m in range(60)])  # fmt: skip
        measures = list(conn.execute(sa.select(S.measure.c.id, S.measure.c.theme_id)))
        tender = conn.execute(sa.insert(S.tender).values(rubric_id="bench", rubric_version="1", rubric_title="Bench", rubric_fingerprint="0" * 64, results_file="bench.json", results_sha256="1" * 64)).inserted_primary_key[0]  # fmt: skip
        supplier = conn.execute(sa.insert(S.supplier).values(name="Bench Ltd")).inserted_primary_key[0]
        for c in range(contracts):
            org = orgs[c % len(orgs)]
            contract = conn.execute(sa.insert(S.contract).values(
                code=f"B-{c:06d}", organisation_id=org.id, supplier_id=supplier, tender_id=tender, bid_file="b.xlsx",
                bid_sha256=f"{c:064d}", start_date=first.start, end_date=(first + QUARTERS - 1).end,
                first_period_index=first.index, last_period_index=first.index + QUARTERS - 1, awarded_at=sa.func.now(),
            )).inserted_primary_key[0]  # fmt: skip
            chosen = rng.sample(measures, KPIS_PER_CONTRACT)
            kpi_rows = [{"contract_id": contract, "measure_id": m.id, "theme_id": m.theme_id, "code": f"K{i}", "unit": "hour",
                         "committed_quantity": 200.0, "counted_quantity": 200.0, "unit_value_gbp": 15.0, "net_factor": 0.8}
                        for i, m in enumerate(chosen)]  # fmt: skip
            conn.execute(sa.insert(S.kpi), kpi_rows)
            kpi_ids = list(conn.execute(sa.select(S.kpi.c.id, S.kpi.c.measure_id, S.kpi.c.theme_id).where(S.kpi.c.contract_id == contract)))  # fmt: skip
            facts = []
            for k in kpi_ids:
                for q in range(QUARTERS):
                    p = first + q
                    delivered = rng.uniform(0, 15) if q < 12 else None
                    facts.append({
                        "kpi_id": k.id, "contract_id": contract, "organisation_id": org.id, "footprint_id": org.footprint_id,
                        "measure_id": k.measure_id, "theme_id": k.theme_id, "period": p.key, "year": p.year, "quarter": p.quarter,
                        "period_index": p.index, "committed_quantity": 10.0, "unit_value_gbp": 15.0, "net_factor": 0.8,
                        "committed_gross_gbp": 150.0, "committed_net_gbp": 120.0, "delivered_quantity": delivered,
                        "delivered_gross_gbp": delivered * 15 if delivered is not None else None,
                        "delivered_net_gbp": delivered * 12 if delivered is not None else None,
                        "evidence_grade": "self-reported" if delivered is not None else None,
                        "evidence_ref": None, "return_id": None,
                    })  # fmt: skip
            conn.execute(sa.insert(S.kpi_period), facts)
    return time.perf_counter() - start, contracts


def queries() -> dict[str, sa.Select[tuple[object, ...]]]:
    kp, org, rollup, place = S.kpi_period, S.organisation, S.organisation.alias("rollup"), S.place
    fp = sa.select(S.footprint.c.id).where(S.footprint.c.code == "QYG").scalar_subquery()
    return {
        "organisation x theme x quarter": sa.select(
            kp.c.organisation_id, kp.c.theme_id, kp.c.period_index, sa.func.sum(kp.c.committed_gross_gbp),
            sa.func.sum(kp.c.delivered_gross_gbp), sa.func.sum(kp.c.delivered_net_gbp),
        ).where(kp.c.footprint_id == fp).group_by(kp.c.organisation_id, kp.c.theme_id, kp.c.period_index),
        "place (of roll-up) x quarter": sa.select(
            place.c.gss, kp.c.period_index, sa.func.sum(kp.c.delivered_gross_gbp),
        ).join(org, org.c.id == kp.c.organisation_id).join(rollup, rollup.c.id == org.c.rollup_id)
        .outerjoin(place, place.c.id == rollup.c.place_id).where(kp.c.footprint_id == fp).group_by(place.c.gss, kp.c.period_index),
        "measure totals to date": sa.select(
            kp.c.measure_id, sa.func.sum(kp.c.committed_quantity), sa.func.sum(sa.func.coalesce(kp.c.delivered_quantity, 0)),
        ).where(kp.c.footprint_id == fp, kp.c.period_index <= Period.of(2027, 4).index).group_by(kp.c.measure_id),
    }  # fmt: skip


def bench_ingest(store_url: str, returns: int) -> float:
    """Median seconds to ingest one filled return (template, fill and award are not timed)."""
    from click.testing import CliRunner

    from socialvalue.cli import main
    from socialvalue.contracts.fill import fill_return
    from socialvalue.contracts.ingest import ingest_file
    from socialvalue.contracts.return_template import make_return

    store = open_store(store_url)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        runner = CliRunner()
        runner.invoke(main, ["example", str(folder / "ex")], catch_exceptions=False)
        ex = folder / "ex"
        runner.invoke(main, ["score", str(ex / "bids"), "--rubric", "hybrid-commitments-plan", "--evaluations",
                             str(ex / "consensus.xlsx"), "-o", str(folder / "r.xlsx"), "--json", str(folder / "r.json"), "-q"])  # fmt: skip
        runs = []
        for i in range(returns):
            code = f"ING-{i}"
            res = runner.invoke(main, ["award", str(folder / "r.json"), "--bid", str(ex / "bids" / "mersey-care-services.xlsx"),
                                       "--contract", code, "--org", "RBQ", "--start", "2026-04-01", "--end", "2027-03-31",
                                       "--store", store_url])  # fmt: skip
            assert res.exit_code == 0, res.output
            blank, _ = make_return(store, code, "2026Q2", folder / f"{code}-blank.xlsx")
            assert blank is not None
            kpis = ("LE01", "LE02", "SK01", "SK03", "EN01", "EN03", "CB01", "LS01", "SK04")
            filled = fill_return(blank, folder / f"{code}.xlsx", dict.fromkeys(kpis, 1), dict.fromkeys(kpis, "evidence"), {k: f"{code}-{k}" for k in kpis})  # fmt: skip
            start = time.perf_counter()
            done = ingest_file(store, filled)
            runs.append(time.perf_counter() - start)
            assert done.outcome is not None, done.reading.problems
        return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", help="database URL (default: a fresh SQLite file in bench/out)")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--returns", type=int, default=10)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    url = args.store
    if url is None:
        path = OUT / "store-bench.db"
        path.unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    load_s, contracts = load_facts(url, args.rows)
    store = open_store(url)
    with store.read() as conn:
        rows = conn.execute(sa.select(sa.func.count()).select_from(S.kpi_period)).scalar_one()
    figures: dict[str, object] = {
        "store": store.dialect,
        "rows": rows,
        "contracts": contracts,
        "load_seconds": round(load_s, 2),
    }
    with open("/proc/loadavg", encoding="ascii") as fh:
        figures["load_average"] = fh.read().split()[0]
    print(f"load average {figures['load_average']} (2 cores: above 2, wall times are inflated)")
    print(f"store {store.dialect}: {rows:,} kpi_period rows in {contracts:,} contracts, loaded in {load_s:.1f} s "
          f"({rows / load_s:,.0f} rows/s)")  # fmt: skip
    for name, query in queries().items():

        def run(q: sa.Select[tuple[object, ...]] = query) -> int:
            with store.read() as conn:
                return len(conn.execute(q).all())

        groups = run()
        seconds, cpu = median_seconds(run, args.reps)
        figures[name] = {"seconds": round(seconds, 3), "cpu_seconds": round(cpu, 3), "groups": groups}
        print(f"  {name:34} {seconds:7.3f} s wall {cpu:7.3f} s CPU  ({groups:,} groups)")
    from socialvalue.contracts.status import contract_status
    from socialvalue.store.status import Scope

    seconds, cpu = median_seconds(lambda: contract_status(store, date(2028, 1, 15), Scope(footprint="QYG")), args.reps)
    figures["status for the footprint"] = {"seconds": round(seconds, 3), "cpu_seconds": round(cpu, 3)}
    print(f"  {'status for the footprint':34} {seconds:7.3f} s wall {cpu:7.3f} s CPU")
    if args.returns:
        seconds = bench_ingest(url, args.returns)
        figures["ingest one return (9 KPIs)"] = {"seconds": round(seconds, 3)}
        print(f"  {'ingest one return (9 KPIs)':34} {seconds:7.3f} s  (median of {args.returns})")
    (OUT / "store.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
