"""A synthetic footprint store for the report tests, made through the store's public functions.

Cheshire and Merseyside (the built-in footprint) with contracts awarded at trusts and councils in
several places (one at a trust that has since merged, whose records roll up under its successor),
KPIs with and without a proxy value, quarterly returns recorded and graded. Alongside, a plain list
of every KPI-quarter as the test meant it, so reports can be checked against sums the test works out
itself, without the store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass

from socialvalue.contracts.models import AwardPlan, KpiPlan, ReturnLine, ReturnReading, SupplierInfo, TenderAudit
from socialvalue.footprint.builtin import load_footprint
from socialvalue.periods import Period
from socialvalue.store.contracts import record_award
from socialvalue.store.engine import Store
from socialvalue.store.footprints import save_footprint
from socialvalue.store.returns import grade_evidence, record_return

FOOTPRINT = "QYG"
# (contract organisation, the organisation its records roll up under, that one's place GSS code)
ORGANISATIONS = [
    ("REM", "REM", "E08000012"),
    ("RBQ", "RBQ", "E08000012"),
    ("RJR", "RJR", "E06000050"),
    ("RWW", "RWW", "E06000007"),
    ("E08000012", "E08000012", "E08000012"),
    ("E06000049", "E06000049", "E06000049"),
    ("RVY", "RBN", "E08000011"),  # Southport and Ormskirk: merged into RBN on 1 July 2023
]
MEASURES = [
    # code, theme, description, unit, £ per unit (None: a count), net factor
    ("LE01", "Jobs", "Local people employed", "FTE-years", 28_000.0, 0.72),
    ("SK02", "Skills", "Apprenticeship weeks", "weeks", 200.0, 0.8),
    ("EN01", "Climate", "Carbon saved", "tCO2e", 250.0, 0.9),
    ("VOL", "Communities", "Staff volunteering", "hours", None, 1.0),
    ("CM02", "Communities", "Community events", "events", None, 1.0),
]
QUARTERS = [Period.parse(q) for q in ("2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3", "2026Q4")]
REPORTED = 4
"""Returns are recorded for the first four quarters."""


@dataclass
class Fact:
    contract: str
    org: str
    rollup: str
    place: str
    theme: str
    measure: str
    unit: str
    period: str
    committed: float
    delivered: float | None
    unit_value: float | None
    net: float
    grade: str | None

    def gbp(self, delivered: bool, net: bool = False) -> float:
        qty = self.delivered if delivered else self.committed
        if self.unit_value is None or qty is None:
            return 0.0
        return qty * self.unit_value * (self.net if net else 1.0)


@dataclass
class SyntheticFootprint:
    store: Store
    facts: list[Fact]
    contracts: list[str]


def build(store: Store, contracts: int = 14, seed: int = 7) -> SyntheticFootprint:
    rng = random.Random(seed)
    footprint, problems = load_footprint("cheshire-and-merseyside")
    assert footprint is not None, problems
    saved, problems = save_footprint(store, footprint)
    assert saved is not None, problems
    facts: list[Fact] = []
    codes = []
    for n in range(contracts):
        org, rollup, place = ORGANISATIONS[n % len(ORGANISATIONS)]
        code = f"CM-{2025 + n % 2}-{n:03d}" if n != 3 else "CM=*?~ 003"  # a reference SUMIFS would read as a pattern
        codes.append(code)
        measures = rng.sample(MEASURES, k=rng.randint(2, len(MEASURES)))
        kpis = []
        for m_code, theme, description, unit, value, net in measures:
            per_quarter = [round(rng.uniform(1, 40), 1) for _ in QUARTERS]
            kpis.append(KpiPlan(code=m_code, theme=theme, description=description, unit=unit,
                                committed_quantity=sum(per_quarter), counted_quantity=sum(per_quarter),
                                unit_value_gbp=value, value_code=m_code if value else "", net_factor=net,
                                phased=per_quarter))  # fmt: skip
        tender = TenderAudit(rubric_id="local-measures", rubric_version="1", rubric_title="Local measures",
                             rubric_fingerprint="f" * 64, value_set="illustrative-2026", value_set_version="2026.1",
                             value_set_illustrative=True, results_file=f"results-{n}.json",
                             results_sha256=hashlib.sha256(f"results {n}".encode()).hexdigest())  # fmt: skip
        plan = AwardPlan(
            contract=code, title=f"Service {n}", organisation=org,
            supplier=SupplierInfo(name=f"Supplier {n % 5} Ltd", company_number=f"{10000000 + n % 5}"),
            tender=tender, bid_file=f"bid-{n}.xlsx", bid_sha256=hashlib.sha256(f"bid {n}".encode()).hexdigest(),
            contract_value_gbp=100_000.0 * (n + 1), start=QUARTERS[0].start, end=QUARTERS[-1].end,  # type: ignore[union-attr]
            periods=[q.key for q in QUARTERS], phasing="profile", kpis=kpis,  # type: ignore[union-attr]
        )  # fmt: skip
        recorded, problems = record_award(store, plan)
        assert recorded is not None, problems
        for qi, quarter in enumerate(QUARTERS):
            assert quarter is not None
            reported = qi < REPORTED and not (n % 6 == 5 and qi == REPORTED - 1)  # some returns overdue
            lines = []
            grade = rng.choice(["self-reported", "documented", "verified"])
            for k in kpis:
                delivered = round(k.phased[qi] * rng.uniform(0.2, 1.3), 1) if reported else None
                if delivered is not None:
                    lines.append(ReturnLine(code=k.code, delivered=delivered, reference=f"EV-{n}-{qi}-{k.code}"))
                facts.append(Fact(code, org, rollup, place, k.theme, k.code, k.unit, quarter.key, k.phased[qi], delivered,
                                  k.unit_value_gbp, k.net_factor, grade if delivered is not None else None))  # fmt: skip
            if reported:
                reading = ReturnReading(file=f"return-{n}-{quarter.key}.xlsx",
                                        sha256=hashlib.sha256(f"return {n} {quarter.key}".encode()).hexdigest(),
                                        contract=code, period=quarter.key, lines=lines)  # fmt: skip
                outcome = record_return(
                    store, reading, received_at=dt.datetime.combine(quarter.end, dt.time(12), dt.UTC)
                )
                assert outcome.status == "recorded", outcome
                if grade != "self-reported":
                    done, problems = grade_evidence(store, code, quarter.key, grade, by="A. Shah")
                    assert done == len(lines), problems
    return SyntheticFootprint(store, facts, codes)
