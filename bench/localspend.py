"""Benchmark `socialvalue localspend`: one million payment rows against a full-size synthetic postcode directory.

Run with ``.venv/bin/python bench/localspend.py`` (``make bench-localspend``). It builds, once, in
bench/out/localspend/ (reused while GENERATOR_VERSION is unchanged):

- a synthetic ONS Postcode Directory of 2.7 million postcodes (the real ONSPD's size, live and terminated) with
  ONSPD's column names (pcd, pcd2, pcds, dointr, doterm, oscty, oslaua, osward, ctry, rgn, pcon, lsoa21), 390
  districts of which 9 are "local", about 1 in 9 postcodes terminated and 1 in 200 with a pseudo district code;
- a supplier register of 20,000 suppliers with postcodes drawn from it (about 1% bad, 1% blank);
- 1,000,000 payment rows as 12 monthly CSV files from 20 organisations, as spend files are published: day-first
  text dates, amounts sometimes written "£1,234.56", about 3% credits in brackets, 3% REDACTED, 2% suppliers not
  in the register, payments concentrated on the larger suppliers, each supplier paid by one to three organisations.

Each stage then runs in a child process of its own, timed, with its CPU time and peak memory (max RSS): the
analysis (read, join, roll up), the workbook (and the set-aside CSV) written from it, the workbook with the HTML page
(``--html``) written together with it, the run recorded in a fresh SQLite store, and the whole command.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "localspend"
GENERATOR_VERSION = "3"
LOCAL = [
    "E06000049",
    "E06000050",
    "E06000006",
    "E06000007",
    "E08000011",
    "E08000012",
    "E08000013",
    "E08000014",
    "E08000015",
]
DIRECTORY_ROWS = 2_700_000
PAYMENTS = 1_000_000
SUPPLIERS = 20_000
ORGANISATIONS = 20
LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters a postcode's last two may hold


def _districts() -> list[str]:
    rng = random.Random(7)
    codes = [f"E{rng.choice(['06', '07', '08', '09'])}{n:06d}" for n in range(1, 400)]
    codes = [c for c in dict.fromkeys(codes) if c not in LOCAL][:381]
    return LOCAL + codes


def build_directory(path: Path) -> list[tuple[str, str]]:
    """Write the directory; return (postcode, district) of a sample of live ones for the register."""
    rng = random.Random(1)
    lads = _districts()
    areas = [a + b for a in "ABCDEFGHKLMNOPRSTUWY" for b in "ABCDEFGHKLMNOPRSTUWY"][:300]
    sample: list[tuple[str, str]] = []
    n = 0
    with path.open("w", newline="", encoding="ascii") as fh:
        w = csv.writer(fh)
        w.writerow(
            ["pcd", "pcd2", "pcds", "dointr", "doterm", "oscty", "oslaua", "osward", "ctry", "rgn", "pcon", "lsoa21"]
        )
        for a, area in enumerate(areas):
            for district in range(1, 31):
                outward = f"{area}{district}"
                lad = lads[(a * 31 + district * 7) % len(lads)]
                for inward in range(300):
                    if n >= DIRECTORY_ROWS:
                        return sample
                    unit = f"{inward % 10}{LETTERS[inward // 20 % 20]}{LETTERS[inward % 20]}"
                    pcds = f"{outward} {unit}"
                    pcd = f"{outward:<4}{unit}"
                    terminated = "202106" if rng.random() < 0.11 else ""
                    code = "L99999999" if rng.random() < 0.005 else lad
                    w.writerow([pcd, f"{outward:<5}{unit}", pcds, "198001", terminated, "E99999999", code,
                                "E05000001", "E92000001", "E12000002", "E14000001", "E01000001"])  # fmt: skip
                    if rng.random() < 0.01:
                        sample.append((pcds, code))
                    n += 1
    return sample


def build_register(path: Path, sample: list[tuple[str, str]]) -> list[str]:
    rng = random.Random(2)
    local = [pc for pc, lad in sample if lad in LOCAL]
    names = [f"Supplier {i:05d} {'Limited' if i % 3 else 'Ltd'}" for i in range(SUPPLIERS)]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Supplier name", "Trading postcode", "SME", "VCSE"])
        for name in names:
            roll = rng.random()
            pc = "NOT KNOWN" if roll < 0.01 else "" if roll < 0.02 else rng.choice(local if roll < 0.25 else sample)[0]
            w.writerow([name, pc, rng.choice(["Yes", "No"]), "Yes" if rng.random() < 0.05 else "No"])
    return names


def build_spend(folder: Path, names: list[str]) -> list[Path]:
    rng = random.Random(3)
    weights = [1 / (i + 1) ** 0.8 for i in range(len(names))]
    orgs = [f"NHS Organisation {i:02d}" for i in range(ORGANISATIONS)]
    buyers = [rng.sample(orgs, rng.choice((1, 1, 2, 3))) for _ in names]  # each supplier sells to one to three
    per_month = PAYMENTS // 12
    files = []
    for month in range(1, 13):
        path = folder / f"spend-2024-{month:02d}.csv"
        files.append(path)
        picks = rng.choices(range(len(names)), weights, k=per_month)
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["Organisation", "Payment Date", "Supplier", "Amount"])
            for i in picks:
                roll = rng.random()
                supplier = "REDACTED" if roll < 0.03 else f"Unlisted Trader {i}" if roll < 0.05 else names[i].upper()
                amount = round(rng.lognormvariate(7, 1.5), 2)
                text = (
                    f"({amount:,.2f})"
                    if rng.random() < 0.03
                    else f"£{amount:,.2f}"
                    if rng.random() < 0.3
                    else f"{amount:.2f}"
                )
                w.writerow([rng.choice(buyers[i]), f"{rng.randint(1, 28):02d}/{month:02d}/2024", supplier, text])
    return files


def build() -> dict[str, object]:
    stamp = OUT / "stamp.json"
    if stamp.exists() and json.loads(stamp.read_text()).get("version") == GENERATOR_VERSION:
        return dict(json.loads(stamp.read_text()))
    OUT.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    sample = build_directory(OUT / "onspd.csv")
    names = build_register(OUT / "register.csv", sample)
    spend = build_spend(OUT, names)
    info = {
        "version": GENERATOR_VERSION,
        "spend": [str(p) for p in spend],
        "built_s": round(time.perf_counter() - started, 1),
    }
    stamp.write_text(json.dumps(info))
    return info


def child(stage: str, spend: list[str]) -> None:
    """Run one stage in this (child) process and print its time and peak memory as JSON."""
    sys.path.insert(0, str(ROOT))
    from socialvalue.localspend.analysis import Options, analyse
    from socialvalue.localspend.places import parse_local_area
    from socialvalue.localspend.workbook import write_workbook
    from socialvalue.problems import Problem

    problems: list[Problem] = []
    options = Options(local_area=parse_local_area(",".join(LOCAL), problems))
    started = time.perf_counter()
    result = analyse([Path(p) for p in spend], OUT / "register.csv", OUT / "onspd.csv", options, problems)
    analysed = time.perf_counter() - started
    assert result is not None
    figures = {
        "analyse_s": round(analysed, 2),
        "analyse_cpu_s": round(time.process_time(), 1),
        "rows": result.rows_read,
        "spend_cells": len(result.spend),
        "landing_cells": len(result.landing),
        "set_aside": len(result.set_aside),
    }
    if stage == "workbook":
        started = time.perf_counter()
        write_workbook(result, OUT / "local-spend.xlsx")
        figures["workbook_s"] = round(time.perf_counter() - started, 2)
        figures["workbook_mb"] = round((OUT / "local-spend.xlsx").stat().st_size / 1e6, 1)
        figures["set_aside_csv_mb"] = round((OUT / "local-spend-set-aside.csv").stat().st_size / 1e6, 1)
    if stage == "html":  # the workbook and, written together with it, the page (--html)
        started = time.perf_counter()
        write_workbook(result, OUT / "local-spend.xlsx", html=OUT / "local-spend.html")
        figures["workbook_and_page_s"] = round(time.perf_counter() - started, 2)
        figures["page_kb"] = round((OUT / "local-spend.html").stat().st_size / 1e3)
    if stage == "store":
        from socialvalue.localspend.record import record_run
        from socialvalue.store import open_store

        (OUT / "store.db").unlink(missing_ok=True)
        store = open_store(str(OUT / "store.db"))
        started = time.perf_counter()
        recorded, _ = record_run(store, result)
        figures["record_s"] = round(time.perf_counter() - started, 2)
        assert recorded is not None and recorded.created
        started = time.perf_counter()
        again, _ = record_run(store, result)
        figures["record_again_s"] = round(time.perf_counter() - started, 2)
        assert again is not None and not again.created
    usage = resource.getrusage(resource.RUSAGE_SELF)
    figures["cpu_s"] = round(usage.ru_utime + usage.ru_stime, 1)
    figures["peak_mb"] = round(usage.ru_maxrss / 1024)
    print(json.dumps(figures))


def measure(stage: str, spend: list[str]) -> dict[str, float]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--child", stage, *spend], check=True, capture_output=True, text=True
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["wall_s"] = round(time.perf_counter() - started, 2)
    return figures  # type: ignore[no-any-return]


def measure_cli(spend: list[str]) -> dict[str, float]:
    exe = Path(sys.executable).parent / "socialvalue"
    args = [str(exe), "localspend", *spend, "--suppliers", str(OUT / "register.csv"), "--postcodes", str(OUT / "onspd.csv"),
            "--local-area", ",".join(LOCAL), "--respend-suppliers", "30", "-o", str(OUT / "cli.xlsx"), "-q"]  # fmt: skip
    # a small wrapper process runs the command, so its children's peak memory and CPU are the command's alone
    wrapper = (
        "import json, resource, subprocess, sys; done = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "u = resource.getrusage(resource.RUSAGE_CHILDREN); "
        "print(json.dumps({'exit': done.returncode, 'cpu': u.ru_utime + u.ru_stime, 'peak': u.ru_maxrss, 'err': done.stderr[-2000:]}))"
    )
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", wrapper, *args], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert got["exit"] in (0, 1), got["err"]
    return {
        "wall_s": round(wall, 2),
        "cpu_s": round(got["cpu"], 1),
        "peak_mb": round(got["peak"] / 1024),
        "exit": got["exit"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--no-cli", action="store_true", help="Skip the whole-command run.")
    parser.add_argument(
        "--stages",
        default="analyse,workbook,html,store",
        help="Which stages to run, comma-separated (analyse, workbook, html, store) [default: all].",
    )
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1:])
        return
    info = build()
    spend = list(info["spend"])  # type: ignore[call-overload]
    print(f"inputs: {PAYMENTS:,} payment rows in {len(spend)} CSV files, {DIRECTORY_ROWS:,}-row directory, {SUPPLIERS:,} suppliers"
          f" (built in {info['built_s']} s, cached in {OUT.relative_to(ROOT)})")  # fmt: skip
    print(
        f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (figures inflate when the machine is busy)"
    )
    names = {
        "analyse": "analyse",
        "workbook": "analyse+workbook",
        "html": "analyse+workbook+page",
        "store": "analyse+store",
    }
    results = {names[stage]: measure(stage, spend) for stage in args.stages.split(",")}
    if not args.no_cli:
        results["command"] = measure_cli(spend)
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    for name, figures in results.items():
        print(f"{name:18} " + "  ".join(f"{k} {v}" for k, v in figures.items()))
    (OUT / "latest.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
