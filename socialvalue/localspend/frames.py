"""Local spend and local employment from the store as pandas DataFrames, for analysts.

>>> from socialvalue.store import open_store
>>> from socialvalue.localspend import frames
>>> store = open_store("socialvalue.db")
>>> spend = frames.spend(store, footprint="QYG")          # the rows that count: newest run per organisation and month
>>> spend[spend.kind == "payment"].pivot_table("amount_gbp", "rolls_up_to", "category", aggfunc="sum")
>>> frames.employment(store, footprint="QYG")             # after suppression: a suppressed count is NaN
>>> frames.runs(store)                                    # every run recorded, with its inputs' SHA-256

Which rows count is decided as in :mod:`.queries`; ``run=N`` gives exactly what one run recorded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa

from socialvalue.store import schema as S
from socialvalue.store.engine import Store

from .queries import Selection, current_rows

if TYPE_CHECKING:
    import pandas as pd


def _facts(store: Store, table: sa.Table, selection: Selection, per_month: bool = True) -> pd.DataFrame:
    import pandas as pd

    rows = current_rows(table, selection, per_month)
    org, top, run = S.organisation, S.organisation.alias("rolls_up_to"), S.localspend_run
    query = (
        sa.select(
            rows, run.c.scope, run.c.recorded_at, sa.func.coalesce(top.c.code, rows.c.organisation).label("rolls_up_to"),
            top.c.name.label("rolls_up_to_name"),
        )
        .join(run, run.c.id == rows.c.run_id)
        .outerjoin(org, org.c.id == rows.c.organisation_id)
        .outerjoin(top, top.c.id == org.c.rollup_id)
        .order_by(rows.c.run_id, rows.c.id)
    )  # fmt: skip
    with store.read() as conn:
        return pd.read_sql(query, conn)


def spend(
    store: Store, *, footprint: str | None = None, scope: str | None = None, run: int | None = None
) -> pd.DataFrame:
    """Rows and £ per paying organisation, month, supplier type, kind and category, with the organisation each
    rolls up to today (``rolls_up_to``), its place, the quarter (``period_index``) and the run."""
    return _facts(store, S.localspend_spend, Selection.of(footprint, scope, run))


def landing(
    store: Store, *, footprint: str | None = None, scope: str | None = None, run: int | None = None
) -> pd.DataFrame:
    """Placed payments and credits per paying organisation, month and the supplier's district."""
    return _facts(store, S.localspend_landing, Selection.of(footprint, scope, run))


def employment(
    store: Store, *, footprint: str | None = None, scope: str | None = None, run: int | None = None
) -> pd.DataFrame:
    """Staff per organisation and home district after suppression, from each organisation's newest run with a
    staff file (or one ``run``; its all-organisations lines have ``organisation`` empty)."""
    selection = Selection.of(footprint, scope, run)
    return _facts(store, S.localspend_employment, selection, per_month=False)


def lm3(store: Store, *, footprint: str | None = None, scope: str | None = None) -> pd.DataFrame:
    """Every LM3 recorded (per organisation and all together, per run), with the run's months."""
    import pandas as pd

    runs, table = S.localspend_run, S.localspend_lm3
    query = sa.select(table, runs.c.scope, runs.c.first_month, runs.c.last_month, runs.c.recorded_at).join(
        runs, runs.c.id == table.c.run_id
    )
    if footprint or scope:
        query = query.where(runs.c.scope == Selection.of(footprint, scope, None).scope)
    with store.read() as conn:
        return pd.read_sql(query.order_by(table.c.run_id, table.c.id), conn)


def runs(store: Store) -> pd.DataFrame:
    """Every run recorded: scope, local area, months, rows read, when, and its options as JSON."""
    import pandas as pd

    with store.read() as conn:
        return pd.read_sql(sa.select(S.localspend_run).order_by(S.localspend_run.c.id), conn)
