"""Contracts in the store: an award recorded whole (tender, supplier, contract, KPIs, a fact row per KPI per quarter)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from socialvalue.contracts.models import AwardPlan, KpiPlan, SupplierInfo, TenderAudit
from socialvalue.periods import Period
from socialvalue.problems import Problem, Severity, define

from . import schema as S
from .engine import Store, inserted_id
from .footprints import find_organisation
from .summary import refresh

CONTRACT_EXISTS = define(
    "contract-exists", Severity.ERROR, "contract {code} is already recorded (from {bid}): choose another contract reference"
)  # fmt: skip
SAME_BID_ELSEWHERE = define(
    "bid-already-awarded", Severity.WARNING,
    "the same bid file is already the basis of contract(s) {others}: its commitments would be counted twice",
)  # fmt: skip
ORG_CLOSED = define(
    "organisation-closed", Severity.WARNING, "{code} closed on {closed}, before the contract starts: its figures roll up under {rollup}"
)  # fmt: skip
CONTRACT_NOT_FOUND = define("contract-not-found", Severity.ERROR, "no contract {code} in the store{hint}")


@dataclass
class Recorded:
    contract_id: int
    created: bool
    kpis: int
    rows: int


def record_award(store: Store, plan: AwardPlan) -> tuple[Recorded | None, list[Problem]]:
    """Record the award in one transaction. The same plan twice records nothing the second time."""
    problems: list[Problem] = []
    with store.write() as conn:
        org_id, org_problems = find_organisation(conn, plan.organisation)
        if org_id is None:
            return None, org_problems
        existing = conn.execute(
            sa.select(S.contract.c.id, S.contract.c.bid_sha256, S.contract.c.bid_file).where(S.contract.c.code == plan.contract)
        ).one_or_none()  # fmt: skip
        if existing is not None:
            if existing.bid_sha256 == plan.bid_sha256:
                kpis = conn.execute(sa.select(sa.func.count()).where(S.kpi.c.contract_id == existing.id)).scalar_one()
                return Recorded(existing.id, False, kpis, 0), []
            return None, [CONTRACT_EXISTS(code=plan.contract, bid=existing.bid_file)]
        others = list(
            conn.execute(sa.select(S.contract.c.code).where(S.contract.c.bid_sha256 == plan.bid_sha256)).scalars()
        )
        if others:
            problems.append(SAME_BID_ELSEWHERE(file=plan.bid_file, others=", ".join(others)))
        org = conn.execute(
            sa.select(S.organisation.c.code, S.organisation.c.closed, S.organisation.c.footprint_id,
                      S.organisation.c.rollup_id).where(S.organisation.c.id == org_id)
        ).one()  # fmt: skip
        if org.closed is not None and org.closed < plan.start:
            rollup = conn.execute(sa.select(S.organisation.c.code).where(S.organisation.c.id == org.rollup_id)).scalar()
            problems.append(ORG_CLOSED(code=org.code, closed=org.closed, rollup=rollup or org.code))
        tender_id = _tender(conn, plan.tender)
        supplier_id = _supplier(conn, plan.supplier)
        first = plan.first_period
        made = conn.execute(
            sa.insert(S.contract).values(
                code=plan.contract, title=plan.title, organisation_id=org_id, supplier_id=supplier_id,
                tender_id=tender_id, bid_file=plan.bid_file, bid_sha256=plan.bid_sha256,
                contract_value_gbp=plan.contract_value_gbp, start_date=plan.start, end_date=plan.end,
                first_period_index=first.index, last_period_index=first.index + len(plan.periods) - 1,
                phasing=plan.phasing, awarded_at=datetime.now(UTC), manager=plan.manager,
            )
        )  # fmt: skip
        contract_id = inserted_id(made)
        facts: list[dict[str, Any]] = []
        for k in plan.kpis:
            theme_id = _theme(conn, k.theme, k.model_theme)
            measure_id = _measure(conn, plan.tender.rubric_id, k, theme_id)
            kpi_id = inserted_id(conn.execute(sa.insert(S.kpi).values(contract_id=contract_id, measure_id=measure_id, theme_id=theme_id,
                                                     **_kpi_values(k))))  # fmt: skip
            common = dict(kpi_id=kpi_id, contract_id=contract_id, organisation_id=org_id, footprint_id=org.footprint_id,
                          measure_id=measure_id, theme_id=theme_id, unit_value_gbp=k.unit_value_gbp, net_factor=k.net_factor)  # fmt: skip
            for i, qty in enumerate(k.phased):
                p = first + i
                gross = qty * k.unit_value_gbp if k.unit_value_gbp is not None else None
                facts.append(
                    dict(common, period=p.key, year=p.year, quarter=p.quarter, period_index=p.index,
                         committed_quantity=qty, committed_gross_gbp=gross,
                         committed_net_gbp=gross * k.net_factor if gross is not None else None)
                )  # fmt: skip
        if facts:
            conn.execute(sa.insert(S.kpi_period), facts)
            refresh(conn, org_id, first.index, first.index + len(plan.periods) - 1)
    return Recorded(contract_id, True, len(plan.kpis), len(facts)), problems


def _kpi_values(k: KpiPlan) -> dict[str, Any]:
    return dict(
        code=k.code, unit=k.unit, committed_quantity=k.committed_quantity, counted_quantity=k.counted_quantity,
        unit_value_gbp=k.unit_value_gbp, value_code=k.value_code, value_source=k.value_source,
        deadweight_pct=k.deadweight_pct, displacement_pct=k.displacement_pct, attribution_pct=k.attribution_pct,
        net_factor=k.net_factor, bid_cell=k.bid_cell, bid_evidence=k.bid_evidence,
    )  # fmt: skip


def _get_or_insert(
    conn: sa.Connection, table: sa.Table, key: dict[str, Any], extra: dict[str, Any] | None = None
) -> int:
    """The id of the row matching ``key``, inserting it (with ``extra``) when missing.

    Another writer may insert the same row at the same moment (PostgreSQL): the insert then runs in a
    savepoint, and on a unique-key clash the row the other writer made is used.
    """
    where = sa.and_(*(table.c[k] == v if v is not None else table.c[k].is_(None) for k, v in key.items()))
    found = conn.execute(sa.select(table.c.id).where(where)).scalar_one_or_none()
    if found is not None:
        return int(found)
    try:
        with conn.begin_nested():
            return inserted_id(conn.execute(sa.insert(table).values(**key, **(extra or {}))))
    except sa.exc.IntegrityError:
        return int(conn.execute(sa.select(table.c.id).where(where)).scalar_one())


def _tender(conn: sa.Connection, t: TenderAudit) -> int:
    return _get_or_insert(
        conn, S.tender, {"results_sha256": t.results_sha256}, t.model_dump(exclude={"results_sha256"})
    )


def _supplier(conn: sa.Connection, s: SupplierInfo) -> int:
    """Suppliers are matched by company number where they gave one, else by name and postcode."""
    extra = {"postcode": s.postcode or None, "is_sme": s.is_sme, "is_vcse": s.is_vcse}
    if s.company_number:
        return _get_or_insert(conn, S.supplier, {"company_number": s.company_number}, {"name": s.name, **extra})
    return _get_or_insert(conn, S.supplier, {"name": s.name, "postcode": s.postcode or None, "company_number": None},
                          {"is_sme": s.is_sme, "is_vcse": s.is_vcse})  # fmt: skip


def _theme(conn: sa.Connection, name: str, model_theme: str) -> int:
    return _get_or_insert(conn, S.theme, {"name": name, "model_theme": model_theme})


def _measure(conn: sa.Connection, rubric_id: str, k: KpiPlan, theme_id: int) -> int:
    return _get_or_insert(
        conn, S.measure, {"rubric_id": rubric_id, "code": k.code, "unit": k.unit},
        {"description": k.description, "theme_id": theme_id, "value_code": k.value_code},
    )  # fmt: skip


def find_contract(conn: sa.Connection, code: str) -> tuple[sa.Row[Any] | None, list[Problem]]:
    row = conn.execute(sa.select(S.contract).where(S.contract.c.code == code)).one_or_none()
    if row is None:
        return None, [CONTRACT_NOT_FOUND(code=code, hint=": award it first (socialvalue award)")]
    return row, []


def contract_periods(row: sa.Row[Any]) -> list[Period]:
    return [Period(i) for i in range(row.first_period_index, row.last_period_index + 1)]


def set_manager(store: Store, code: str, manager: str) -> tuple[str | None, list[Problem]]:
    """Record ``manager`` as contract ``code``'s manager (blank: none recorded); returns the manager it replaces."""
    with store.write() as conn:
        row, problems = find_contract(conn, code)
        if row is None:
            return None, problems
        conn.execute(sa.update(S.contract).where(S.contract.c.id == row.id).values(manager=manager.strip()))
        return str(row.manager), []
