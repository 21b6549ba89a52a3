"""Contract status: delivered against the phased commitment to date, RAG, overdue returns, double counting.

*To date* means through the last quarter that has ended on the day asked about (``as_of``). A KPI's
delivery ratio is delivered ÷ phased commitment to date. A contract's ratio weighs its KPIs by the £
of their commitment to date, each KPI counting at most what it committed (over-delivery on one KPI
does not hide a shortfall on another); a contract whose KPIs are all counts takes the plain average of
those capped ratios. RAG: at or above the footprint's green threshold (default 90%) is green, at or
above amber (default 70%) amber, below it red; nothing committed yet is ``not due``.

A return is overdue when its quarter ended more than the footprint's ``return_due_days`` (default
30) before ``as_of`` and no return is recorded for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from socialvalue.periods import Period
from socialvalue.problems import Problem, Severity, define
from socialvalue.store.engine import Store
from socialvalue.store.returns import due_date
from socialvalue.store.status import Scope, contracts, kpi_totals, returned_periods, shared_commitments, shared_evidence

SHARED_EVIDENCE = define(
    "evidence-claimed-twice", Severity.WARNING,
    "in {period} the evidence reference {ref!r} backs deliveries on {count} contracts ({contracts}): check the same delivery is not counted twice",
)  # fmt: skip
SHARED_COMMITMENT = define(
    "commitment-counted-twice", Severity.WARNING,
    "{why} is recorded on {count} contracts ({contracts}): the same commitments would be counted twice",
)  # fmt: skip

GREEN, AMBER, RED, NOT_DUE = "green", "amber", "red", "not due"


def rag(ratio: float | None, green_pct: float, amber_pct: float) -> str:
    if ratio is None:
        return NOT_DUE
    if ratio * 100 >= green_pct - 1e-9:
        return GREEN
    return AMBER if ratio * 100 >= amber_pct - 1e-9 else RED


@dataclass
class KpiStatus:
    code: str
    unit: str
    committed_to_date: float
    delivered_to_date: float
    whole_commitment: float
    delivered_gbp: float
    delivered_net_gbp: float
    committed_gbp: float
    valued: bool
    ratio: float | None
    rag: str


@dataclass
class ContractStatus:
    contract: str
    title: str
    organisation: str
    rolls_up_to: str
    supplier: str
    manager: str
    """Who manages the contract ('' when not recorded)."""
    through: str
    """The last quarter counted (the last one ended by ``as_of``), or '' before the first has ended."""
    ratio: float | None
    rag: str
    kpis: list[KpiStatus]
    overdue: list[str] = field(default_factory=list)
    returned: list[str] = field(default_factory=list)


@dataclass
class StatusReport:
    as_of: date
    contracts: list[ContractStatus]
    findings: list[Problem]

    @property
    def overdue(self) -> list[tuple[str, str]]:
        return [(c.contract, p) for c in self.contracts for p in c.overdue]


def _contract_ratio(kpis: list[KpiStatus]) -> float | None:
    due = [k for k in kpis if k.committed_to_date > 0]
    if not due:
        return None
    valued = [k for k in due if k.valued and k.committed_gbp > 0]
    if valued:
        weight = sum(k.committed_gbp for k in valued)
        return sum(k.committed_gbp * min(1.0, k.ratio or 0.0) for k in valued) / weight
    return sum(min(1.0, k.ratio or 0.0) for k in due) / len(due)


def contract_status(store: Store, as_of: date, scope: Scope | None = None, findings: bool = True) -> StatusReport:
    """Status of every contract in ``scope`` (a footprint, one contract, or all) on ``as_of``.

    ``findings=False`` leaves out the double-counting checks (the costliest part: every evidence
    reference in scope is compared), for callers that show only RAG and overdue returns."""
    scope = scope or Scope()
    through = Period.containing(as_of) - 1
    with store.read() as conn:
        rows = contracts(conn, scope)
        totals = kpi_totals(conn, scope, through.index) if rows else []
        returned = returned_periods(conn, scope) if rows else {}
        evidence = shared_evidence(conn, scope) if rows and findings else []
        commitments = shared_commitments(conn, scope) if rows and findings else []
    by_contract: dict[int, list[KpiStatus]] = {}
    thresholds = {r.id: (r.green, r.amber) for r in rows}
    for t in totals:
        green, amber = thresholds[t.contract_id]
        ratio = t.delivered / t.committed if t.committed > 0 else None
        by_contract.setdefault(t.contract_id, []).append(
            KpiStatus(
                code=t.code, unit=t.unit, committed_to_date=t.committed, delivered_to_date=t.delivered,
                whole_commitment=t.whole_commitment, delivered_gbp=t.delivered_gbp, delivered_net_gbp=t.delivered_net_gbp,
                committed_gbp=t.committed_gbp, valued=t.unit_value_gbp is not None, ratio=ratio, rag=rag(ratio, green, amber),
            )
        )  # fmt: skip
    out = []
    for r in rows:
        kpis = by_contract.get(r.id, [])
        ratio = _contract_ratio(kpis)
        got = returned.get(r.id, set())
        last = min(through.index, r.last_period_index)
        overdue = [
            Period(i).key for i in range(r.first_period_index, last + 1)
            if i not in got and due_date(Period(i), r.due_days).date() < as_of
        ]  # fmt: skip
        out.append(
            ContractStatus(
                contract=r.code, title=r.title, organisation=f"{r.org_code} {r.org_name}", rolls_up_to=r.rollup_code or r.org_code,
                supplier=r.supplier, manager=r.manager, through=through.key if through.index >= r.first_period_index else "",
                ratio=ratio, rag=rag(ratio, r.green, r.amber), kpis=kpis, overdue=overdue,
                returned=sorted(Period(i).key for i in got),
            )
        )  # fmt: skip
    found = [
        SHARED_EVIDENCE(field=f"{period} {ref}", period=period, ref=ref, count=len(codes), contracts=", ".join(codes))
        for period, ref, codes in evidence
    ] + [SHARED_COMMITMENT(why=why, count=len(codes), contracts=", ".join(codes)) for why, codes in commitments]
    return StatusReport(as_of, out, found)
