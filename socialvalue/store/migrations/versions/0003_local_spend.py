"""Local spend and local employment: one record per run, and its tidy aggregates.

Revision ID: 0003
Revises: 0002
Create Date: 2026-05-20

- ``localspend_run``: one row per run of ``socialvalue localspend --store``: what local meant (a footprint or
  LAD codes), the options, rows read, the months covered, and a fingerprint of the inputs (unique: the same
  inputs twice are recorded once); ``localspend_input``: its input files with their SHA-256.
- ``localspend_spend``: rows and £ per paying organisation, month, supplier type, kind and category.
- ``localspend_landing``: placed payments and credits per paying organisation, month and supplier district.
- ``localspend_lm3``: LM3's rounds per organisation and for all together, with the assumptions.
- ``localspend_employment``: staff per organisation and home district after suppression (a suppressed count
  is null, never stored as it was: a check constraint holds it).

Frozen: later changes go in later revisions.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

When = sa.DateTime(timezone=True)
FactId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _fk(column: str, target: str, nullable: bool = False) -> sa.Column[int]:
    return sa.Column(column, sa.Integer, sa.ForeignKey(target), nullable=nullable)


def _fact(name: str, *columns: sa.Column[object]) -> None:
    op.create_table(
        name,
        sa.Column("id", FactId, primary_key=True, autoincrement=True),
        _fk("run_id", "localspend_run.id"),
        _fk("organisation_id", "organisation.id", nullable=True),
        sa.Column(
            "organisation", sa.String(300), nullable=False, comment="the organisation reported (after successions)"
        ),
        sa.Column("paid_by", sa.String(300), nullable=False, comment="as the spend file names it, before successions"),
        sa.Column("place_gss", sa.String(9), comment="the paying organisation's place; null: none or not known"),
        sa.Column("month", sa.String(7), comment="2024-07; null: no readable payment date"),
        sa.Column("period_index", sa.Integer, comment="year * 4 + quarter - 1 of the month"),
        *columns,
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("amount_gbp", sa.Double, nullable=False),
    )
    op.create_index(f"ix_{name}_organisation_id", name, ["organisation_id"])
    op.create_index(f"ix_{name}_run_organisation_month", name, ["run_id", "paid_by", "month"])


def upgrade() -> None:
    op.create_table(
        "localspend_run",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "fingerprint",
            sa.String(64),
            nullable=False,
            unique=True,
            comment="SHA-256 of the inputs, local area and options",
        ),
        sa.Column("scope", sa.String(400), nullable=False, comment="footprint:QYG, or lad: and the LAD codes"),
        _fk("footprint_id", "footprint.id", nullable=True),
        sa.Column("local_area", sa.Text, nullable=False, comment="what local meant, as shown"),
        sa.Column("local_area_codes", sa.Text, nullable=False, comment="the local LAD codes, comma-separated"),
        sa.Column(
            "options", sa.Text, nullable=False, server_default="{}", comment="JSON: LM3 shares, suppression, ..."
        ),
        sa.Column("rows_read", sa.Integer, nullable=False),
        sa.Column("first_month", sa.String(7), comment="2024-04: the first month with a dated payment"),
        sa.Column("last_month", sa.String(7)),
        sa.Column("suppress_under", sa.Integer, nullable=False),
        sa.Column("recorded_at", When, nullable=False),
        sa.Column("tool", sa.String(80), nullable=False, server_default=""),
    )
    op.create_index("ix_localspend_run_scope", "localspend_run", ["scope"])
    op.create_index("ix_localspend_run_footprint_id", "localspend_run", ["footprint_id"])
    op.create_table(
        "localspend_input",
        sa.Column("id", sa.Integer, primary_key=True),
        _fk("run_id", "localspend_run.id"),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("file_name", sa.String(300), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
    )
    op.create_index("ix_localspend_input_run_id", "localspend_input", ["run_id"])
    _fact(
        "localspend_spend",
        sa.Column("organisation_name", sa.String(300), nullable=False),
        sa.Column("supplier_type", sa.String(12), nullable=False, comment="VCSE, SME, Other, Unknown"),
        sa.Column("kind", sa.String(12), nullable=False, comment="payment, credit, zero, no-amount, blank-row"),
        sa.Column("category", sa.String(24), nullable=False, comment="local, not-local, or why not placed"),
    )
    _fact(
        "localspend_landing",
        sa.Column("district", sa.String(9), nullable=False, comment="the supplier's local authority district"),
        sa.Column("local", sa.Boolean, nullable=False),
        sa.Column("kind", sa.String(12), nullable=False, comment="payment or credit"),
    )
    op.create_table(
        "localspend_lm3",
        sa.Column("id", sa.Integer, primary_key=True),
        _fk("run_id", "localspend_run.id"),
        _fk("organisation_id", "organisation.id", nullable=True),
        sa.Column("organisation", sa.String(300), comment="null: all organisations of the run together"),
        *(
            sa.Column(f"{name}_gbp", sa.Double, nullable=False)
            for name in (
                "r1_payments",
                "r1_staff_pay",
                "r2_local_suppliers",
                "r2_local_staff_pay",
                "r3_suppliers",
                "r3_staff",
                "r1",
                "r2",
            )
        ),
        sa.Column("r3_gbp", sa.Double, comment="null: round 3 not worked out (no survey answers or stated shares)"),
        sa.Column("lm3", sa.Double, comment="(R1 + R2 + R3) / R1; null when round 3 is not worked out"),
        sa.Column("assumptions", sa.Text, nullable=False, server_default="", comment="one a line"),
    )
    op.create_index("ix_localspend_lm3_run_id", "localspend_lm3", ["run_id"])
    op.create_table(
        "localspend_employment",
        sa.Column("id", sa.Integer, primary_key=True),
        _fk("run_id", "localspend_run.id"),
        _fk("organisation_id", "organisation.id", nullable=True),
        sa.Column("organisation", sa.String(300), comment="null: all organisations of the run together"),
        sa.Column("district", sa.String(9), comment="home district (local ones one by one); null for the other lines"),
        sa.Column("local", sa.Boolean, nullable=False),
        sa.Column(
            "category", sa.String(32), nullable=False, comment="local, not-local, living-locally, all-staff, ..."
        ),
        sa.Column("headcount", sa.Integer, comment="null when suppressed"),
        sa.Column("fte", sa.Double, comment="null when suppressed or not given"),
        sa.Column("suppressed", sa.Boolean, nullable=False),
        sa.CheckConstraint(
            "NOT suppressed OR (headcount IS NULL AND fte IS NULL)", name="ck_localspend_employment_suppressed_is_null"
        ),
    )
    op.create_index("ix_localspend_employment_run_id", "localspend_employment", ["run_id"])


def downgrade() -> None:
    for name in (
        "localspend_employment",
        "localspend_lm3",
        "localspend_landing",
        "localspend_spend",
        "localspend_input",
    ):
        op.drop_table(name)
    op.drop_table("localspend_run")
