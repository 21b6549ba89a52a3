"""Migrations: a store made at the first revision, filled, upgraded to head, loses no row; head matches schema.py."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from socialvalue.store import open_store
from socialvalue.store import schema as S
from socialvalue.store.engine import head_revision, normalise_url, revision_of, revisions, upgrade


def _fill_first_revision(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Rows typed into the tables as revision 0001 made them (read from the database, not from schema.py)."""
    engine = sa.create_engine(normalise_url(url))
    meta = sa.MetaData()
    meta.reflect(engine)
    t = meta.tables
    now = datetime(2026, 5, 1, 9, 30, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(sa.insert(t["footprint"]).values(id=1, code="QYG", gss="E54000008", name="C&M", created_at=now))
        conn.execute(sa.insert(t["place"]).values(id=1, footprint_id=1, gss="E08000012", name="Liverpool"))
        for values in (  # one by one: an executemany takes its columns from the first row
            dict(id=1, scheme="ods", code="QYG", name="ICB", kind="icb", footprint_id=1),
            dict(id=2, scheme="ods", code="27D", name="NHS Cheshire CCG", kind="ccg", footprint_id=1, closed=date(2022, 6, 30), successor_id=1),
            dict(id=3, scheme="ods", code="01C", name="NHS Eastern Cheshire CCG", kind="ccg", footprint_id=1, closed=date(2020, 3, 31), successor_id=2),
            dict(id=4, scheme="ods", code="RBQ", name="LHCH", kind="trust", footprint_id=1, place_id=1),
        ):  # fmt: skip
            conn.execute(sa.insert(t["organisation"]).values(**values))
        conn.execute(sa.insert(t["supplier"]).values(id=1, name="Acme Ltd", company_number="01234567"))
        conn.execute(sa.insert(t["theme"]).values(id=1, name="Local employment", model_theme="wellbeing"))
        conn.execute(sa.insert(t["measure"]).values(id=1, rubric_id="r", code="LE01", unit="FTE-year", description="Jobs", theme_id=1))  # fmt: skip
        conn.execute(sa.insert(t["tender"]).values(id=1, rubric_id="r", rubric_version="1", rubric_title="R", rubric_fingerprint="f" * 64,
                                                   results_file="results.json", results_sha256="a" * 64))  # fmt: skip
        conn.execute(sa.insert(t["contract"]).values(
            id=1, code="C-1", organisation_id=4, supplier_id=1, tender_id=1, bid_file="acme.xlsx", bid_sha256="b" * 64,
            start_date=date(2026, 4, 1), end_date=date(2026, 9, 30), first_period_index=8105, last_period_index=8106, awarded_at=now,
        ))  # fmt: skip
        conn.execute(sa.insert(t["kpi"]).values(id=1, contract_id=1, measure_id=1, theme_id=1, code="LE01", unit="FTE-year",
                                                committed_quantity=4, counted_quantity=4, unit_value_gbp=20000, net_factor=0.72))  # fmt: skip
        conn.execute(sa.insert(t["kpi_period"]), [
            dict(kpi_id=1, contract_id=1, organisation_id=4, footprint_id=1, measure_id=1, theme_id=1, period=p, year=2026,
                 quarter=q, period_index=8104 + q, committed_quantity=2, unit_value_gbp=20000, net_factor=0.72,
                 committed_gross_gbp=40000, committed_net_gbp=28800)
            for p, q in (("2026Q2", 2), ("2026Q3", 3))
        ])  # fmt: skip
        rows = {name: [tuple(r) for r in conn.execute(sa.select(table).order_by(*table.primary_key.columns))] for name, table in t.items() if name != "alembic_version"}  # fmt: skip
    engine.dispose()
    return rows


def test_upgrade_from_the_first_revision_keeps_every_row(store_url: str) -> None:
    first = revisions()[0]
    upgrade(store_url, first)
    assert revision_of(store_url) == first
    before = _fill_first_revision(store_url)

    store = open_store(store_url)  # opening brings it to head
    assert store.upgraded_from == first and revision_of(store_url) == head_revision()
    with store.read() as conn:
        for name, rows in before.items():
            table = S.metadata.tables[name]
            got = [tuple(r) for r in conn.execute(sa.select(table).order_by(*table.primary_key.columns))]
            assert len(got) == len(rows), name
            width = len(rows[0]) if rows else 0
            assert [r[:width] for r in got] == rows, name  # new columns come after the old ones
        rollup = dict(conn.execute(sa.select(S.organisation.c.code, S.organisation.c.rollup_id)).all())
        footprint = conn.execute(sa.select(S.footprint)).one()
        facts = conn.execute(sa.select(S.kpi_period.c.delivered_quantity, S.kpi_period.c.return_id)).all()
    assert rollup == {"QYG": 1, "27D": 1, "01C": 1, "RBQ": 4}  # the chain 01C → 27D → ICB was followed
    assert (footprint.rag_green_pct, footprint.rag_amber_pct, footprint.return_due_days) == (90, 70, 30)
    assert facts == [(None, None), (None, None)]


def test_head_matches_the_tables_in_schema_py(store_url: str) -> None:
    store = open_store(store_url)
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "target_metadata": S.metadata})
        assert compare_metadata(context, S.metadata) == []
