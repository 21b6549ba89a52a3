"""The summary table reports total, and each contract's manager.

Revision ID: 0004
Revises: 0003
Create Date: 2026-06-02

- ``kpi_summary``: ``kpi_period`` totalled by footprint, organisation, theme, measure, quarter and
  priced-or-count, with delivered lines and £ by evidence grade; filled here from the fact rows already
  recorded, and kept current from now on by every write to ``kpi_period`` (``socialvalue.store.summary``).
- ``contract`` gains ``manager``: who manages the contract (reviews its returns, grades the evidence).
- ``kpi_period``'s index on ``(footprint_id, period_index)`` also holds ``contract_id``: the contracts behind a
  footprint's quarters are then read from the index alone.

Frozen: later changes go in later revisions.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

FactId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
GRADES = (("verified", "'verified'"), ("documented", "'documented'"), ("self_reported", "'self-reported'"))


def _fk(column: str, target: str, nullable: bool = False) -> sa.Column[int]:
    return sa.Column(column, sa.Integer, sa.ForeignKey(target), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("contract") as batch:
        batch.add_column(
            sa.Column("manager", sa.String(120), nullable=False, server_default="", comment="the contract manager")
        )
    op.create_table(
        "kpi_summary",
        sa.Column("id", FactId, primary_key=True, autoincrement=True),
        _fk("footprint_id", "footprint.id", nullable=True),
        _fk("organisation_id", "organisation.id"),
        _fk("theme_id", "theme.id"),
        _fk("measure_id", "measure.id"),
        sa.Column("period", sa.String(6), nullable=False),
        sa.Column("period_index", sa.Integer, nullable=False),
        sa.Column("priced", sa.Boolean, nullable=False, comment="rows with a £ per unit (true) or counts (false)"),
        sa.Column("kpi_periods", sa.Integer, nullable=False),
        sa.Column("committed_quantity", sa.Double, nullable=False),
        sa.Column("delivered_quantity", sa.Double),
        sa.Column("committed_gross_gbp", sa.Double),
        sa.Column("committed_net_gbp", sa.Double),
        sa.Column("delivered_gross_gbp", sa.Double),
        sa.Column("delivered_net_gbp", sa.Double),
        *(
            column
            for grade in ("verified", "documented", "self_reported", "ungraded")
            for column in (sa.Column(f"{grade}_lines", sa.Integer, nullable=False), sa.Column(f"{grade}_gross_gbp", sa.Double))
        ),
        sa.UniqueConstraint("organisation_id", "period_index", "measure_id", "theme_id", "priced", "footprint_id"),
    )  # fmt: skip
    op.create_index("ix_kpi_summary_footprint_period", "kpi_summary", ["footprint_id", "period_index"])
    op.create_index(
        "ix_kpi_period_footprint_period_contract", "kpi_period", ["footprint_id", "period_index", "contract_id"]
    )
    op.drop_index("ix_kpi_period_footprint_period", "kpi_period")
    delivered = "delivered_quantity IS NOT NULL"
    graded = [(name, f"{delivered} AND evidence_grade = {value}") for name, value in GRADES]
    known = ", ".join(value for _, value in GRADES)
    graded.append(("ungraded", f"{delivered} AND (evidence_grade IS NULL OR evidence_grade NOT IN ({known}))"))
    keys = "footprint_id, organisation_id, theme_id, measure_id, period, period_index"
    priced = "(unit_value_gbp IS NOT NULL)"
    grade_columns = ", ".join(f"{name}_lines, {name}_gross_gbp" for name, _ in graded)
    grade_sums = ", ".join(
        f"COUNT(CASE WHEN {cond} THEN 1 END), SUM(CASE WHEN {cond} THEN delivered_gross_gbp END)" for _, cond in graded
    )
    op.execute(f"""
        INSERT INTO kpi_summary ({keys}, priced, kpi_periods, committed_quantity, delivered_quantity,
            committed_gross_gbp, committed_net_gbp, delivered_gross_gbp, delivered_net_gbp, {grade_columns})
        SELECT {keys}, {priced}, COUNT(*), SUM(committed_quantity), SUM(delivered_quantity), SUM(committed_gross_gbp),
            SUM(committed_net_gbp), SUM(delivered_gross_gbp), SUM(delivered_net_gbp), {grade_sums}
        FROM kpi_period GROUP BY {keys}, {priced}""")


def downgrade() -> None:
    op.create_index("ix_kpi_period_footprint_period", "kpi_period", ["footprint_id", "period_index"])
    op.drop_index("ix_kpi_period_footprint_period_contract", "kpi_period")
    op.drop_index("ix_kpi_summary_footprint_period", "kpi_summary")
    op.drop_table("kpi_summary")
    with op.batch_alter_table("contract") as batch:
        batch.drop_column("manager")
