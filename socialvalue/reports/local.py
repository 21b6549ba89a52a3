"""The local economy beside social value: a footprint's local spend, LM3 and local employment, from the store.

Everything is read from the local-spend runs recorded with ``socialvalue localspend ... --store`` (the
``localspend_*`` tables, already one row per organisation, month, category ...), through the queries of
:mod:`socialvalue.localspend.queries`, so the totals are GROUP BYs in the database and the report stays as quick
with a million KPI-quarters as without. Which rows count is decided there: each organisation's month from the
newest run of the footprint that reports it, staff from each organisation's newest run with a staff file. The runs
whose rows count are listed, with their inputs' SHA-256, so a reader can say exactly what the figures rest on.

Local spend is money paid to suppliers, not social value: the report shows it apart and never adds the two.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from socialvalue.localspend.queries import (
    EmploymentFigures,
    Lm3Figures,
    RunInfo,
    Selection,
    SpendFigures,
    current_rows,
    local_employment,
    local_multiplier,
    local_spend,
    local_spend_runs,
    newest,
)
from socialvalue.store import schema as S
from socialvalue.store.engine import Store


@dataclass
class LocalEconomy:
    """What the footprint report's local-economy part shows (empty lists: no run recorded)."""

    runs: list[RunInfo] = field(default_factory=list)
    """The runs whose rows the figures count, oldest first."""
    total: SpendFigures | None = None
    by_organisation: list[SpendFigures] = field(default_factory=list)
    by_place: list[SpendFigures] = field(default_factory=list)
    by_category: list[SpendFigures] = field(default_factory=list)
    """Where suppliers were placed, or why not (the set-aside, counted)."""
    place_names: dict[str, str] = field(default_factory=dict)
    """GSS code → the footprint's name for the place."""
    lm3: list[Lm3Figures] = field(default_factory=list)
    employment: list[EmploymentFigures] = field(default_factory=list)
    suppress_under: int = 5
    """The runs' suppression threshold (the largest, when runs differ): a suppressed count shows as ``<5``."""

    @property
    def recorded(self) -> bool:
        return bool(self.runs)

    @property
    def staff_together(self) -> list[EmploymentFigures]:
        """Staff of all the footprint's organisations together: the all-organisations lines, or the only
        organisation's."""
        together = [e for e in self.employment if e.organisation is None]
        return together or self.employment

    def staff(self, category: str, organisation: str | None = None) -> EmploymentFigures | None:
        """One organisation's (None: all together) line of a category (``living-locally``, ``all-staff``)."""
        lines = self.staff_together if organisation is None else self.employment
        return next((e for e in lines if e.category == category and (organisation is None or e.organisation == organisation)), None)  # fmt: skip


def local_economy(store: Store, footprint: str) -> LocalEconomy:
    """The local economy of footprint ``footprint`` (its code) as the store's local-spend runs record it."""
    selection = Selection.of(footprint, None, None)
    counted = _runs_counted(store, selection)
    if not counted:
        return LocalEconomy()
    totals = local_spend(store, footprint=footprint, by=())
    with store.read() as conn:
        places = conn.execute(
            sa.select(S.place.c.gss, S.place.c.name)
            .join(S.footprint, S.footprint.c.id == S.place.c.footprint_id)
            .where(S.footprint.c.code == footprint)
        ).all()
        threshold = conn.execute(
            sa.select(sa.func.max(S.localspend_run.c.suppress_under)).where(S.localspend_run.c.id.in_(sorted(counted)))
        ).scalar_one()
    return LocalEconomy(
        runs=[r for r in local_spend_runs(store, footprint=footprint) if r.id in counted],
        total=totals[0] if totals else None,
        by_organisation=local_spend(store, footprint=footprint, by=("organisation",)),
        by_place=local_spend(store, footprint=footprint, by=("place",)),
        by_category=local_spend(store, footprint=footprint, by=("category",)),
        place_names={p.gss: p.name for p in places},
        lm3=local_multiplier(store, footprint=footprint),
        employment=local_employment(store, footprint=footprint),
        suppress_under=int(threshold) if threshold is not None else 5,
    )


def _runs_counted(store: Store, selection: Selection) -> set[int]:
    """The runs whose spend, staff or LM3 rows count for the selection (as the queries choose them)."""
    spend = current_rows(S.localspend_spend, selection)
    emp = S.localspend_employment
    staff = newest(sa.select(emp).where(emp.c.organisation.is_not(None)).subquery(), selection, ["organisation"])
    lm3 = newest(S.localspend_lm3, selection, ["organisation"])
    query = sa.union(sa.select(spend.c.run_id), sa.select(staff.c.run_id), sa.select(lm3.c.run_id))
    with store.read() as conn:
        return {int(r) for r in conn.execute(query).scalars()}
