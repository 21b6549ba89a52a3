"""The summary table: ``kpi_period`` totalled by footprint, organisation, theme, measure, quarter and priced-or-count.

Reports total ``kpi_summary`` instead of the fact table (a footprint's five years are some 30,000 summary
rows against a million KPI-quarters; a national roll-up reads 1.3 million instead of 40 million). It is
kept current in the same transaction as every write that changes ``kpi_period`` (an award, a return, a
grade): :func:`refresh` recomputes the summary rows of the organisation and quarters written, from the
fact rows themselves, so a summary row is always exactly the GROUP BY of its fact rows.

On PostgreSQL two writers for the same organisation (two returns of its contracts ingested at once)
queue on a transaction-scoped advisory lock before recomputing: the second reads the fact rows after
the first has committed, so neither's figures are lost. SQLite writers already queue on its write lock.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from . import schema as S

KP = S.kpi_period
SUMMARY = S.kpi_summary
LOCK_NAMESPACE = 0x5356
"""First key of the advisory locks taken while refreshing (the second is the organisation's id)."""

GRADE_COLUMNS = {"verified": "verified", "documented": "documented", "self-reported": "self_reported"}
"""Evidence grade → the prefix of its summary columns; any other (none recorded) counts as ``ungraded``."""


def _aggregates() -> list[sa.Label[Any]]:
    delivered = KP.c.delivered_quantity.is_not(None)
    graded = {prefix: sa.and_(delivered, KP.c.evidence_grade == grade) for grade, prefix in GRADE_COLUMNS.items()}
    graded["ungraded"] = sa.and_(
        delivered, sa.or_(KP.c.evidence_grade.is_(None), KP.c.evidence_grade.not_in(list(GRADE_COLUMNS)))
    )
    out = [
        sa.func.count().label("kpi_periods"),
        sa.func.sum(KP.c.committed_quantity).label("committed_quantity"),
        sa.func.sum(KP.c.delivered_quantity).label("delivered_quantity"),
        sa.func.sum(KP.c.committed_gross_gbp).label("committed_gross_gbp"),
        sa.func.sum(KP.c.committed_net_gbp).label("committed_net_gbp"),
        sa.func.sum(KP.c.delivered_gross_gbp).label("delivered_gross_gbp"),
        sa.func.sum(KP.c.delivered_net_gbp).label("delivered_net_gbp"),
    ]
    for prefix, condition in graded.items():
        out.append(sa.func.count(sa.case((condition, 1))).label(f"{prefix}_lines"))
        out.append(sa.func.sum(sa.case((condition, KP.c.delivered_gross_gbp))).label(f"{prefix}_gross_gbp"))
    return out


def summary_query(*where: sa.ColumnElement[bool]) -> sa.Select[Any]:
    """The summary rows of the fact rows matching ``where``, as :data:`~.schema.kpi_summary` holds them."""
    priced = KP.c.unit_value_gbp.is_not(None)
    keys = [KP.c.footprint_id, KP.c.organisation_id, KP.c.theme_id, KP.c.measure_id, KP.c.period, KP.c.period_index]
    return sa.select(*keys, priced.label("priced"), *_aggregates()).where(*where).group_by(*keys, priced)


def _insert(conn: sa.Connection, *where: sa.ColumnElement[bool]) -> None:
    query = summary_query(*where)
    conn.execute(sa.insert(SUMMARY).from_select([c.name for c in query.selected_columns], query))


def refresh(conn: sa.Connection, organisation_id: int, first: int, last: int) -> None:
    """Recompute the summary rows of one organisation for quarter indexes ``first`` to ``last``, in the
    caller's transaction (call it after changing those fact rows)."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(LOCK_NAMESPACE, organisation_id)))
    in_range = SUMMARY.c.period_index.between(first, last)
    conn.execute(sa.delete(SUMMARY).where(SUMMARY.c.organisation_id == organisation_id, in_range))
    _insert(conn, KP.c.organisation_id == organisation_id, KP.c.period_index.between(first, last))


def rebuild(conn: sa.Connection) -> int:
    """Recompute the whole summary from the fact table (after a bulk load that bypassed the store's writes);
    returns how many summary rows it holds."""
    conn.execute(sa.delete(SUMMARY))
    _insert(conn)
    return int(conn.execute(sa.select(sa.func.count()).select_from(SUMMARY)).scalar_one())
