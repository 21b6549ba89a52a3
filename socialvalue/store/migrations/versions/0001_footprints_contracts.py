"""Footprints, organisations, tenders, contracts, KPIs and the phased commitment per quarter.

Revision ID: 0001
Revises:
Create Date: 2026-05-01

Frozen: this is the store as it was first made. Later changes go in later revisions.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

When = sa.DateTime(timezone=True)


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer, primary_key=True)


def _fk(column: str, target: str, nullable: bool = False) -> sa.Column[int]:
    return sa.Column(column, sa.Integer, sa.ForeignKey(target), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "footprint",
        _id(),
        sa.Column("code", sa.String(16), nullable=False, unique=True, comment="ICB ODS code, e.g. QYG"),
        sa.Column("gss", sa.String(9), comment="ONS code, e.g. E54000008"),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", When, nullable=False),
    )
    op.create_table(
        "place",
        _id(),
        _fk("footprint_id", "footprint.id"),
        sa.Column("gss", sa.String(9), nullable=False, comment="local authority district"),
        sa.Column("name", sa.String(200), nullable=False),
        sa.UniqueConstraint("footprint_id", "gss"),
    )
    op.create_table(
        "organisation",
        _id(),
        sa.Column("scheme", sa.String(8), nullable=False, comment="ods, gss, charity or company"),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        _fk("footprint_id", "footprint.id", nullable=True),
        _fk("place_id", "place.id", nullable=True),
        sa.Column("postcode", sa.String(10)),
        sa.Column("opened", sa.Date),
        sa.Column("closed", sa.Date),
        _fk("successor_id", "organisation.id", nullable=True),
        sa.Column("succeeded_on", sa.Date),
        sa.Column("former_name", sa.String(300), nullable=False, server_default=""),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.UniqueConstraint("scheme", "code"),
    )
    op.create_index("ix_organisation_footprint_id", "organisation", ["footprint_id"])
    op.create_index("ix_organisation_place_id", "organisation", ["place_id"])
    op.create_table(
        "supplier",
        _id(),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("company_number", sa.String(16)),
        sa.Column("postcode", sa.String(10)),
        sa.Column("is_sme", sa.Boolean),
        sa.Column("is_vcse", sa.Boolean),
    )
    op.create_index("ix_supplier_company_number", "supplier", ["company_number"])
    op.create_table(
        "theme",
        _id(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("model_theme", sa.String(40), nullable=False, server_default="", comment="Social Value Model theme"),
        sa.UniqueConstraint("name", "model_theme"),
    )
    op.create_table(
        "measure",
        _id(),
        sa.Column("rubric_id", sa.String(80), nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("unit", sa.String(40), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        _fk("theme_id", "theme.id"),
        sa.Column("value_code", sa.String(80), nullable=False, server_default=""),
        sa.UniqueConstraint("rubric_id", "code", "unit"),
    )
    op.create_table(
        "tender",
        _id(),
        sa.Column("rubric_id", sa.String(80), nullable=False),
        sa.Column("rubric_version", sa.String(40), nullable=False),
        sa.Column("rubric_title", sa.String(300), nullable=False),
        sa.Column("rubric_fingerprint", sa.String(64), nullable=False),
        sa.Column("value_set", sa.String(200), nullable=False, server_default=""),
        sa.Column("value_set_version", sa.String(40), nullable=False, server_default=""),
        sa.Column("value_set_illustrative", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("results_file", sa.String(300), nullable=False),
        sa.Column("results_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("tool", sa.String(80), nullable=False, server_default=""),
    )
    op.create_table(
        "contract",
        _id(),
        sa.Column("code", sa.String(80), nullable=False, unique=True, comment="the buyer's contract reference"),
        sa.Column("title", sa.String(300), nullable=False, server_default=""),
        _fk("organisation_id", "organisation.id"),
        _fk("supplier_id", "supplier.id"),
        _fk("tender_id", "tender.id"),
        sa.Column("bid_file", sa.String(300), nullable=False),
        sa.Column("bid_sha256", sa.String(64), nullable=False),
        sa.Column("contract_value_gbp", sa.Double),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("end_date", sa.Date, nullable=False),
        sa.Column("first_period_index", sa.Integer, nullable=False),
        sa.Column("last_period_index", sa.Integer, nullable=False),
        sa.Column("phasing", sa.String(300), nullable=False, server_default="even"),
        sa.Column("awarded_at", When, nullable=False),
    )
    for column in ("organisation_id", "supplier_id", "tender_id", "bid_sha256"):
        op.create_index(f"ix_contract_{column}", "contract", [column])
    op.create_table(
        "kpi",
        _id(),
        _fk("contract_id", "contract.id"),
        _fk("measure_id", "measure.id"),
        _fk("theme_id", "theme.id"),
        sa.Column("code", sa.String(40), nullable=False, comment="the measure's code in the tender's rubric"),
        sa.Column("unit", sa.String(40), nullable=False),
        sa.Column("committed_quantity", sa.Double, nullable=False, comment="as the supplier committed"),
        sa.Column("counted_quantity", sa.Double, nullable=False, comment="as scored (after any cap)"),
        sa.Column("unit_value_gbp", sa.Double, comment="£ per unit; none for counts"),
        sa.Column("value_code", sa.String(80), nullable=False, server_default=""),
        sa.Column("value_source", sa.String(300), nullable=False, server_default=""),
        sa.Column("deadweight_pct", sa.Double, nullable=False, server_default="0"),
        sa.Column("displacement_pct", sa.Double, nullable=False, server_default="0"),
        sa.Column("attribution_pct", sa.Double, nullable=False, server_default="0"),
        sa.Column("net_factor", sa.Double, nullable=False, server_default="1"),
        sa.Column("bid_cell", sa.String(60), nullable=False, server_default=""),
        sa.Column("bid_evidence", sa.Text, nullable=False, server_default=""),
        sa.UniqueConstraint("contract_id", "code"),
    )
    op.create_index("ix_kpi_measure_id", "kpi", ["measure_id"])
    op.create_table(
        "kpi_period",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True),
        _fk("kpi_id", "kpi.id"),
        _fk("contract_id", "contract.id"),
        _fk("organisation_id", "organisation.id"),
        _fk("footprint_id", "footprint.id", nullable=True),
        _fk("measure_id", "measure.id"),
        _fk("theme_id", "theme.id"),
        sa.Column("period", sa.String(6), nullable=False, comment="2026Q3"),
        sa.Column("year", sa.SmallInteger, nullable=False),
        sa.Column("quarter", sa.SmallInteger, nullable=False),
        sa.Column("period_index", sa.Integer, nullable=False, comment="year * 4 + quarter - 1"),
        sa.Column("committed_quantity", sa.Double, nullable=False, comment="phased commitment for this quarter"),
        sa.Column("unit_value_gbp", sa.Double),
        sa.Column("net_factor", sa.Double, nullable=False),
        sa.Column("committed_gross_gbp", sa.Double),
        sa.Column("committed_net_gbp", sa.Double),
        sa.UniqueConstraint("kpi_id", "period_index"),
    )
    op.create_index("ix_kpi_period_measure_id", "kpi_period", ["measure_id"])
    op.create_index("ix_kpi_period_theme_id", "kpi_period", ["theme_id"])
    op.create_index("ix_kpi_period_footprint_period", "kpi_period", ["footprint_id", "period_index"])
    op.create_index("ix_kpi_period_organisation_period", "kpi_period", ["organisation_id", "period_index"])
    op.create_index("ix_kpi_period_contract_period", "kpi_period", ["contract_id", "period_index"])


def downgrade() -> None:
    for table in ("kpi_period", "kpi", "contract", "tender", "measure", "theme", "supplier", "organisation", "place", "footprint"):  # fmt: skip
        op.drop_table(table)
