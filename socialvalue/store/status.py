"""Queries behind contract status: sums per KPI to a quarter, returns received, double counting.

Everything is aggregated in the database and set-based: one query per part for every contract in scope
(a footprint's, one contract, or the whole store), the scope a subquery rather than a list of ids. Python
only sees one row per KPI, per contract or per finding.

The sums per KPI read the fact rows through the unique ``(kpi_id, period_index)`` index, KPI by KPI and
only up to the quarter asked about: rows arrive grouped, so the database never sorts them (a million
KPI-quarters for 2,000 contracts take about half a second on SQLite).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from . import schema as S

KP = S.kpi_period


@dataclass(frozen=True)
class Scope:
    """Which contracts: a footprint's (by code), one contract, or every contract in the store."""

    footprint: str | None = None
    contract: str | None = None

    def where(self) -> list[sa.ColumnElement[bool]]:
        out: list[sa.ColumnElement[bool]] = []
        if self.contract:
            out.append(S.contract.c.code == self.contract)
        if self.footprint:
            out.append(S.organisation.c.footprint_id == sa.select(S.footprint.c.id).where(S.footprint.c.code == self.footprint).scalar_subquery())  # fmt: skip
        return out


def scoped(scope: Scope) -> sa.Select[Any]:
    """The ids of the contracts in ``scope``, as a subquery to filter by."""
    return (
        sa.select(S.contract.c.id)
        .join(S.organisation, S.organisation.c.id == S.contract.c.organisation_id)
        .where(*scope.where())
    )


def contracts(conn: sa.Connection, scope: Scope) -> list[sa.Row[Any]]:
    """Each contract with its organisation, roll-up, supplier, manager and the thresholds of its footprint."""
    rollup = S.organisation.alias("rollup")
    query = (
        sa.select(
            S.contract.c.id, S.contract.c.code, S.contract.c.title, S.contract.c.manager, S.contract.c.first_period_index,
            S.contract.c.last_period_index, S.contract.c.bid_sha256, S.contract.c.tender_id, S.contract.c.supplier_id,
            S.organisation.c.code.label("org_code"), S.organisation.c.name.label("org_name"),
            rollup.c.code.label("rollup_code"), S.supplier.c.name.label("supplier"),
            sa.func.coalesce(S.footprint.c.rag_green_pct, 90).label("green"),
            sa.func.coalesce(S.footprint.c.rag_amber_pct, 70).label("amber"),
            sa.func.coalesce(S.footprint.c.return_due_days, 30).label("due_days"),
        )
        .join(S.organisation, S.organisation.c.id == S.contract.c.organisation_id)
        .outerjoin(rollup, rollup.c.id == S.organisation.c.rollup_id)
        .outerjoin(S.footprint, S.footprint.c.id == S.organisation.c.footprint_id)
        .join(S.supplier, S.supplier.c.id == S.contract.c.supplier_id)
        .where(*scope.where())
        .order_by(S.contract.c.code)
    )  # fmt: skip
    return list(conn.execute(query))


def kpi_totals(conn: sa.Connection, scope: Scope, through: int) -> list[sa.Row[Any]]:
    """Per KPI of the contracts in scope, through quarter index ``through``: phased commitment, delivered and £.

    Every KPI is listed, with zeros when none of its quarters has ended."""
    kpis = sa.select(S.kpi.c.id).where(S.kpi.c.contract_id.in_(scoped(scope)))
    sums = (
        sa.select(
            KP.c.kpi_id,
            sa.func.sum(KP.c.committed_quantity).label("committed"),
            sa.func.sum(sa.func.coalesce(KP.c.delivered_quantity, 0)).label("delivered"),
            sa.func.sum(sa.func.coalesce(KP.c.committed_gross_gbp, 0)).label("committed_gbp"),
            sa.func.sum(sa.func.coalesce(KP.c.delivered_gross_gbp, 0)).label("delivered_gbp"),
            sa.func.sum(sa.func.coalesce(KP.c.delivered_net_gbp, 0)).label("delivered_net_gbp"),
        )
        .where(KP.c.kpi_id.in_(kpis), KP.c.period_index <= through)
        .group_by(KP.c.kpi_id)
        .subquery()
    )  # grouped on the fact table's unique (kpi_id, period_index) first, then joined to the (much smaller) KPI table

    def zero(col: Any) -> Any:
        return sa.func.coalesce(col, 0.0)

    query = (
        sa.select(
            S.kpi.c.contract_id, S.kpi.c.id.label("kpi_id"), S.kpi.c.code, S.kpi.c.unit, S.kpi.c.unit_value_gbp,
            S.kpi.c.net_factor, S.kpi.c.committed_quantity.label("whole_commitment"),
            zero(sums.c.committed).label("committed"), zero(sums.c.delivered).label("delivered"),
            zero(sums.c.committed_gbp).label("committed_gbp"), zero(sums.c.delivered_gbp).label("delivered_gbp"),
            zero(sums.c.delivered_net_gbp).label("delivered_net_gbp"),
        )
        .outerjoin(sums, sums.c.kpi_id == S.kpi.c.id)
        .where(S.kpi.c.contract_id.in_(scoped(scope)))
        .order_by(S.kpi.c.contract_id, S.kpi.c.id)
    )  # fmt: skip
    return list(conn.execute(query))


def returned_periods(conn: sa.Connection, scope: Scope) -> dict[int, set[int]]:
    """Contract id → the quarter indexes that have a current return."""
    sub = S.return_submission
    rows = conn.execute(
        sa.select(sub.c.contract_id, sub.c.period_index).where(sub.c.contract_id.in_(scoped(scope)), sub.c.status == "current")
    )  # fmt: skip
    out: dict[int, set[int]] = {}
    for r in rows:
        out.setdefault(r.contract_id, set()).add(r.period_index)
    return out


def shared_evidence(conn: sa.Connection, scope: Scope) -> list[tuple[str, str, list[str]]]:
    """(quarter, evidence reference, contracts) where one reference backs deliveries on two or more contracts in a quarter.

    One pass finds the references claimed by more than one contract (the lowest and highest contract
    differ); only for those few are the contracts listed."""
    ref = sa.func.lower(sa.func.trim(KP.c.evidence_ref))
    claimed = (
        KP.c.kpi_id.in_(sa.select(S.kpi.c.id).where(S.kpi.c.contract_id.in_(scoped(scope)))),
        KP.c.evidence_ref.is_not(None),
        KP.c.delivered_quantity > 0,
    )
    shared = conn.execute(
        sa.select(KP.c.period_index, ref.label("ref"))
        .where(*claimed)
        .group_by(KP.c.period_index, ref)
        .having(sa.func.min(KP.c.contract_id) != sa.func.max(KP.c.contract_id))
    ).all()
    if not shared:
        return []
    keys = sa.tuple_(KP.c.period_index, ref).in_([(r.period_index, r.ref) for r in shared])
    rows = conn.execute(
        sa.select(KP.c.period, ref.label("ref"), S.contract.c.code)
        .join(S.contract, S.contract.c.id == KP.c.contract_id)
        .where(*claimed, KP.c.period_index.in_({r.period_index for r in shared}), keys)
        .distinct()
        .order_by(KP.c.period, ref, S.contract.c.code)
    )
    grouped: dict[tuple[str, str], list[str]] = {}
    for r in rows:
        grouped.setdefault((r.period, r.ref), []).append(r.code)
    return [(p, ref_, codes) for (p, ref_), codes in grouped.items()]


def shared_commitments(conn: sa.Connection, scope: Scope) -> list[tuple[str, list[str]]]:
    """(why, contracts) where one supplier's commitments from one tender are recorded on two or more contracts."""
    c = S.contract
    groups = (
        sa.select(c.c.tender_id, c.c.supplier_id)
        .where(c.c.id.in_(scoped(scope)))
        .group_by(c.c.tender_id, c.c.supplier_id)
        .having(sa.func.count() > 1)
        .subquery()
    )
    rows = conn.execute(
        sa.select(c.c.code, S.supplier.c.name, S.tender.c.results_file, c.c.tender_id, c.c.supplier_id)
        .join(groups, sa.and_(groups.c.tender_id == c.c.tender_id, groups.c.supplier_id == c.c.supplier_id))
        .join(S.supplier, S.supplier.c.id == c.c.supplier_id)
        .join(S.tender, S.tender.c.id == c.c.tender_id)
        .where(c.c.id.in_(scoped(scope)))
        .order_by(c.c.tender_id, c.c.supplier_id, c.c.code)
    )
    grouped: dict[tuple[int, int], tuple[str, list[str]]] = {}
    for r in rows:
        why = f"{r.name}'s bid in the tender scored in {r.results_file}"
        grouped.setdefault((r.tender_id, r.supplier_id), (why, []))[1].append(r.code)
    return list(grouped.values())
