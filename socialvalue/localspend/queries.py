"""Local spend and local employment from the store, aggregated in the database: what the footprint report shows
beside social value.

Which rows count. Runs are compared within one *scope*: a footprint (``footprint="QYG"``) or one set of local
LAD codes (``scope="lad:E06000049,E06000050"``). Within a scope, each paying organisation's month counts from the
newest run that reports it, so runs for different months or organisations add up, and a re-run of the same
months (a corrected register, another year-end extract) replaces the earlier figures without deleting them.
Staff counts are a snapshot: each organisation's come from the newest run with a staff file for it. Ask for one
``run`` to see exactly what it recorded.

Organisations are rolled up as the store rolls them up today (``organisation.rollup_id``: a CCG under its ICB);
a run's organisation the store does not know is reported under the code (or name) the run gave it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from socialvalue.store import schema as S
from socialvalue.store.engine import Store

SPEND_KEYS = ("organisation", "place", "month", "period", "supplier_type", "paid_by", "category")
"""What :func:`local_spend` can group by."""


@dataclass(frozen=True)
class Selection:
    """Which runs' rows count: one run, or the newest run for each organisation (and month) in a scope."""

    scope: str | None = None
    run: int | None = None

    @classmethod
    def of(cls, footprint: str | None, scope: str | None, run: int | None) -> Selection:
        if run is not None:
            return cls(run=run)
        if footprint:
            return cls(scope=f"footprint:{footprint.strip().upper()}")
        if scope:
            return cls(scope=scope)
        raise ValueError("say which runs: footprint='QYG', scope='lad:E06000049,…' or run=N")


def current_rows(table: sa.Table, selection: Selection, per_month: bool = True) -> sa.Subquery:
    """The rows of a ``localspend_*`` fact table that count: the newest run per paying organisation (and month)."""
    if selection.run is not None:
        return sa.select(table).where(table.c.run_id == selection.run).subquery()
    return newest(table, selection, ["paid_by", "month"] if per_month else ["organisation"])


def newest(rows: sa.Table | sa.Subquery, selection: Selection, keys: Sequence[str]) -> sa.Subquery:
    """``rows`` of the newest run in the selection's scope for each value of ``keys`` (null is a value)."""
    run = S.localspend_run
    latest = (
        sa.select(*(rows.c[k] for k in keys), sa.func.max(rows.c.run_id).label("run_id"))
        .join(run, run.c.id == rows.c.run_id)
        .where(run.c.scope == selection.scope)
        .group_by(*(rows.c[k] for k in keys))
        .subquery()
    )
    on = [latest.c.run_id == rows.c.run_id] + [rows.c[k].is_not_distinct_from(latest.c[k]) for k in keys]
    return sa.select(rows).join(latest, sa.and_(*on)).subquery()


def _rolled_up(rows: sa.Subquery) -> tuple[Any, Any, Any]:
    """(code, name, the FROM clause) of the organisation each row rolls up to today."""
    org, top = S.organisation, S.organisation.alias("rolls_up_to")
    joined = rows.outerjoin(org, org.c.id == rows.c.organisation_id).outerjoin(top, top.c.id == org.c.rollup_id)
    return sa.func.coalesce(top.c.code, rows.c.organisation), top.c.name, joined


@dataclass(frozen=True)
class SpendFigures:
    """Payments for one group (its ``keys``), split by where the supplier was placed."""

    keys: dict[str, Any]
    payments_gbp: float
    """Every payment above zero."""
    local_gbp: float
    not_local_gbp: float
    credits_gbp: float
    rows: int
    """Every row read, of every kind and category."""

    @property
    def unplaced_gbp(self) -> float:
        """Payments whose supplier could not be placed (withheld, unknown, no postcode, ...)."""
        return round(self.payments_gbp - self.local_gbp - self.not_local_gbp, 2)

    @property
    def local_share(self) -> float | None:
        """Local ÷ (local + not local) payments; None when nothing was placed."""
        placed = self.local_gbp + self.not_local_gbp
        return self.local_gbp / placed if placed else None

    @property
    def coverage(self) -> float | None:
        """Placed ÷ all payments: how much of the spend the share speaks for."""
        return (self.local_gbp + self.not_local_gbp) / self.payments_gbp if self.payments_gbp else None


def local_spend(
    store: Store,
    *,
    footprint: str | None = None,
    scope: str | None = None,
    run: int | None = None,
    by: Sequence[str] = ("organisation",),
) -> list[SpendFigures]:
    """Local and not-local payments, credits and rows, grouped ``by`` any of :data:`SPEND_KEYS` (``()`` for one
    total): ``organisation`` (rolled up, with its name), ``place`` (the paying organisation's place, GSS code),
    ``month`` (``2024-07``), ``period`` (quarter index, as ``kpi_period.period_index``), ``supplier_type``,
    ``category`` (where the supplier was placed, or why it was not: :class:`~.models.Category`)."""
    unknown = [k for k in by if k not in SPEND_KEYS]
    if unknown:
        raise ValueError(f"cannot group local spend by {', '.join(unknown)} (by: {', '.join(SPEND_KEYS)})")
    rows = current_rows(S.localspend_spend, Selection.of(footprint, scope, run))
    code, name, joined = _rolled_up(rows)
    columns = {
        "organisation": code, "place": rows.c.place_gss, "month": rows.c.month, "period": rows.c.period_index,
        "supplier_type": rows.c.supplier_type, "paid_by": rows.c.paid_by, "category": rows.c.category,
    }  # fmt: skip
    keys = [columns[k].label(k) for k in by]
    payment, local = rows.c.kind == "payment", rows.c.category == "local"

    def total(condition: Any) -> Any:
        return sa.func.coalesce(sa.func.sum(sa.case((condition, rows.c.amount_gbp), else_=0.0)), 0.0)

    query = sa.select(
        *keys,
        total(payment).label("payments"),
        total(sa.and_(payment, local)).label("local"),
        total(sa.and_(payment, rows.c.category == "not-local")).label("not_local"),
        total(rows.c.kind == "credit").label("credits"),
        sa.func.coalesce(sa.func.sum(rows.c.rows), 0).label("rows"),
        sa.func.max(sa.func.coalesce(name, rows.c.organisation_name)).label("name"),
    ).select_from(joined)
    if keys:
        query = query.group_by(*keys).order_by(*keys)
    with store.read() as conn:
        found = conn.execute(query).all()
    out = []
    for r in found:
        values = {k: r._mapping[k] for k in by}
        if "organisation" in by:
            values["organisation_name"] = r.name
        if r.rows:
            money = (round(r.payments, 2), round(r.local, 2), round(r.not_local, 2), round(r.credits, 2))
            out.append(SpendFigures(values, *money, int(r.rows)))
    return out


def where_it_lands(
    store: Store, *, footprint: str | None = None, scope: str | None = None, run: int | None = None
) -> list[dict[str, Any]]:
    """Placed payments per supplier district (``district``, ``local``, ``payments_gbp``, ``rows``), largest first."""
    rows = current_rows(S.localspend_landing, Selection.of(footprint, scope, run))
    query = (
        sa.select(
            rows.c.district, rows.c.local, sa.func.sum(rows.c.amount_gbp).label("amount"),
            sa.func.sum(rows.c.rows).label("rows"),
        )
        .where(rows.c.kind == "payment")
        .group_by(rows.c.district, rows.c.local)
        .order_by(sa.desc("amount"), rows.c.district)
    )  # fmt: skip
    with store.read() as conn:
        return [
            {"district": r.district, "local": bool(r.local), "payments_gbp": round(r.amount, 2), "rows": int(r.rows)}
            for r in conn.execute(query)
        ]


@dataclass(frozen=True)
class EmploymentFigures:
    """Staff of one organisation (None: all together) in one home district or category, after suppression."""

    organisation: str | None
    district: str | None
    local: bool
    category: str
    headcount: int | None
    """None when suppressed (or when a total would include a suppressed count)."""
    fte: float | None
    suppressed: bool


def local_employment(
    store: Store, *, footprint: str | None = None, scope: str | None = None, run: int | None = None
) -> list[EmploymentFigures]:
    """Headcount and FTE per organisation (rolled up) and home district or category, and for all organisations
    together (``organisation`` None). Each organisation's figures come from its newest run with a staff file.

    Suppression holds across runs: a total over several organisations is given only when none of its parts was
    suppressed (else it is None and ``suppressed``), so no suppressed count can be worked out from the totals;
    when one run holds every organisation's figures, its own all-organisations lines are used as they were
    recorded (suppressed there, from the counts themselves)."""
    emp = S.localspend_employment
    selection = Selection.of(footprint, scope, run)
    named = sa.select(emp).where(emp.c.organisation.is_not(None)).subquery()
    if selection.run is None:
        rows = newest(named, selection, ["organisation"])
    else:
        rows = sa.select(named).where(named.c.run_id == selection.run).subquery()
    code, _, joined = _rolled_up(rows)
    per_org = _suppressed_sums(rows, joined, [code.label("organisation")])
    totals = _suppressed_sums(rows, joined, [])
    with store.read() as conn:
        orgs = [_employment(r, r.organisation) for r in conn.execute(per_org)]
        runs = set(conn.execute(sa.select(rows.c.run_id).distinct()).scalars())
        stored = []
        if len(runs) == 1:
            stored = list(conn.execute(
                sa.select(emp).where(emp.c.run_id == next(iter(runs)), emp.c.organisation.is_(None))
                .order_by(emp.c.id)
            ))  # fmt: skip
        together = [_employment(r, None) for r in (stored or conn.execute(totals))] if len(orgs) else []
    several = len({e.organisation for e in orgs}) > 1
    return orgs + (together if several or stored else [])


def _suppressed_sums(rows: sa.Subquery, joined: Any, keys: list[Any]) -> sa.Select[Any]:
    """Headcount and FTE summed per key, district and category; None (and suppressed) when any part was."""
    hidden = sa.func.max(sa.case((rows.c.suppressed, 1), else_=0))
    no_fte = sa.func.max(sa.case((rows.c.fte.is_(None), 1), else_=0))
    groups = [*keys, rows.c.district, rows.c.local, rows.c.category]
    return (
        sa.select(
            *groups,
            sa.case((hidden == 1, None), else_=sa.func.sum(rows.c.headcount)).label("headcount"),
            sa.case((sa.or_(hidden == 1, no_fte == 1), None), else_=sa.func.sum(rows.c.fte)).label("fte"),
            (hidden == 1).label("suppressed"),
        )
        .select_from(joined)
        .group_by(*groups)
        .order_by(*groups)
    )


def _employment(r: Any, organisation: str | None) -> EmploymentFigures:
    return EmploymentFigures(
        organisation=organisation, district=r.district, local=bool(r.local), category=r.category,
        headcount=None if r.headcount is None else int(r.headcount),
        fte=None if r.fte is None else round(float(r.fte), 2), suppressed=bool(r.suppressed),
    )  # fmt: skip


@dataclass(frozen=True)
class Lm3Figures:
    """LM3 of one organisation (None: all of a run's organisations together), from one run."""

    organisation: str | None
    run_id: int
    first_month: str | None
    last_month: str | None
    r1_gbp: float
    r2_gbp: float
    r3_gbp: float | None
    lm3: float | None
    """None when round 3 was not worked out (no survey answers or stated shares): never guessed."""
    assumptions: list[str]


def local_multiplier(
    store: Store, *, footprint: str | None = None, scope: str | None = None, run: int | None = None
) -> list[Lm3Figures]:
    """LM3 per organisation from its newest run, and for all organisations together from the newest run (an LM3 is
    a ratio over one run's months: it is never added across runs)."""
    lm3, runs = S.localspend_lm3, S.localspend_run
    selection = Selection.of(footprint, scope, run)
    chosen = sa.select(lm3).where(lm3.c.run_id == selection.run).subquery() if selection.run is not None else newest(lm3, selection, ["organisation"])  # fmt: skip
    query = sa.select(chosen, runs.c.first_month, runs.c.last_month).join(runs, runs.c.id == chosen.c.run_id)
    with store.read() as conn:
        found = conn.execute(query.order_by(chosen.c.organisation.is_not(None), chosen.c.organisation)).all()
    return [
        Lm3Figures(
            r.organisation, r.run_id, r.first_month, r.last_month, r.r1_gbp, r.r2_gbp, r.r3_gbp, r.lm3,
            r.assumptions.split("\n") if r.assumptions else [],
        )
        for r in found
    ]  # fmt: skip


@dataclass(frozen=True)
class RunInfo:
    """One recorded run: what local meant, when, what it read."""

    id: int
    scope: str
    local_area: str
    recorded_at: datetime
    rows_read: int
    first_month: str | None
    last_month: str | None
    inputs: list[tuple[str, str, str]]
    """(role, file name, SHA-256) of each input file."""


def local_spend_runs(store: Store, *, footprint: str | None = None, scope: str | None = None) -> list[RunInfo]:
    """The runs recorded (of one footprint or scope, or all), oldest first."""
    runs, inputs = S.localspend_run, S.localspend_input
    query = sa.select(runs).order_by(runs.c.id)
    if footprint or scope:
        query = query.where(runs.c.scope == Selection.of(footprint, scope, None).scope)
    with store.read() as conn:
        found = conn.execute(query).all()
        files: dict[int, list[tuple[str, str, str]]] = {}
        ids = [r.id for r in found]
        for f in conn.execute(sa.select(inputs).where(inputs.c.run_id.in_(ids)).order_by(inputs.c.id)):
            files.setdefault(f.run_id, []).append((f.role, f.file_name, f.sha256))
    return [
        RunInfo(r.id, r.scope, r.local_area, r.recorded_at, r.rows_read, r.first_month, r.last_month, files.get(r.id, []))
        for r in found
    ]  # fmt: skip
