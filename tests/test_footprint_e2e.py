"""A footprint built the way its people would, through the CLI, checked against sums worked out here.

Seven organisations in four places of the built-in Cheshire and Merseyside footprint (one added
from an organisations CSV), each awarding a contract from its own scored tender; six quarters of
filled returns ingested; plus a contract of a trust that closed, rolling up under its successor.
Every stored figure is compared with what this test typed, multiplied by the £ per unit read here
from the value set file with plain YAML (not through the project's loaders).
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import cast

import pytest
import sqlalchemy as sa
import yaml

from socialvalue.contracts.status import contract_status
from socialvalue.rubric import data_dir
from socialvalue.store import open_store
from socialvalue.store import schema as S
from socialvalue.store.frames import kpi_periods
from socialvalue.store.status import Scope
from tests.tenders import Tender, cli, filled_return, scored_tender

QUARTERS = ["2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3"]
MEASURES = ("LE01", "SK01", "EN01", "CB01", "LS01", "SK04")
CONTRACTS = {  # contract → (organisation, its place)
    "C-LHCH": ("RBQ", "E08000012"),
    "C-LUHFT": ("REM", "E08000012"),
    "C-WUTH": ("RBL", "E08000015"),
    "C-WIRRAL": ("gss:E08000015", "E08000015"),
    "C-WHH": ("RWW", "E06000007"),
    "C-WBC": ("gss:E06000007", "E06000007"),
    "C-CHARITY": ("charity:1099999", "E08000012"),
}
HISTORIC = ("C-SOHT", "RVY", ["2022Q2", "2022Q3", "2022Q4", "2023Q1"])
"""Southport and Ormskirk (closed 30 June 2023): its records roll up under Mersey and West Lancashire (RBN)."""


def _values() -> tuple[dict[str, float | None], dict[str, float]]:
    """£ per unit and net factor per measure of local-measures, read straight from the bundled YAML files."""
    rubric = yaml.safe_load((data_dir("rubrics") / "local-measures.yaml").read_text(encoding="utf-8"))
    values = yaml.safe_load((data_dir("rubrics") / "values" / "illustrative-2026.yaml").read_text(encoding="utf-8"))
    gbp = {v["code"]: float(v["value_gbp"]) for v in values["values"]}
    per_unit: dict[str, float | None] = {}
    net: dict[str, float] = {}
    for theme in rubric["social_value"]["themes"]:
        for m in theme["measures"]:
            per_unit[m["code"]] = gbp[m["value_ref"]] if m.get("value_ref") else None
            factor = 1.0
            for key in ("deadweight_pct", "displacement_pct", "attribution_pct"):
                factor *= 1 - m.get(key, 0) / 100
            net[m["code"]] = factor
    return per_unit, net


def _commitments(rng: random.Random) -> dict[str, float]:
    return {"LE01": rng.randint(3, 12), "SK01": rng.randint(100, 600), "EN01": rng.randint(20, 200),
            "CB01": rng.randint(200, 1200), "LS01": rng.randint(20, 90) * 1000, "SK04": rng.randint(30, 150)}  # fmt: skip


@pytest.fixture(scope="module")
def tenders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Tender, dict[str, float]]]:
    """One scored tender per contract (built once; each store backend awards from the same files)."""
    rng = random.Random(14)
    root = tmp_path_factory.mktemp("tenders")
    out = {}
    for i, code in enumerate([*CONTRACTS, HISTORIC[0]]):
        winner = _commitments(rng)
        loser = {k: v // 3 for k, v in winner.items()}
        tender = scored_tender(root / code, {
            "winner": (f"Supplier {code} Ltd", f"{10_000_000 + i:08d}", 900_000, winner),
            "runner-up": (f"Runner-up {code} Ltd", f"{20_000_000 + i:08d}", 950_000, loser),
        })  # fmt: skip
        out[code] = (tender, winner)
    return out


def _delivered(seed: str, commitments: dict[str, float], quarters: int) -> dict[str, float]:
    """What a supplier typed for one quarter: around its phased commitment, sometimes nothing."""
    rng = random.Random(seed)
    return {
        code: 0.0 if rng.random() < 0.1 else round(qty / quarters * rng.uniform(0.4, 1.3), 1)
        for code, qty in commitments.items()
    }


def test_footprint_through_the_cli(
    store_url: str, tmp_path: Path, tenders: dict[str, tuple[Tender, dict[str, float]]]
) -> None:
    per_unit, net = _values()
    store = ("--store", store_url)
    cli("footprint", "create", "cheshire-and-merseyside", *store)
    csv_file = tmp_path / "vcse.csv"
    csv_file.write_text(
        "scheme,code,name,kind,place\ncharity,1099999,Example Community Health Trust,vcse,Liverpool\n", encoding="utf-8"
    )
    cli("footprint", "load", "QYG", csv_file, *store)

    awards = {code: (org, "2025-04-01", "2026-09-30", QUARTERS) for code, (org, _) in CONTRACTS.items()}
    awards[HISTORIC[0]] = (HISTORIC[1], "2022-04-01", "2023-03-31", HISTORIC[2])
    for code, (org, start, end, _) in awards.items():
        tender, _ = tenders[code]
        cli("award", tender.results, "--bid", tender.bids["winner"], "--contract", code, "--org", org,
            "--start", start, "--end", end, *store)  # fmt: skip

    typed: dict[tuple[str, str, str], float] = {}
    quarters_of = {code: q for code, (_, _, _, q) in awards.items()}
    for round_ in range(max(len(q) for q in quarters_of.values())):
        folder = tmp_path / f"round-{round_}"
        for code, (_, commitments) in tenders.items():
            quarters = quarters_of[code]
            if round_ >= len(quarters):
                continue
            delivered = _delivered(f"{code}-{round_}", {m: commitments[m] for m in MEASURES}, len(quarters))
            filled_return(store_url, code, quarters[round_], folder / f"{code}-{quarters[round_]}.xlsx", delivered)
            typed.update({(code, quarters[round_], m): q for m, q in delivered.items()})
        out = cli("returns", "ingest", folder, *store)
        assert f"{len(list(folder.glob('*.xlsx')))} return(s) recorded, 0 rejected" in out

    facts = kpi_periods(open_store(store_url), footprint="QYG")
    # every KPI of every contract, every quarter
    assert len(facts) == sum(len(MEASURES) * len(q) for q in quarters_of.values())
    assert facts["organisation"].nunique() == 8 and facts["place_gss"].nunique() == 4

    # committed: the bid's commitment phased evenly, £ from the value set
    for code, (_, commitments) in tenders.items():
        mine = facts[facts["contract"] == code]
        for m in MEASURES:
            rows = mine[mine["measure"] == m]
            assert rows["committed_quantity"].sum() == pytest.approx(commitments[m])
            assert rows["committed_quantity"].tolist() == pytest.approx([commitments[m] / len(quarters_of[code])] * len(quarters_of[code]))  # fmt: skip
            unit = per_unit[m]
            if unit is None:
                assert rows["committed_gross_gbp"].isna().all()
            else:
                assert rows["committed_gross_gbp"].sum() == pytest.approx(commitments[m] * unit)

    # delivered: what was typed, by place and quarter, worked out here and summed by the database
    place_of = {code: place for code, (_, place) in CONTRACTS.items()} | {HISTORIC[0]: "E08000014"}
    expected: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for (code, quarter, m), qty in typed.items():
        unit = per_unit[m]
        if unit is not None:
            expected[place_of[code], quarter][0] += qty * unit
            expected[place_of[code], quarter][1] += qty * unit * net[m]
    orgs, places = S.organisation, S.place
    query = (
        sa.select(places.c.gss, S.kpi_period.c.period, sa.func.sum(S.kpi_period.c.delivered_gross_gbp),
                  sa.func.sum(S.kpi_period.c.delivered_net_gbp))
        .join(orgs, orgs.c.id == S.kpi_period.c.organisation_id)
        .join(places, places.c.id == orgs.c.place_id)
        .group_by(places.c.gss, S.kpi_period.c.period)
    )  # fmt: skip
    with open_store(store_url).read() as conn:
        stored = {(r[0], r[1]): (r[2], r[3]) for r in conn.execute(query)}
    assert stored.keys() == expected.keys()
    for key, (gross, net_gbp) in expected.items():
        assert stored[key][0] == pytest.approx(gross) and stored[key][1] == pytest.approx(net_gbp)
    by_frame = facts.groupby(["place_gss", "period"])["delivered_gross_gbp"].sum()
    framed = {cast(tuple[str, str], k): v for k, v in by_frame.items()}
    assert {k: v for k, v in framed.items() if k in expected} == pytest.approx({k: v[0] for k, v in expected.items()})

    # counts (no £ value) are kept as counts
    hours = facts[facts["measure"] == "SK04"]
    assert hours["delivered_gross_gbp"].isna().all()
    assert hours["delivered_quantity"].sum() == pytest.approx(sum(q for (c, p, m), q in typed.items() if m == "SK04"))

    # the closed trust's records roll up under its successor
    historic = facts[facts["contract"] == HISTORIC[0]]
    assert set(historic["organisation"]) == {"RVY"} and set(historic["rolls_up_to"]) == {"RBN"}

    # status: every return in, ratios as worked out here (each KPI capped at its commitment, weighted by £)
    report = contract_status(open_store(store_url), date(2026, 11, 15), Scope(footprint="QYG"))
    assert report.overdue == [] and report.findings == []
    for c in report.contracts:
        commitments = tenders[c.contract][1]
        quarters = quarters_of[c.contract]
        weights = {m: commitments[m] * per_unit[m] for m in MEASURES if per_unit[m] is not None}  # type: ignore[operator]
        delivered = {m: sum(typed[c.contract, q, m] for q in quarters) for m in weights}
        want = sum(w * min(1.0, delivered[m] / commitments[m]) for m, w in weights.items()) / sum(weights.values())
        assert c.ratio == pytest.approx(want)
    out = cli("returns", "status", "--footprint", "QYG", "--as-of", "2026-11-15", *store)
    assert "8 contract(s); 0 overdue return(s); 0 possible double count(s)" in out
