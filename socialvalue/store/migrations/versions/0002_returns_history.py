"""Delivery returns with their history, delivered figures and evidence grades, RAG thresholds, roll-up.

Revision ID: 0002
Revises: 0001
Create Date: 2026-05-08

- ``return_submission`` / ``return_line``: every return file recorded whole, superseded ones kept.
- ``kpi_period`` gains what was delivered (quantity, £ gross and net), the evidence grade and
  reference, and the return it came from.
- ``footprint`` gains its RAG thresholds and the days after a quarter that a return is due.
- ``organisation`` gains ``rollup_id`` (the organisation its records roll up under today),
  filled here from the successions already recorded.

Frozen: later changes go in later revisions.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

When = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("footprint") as batch:
        batch.add_column(sa.Column("rag_green_pct", sa.Double, nullable=False, server_default="90"))
        batch.add_column(sa.Column("rag_amber_pct", sa.Double, nullable=False, server_default="70"))
        batch.add_column(sa.Column("return_due_days", sa.Integer, nullable=False, server_default="30"))

    with op.batch_alter_table("organisation") as batch:
        batch.add_column(sa.Column("rollup_id", sa.Integer, nullable=True))
        batch.create_foreign_key("fk_organisation_rollup_id", "organisation", ["rollup_id"], ["id"])
        batch.create_index("ix_organisation_rollup_id", ["rollup_id"])
    _fill_rollup()

    op.create_table(
        "return_submission",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("contract_id", sa.Integer, sa.ForeignKey("contract.id"), nullable=False),
        sa.Column("period", sa.String(6), nullable=False),
        sa.Column("period_index", sa.Integer, nullable=False),
        sa.Column("file_name", sa.String(300), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("received_at", When, nullable=False),
        sa.Column("status", sa.String(12), nullable=False, comment="current or superseded"),
        sa.Column("supersedes_id", sa.Integer, sa.ForeignKey("return_submission.id"), nullable=True),
        sa.Column("superseded_at", When),
        sa.Column(
            "changes", sa.Text, nullable=False, server_default="", comment="what changed from the one it supersedes"
        ),
        sa.UniqueConstraint("contract_id", "period_index", "sha256"),
    )
    op.create_index(
        "uq_return_submission_current",
        "return_submission",
        ["contract_id", "period_index"],
        unique=True,
        sqlite_where=sa.text("status = 'current'"),
        postgresql_where=sa.text("status = 'current'"),
    )
    op.create_table(
        "return_line",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("return_submission.id"), nullable=False),
        sa.Column("kpi_id", sa.Integer, sa.ForeignKey("kpi.id"), nullable=False),
        sa.Column("delivered_quantity", sa.Double, nullable=False),
        sa.Column("evidence_description", sa.Text, nullable=False, server_default=""),
        sa.Column("evidence_ref", sa.String(300), nullable=False, server_default=""),
        sa.Column("cell", sa.String(60), nullable=False, server_default=""),
        sa.Column("note", sa.Text, nullable=False, server_default="", comment="how a typed value was read"),
        sa.Column("grade", sa.String(16), nullable=False, server_default="self-reported"),
        sa.Column("graded_by", sa.String(120), nullable=False, server_default=""),
        sa.Column("graded_at", When),
        sa.UniqueConstraint("submission_id", "kpi_id"),
    )
    op.create_index("ix_return_line_kpi_id", "return_line", ["kpi_id"])

    with op.batch_alter_table("kpi_period") as batch:
        batch.add_column(sa.Column("delivered_quantity", sa.Double, comment="none until a return reports this quarter"))
        batch.add_column(sa.Column("delivered_gross_gbp", sa.Double))
        batch.add_column(sa.Column("delivered_net_gbp", sa.Double))
        batch.add_column(sa.Column("evidence_grade", sa.String(16)))
        batch.add_column(sa.Column("evidence_ref", sa.String(300)))
        batch.add_column(sa.Column("return_id", sa.Integer, nullable=True))
        batch.create_foreign_key("fk_kpi_period_return_id", "return_submission", ["return_id"], ["id"])
        batch.create_index("ix_kpi_period_return_id", ["return_id"])


def _fill_rollup() -> None:
    """Each organisation's roll-up: follow successors as far as they go (stopping before any circle)."""
    org = sa.table("organisation", sa.column("id", sa.Integer), sa.column("successor_id", sa.Integer),
                   sa.column("rollup_id", sa.Integer))  # fmt: skip
    bind = op.get_bind()
    successor = {row.id: row.successor_id for row in bind.execute(sa.select(org.c.id, org.c.successor_id))}
    for start in successor:
        current, seen = start, {start}
        while (nxt := successor.get(current)) is not None and nxt not in seen:
            seen.add(nxt)
            current = nxt
        bind.execute(sa.update(org).where(org.c.id == start).values(rollup_id=current))


def downgrade() -> None:
    with op.batch_alter_table("kpi_period") as batch:
        batch.drop_index("ix_kpi_period_return_id")
        batch.drop_constraint("fk_kpi_period_return_id", type_="foreignkey")
        for column in ("return_id", "evidence_ref", "evidence_grade", "delivered_net_gbp", "delivered_gross_gbp", "delivered_quantity"):  # fmt: skip
            batch.drop_column(column)
    op.drop_table("return_line")
    op.drop_table("return_submission")
    with op.batch_alter_table("organisation") as batch:
        batch.drop_index("ix_organisation_rollup_id")
        batch.drop_constraint("fk_organisation_rollup_id", type_="foreignkey")
        batch.drop_column("rollup_id")
    with op.batch_alter_table("footprint") as batch:
        for column in ("return_due_days", "rag_amber_pct", "rag_green_pct"):
            batch.drop_column(column)
