"""Queries behind contract status: sums per KPI to a quarter, returns received, double counting.

Everything is aggregated in the database (GROUP BY over ``kpi_period``); Python only sees one row
per KPI, per contract or per finding.
"""

from __future__ import annotations

from collections.abc import Sequence
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


def contracts(conn: sa.Connection, scope: Scope) -> list[sa.Row[Any]]:
    """Each contract with its organisation, roll-up, supplier and the thresholds of its footprint."""
    rollup = S.organisation.alias("rollup")
    query = (
        sa.select(
            S.contract.c.id, S.contract.c.code, S.contract.c.title, S.contract.c.first_period_index,
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


def kpi_totals(conn: sa.Connection, contract_ids: Sequence[int], through: int) -> list[sa.Row[Any]]:
    """Per KPI of these contracts, through quarter index ``through``: phased commitment, delivered, £ and grades."""
    upto = KP.c.period_index <= through
    delivered = sa.func.coalesce(KP.c.delivered_quantity, 0)

    def upto_sum(col: Any) -> Any:
        return sa.func.sum(sa.case((upto, col), else_=0))

    sums = (
        sa.select(
            KP.c.contract_id,
            KP.c.kpi_id,
            upto_sum(KP.c.committed_quantity).label("committed"),
            upto_sum(delivered).label("delivered"),
            sa.func.sum(delivered).label("delivered_all"),
            upto_sum(sa.func.coalesce(KP.c.committed_gross_gbp, 0)).label("committed_gbp"),
            upto_sum(sa.func.coalesce(KP.c.delivered_gross_gbp, 0)).label("delivered_gbp"),
            upto_sum(sa.func.coalesce(KP.c.delivered_net_gbp, 0)).label("delivered_net_gbp"),
            sa.func.sum(sa.case((KP.c.evidence_grade == "verified", 1), else_=0)).label("verified"),
            sa.func.sum(sa.case((KP.c.evidence_grade == "documented", 1), else_=0)).label("documented"),
            sa.func.sum(sa.case((KP.c.evidence_grade == "self-reported", 1), else_=0)).label("self_reported"),
        )
        .where(KP.c.contract_id.in_(contract_ids))
        .group_by(KP.c.contract_id, KP.c.kpi_id)
        .subquery()
    )  # grouped on the fact table's own keys first, then joined to the (much smaller) KPI table
    query = (
        sa.select(
            sums, S.kpi.c.code, S.kpi.c.unit, S.kpi.c.unit_value_gbp, S.kpi.c.net_factor,
            S.kpi.c.committed_quantity.label("whole_commitment"),
        )
        .join(S.kpi, S.kpi.c.id == sums.c.kpi_id)
        .order_by(sums.c.contract_id, sums.c.kpi_id)
    )  # fmt: skip
    return list(conn.execute(query))


def returned_periods(conn: sa.Connection, contract_ids: Sequence[int]) -> dict[int, set[int]]:
    """Contract id → the quarter indexes that have a current return."""
    sub = S.return_submission
    rows = conn.execute(
        sa.select(sub.c.contract_id, sub.c.period_index).where(sub.c.contract_id.in_(contract_ids), sub.c.status == "current")
    )  # fmt: skip
    out: dict[int, set[int]] = {}
    for r in rows:
        out.setdefault(r.contract_id, set()).add(r.period_index)
    return out


def shared_evidence(conn: sa.Connection, contract_ids: Sequence[int]) -> list[tuple[str, str, list[str]]]:
    """(quarter, evidence reference, contracts) where one reference backs deliveries on two or more contracts in a quarter."""
    ref = sa.func.lower(sa.func.trim(KP.c.evidence_ref))
    dup = (
        sa.select(KP.c.period_index, ref.label("ref"))
        .where(KP.c.contract_id.in_(contract_ids), KP.c.evidence_ref.is_not(None), KP.c.delivered_quantity > 0)
        .group_by(KP.c.period_index, ref)
        .having(sa.func.count(sa.distinct(KP.c.contract_id)) > 1)
        .subquery()
    )
    rows = conn.execute(
        sa.select(KP.c.period, dup.c.ref, S.contract.c.code)
        .join(dup, sa.and_(dup.c.period_index == KP.c.period_index, dup.c.ref == ref))
        .join(S.contract, S.contract.c.id == KP.c.contract_id)
        .where(KP.c.contract_id.in_(contract_ids), KP.c.delivered_quantity > 0)
        .distinct()
        .order_by(KP.c.period, dup.c.ref, S.contract.c.code)
    )
    grouped: dict[tuple[str, str], list[str]] = {}
    for r in rows:
        grouped.setdefault((r.period, r.ref), []).append(r.code)
    return [(p, ref_, codes) for (p, ref_), codes in grouped.items()]


def shared_commitments(conn: sa.Connection, contract_ids: Sequence[int]) -> list[tuple[str, list[str]]]:
    """(why, contracts) where one supplier's commitments from one tender are recorded on two or more contracts."""
    c = S.contract
    groups = (
        sa.select(c.c.tender_id, c.c.supplier_id)
        .where(c.c.id.in_(contract_ids))
        .group_by(c.c.tender_id, c.c.supplier_id)
        .having(sa.func.count() > 1)
        .subquery()
    )
    rows = conn.execute(
        sa.select(c.c.code, S.supplier.c.name, S.tender.c.results_file, c.c.tender_id, c.c.supplier_id)
        .join(groups, sa.and_(groups.c.tender_id == c.c.tender_id, groups.c.supplier_id == c.c.supplier_id))
        .join(S.supplier, S.supplier.c.id == c.c.supplier_id)
        .join(S.tender, S.tender.c.id == c.c.tender_id)
        .where(c.c.id.in_(contract_ids))
        .order_by(c.c.tender_id, c.c.supplier_id, c.c.code)
    )
    grouped: dict[tuple[int, int], tuple[str, list[str]]] = {}
    for r in rows:
        why = f"{r.name}'s bid in the tender scored in {r.results_file}"
        grouped.setdefault((r.tender_id, r.supplier_id), (why, []))[1].append(r.code)
    return list(grouped.values())
