"""The store's contents as pandas DataFrames, for analysts.

>>> from socialvalue.store import open_store
>>> from socialvalue.store.frames import kpi_periods, table
>>> store = open_store("socialvalue.db")
>>> facts = kpi_periods(store, footprint="QYG")       # one row per KPI per quarter, with names and codes
>>> facts.groupby(["place", "period"])["delivered_gross_gbp"].sum()
>>> table(store, "return_submission")                  # any table as it is stored
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa

from . import schema as S
from .engine import Store

if TYPE_CHECKING:
    import pandas as pd

TABLES = tuple(S.metadata.tables)


def table(store: Store, name: str) -> pd.DataFrame:
    """One table of the store, every row and column."""
    import pandas as pd

    if name not in S.metadata.tables:
        raise KeyError(f"no table {name!r} in the store (tables: {', '.join(TABLES)})")
    with store.read() as conn:
        return pd.read_sql(sa.select(S.metadata.tables[name]), conn)


def kpi_periods(store: Store, footprint: str | None = None, contract: str | None = None) -> pd.DataFrame:
    """The fact table with its dimensions spelled out: contract, organisation, what it rolls up under,
    place, supplier, theme, measure, quarter, committed and delivered quantity and £, evidence grade."""
    import pandas as pd

    kp, org, rollup, place, fp = S.kpi_period, S.organisation, S.organisation.alias("rollup"), S.place, S.footprint
    query = (
        sa.select(
            S.contract.c.code.label("contract"), org.c.code.label("organisation"), org.c.name.label("organisation_name"),
            rollup.c.code.label("rolls_up_to"), place.c.gss.label("place_gss"), place.c.name.label("place"),
            fp.c.code.label("footprint"), S.supplier.c.name.label("supplier"), S.supplier.c.company_number,
            S.theme.c.name.label("theme"), S.theme.c.model_theme, S.kpi.c.code.label("measure"),
            S.measure.c.description.label("measure_description"), S.kpi.c.unit, kp.c.period, kp.c.year, kp.c.quarter,
            kp.c.period_index, kp.c.committed_quantity, kp.c.delivered_quantity, kp.c.unit_value_gbp, kp.c.net_factor,
            kp.c.committed_gross_gbp, kp.c.committed_net_gbp, kp.c.delivered_gross_gbp, kp.c.delivered_net_gbp,
            kp.c.evidence_grade, kp.c.evidence_ref, S.return_submission.c.file_name.label("return_file"),
            S.return_submission.c.sha256.label("return_sha256"),
        )
        .join(S.contract, S.contract.c.id == kp.c.contract_id)
        .join(S.kpi, S.kpi.c.id == kp.c.kpi_id)
        .join(org, org.c.id == kp.c.organisation_id)
        .outerjoin(rollup, rollup.c.id == org.c.rollup_id)
        .outerjoin(place, place.c.id == org.c.place_id)
        .outerjoin(fp, fp.c.id == kp.c.footprint_id)
        .join(S.supplier, S.supplier.c.id == S.contract.c.supplier_id)
        .join(S.theme, S.theme.c.id == kp.c.theme_id)
        .join(S.measure, S.measure.c.id == kp.c.measure_id)
        .outerjoin(S.return_submission, S.return_submission.c.id == kp.c.return_id)
        .order_by(S.contract.c.code, S.kpi.c.id, kp.c.period_index)
    )  # fmt: skip
    if footprint:
        query = query.where(fp.c.code == footprint)
    if contract:
        query = query.where(S.contract.c.code == contract)
    with store.read() as conn:
        return pd.read_sql(query, conn)
