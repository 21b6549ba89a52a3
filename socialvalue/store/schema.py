"""The store's tables as they stand at the newest migration (documented in docs/footprint.md).

Shaped for reports that aggregate in the database: integer surrogate keys; small dimension tables
(footprint, place, organisation, supplier, theme, measure, tender, contract, kpi); one fact table,
``kpi_period``, with a row per contract KPI per quarter holding the phased commitment, what was
delivered, £ per unit, the net factor, the £ figures already multiplied out, the evidence grade and
the return it came from. Its dimension keys are copied onto each row (they never change for a KPI)
so a report groups by organisation, theme, measure and quarter with one join to a small table at most.

Migrations (``socialvalue/store/migrations``) are the source of truth for existing stores;
``tests/test_store_migrations.py`` checks that upgrading to head gives exactly these tables.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData(
    naming_convention={
        "pk": "pk_%(table_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    }
)

Id = sa.Integer
FactId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
"""The fact table's key: 64-bit on PostgreSQL (40 million rows nationally and growing), SQLite's rowid there."""
Money = sa.Double
Code = sa.String(40)
Sha = sa.String(64)
When = sa.DateTime(timezone=True)


def _fk(column: str, target: str, nullable: bool = False, index: bool = False) -> sa.Column[int]:
    return sa.Column(column, Id, sa.ForeignKey(target), nullable=nullable, index=index)


footprint = sa.Table(
    "footprint",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("code", sa.String(16), nullable=False, unique=True, comment="ICB ODS code, e.g. QYG"),
    sa.Column("gss", sa.String(9), comment="ONS code, e.g. E54000008"),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("created_at", When, nullable=False),
    sa.Column("rag_green_pct", sa.Double, nullable=False, server_default="90"),
    sa.Column("rag_amber_pct", sa.Double, nullable=False, server_default="70"),
    sa.Column("return_due_days", sa.Integer, nullable=False, server_default="30"),
)

place = sa.Table(
    "place",
    metadata,
    sa.Column("id", Id, primary_key=True),
    _fk("footprint_id", "footprint.id"),
    sa.Column("gss", sa.String(9), nullable=False, comment="local authority district"),
    sa.Column("name", sa.String(200), nullable=False),
    sa.UniqueConstraint("footprint_id", "gss"),
)

organisation = sa.Table(
    "organisation",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("scheme", sa.String(8), nullable=False, comment="ods, gss, charity or company"),
    sa.Column("code", sa.String(16), nullable=False),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("kind", sa.String(12), nullable=False),
    _fk("footprint_id", "footprint.id", nullable=True, index=True),
    _fk("place_id", "place.id", nullable=True, index=True),
    sa.Column("postcode", sa.String(10)),
    sa.Column("opened", sa.Date),
    sa.Column("closed", sa.Date),
    _fk("successor_id", "organisation.id", nullable=True),
    sa.Column("succeeded_on", sa.Date),
    sa.Column("former_name", sa.String(300), nullable=False, server_default=""),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
    _fk("rollup_id", "organisation.id", nullable=True, index=True),
    sa.UniqueConstraint("scheme", "code"),
)
"""``rollup_id``: the organisation this one's records roll up under today (itself when it carries on),
kept by the store whenever successions change, so reports group by it without following chains."""

supplier = sa.Table(
    "supplier",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("name", sa.String(300), nullable=False),
    sa.Column("company_number", sa.String(16), index=True),
    sa.Column("postcode", sa.String(10)),
    sa.Column("is_sme", sa.Boolean),
    sa.Column("is_vcse", sa.Boolean),
)

theme = sa.Table(
    "theme",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("model_theme", sa.String(40), nullable=False, server_default="", comment="Social Value Model theme"),
    sa.UniqueConstraint("name", "model_theme"),
)

measure = sa.Table(
    "measure",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("rubric_id", sa.String(80), nullable=False),
    sa.Column("code", Code, nullable=False),
    sa.Column("unit", sa.String(40), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    _fk("theme_id", "theme.id"),
    sa.Column("value_code", sa.String(80), nullable=False, server_default=""),
    sa.UniqueConstraint("rubric_id", "code", "unit"),
)

tender = sa.Table(
    "tender",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("rubric_id", sa.String(80), nullable=False),
    sa.Column("rubric_version", sa.String(40), nullable=False),
    sa.Column("rubric_title", sa.String(300), nullable=False),
    sa.Column("rubric_fingerprint", Sha, nullable=False),
    sa.Column("value_set", sa.String(200), nullable=False, server_default=""),
    sa.Column("value_set_version", sa.String(40), nullable=False, server_default=""),
    sa.Column("value_set_illustrative", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("results_file", sa.String(300), nullable=False),
    sa.Column("results_sha256", Sha, nullable=False, unique=True),
    sa.Column("tool", sa.String(80), nullable=False, server_default=""),
)

contract = sa.Table(
    "contract",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("code", sa.String(80), nullable=False, unique=True, comment="the buyer's contract reference"),
    sa.Column("title", sa.String(300), nullable=False, server_default=""),
    _fk("organisation_id", "organisation.id", index=True),
    _fk("supplier_id", "supplier.id", index=True),
    _fk("tender_id", "tender.id", index=True),
    sa.Column("bid_file", sa.String(300), nullable=False),
    sa.Column("bid_sha256", Sha, nullable=False, index=True),
    sa.Column("contract_value_gbp", Money),
    sa.Column("start_date", sa.Date, nullable=False),
    sa.Column("end_date", sa.Date, nullable=False),
    sa.Column("first_period_index", sa.Integer, nullable=False),
    sa.Column("last_period_index", sa.Integer, nullable=False),
    sa.Column("phasing", sa.String(300), nullable=False, server_default="even"),
    sa.Column("awarded_at", When, nullable=False),
)

kpi = sa.Table(
    "kpi",
    metadata,
    sa.Column("id", Id, primary_key=True),
    _fk("contract_id", "contract.id"),
    _fk("measure_id", "measure.id", index=True),
    _fk("theme_id", "theme.id"),
    sa.Column("code", Code, nullable=False, comment="the measure's code in the tender's rubric"),
    sa.Column("unit", sa.String(40), nullable=False),
    sa.Column("committed_quantity", sa.Double, nullable=False, comment="as the supplier committed"),
    sa.Column("counted_quantity", sa.Double, nullable=False, comment="as scored (after any cap)"),
    sa.Column("unit_value_gbp", Money, comment="£ per unit; none for counts"),
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

return_submission = sa.Table(
    "return_submission",
    metadata,
    sa.Column("id", Id, primary_key=True),
    _fk("contract_id", "contract.id"),
    sa.Column("period", sa.String(6), nullable=False),
    sa.Column("period_index", sa.Integer, nullable=False),
    sa.Column("file_name", sa.String(300), nullable=False),
    sa.Column("sha256", Sha, nullable=False),
    sa.Column("received_at", When, nullable=False),
    sa.Column("status", sa.String(12), nullable=False, comment="current or superseded"),
    _fk("supersedes_id", "return_submission.id", nullable=True),
    sa.Column("superseded_at", When),
    sa.Column("changes", sa.Text, nullable=False, server_default="", comment="what changed from the one it supersedes"),
    sa.UniqueConstraint("contract_id", "period_index", "sha256"),
    sa.Index(
        "uq_return_submission_current",
        "contract_id",
        "period_index",
        unique=True,
        sqlite_where=sa.text("status = 'current'"),
        postgresql_where=sa.text("status = 'current'"),
    ),
)

return_line = sa.Table(
    "return_line",
    metadata,
    sa.Column("id", Id, primary_key=True),
    _fk("submission_id", "return_submission.id"),
    _fk("kpi_id", "kpi.id", index=True),
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

kpi_period = sa.Table(
    "kpi_period",
    metadata,
    sa.Column("id", FactId, primary_key=True, autoincrement=True),
    _fk("kpi_id", "kpi.id"),
    _fk("contract_id", "contract.id"),
    _fk("organisation_id", "organisation.id"),
    _fk("footprint_id", "footprint.id", nullable=True),
    _fk("measure_id", "measure.id", index=True),
    _fk("theme_id", "theme.id", index=True),
    sa.Column("period", sa.String(6), nullable=False, comment="2026Q3"),
    sa.Column("year", sa.SmallInteger, nullable=False),
    sa.Column("quarter", sa.SmallInteger, nullable=False),
    sa.Column("period_index", sa.Integer, nullable=False, comment="year * 4 + quarter - 1"),
    sa.Column("committed_quantity", sa.Double, nullable=False, comment="phased commitment for this quarter"),
    sa.Column("unit_value_gbp", Money),
    sa.Column("net_factor", sa.Double, nullable=False),
    sa.Column("committed_gross_gbp", Money),
    sa.Column("committed_net_gbp", Money),
    sa.Column("delivered_quantity", sa.Double, comment="none until a return reports this quarter"),
    sa.Column("delivered_gross_gbp", Money),
    sa.Column("delivered_net_gbp", Money),
    sa.Column("evidence_grade", sa.String(16)),
    sa.Column("evidence_ref", sa.String(300)),
    _fk("return_id", "return_submission.id", nullable=True, index=True),
    sa.UniqueConstraint("kpi_id", "period_index"),
    sa.Index("ix_kpi_period_footprint_period", "footprint_id", "period_index"),
    sa.Index("ix_kpi_period_organisation_period", "organisation_id", "period_index"),
    sa.Index("ix_kpi_period_contract_period", "contract_id", "period_index"),
)

GRADES = ("self-reported", "documented", "verified")
"""Evidence grades, weakest first: the supplier's word; documents seen; checked by the contract manager."""
