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
    sa.Column("manager", sa.String(120), nullable=False, server_default="", comment="the contract manager"),
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
    sa.Index("ix_kpi_period_footprint_period_contract", "footprint_id", "period_index", "contract_id"),
    sa.Index("ix_kpi_period_organisation_period", "organisation_id", "period_index"),
    sa.Index("ix_kpi_period_contract_period", "contract_id", "period_index"),
)

kpi_summary = sa.Table(
    "kpi_summary",
    metadata,
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
    sa.Column("committed_gross_gbp", Money),
    sa.Column("committed_net_gbp", Money),
    sa.Column("delivered_gross_gbp", Money),
    sa.Column("delivered_net_gbp", Money),
    *(
        column
        for grade in ("verified", "documented", "self_reported", "ungraded")
        for column in (
            sa.Column(f"{grade}_lines", sa.Integer, nullable=False),
            sa.Column(f"{grade}_gross_gbp", Money),
        )
    ),
    sa.UniqueConstraint("organisation_id", "period_index", "measure_id", "theme_id", "priced", "footprint_id"),
    sa.Index("ix_kpi_summary_footprint_period", "footprint_id", "period_index"),
)
"""``kpi_period`` totalled by footprint, organisation, theme, measure, quarter and priced-or-count (about 30 times
fewer rows), kept current by every write to ``kpi_period`` in the same transaction (:mod:`.summary`): reports
and national roll-ups total this instead of the fact table. Sums are null where every row summed was null, as
``SUM`` gives; ``*_lines`` count the rows with a delivered figure by evidence grade (``ungraded``: none recorded)."""

GRADES = ("self-reported", "documented", "verified")
"""Evidence grades, weakest first: the supplier's word; documents seen; checked by the contract manager."""

# --- local spend and local employment (issue 11; written by socialvalue.localspend.store) ----------------------

Text300 = sa.String(300)
"""An organisation's code as reported, or its name when a spend file names one no map knows."""

localspend_run = sa.Table(
    "localspend_run",
    metadata,
    sa.Column("id", Id, primary_key=True),
    sa.Column("fingerprint", Sha, nullable=False, unique=True, comment="SHA-256 of the inputs, local area and options"),
    sa.Column("scope", sa.String(400), nullable=False, index=True, comment="footprint:QYG, or lad: and the LAD codes"),
    _fk("footprint_id", "footprint.id", nullable=True, index=True),
    sa.Column("local_area", sa.Text, nullable=False, comment="what local meant, as shown"),
    sa.Column("local_area_codes", sa.Text, nullable=False, comment="the local LAD codes, comma-separated"),
    sa.Column("options", sa.Text, nullable=False, server_default="{}", comment="JSON: LM3 shares, suppression, ..."),
    sa.Column("rows_read", sa.Integer, nullable=False),
    sa.Column("first_month", sa.String(7), comment="2024-04: the first month with a dated payment"),
    sa.Column("last_month", sa.String(7)),
    sa.Column("suppress_under", sa.Integer, nullable=False),
    sa.Column("recorded_at", When, nullable=False),
    sa.Column("tool", sa.String(80), nullable=False, server_default=""),
)

localspend_input = sa.Table(
    "localspend_input",
    metadata,
    sa.Column("id", Id, primary_key=True),
    _fk("run_id", "localspend_run.id", index=True),
    sa.Column("role", sa.String(40), nullable=False),
    sa.Column("file_name", sa.String(300), nullable=False),
    sa.Column("sha256", Sha, nullable=False),
)


def _localspend_fact(name: str, *columns: sa.Column[object] | sa.Constraint | sa.Index) -> sa.Table:
    """A fact table of a local-spend run: the run, the paying organisation (as the file names it, and as reported
    after successions), its place, and the month with its quarter's ``period_index`` (as ``kpi_period`` keys it)."""
    return sa.Table(
        name,
        metadata,
        sa.Column("id", FactId, primary_key=True, autoincrement=True),
        _fk("run_id", "localspend_run.id"),
        _fk("organisation_id", "organisation.id", nullable=True, index=True),
        sa.Column("organisation", Text300, nullable=False, comment="the organisation reported (after successions)"),
        sa.Column("paid_by", Text300, nullable=False, comment="as the spend file names it, before successions"),
        sa.Column("place_gss", sa.String(9), comment="the paying organisation's place; null: none or not known"),
        sa.Column("month", sa.String(7), comment="2024-07; null: no readable payment date"),
        sa.Column("period_index", sa.Integer, comment="year * 4 + quarter - 1 of the month"),
        *columns,
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("amount_gbp", Money, nullable=False),
        sa.Index(f"ix_{name}_run_organisation_month", "run_id", "paid_by", "month"),
    )


localspend_spend = _localspend_fact(
    "localspend_spend",
    sa.Column("organisation_name", Text300, nullable=False),
    sa.Column("supplier_type", sa.String(12), nullable=False, comment="VCSE, SME, Other, Unknown"),
    sa.Column("kind", sa.String(12), nullable=False, comment="payment, credit, zero, no-amount, blank-row"),
    sa.Column("category", sa.String(24), nullable=False, comment="local, not-local, or why not placed"),
)
"""Rows and £ per organisation, month, supplier type, kind and category: every row read, in one cell."""

localspend_landing = _localspend_fact(
    "localspend_landing",
    sa.Column("district", sa.String(9), nullable=False, comment="the supplier's local authority district"),
    sa.Column("local", sa.Boolean, nullable=False),
    sa.Column("kind", sa.String(12), nullable=False, comment="payment or credit"),
)
"""Placed payments and credits per organisation, month and the supplier's district."""

localspend_lm3 = sa.Table(
    "localspend_lm3",
    metadata,
    sa.Column("id", Id, primary_key=True),
    _fk("run_id", "localspend_run.id", index=True),
    _fk("organisation_id", "organisation.id", nullable=True),
    sa.Column("organisation", Text300, comment="null: all organisations of the run together"),
    sa.Column("r1_payments_gbp", Money, nullable=False),
    sa.Column("r1_staff_pay_gbp", Money, nullable=False),
    sa.Column("r2_local_suppliers_gbp", Money, nullable=False),
    sa.Column("r2_local_staff_pay_gbp", Money, nullable=False),
    sa.Column("r3_suppliers_gbp", Money, nullable=False),
    sa.Column("r3_staff_gbp", Money, nullable=False),
    sa.Column("r1_gbp", Money, nullable=False),
    sa.Column("r2_gbp", Money, nullable=False),
    sa.Column("r3_gbp", Money, comment="null: round 3 not worked out (no survey answers or stated shares)"),
    sa.Column("lm3", sa.Double, comment="(R1 + R2 + R3) / R1; null when round 3 is not worked out"),
    sa.Column("assumptions", sa.Text, nullable=False, server_default="", comment="one a line"),
)

localspend_employment = sa.Table(
    "localspend_employment",
    metadata,
    sa.Column("id", Id, primary_key=True),
    _fk("run_id", "localspend_run.id", index=True),
    _fk("organisation_id", "organisation.id", nullable=True),
    sa.Column("organisation", Text300, comment="null: all organisations of the run together"),
    sa.Column("district", sa.String(9), comment="home district (local ones one by one); null for the other lines"),
    sa.Column("local", sa.Boolean, nullable=False),
    sa.Column("category", sa.String(32), nullable=False, comment="local, not-local, living-locally, all-staff, ..."),
    sa.Column("headcount", sa.Integer, comment="null when suppressed"),
    sa.Column("fte", sa.Double, comment="null when suppressed or not given"),
    sa.Column("suppressed", sa.Boolean, nullable=False),
    sa.CheckConstraint("NOT suppressed OR (headcount IS NULL AND fte IS NULL)", name="suppressed_is_null"),
)
"""Staff per organisation and home district after suppression: a suppressed count is stored as null, never as it was."""
