"""The report's figures from the store: every total a GROUP BY in the database (SQLAlchemy Core).

Totals come from the summary table (``kpi_summary``: the fact rows already totalled by footprint,
organisation, theme, measure and quarter, kept current by every write), so a report over five years
groups tens of thousands of rows, not a million. Python sees one row per group (an organisation, a
place, a quarter …), never the KPI-quarter rows behind them; those are only streamed, in order, from
``kpi_period`` into the workbook's rows sheet. Organisations roll up under their successors
(``organisation.rollup_id``, kept by the store), places are the rolled-up organisation's, and the status
of contracts (RAG, overdue returns) comes from the store's own status queries so the report and
``socialvalue returns status`` never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from socialvalue.output.reportkit import Cell
from socialvalue.periods import Period
from socialvalue.store import schema as S
from socialvalue.store.engine import Store
from socialvalue.store.summary import GRADE_COLUMNS

from .figures import (
    ContractRisk,
    CountLine,
    FootprintFigures,
    GradeLine,
    Group,
    Money,
    ValueSetUse,
)

KP = S.kpi_period
SUM = S.kpi_summary
ORG = S.organisation
ROLLUP = S.organisation.alias("rollup")
NOT_GRADED = "not graded"
NO_PLACE = "no place recorded"
STREAM_ROWS = 5_000
"""Rows fetched at a time when streaming the rows sheet: memory stays flat however many rows."""


class NoSuchFootprint(LookupError):
    """The footprint code names no footprint in the store."""


@dataclass(frozen=True)
class Window:
    """A footprint and the quarters reported, as the store keys them."""

    footprint_id: int
    first: Period
    last: Period

    def where(self, table: sa.Table = KP) -> list[sa.ColumnElement[bool]]:
        """The rows of ``table`` (the fact table or the summary) in the window."""
        return [
            table.c.footprint_id == self.footprint_id,
            table.c.period_index.between(self.first.index, self.last.index),
        ]


def _money(table: sa.Table = SUM) -> list[sa.Label[Any]]:
    """The four £ totals of ``table``'s rows (the summary, or the fact rows of one contract)."""

    def total(col: str, name: str) -> sa.Label[Any]:
        return sa.func.coalesce(sa.func.sum(table.c[col]), 0.0).label(name)

    return [
        total("committed_gross_gbp", "committed_gross"),
        total("committed_net_gbp", "committed_net"),
        total("delivered_gross_gbp", "delivered_gross"),
        total("delivered_net_gbp", "delivered_net"),
    ]


def _m(row: Any) -> Money:
    return Money(
        float(row.committed_gross), float(row.committed_net), float(row.delivered_gross), float(row.delivered_net)
    )


def measure_key(rubric_id: str, code: str) -> str:
    """A measure as the report keys it: codes are only unique within their rubric."""
    return f"{rubric_id}/{code}"


def _rolled_up(table: sa.Table = SUM) -> Any:
    """``table`` joined to the organisation its records roll up under (itself when it carries on)."""
    return table.join(ORG, ORG.c.id == table.c.organisation_id).join(
        ROLLUP, ROLLUP.c.id == sa.func.coalesce(ORG.c.rollup_id, ORG.c.id)
    )


def find_window(conn: sa.Connection, footprint: str | None, first: Period, last: Period) -> Window:
    """The footprint (by code; None: the store's only one) and quarters, or :class:`NoSuchFootprint` saying why."""
    codes = {
        r.code: r.id for r in conn.execute(sa.select(S.footprint.c.code, S.footprint.c.id).order_by(S.footprint.c.code))
    }
    if footprint is None and len(codes) == 1:
        footprint = next(iter(codes))
    if footprint is None:
        raise NoSuchFootprint(f"say which footprint: the store holds {', '.join(codes) or 'none'}")
    if footprint not in codes:
        raise NoSuchFootprint(f"there is no footprint {footprint} in the store (it holds {', '.join(codes) or 'none'})")
    return Window(codes[footprint], first, last)


def by_organisation(conn: sa.Connection, w: Window) -> list[Group]:
    place = S.place
    query = (
        sa.select(ROLLUP.c.code, ROLLUP.c.name, sa.func.coalesce(place.c.name, NO_PLACE).label("place"), *_money())
        .select_from(_rolled_up().outerjoin(place, place.c.id == ROLLUP.c.place_id))
        .where(*w.where(SUM))
        .group_by(ROLLUP.c.id, ROLLUP.c.code, ROLLUP.c.name, place.c.name)
        .order_by(ROLLUP.c.name)
    )
    return [Group(r.code, r.name, _m(r), r.place) for r in conn.execute(query)]


def by_place(conn: sa.Connection, w: Window) -> list[Group]:
    place = S.place
    query = (
        sa.select(sa.func.coalesce(place.c.gss, "").label("gss"), sa.func.coalesce(place.c.name, NO_PLACE).label("name"), *_money())
        .select_from(_rolled_up().outerjoin(place, place.c.id == ROLLUP.c.place_id))
        .where(*w.where(SUM))
        .group_by(place.c.gss, place.c.name)
        .order_by(sa.func.coalesce(place.c.name, NO_PLACE))
    )  # fmt: skip
    return [Group(r.gss, r.name, _m(r)) for r in conn.execute(query)]


def by_theme(conn: sa.Connection, w: Window) -> list[Group]:
    query = (
        sa.select(S.theme.c.name, *_money())
        .select_from(SUM.join(S.theme, S.theme.c.id == SUM.c.theme_id))
        .where(*w.where(SUM), SUM.c.priced)
        .group_by(S.theme.c.name)
        .order_by(S.theme.c.name)
    )
    return [Group(r.name, r.name, _m(r)) for r in conn.execute(query)]


def by_measure(conn: sa.Connection, w: Window) -> list[Group]:
    m = S.measure
    query = (
        sa.select(m.c.rubric_id, m.c.code, m.c.description, S.theme.c.name.label("theme"), *_money())
        .select_from(SUM.join(m, m.c.id == SUM.c.measure_id).join(S.theme, S.theme.c.id == m.c.theme_id))
        .where(*w.where(SUM), SUM.c.priced)
        .group_by(m.c.rubric_id, m.c.code, m.c.description, S.theme.c.name)
        .order_by(m.c.code, m.c.rubric_id)
    )
    return [Group(measure_key(r.rubric_id, r.code), r.description, _m(r), r.theme) for r in conn.execute(query)]


def by_quarter(conn: sa.Connection, w: Window) -> list[Group]:
    query = (
        sa.select(SUM.c.period, SUM.c.period_index, *_money())
        .where(*w.where(SUM))
        .group_by(SUM.c.period_index, SUM.c.period)
        .order_by(SUM.c.period_index)
    )
    return [Group(r.period, r.period, _m(r)) for r in conn.execute(query)]


def total(conn: sa.Connection, w: Window) -> tuple[Money, int]:
    row = conn.execute(
        sa.select(*_money(), sa.func.coalesce(sa.func.sum(SUM.c.kpi_periods), 0).label("n")).where(*w.where(SUM))
    ).one()
    return _m(row), int(row.n)


def counts(conn: sa.Connection, w: Window) -> list[CountLine]:
    """Measures with no proxy value, in their own units: committed and delivered quantities, never £."""
    m = S.measure
    query = (
        sa.select(m.c.rubric_id, m.c.code, m.c.description, m.c.unit,
                  sa.func.sum(SUM.c.committed_quantity).label("committed"),
                  sa.func.coalesce(sa.func.sum(SUM.c.delivered_quantity), 0.0).label("delivered"))
        .select_from(SUM.join(m, m.c.id == SUM.c.measure_id))
        .where(*w.where(SUM), sa.not_(SUM.c.priced))
        .group_by(m.c.rubric_id, m.c.code, m.c.description, m.c.unit)
        .order_by(m.c.code, m.c.rubric_id)
    )  # fmt: skip
    return [
        CountLine(measure_key(r.rubric_id, r.code), r.description, r.unit, float(r.committed), float(r.delivered))
        for r in conn.execute(query)
    ]


GRADE_SUMS = {**GRADE_COLUMNS, NOT_GRADED: "ungraded"}
"""Each grade the report shows → the prefix of its summary columns."""


def grades(conn: sa.Connection, w: Window) -> list[GradeLine]:
    """Delivered lines and £ by evidence grade, strongest first, then those not graded (only grades with lines)."""
    sums = []
    for prefix in GRADE_SUMS.values():
        sums.append(sa.func.coalesce(sa.func.sum(SUM.c[f"{prefix}_lines"]), 0).label(f"{prefix}_lines"))
        sums.append(sa.func.coalesce(sa.func.sum(SUM.c[f"{prefix}_gross_gbp"]), 0.0).label(f"{prefix}_gross"))
    row = conn.execute(sa.select(*sums).where(*w.where(SUM))).one()
    found = {
        grade: GradeLine(grade, int(row._mapping[f"{prefix}_lines"]), float(row._mapping[f"{prefix}_gross"]))
        for grade, prefix in GRADE_SUMS.items()
        if row._mapping[f"{prefix}_lines"]
    }
    return [found[g] for g in (*S.GRADES[::-1], NOT_GRADED) if g in found]


def value_sets(conn: sa.Connection, w: Window) -> list[ValueSetUse]:
    """The value sets behind the window's £, with how many contracts use each (the contracts are read from
    the fact table's ``(footprint_id, period_index, contract_id)`` index alone)."""
    t = S.tender
    contracts = sa.select(KP.c.contract_id).where(*w.where()).distinct().subquery()
    query = (
        sa.select(t.c.value_set, t.c.value_set_version, t.c.value_set_illustrative,
                  sa.func.count(sa.distinct(S.contract.c.id)).label("contracts"))
        .select_from(contracts.join(S.contract, S.contract.c.id == contracts.c.contract_id)
                     .join(t, t.c.id == S.contract.c.tender_id))
        .group_by(t.c.value_set, t.c.value_set_version, t.c.value_set_illustrative)
        .order_by(t.c.value_set, t.c.value_set_version)
    )  # fmt: skip
    return [ValueSetUse(r.value_set, r.value_set_version, bool(r.value_set_illustrative), int(r.contracts)) for r in conn.execute(query)]  # fmt: skip


def row_query(w: Window) -> sa.Select[Any]:
    """The KPI-quarter rows behind the totals, in order, with where each came from."""
    m, place, sub = S.measure, S.place, S.return_submission
    return (
        sa.select(
            KP.c.period, S.contract.c.code.label("contract"), ROLLUP.c.code.label("org_code"),
            ROLLUP.c.name.label("organisation"), place.c.gss.label("place_gss"),
            sa.func.coalesce(place.c.name, NO_PLACE).label("place"), S.theme.c.name.label("theme"),
            m.c.rubric_id, m.c.code.label("measure_code"), m.c.description, m.c.unit,
            KP.c.committed_quantity, KP.c.delivered_quantity, KP.c.unit_value_gbp.label("unit_value"), KP.c.net_factor,
            KP.c.committed_gross_gbp.label("committed_gross"), KP.c.committed_net_gbp.label("committed_net"),
            KP.c.delivered_gross_gbp.label("delivered_gross"), KP.c.delivered_net_gbp.label("delivered_net"),
            sa.case((KP.c.delivered_quantity.is_(None), None), else_=sa.func.coalesce(KP.c.evidence_grade, NOT_GRADED)).label("grade"),
            KP.c.evidence_ref, sub.c.file_name.label("return_file"), sub.c.sha256.label("return_sha256"),
        )
        .select_from(
            _rolled_up(KP).outerjoin(place, place.c.id == ROLLUP.c.place_id)
            .join(S.contract, S.contract.c.id == KP.c.contract_id)
            .join(m, m.c.id == KP.c.measure_id)
            .join(S.theme, S.theme.c.id == KP.c.theme_id)
            .outerjoin(sub, sub.c.id == KP.c.return_id)
        )
        .where(*w.where())
        .order_by(KP.c.period_index, S.contract.c.code, KP.c.kpi_id)
    )  # fmt: skip


class StreamedRows:
    """The rows behind a report, counted up front and streamed from the store each time they are read.

    A sized collection the report kit writes row by row: the workbook's rows sheet never needs them
    all in memory at once."""

    def __init__(self, store: Store, window: Window, count: int) -> None:
        self.store, self.window, self.count = store, window, count

    def __len__(self) -> int:
        return self.count

    def __contains__(self, item: object) -> bool:
        return any(item == row for row in self)

    def __iter__(self) -> Iterator[dict[str, Cell]]:
        with self.store.read() as conn:
            result = conn.execution_options(yield_per=STREAM_ROWS).execute(row_query(self.window))
            for r in result:
                row: dict[str, Cell] = dict(r._mapping)
                row["measure_key"] = measure_key(str(r.rubric_id), str(r.measure_code))
                yield row


def footprint_figures(
    store: Store, footprint: str | None, first: Period, last: Period, as_of: dt.date, with_rows: bool = True
) -> FootprintFigures:
    """Everything the footprint report shows, totalled in the database (``footprint`` None: the store's only
    one; raises :class:`NoSuchFootprint`)."""
    from socialvalue.contracts.status import AMBER, GREEN, NOT_DUE, RED, contract_status
    from socialvalue.store.status import Scope

    from .local import local_economy

    with store.read() as conn:
        w = find_window(conn, footprint, first, last)
        fp = conn.execute(sa.select(S.footprint).where(S.footprint.c.id == w.footprint_id)).one()
        money, n = total(conn, w)
        figures = FootprintFigures(
            footprint=f"{fp.code} {fp.name}", first=first.key, last=last.key, total=money,
            by_organisation=by_organisation(conn, w), by_place=by_place(conn, w), by_theme=by_theme(conn, w),
            by_measure=by_measure(conn, w), by_quarter=by_quarter(conn, w), counts=counts(conn, w),
            grades=grades(conn, w), value_sets=value_sets(conn, w), rag={}, at_risk=[], overdue_returns=0,
            thresholds=(float(fp.rag_green_pct), float(fp.rag_amber_pct)), as_of=f"{as_of.day} {as_of:%B %Y}",
            kpi_periods=n, code=fp.code,
        )  # fmt: skip
    figures.local = local_economy(store, fp.code)
    status = contract_status(store, as_of, Scope(footprint=fp.code), findings=False)
    figures.rag = {k: 0 for k in (RED, AMBER, GREEN, NOT_DUE)}
    for c in status.contracts:
        figures.rag[c.rag] = figures.rag.get(c.rag, 0) + 1
        if c.rag in (RED, AMBER) or c.overdue:
            figures.at_risk.append(ContractRisk(c.contract, c.title, c.organisation, c.manager,
                                                c.supplier, c.ratio, c.rag, list(c.overdue)))  # fmt: skip
    figures.at_risk.sort(key=lambda r: ((RED, AMBER, GREEN, NOT_DUE).index(r.rag) if r.rag in (RED, AMBER, GREEN, NOT_DUE) else 9, r.contract))  # fmt: skip
    figures.overdue_returns = len(status.overdue)
    if with_rows:
        figures.rows = StreamedRows(store, w, n)
    return figures


def _contract_row(conn: sa.Connection, code: str) -> Any:
    t = S.tender
    return conn.execute(
        sa.select(S.contract, ORG.c.code.label("org_code"), ORG.c.name.label("org_name"), S.supplier.c.name.label("supplier"),
                  S.supplier.c.company_number, ORG.c.scheme.label("org_scheme"), t.c.rubric_id, t.c.rubric_version,
                  t.c.rubric_fingerprint, t.c.value_set, t.c.value_set_version, t.c.value_set_illustrative)
        .join(ORG, ORG.c.id == S.contract.c.organisation_id)
        .join(S.supplier, S.supplier.c.id == S.contract.c.supplier_id)
        .join(t, t.c.id == S.contract.c.tender_id)
        .where(S.contract.c.code == code)
    ).one_or_none()  # fmt: skip


class NoSuchContract(LookupError):
    """The contract reference names no contract in the store."""


def _line_query(contract_ids: Any) -> sa.Select[Any]:
    m, sub = S.measure, S.return_submission
    return (
        sa.select(KP.c.contract_id, S.kpi.c.code, m.c.description, S.theme.c.name.label("theme"), S.kpi.c.unit,
                  S.kpi.c.unit_value_gbp, S.kpi.c.value_code, S.kpi.c.value_source, S.kpi.c.net_factor, KP.c.period,
                  KP.c.period_index, KP.c.committed_quantity, KP.c.delivered_quantity, KP.c.committed_gross_gbp,
                  KP.c.committed_net_gbp, KP.c.delivered_gross_gbp, KP.c.delivered_net_gbp, KP.c.evidence_grade,
                  KP.c.evidence_ref, sub.c.file_name)
        .select_from(KP.join(S.kpi, S.kpi.c.id == KP.c.kpi_id).join(m, m.c.id == KP.c.measure_id)
                     .join(S.theme, S.theme.c.id == KP.c.theme_id).outerjoin(sub, sub.c.id == KP.c.return_id))
        .where(KP.c.contract_id.in_(contract_ids))
        .order_by(KP.c.contract_id, S.kpi.c.code, KP.c.period_index)
    )  # fmt: skip


def contract_figures(store: Store, code: str, as_of: dt.date) -> Any:
    """One contract's figures for its review meeting (raises :class:`NoSuchContract`)."""
    from socialvalue.contracts.status import contract_status
    from socialvalue.store.returns import history
    from socialvalue.store.status import Scope

    from .figures import ContractFigures, KpiQuarter, ReturnRecord

    with store.read() as conn:
        c = _contract_row(conn, code)
        if c is None:
            raise NoSuchContract(f"there is no contract {code} in the store")
        quarters = conn.execute(
            sa.select(KP.c.period, *_money(KP)).where(KP.c.contract_id == c.id)
            .group_by(KP.c.period_index, KP.c.period).order_by(KP.c.period_index)
        )  # fmt: skip
        by_quarter = [Group(r.period, r.period, _m(r)) for r in quarters]
        lines = [
            KpiQuarter(r.code, r.description, r.unit, r.period, float(r.committed_quantity),
                       None if r.delivered_quantity is None else float(r.delivered_quantity),
                       None if r.unit_value_gbp is None else Money(float(r.committed_gross_gbp or 0), float(r.committed_net_gbp or 0),
                                                                   float(r.delivered_gross_gbp or 0), float(r.delivered_net_gbp or 0)),
                       r.evidence_grade or "", r.evidence_ref or "", r.file_name or "")
            for r in conn.execute(_line_query([c.id]))
        ]  # fmt: skip
    status = contract_status(store, as_of, Scope(contract=code))
    s = status.contracts[0] if status.contracts else None
    returns, _ = history(store, code)
    return ContractFigures(
        contract=c.code, title=c.title, organisation=f"{c.org_code} {c.org_name}", supplier=c.supplier,
        manager=c.manager, start=f"{c.start_date:%d %B %Y}", end=f"{c.end_date:%d %B %Y}",
        value_gbp=c.contract_value_gbp,
        tender=f"{c.rubric_id} version {c.rubric_version} (fingerprint {c.rubric_fingerprint[:12]})",
        value_set=ValueSetUse(c.value_set, c.value_set_version, bool(c.value_set_illustrative), 1) if c.value_set else None,
        rag=s.rag if s else "not due", rate=s.ratio if s else None, through=s.through if s else "",
        overdue=list(s.overdue) if s else [], by_quarter=by_quarter, lines=lines,
        returns=[ReturnRecord(r["period"], r["file_name"], r["sha256"], f"{r['received_at']:%d %b %Y %H:%M}", r["status"], r["changes"])
                 for r in returns],
    )  # fmt: skip


def ocds_contracts(store: Store, footprint: str | None = None, contract: str | None = None) -> Iterator[Any]:
    """Each contract in scope as an OCDS export record (the contract's own KPI-quarters, read contract by contract)."""
    from socialvalue.store.status import Scope

    from .ocds import ContractExport, KpiExport, Organisation, PeriodFigures

    with store.read() as conn:
        scope = Scope(footprint=footprint, contract=contract)
        ids = list(conn.execute(sa.select(S.contract.c.id, S.contract.c.code)
                                .join(ORG, ORG.c.id == S.contract.c.organisation_id)
                                .where(*scope.where()).order_by(S.contract.c.code)))  # fmt: skip
        for contract_id, code in ids:
            c = _contract_row(conn, code)
            kpis: dict[str, dict[str, Any]] = {}
            for r in conn.execute(_line_query([contract_id])):
                k = kpis.setdefault(r.code, {"code": r.code, "description": r.description, "theme": r.theme, "unit": r.unit,
                                             "unit_value_gbp": r.unit_value_gbp, "value_code": r.value_code,
                                             "value_source": r.value_source, "net_factor": r.net_factor, "periods": []})  # fmt: skip
                p = Period(r.period_index)
                k["periods"].append(PeriodFigures(
                    period=p.key, start=p.start, end=p.end, committed_quantity=r.committed_quantity,
                    committed_gross_gbp=r.committed_gross_gbp, committed_net_gbp=r.committed_net_gbp,
                    delivered_quantity=r.delivered_quantity, delivered_gross_gbp=r.delivered_gross_gbp,
                    delivered_net_gbp=r.delivered_net_gbp, evidence_grade=r.evidence_grade,
                ))  # fmt: skip
            yield ContractExport(
                contract=c.code, title=c.title, buyer=Organisation(scheme=c.org_scheme, code=c.org_code, name=c.org_name),
                supplier=Organisation(scheme="company" if c.company_number else "", code=c.company_number or "", name=c.supplier),
                awarded_at=c.awarded_at, start=c.start_date, end=c.end_date, contract_value_gbp=c.contract_value_gbp,
                value_set=c.value_set, value_set_version=c.value_set_version,
                value_set_illustrative=bool(c.value_set_illustrative), rubric=f"{c.rubric_id} {c.rubric_version}",
                kpis=[KpiExport(**k) for k in kpis.values()],
            )  # fmt: skip
