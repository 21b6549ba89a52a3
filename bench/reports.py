"""Benchmark the footprint report at scale, on SQLite and PostgreSQL (a benchmark, not a test).

    .venv/bin/python bench/reports.py footprint --engine sqlite          # 50 organisations, 2,000 contracts, 5 years
    .venv/bin/python bench/reports.py footprint --engine postgresql      # starts a throwaway cluster, stops it after
    .venv/bin/python bench/reports.py national --footprints 42           # PostgreSQL, ~40 million KPI-quarters

Synthetic footprints are bulk-loaded straight into the store's tables (executemany on SQLite, COPY on
PostgreSQL), not through the return workbooks: this measures the report, not the ingest of workbooks.
Each report is timed in a child process of its own, so its peak memory (max RSS) is its own. Figures go
to the screen and to ``bench/out/reports-<what>.json``. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

QUARTERS = 20  # five years: 2021Q3 to 2026Q2
FIRST_QUARTER = "2021Q3"
AS_OF = dt.date(2026, 8, 20)
MEASURES = [
    (f"M{i:02d}", ["Jobs", "Skills", "Climate", "Communities", "Supply chain"][i % 5], i < 20) for i in range(30)
]
"""30 measures: 20 with a proxy value (£), 10 counted in their own units."""


# --- a throwaway PostgreSQL ------------------------------------------------------------------------


@contextlib.contextmanager
def postgres() -> Iterator[str]:
    """A PostgreSQL cluster in a temporary folder on a local socket, as the ``postgres`` user; stopped after."""
    folder = Path(tempfile.mkdtemp(prefix="sv-bench-pg."))
    os.chown(folder, *_ids("postgres"))
    run = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*run, "initdb", "-D", str(folder / "db"), "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8"],
                   check=True, capture_output=True)  # fmt: skip
    opts = f"-c listen_addresses='' -k {folder} -c fsync=off -c synchronous_commit=off -c shared_buffers=2GB -c work_mem=256MB -c max_wal_size=8GB -c maintenance_work_mem=1GB"
    subprocess.run([*run, "pg_ctl", "-D", str(folder / "db"), "-l", str(folder / "server.log"), "-w", "-o", opts, "start"],
                   check=True, capture_output=True)  # fmt: skip
    try:
        yield f"postgresql+psycopg://postgres@/postgres?host={folder}"
    finally:
        subprocess.run([*run, "pg_ctl", "-D", str(folder / "db"), "-m", "fast", "-w", "stop"], capture_output=True)
        subprocess.run(["rm", "-rf", str(folder)], check=False)


def _ids(user: str) -> tuple[int, int]:
    import pwd

    entry = pwd.getpwnam(user)
    return entry.pw_uid, entry.pw_gid


# --- synthetic footprints, bulk-loaded ---------------------------------------------------------------


def _footprint(n: int, orgs: int) -> Any:
    from socialvalue.footprint.models import Footprint, Organisation, OrgKind, Place, Scheme

    places = [Place(gss=f"E{90_000_000 + n * 100 + i}", name=f"Place {n}.{i}") for i in range(9)]
    organisations = [
        Organisation(scheme=Scheme.ODS, code=f"Z{n:02d}{i:02d}", name=f"Trust {n}.{i}", kind=OrgKind.TRUST, place=places[i % 9].gss)
        for i in range(orgs)
    ]  # fmt: skip
    return Footprint(code=f"Q{n:02d}", name=f"Footprint {n}", places=places, organisations=organisations)


def load(
    url: str, footprints: int, orgs: int, contracts: int, kpis: int, seed: int = 1, facts: bool = True
) -> dict[str, Any]:
    """Fill a fresh store with ``footprints`` synthetic footprints; return counts and timings."""
    import sqlalchemy as sa

    from socialvalue.periods import Period
    from socialvalue.store import open_store
    from socialvalue.store import schema as S
    from socialvalue.store.footprints import save_footprint
    from socialvalue.store.summary import rebuild as rebuild_summary

    rng = random.Random(seed)
    store = open_store(url)
    first = Period.parse(FIRST_QUARTER)
    assert first is not None
    periods = [first + i for i in range(QUARTERS)]
    ended = [p for p in periods if p.end < AS_OF]
    postgres_copy = store.dialect == "postgresql"
    started = time.perf_counter()
    counts = {"contracts": 0, "kpis": 0, "kpi_periods": 0, "returns": 0}
    with store.write() as conn:
        conn.execute(sa.insert(S.theme), [{"id": i + 1, "name": t, "model_theme": ""} for i, t in enumerate(dict.fromkeys(m[1] for m in MEASURES))])  # fmt: skip
        themes = {t: i + 1 for i, t in enumerate(dict.fromkeys(m[1] for m in MEASURES))}
        conn.execute(sa.insert(S.measure), [{"id": i + 1, "rubric_id": "bench", "code": c, "unit": "units", "description": f"Measure {c}",
                                             "theme_id": themes[t], "value_code": c if priced else ""} for i, (c, t, priced) in enumerate(MEASURES)])  # fmt: skip
    contract_id = kpi_id = return_id = kp_id = 0
    for n in range(footprints):
        saved, problems = save_footprint(store, _footprint(n, orgs))
        assert saved is not None, problems
        with store.write() as conn:
            fp_id = conn.execute(sa.select(S.footprint.c.id).where(S.footprint.c.code == f"Q{n:02d}")).scalar_one()
            org_ids = list(
                conn.execute(sa.select(S.organisation.c.id).where(S.organisation.c.footprint_id == fp_id)).scalars()
            )
            tender = conn.execute(sa.insert(S.tender).values(
                rubric_id="bench", rubric_version="1", rubric_title="Bench", rubric_fingerprint="0" * 64, value_set="illustrative-2026",
                value_set_version="2026.1", value_set_illustrative=True, results_file=f"results-{n}.json",
                results_sha256=hashlib.sha256(f"r{n}".encode()).hexdigest())).inserted_primary_key[0]  # fmt: skip
            supplier0 = conn.execute(sa.select(sa.func.coalesce(sa.func.max(S.supplier.c.id), 0))).scalar_one()
            conn.execute(
                sa.insert(S.supplier), [{"id": supplier0 + i + 1, "name": f"Supplier {n}.{i}"} for i in range(200)]
            )
            rows_c, rows_k, rows_kp, rows_r = [], [], [], []
            for c in range(contracts):
                contract_id += 1
                org = org_ids[c % len(org_ids)]
                rows_c.append({"id": contract_id, "code": f"Q{n:02d}-C{c:05d}", "title": f"Contract {c}", "organisation_id": org,
                               "supplier_id": supplier0 + 1 + c % 200, "tender_id": tender, "bid_file": f"bid-{c}.xlsx",
                               "bid_sha256": hashlib.sha256(f"{n}-{c}".encode()).hexdigest(), "contract_value_gbp": 250_000.0,
                               "start_date": periods[0].start, "end_date": periods[-1].end, "first_period_index": periods[0].index,
                               "last_period_index": periods[-1].index, "phasing": "even", "awarded_at": dt.datetime(2021, 6, 1, tzinfo=dt.UTC)})  # fmt: skip
                returned = {}
                for p in ended if facts else ():
                    if rng.random() < 0.97:  # about 3% of returns missing (overdue)
                        return_id += 1
                        returned[p.index] = return_id
                        rows_r.append({"id": return_id, "contract_id": contract_id, "period": p.key, "period_index": p.index,
                                       "file_name": f"return-{c}-{p.key}.xlsx", "sha256": hashlib.sha256(f"{n}-{c}-{p.key}".encode()).hexdigest(),
                                       "received_at": dt.datetime.combine(p.end, dt.time(12), dt.UTC), "status": "current", "changes": ""})  # fmt: skip
                for m_index in rng.sample(range(len(MEASURES)), kpis):
                    kpi_id += 1
                    code, theme, priced = MEASURES[m_index]
                    per_quarter = rng.uniform(1, 50)
                    value = 10.0 + m_index * 37.5 if priced else None
                    net = 0.75
                    rows_k.append({"id": kpi_id, "contract_id": contract_id, "measure_id": m_index + 1, "theme_id": themes[theme], "code": code,
                                   "unit": "units", "committed_quantity": per_quarter * QUARTERS, "counted_quantity": per_quarter * QUARTERS,
                                   "unit_value_gbp": value, "value_code": code if priced else "", "net_factor": net})  # fmt: skip
                    grade = rng.choice(("self-reported", "documented", "verified"))
                    for p in periods if facts else ():
                        kp_id += 1
                        delivered = per_quarter * rng.uniform(0.3, 1.2) if p.index in returned else None
                        rows_kp.append((kp_id, kpi_id, contract_id, org, fp_id, m_index + 1, themes[theme], p.key, p.year, p.quarter, p.index,
                                        per_quarter, value, net, None if value is None else per_quarter * value,
                                        None if value is None else per_quarter * value * net, delivered,
                                        None if value is None or delivered is None else delivered * value,
                                        None if value is None or delivered is None else delivered * value * net,
                                        grade if delivered is not None else None,
                                        f"EV-{kp_id}" if delivered is not None else None, returned.get(p.index)))  # fmt: skip
            conn.execute(sa.insert(S.contract), rows_c)
            conn.execute(sa.insert(S.kpi), rows_k)
            if rows_r:
                conn.execute(sa.insert(S.return_submission), rows_r)
            columns = [c.name for c in S.kpi_period.columns]
            if postgres_copy:
                raw = conn.connection.driver_connection
                with raw.cursor() as cur, cur.copy(f"COPY kpi_period ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows_kp:
                        copy.write_row(row)
            else:
                conn.execute(sa.insert(S.kpi_period), [dict(zip(columns, row, strict=True)) for row in rows_kp])
            counts["contracts"] += len(rows_c)
            counts["kpis"] += len(rows_k)
            counts["kpi_periods"] += len(rows_kp)
            counts["returns"] += len(rows_r)
        print(
            f"  footprint {n + 1}/{footprints}: {counts['kpi_periods']:,} KPI-quarters so far ({time.perf_counter() - started:.0f} s)",
            flush=True,
        )
    if postgres_copy:
        with store.write() as conn:
            for table in ("contract", "kpi", "return_submission", "kpi_period", "supplier", "tender"):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )
    t = time.perf_counter()
    with store.write() as conn:  # the bulk load bypassed the store's writes, which keep the summary current
        counts["summary_rows"] = rebuild_summary(conn)
    counts["summary_s"] = round(time.perf_counter() - t, 1)
    if postgres_copy:
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    else:
        with store.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    counts["load_s"] = round(time.perf_counter() - started, 1)
    store.close()
    return counts


def load_national(url: str, footprints: int, orgs: int, contracts: int, kpis: int) -> dict[str, Any]:
    """PostgreSQL only: the national store, generated inside the server (INSERT … SELECT generate_series):
    footprints, organisations, contracts and KPIs from Python (COPY), returns and the ~40 million
    KPI-quarters by SQL. The fact table's secondary indexes are dropped for the load and built after (timed)."""
    from socialvalue.store import open_store
    from socialvalue.store import schema as S

    store = open_store(url, create=False)
    with store.engine.connect() as conn:
        resume = bool(conn.exec_driver_sql("SELECT count(*) FROM contract").scalar())
    base = load(url, footprints, orgs, contracts, kpis, facts=False) if not resume else {"load_s": "an earlier run"}
    timings: dict[str, Any] = {"python_part_s": base["load_s"]}
    indexes = [i for i in S.kpi_period.indexes if not i.unique]
    last_ended = max(
        i
        for i in range(2021 * 4 + 2, 2021 * 4 + 2 + QUARTERS)
        if (i // 4, i % 4) < (AS_OF.year, (AS_OF.month - 1) // 3)
    )
    with store.engine.connect() as conn:
        conn.exec_driver_sql(
            "SET session_replication_role = replica"
        )  # no foreign-key triggers for the bulk load (the data are made consistent)
        t = time.perf_counter()
        if not conn.exec_driver_sql("SELECT count(*) FROM return_submission").scalar():
            conn.exec_driver_sql(f"""
            INSERT INTO return_submission (contract_id, period, period_index, file_name, sha256, received_at, status, changes)
            SELECT c.id, (p / 4)::text || 'Q' || (p %% 4 + 1), p, 'return-' || c.code || '-' || p || '.xlsx',
                   md5(c.id || '-' || p) || md5(p || '-' || c.id), now(), 'current', ''
            FROM contract c CROSS JOIN generate_series(c.first_period_index, {last_ended}) AS p
            WHERE random() < 0.97""")
        conn.commit()
        timings["returns_s"] = round(time.perf_counter() - t, 1)
        for index in indexes:
            conn.exec_driver_sql(f"DROP INDEX IF EXISTS {index.name}")
        conn.commit()
        t = time.perf_counter()
        ids = conn.exec_driver_sql("SELECT id FROM footprint ORDER BY id").scalars().all()
        done = conn.exec_driver_sql("SELECT coalesce(max(footprint_id), 0) FROM kpi_period").scalar()
        for n, fp in enumerate(ids):
            if fp <= done:
                continue
            conn.exec_driver_sql(f"""
                INSERT INTO kpi_period (kpi_id, contract_id, organisation_id, footprint_id, measure_id, theme_id, period, year,
                    quarter, period_index, committed_quantity, unit_value_gbp, net_factor, committed_gross_gbp, committed_net_gbp,
                    delivered_quantity, delivered_gross_gbp, delivered_net_gbp, evidence_grade, evidence_ref, return_id)
                SELECT k.id, k.contract_id, c.organisation_id, o.footprint_id, k.measure_id, k.theme_id,
                       (p / 4)::text || 'Q' || (p %% 4 + 1), p / 4, p %% 4 + 1, p,
                       k.committed_quantity / {QUARTERS}, k.unit_value_gbp, k.net_factor,
                       k.committed_quantity / {QUARTERS} * k.unit_value_gbp, k.committed_quantity / {QUARTERS} * k.unit_value_gbp * k.net_factor,
                       d.q, d.q * k.unit_value_gbp, d.q * k.unit_value_gbp * k.net_factor,
                       CASE WHEN d.q IS NULL THEN NULL ELSE (ARRAY['self-reported', 'documented', 'verified'])[1 + k.id %% 3] END,
                       CASE WHEN d.q IS NULL THEN NULL ELSE 'EV-' || k.id || '-' || p END, r.id
                FROM kpi k JOIN contract c ON c.id = k.contract_id JOIN organisation o ON o.id = c.organisation_id
                CROSS JOIN generate_series(c.first_period_index, c.last_period_index) AS p
                LEFT JOIN return_submission r ON r.contract_id = c.id AND r.period_index = p
                CROSS JOIN LATERAL (SELECT CASE WHEN r.id IS NULL THEN NULL
                                                ELSE k.committed_quantity / {QUARTERS} * (0.3 + 0.9 * random()) END AS q) d
                WHERE o.footprint_id = {fp}""")
            conn.commit()
            print(f"  KPI-quarters of footprint {n + 1}/{len(ids)} ({time.perf_counter() - t:.0f} s)", flush=True)
        timings["kpi_periods_s"] = round(time.perf_counter() - t, 1)
        t = time.perf_counter()
        for index in indexes:
            cols = ", ".join(c.name for c in index.columns)
            conn.exec_driver_sql(f"CREATE INDEX {index.name} ON kpi_period ({cols})")
        conn.commit()
        timings["indexes_s"] = round(time.perf_counter() - t, 1)
        timings["kpi_periods"] = conn.exec_driver_sql("SELECT count(*) FROM kpi_period").scalar()
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        t = time.perf_counter()
        conn.exec_driver_sql("VACUUM ANALYZE")
        timings["vacuum_analyze_s"] = round(time.perf_counter() - t, 1)
    store.close()
    return timings


# --- measuring -----------------------------------------------------------------------------------


def child(args: list[str]) -> dict[str, Any]:
    """Run ``bench/reports.py _measure ...`` in a fresh process; its JSON result plus its peak memory."""
    proc = subprocess.Popen([sys.executable, __file__, "_measure", *args], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(f"the measuring process failed ({proc.returncode})")
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    result["cpu_s"] = round(usage.ru_utime + usage.ru_stime, 1)
    return result


def peak_mb() -> int:
    """This process's peak resident memory (VmHWM: since exec, unlike ru_maxrss, which keeps the parent's)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    return -1


def measure(url: str, what: str, first: str, last: str, out: str) -> dict[str, Any]:
    """In the child: time the figures, the workbook and the page for one report."""
    import gc

    from socialvalue.output.reportkit import write_report_html, write_report_xlsx
    from socialvalue.periods import Period
    from socialvalue.reports.footprint import footprint_report
    from socialvalue.reports.queries import footprint_figures
    from socialvalue.store import open_store

    store = open_store(url, create=False)
    a, b = Period.parse(first), Period.parse(last)
    assert a is not None and b is not None
    timings: dict[str, Any] = {"what": what}
    from socialvalue.contracts.status import contract_status
    from socialvalue.store.status import Scope

    t = time.perf_counter()
    contract_status(store, AS_OF, Scope(footprint=what))
    timings["status_s"] = round(
        time.perf_counter() - t, 2
    )  # the store's own status queries (RAG, overdue), timed apart
    t = time.perf_counter()
    figures = footprint_figures(store, what, a, b, AS_OF, with_rows=bool(out))
    timings["figures_s"] = round(time.perf_counter() - t, 2)  # the report's GROUP BYs, and the status again
    timings["kpi_periods"] = figures.kpi_periods
    report = footprint_report(figures)
    if out:
        t = time.perf_counter()
        write_report_xlsx(report, Path(out + ".xlsx"))
        timings["xlsx_s"] = round(time.perf_counter() - t, 2)
        t = time.perf_counter()
        write_report_html(report, Path(out + ".html"))
        timings["html_s"] = round(time.perf_counter() - t, 2)
    gc.collect()
    timings["peak_mb"] = peak_mb()
    return timings


def footprint_bench(engine: str, orgs: int, contracts: int, kpis: int, reuse: bool = False) -> dict[str, Any]:
    OUT.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "engine": engine,
        "organisations": orgs,
        "contracts": contracts,
        "kpis_per_contract": kpis,
    }
    with contextlib.ExitStack() as stack:
        if engine == "postgresql":
            url = stack.enter_context(postgres())
        else:
            path = OUT / "bench-store.db"
            url = f"sqlite:///{path}"
            if not reuse:
                path.unlink(missing_ok=True)
        results["load"] = load(url, 1, orgs, contracts, kpis) if not (reuse and engine == "sqlite") else "reused"
        print(f"loaded: {results['load']}", flush=True)
        runs = [("one quarter with its rows", "2026Q2", "2026Q2", str(OUT / f"report-{engine}-quarter")),
                ("one year with its rows", "2025Q3", "2026Q2", str(OUT / f"report-{engine}-year")),
                ("five years with its rows", FIRST_QUARTER, "2026Q2", str(OUT / f"report-{engine}-5y")),
                ("five years, totals only (--no-rows)", FIRST_QUARTER, "2026Q2", "")]  # fmt: skip
        results["reports"] = []
        for label, a, b, out in runs:
            r = child([url, "Q00", a, b, out])
            r["label"] = label
            results["reports"].append(r)
            print(f"  {label}: {r}", flush=True)
    (OUT / f"reports-{engine}.json").write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    return results


def national_bench(footprints: int, orgs: int, contracts: int, kpis: int, url: str = "") -> dict[str, Any]:
    from socialvalue.store import open_store

    OUT.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "engine": "postgresql",
        "footprints": footprints,
        "organisations_each": orgs,
        "contracts_each": contracts,
    }
    rollup = """
        SELECT footprint_id, theme_id, period_index, sum(committed_gross_gbp), sum(committed_net_gbp),
               sum(delivered_gross_gbp), sum(delivered_net_gbp), count(*)
        FROM {table} WHERE period_index BETWEEN {a} AND {b} GROUP BY footprint_id, theme_id, period_index"""
    with contextlib.nullcontext(url) if url else postgres() as url:
        results["load"] = load_national(url, footprints, orgs, contracts, kpis)
        print(f"loaded: {results['load']}", flush=True)
        store = open_store(url, create=False)
        a, b = 2026 * 4 + 1 - 1 - 3, 2026 * 4 + 1 - 1  # 2025Q3 .. 2026Q2
        timings: dict[str, Any] = {}
        with store.engine.connect() as conn:
            timings["table_size"] = conn.exec_driver_sql(
                "SELECT pg_size_pretty(pg_total_relation_size('kpi_period'))"
            ).scalar()
            for label, lo in (
                ("national roll-up, one year (kpi_period)", a),
                ("national roll-up, five years (kpi_period)", 0),
            ):
                t = time.perf_counter()
                n = len(conn.exec_driver_sql(rollup.format(table="kpi_period", a=lo, b=b)).all())
                timings[label] = {"s": round(time.perf_counter() - t, 2), "groups": n}
                print(f"  {label}: {timings[label]}", flush=True)
            t = time.perf_counter()
            conn.exec_driver_sql("""
                CREATE TABLE kpi_period_summary AS
                SELECT footprint_id, organisation_id, theme_id, measure_id, period_index,
                       sum(committed_quantity) AS committed_quantity, sum(delivered_quantity) AS delivered_quantity,
                       sum(committed_gross_gbp) AS committed_gross_gbp, sum(committed_net_gbp) AS committed_net_gbp,
                       sum(delivered_gross_gbp) AS delivered_gross_gbp, sum(delivered_net_gbp) AS delivered_net_gbp,
                       count(*) AS kpi_periods
                FROM kpi_period GROUP BY footprint_id, organisation_id, theme_id, measure_id, period_index""")
            conn.exec_driver_sql("CREATE INDEX ON kpi_period_summary (period_index)")
            conn.commit()
            timings["summary table build"] = {"s": round(time.perf_counter() - t, 2),
                                              "rows": conn.exec_driver_sql("SELECT count(*) FROM kpi_period_summary").scalar()}  # fmt: skip
            print(f"  summary table build: {timings['summary table build']}", flush=True)
            for label, lo in (
                ("national roll-up, one year (summary)", a),
                ("national roll-up, five years (summary)", 0),
            ):
                t = time.perf_counter()
                n = len(
                    conn.exec_driver_sql(
                        rollup.format(table="kpi_period_summary", a=lo, b=b).replace("count(*)", "sum(kpi_periods)")
                    ).all()
                )
                timings[label] = {"s": round(time.perf_counter() - t, 2), "groups": n}
                print(f"  {label}: {timings[label]}", flush=True)
            plan = conn.exec_driver_sql("EXPLAIN " + rollup.format(table="kpi_period", a=a, b=b)).scalars().all()
            timings["plan (kpi_period, one year)"] = plan
        store.close()
        results["national"] = timings
        r = child(
            [url, f"Q{min(7, footprints - 1):02d}", "2026Q2", "2026Q2", str(OUT / "report-national-one-footprint")]
        )
        r["label"] = "one footprint's quarter report, in the national store (with its rows)"
        results["one_footprint"] = r
        print(f"  {r['label']}: {r}", flush=True)
    (OUT / "reports-national.json").write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    return results


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_measure":
        url, what, a, b, out = sys.argv[2:7]
        print(json.dumps(measure(url, what, a, b, out)))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["footprint", "national"])
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--footprints", type=int, default=42)
    parser.add_argument("--orgs", type=int, default=50)
    parser.add_argument("--contracts", type=int, default=2000)
    parser.add_argument(
        "--kpis", type=int, default=25, help="KPIs per contract (x 20 quarters = KPI-quarters per contract)"
    )
    parser.add_argument(
        "--url", default="", help="national: a PostgreSQL store to (re)load and measure, instead of a throwaway cluster"
    )
    parser.add_argument("--reuse", action="store_true", help="SQLite: report on the store the last run loaded")
    args = parser.parse_args()
    if args.what == "footprint":
        footprint_bench(args.engine, args.orgs, args.contracts, args.kpis, args.reuse)
    else:
        national_bench(args.footprints, args.orgs, args.contracts, args.kpis, args.url)


if __name__ == "__main__":
    main()
