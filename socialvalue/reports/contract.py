"""One contract's report for its review meeting: committed against delivered, by quarter and by KPI.

Laid out from :class:`~.figures.ContractFigures` with the report kit: the contract's status (RAG and
overdue returns), £ committed and delivered by quarter (gross and net apart), each KPI's quantities
by quarter with a chart (counts in their own units, never priced), the returns received, and the
tender and value set behind the £.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from socialvalue.output.reportkit import Chart, Column, DataTable, Figure, Headline, Note, Report, Section, Series

from .figures import ContractFigures, KpiQuarter
from .footprint import GRADE_NOTE, breakdown

MAX_KPI_CHARTS = 24
"""KPIs drawn one chart each; any beyond are in the table only (said so)."""


def _kpi_figure(code: str, lines: list[KpiQuarter]) -> Figure:
    first = lines[0]
    rows: list[dict[str, object]] = [
        {"period": q.period, "committed": q.committed, "delivered": q.delivered, "grade": q.grade or "",
         "evidence_ref": q.evidence_ref, "gross": q.money.delivered_gross if q.money and q.delivered is not None else None}
        for q in lines
    ]  # fmt: skip
    columns = [Column("period", "Quarter"), Column("committed", f"Committed ({first.unit})", "count"),
               Column("delivered", f"Delivered ({first.unit})", "count"), Column("grade", "Evidence grade"),
               Column("evidence_ref", "Evidence reference")]  # fmt: skip
    if first.money is not None:
        columns.append(Column("gross", "Delivered £ (gross)", "gbp"))
    table = DataTable(f"KPI {code}", f"{code}: {first.description}", columns, rows, total="Total")  # type: ignore[arg-type]
    chart = Chart("bar", f"{code}: {first.description} ({first.unit}), committed and delivered", "period",
                  [Series("committed", "Committed"), Series("delivered", "Delivered")], first.unit)  # fmt: skip
    return Figure(table, chart)


def contract_report(f: ContractFigures, generated: dt.datetime | None = None) -> Report:
    total_committed = sum(g.money.committed_gross for g in f.by_quarter)
    total_delivered = sum(g.money.delivered_gross for g in f.by_quarter)
    headlines = [
        Headline("rag", "Status", f.rag, "text", note=f"delivered to date ÷ phased commitment, through {f.through}" if f.through else ""),
        Headline("rate", "Delivered to date ÷ committed", f.rate, "percent"),
        Headline("committed", "Committed £ (gross)", total_committed, note="over the quarters shown"),
        Headline("delivered", "Delivered £ (gross)", total_delivered),
        Headline("committed_net", "Committed £ (net)", sum(g.money.committed_net for g in f.by_quarter)),
        Headline("delivered_net", "Delivered £ (net)", sum(g.money.delivered_net for g in f.by_quarter)),
        Headline("overdue", "Returns overdue", len(f.overdue), "count", note=", ".join(f.overdue)),
        Headline("value", "Contract value", f.value_gbp),
    ]  # fmt: skip
    by_kpi: dict[str, list[KpiQuarter]] = defaultdict(list)
    for line in f.lines:
        by_kpi[line.kpi].append(line)
    kpi_figures = [_kpi_figure(code, lines) for code, lines in by_kpi.items()]
    for fig in kpi_figures[MAX_KPI_CHARTS:]:
        fig.chart = None
    notes = (
        [
            Note(
                f"{len(kpi_figures) - MAX_KPI_CHARTS} KPIs beyond the first {MAX_KPI_CHARTS} are shown as tables only.",
                "note",
            )
        ]
        if len(kpi_figures) > MAX_KPI_CHARTS
        else []
    )
    returns = DataTable(
        "Returns", "Delivery returns received",
        [Column("period", "Quarter"), Column("file", "File"), Column("received", "Received"), Column("status", "Status"),
         Column("changes", "What changed"), Column("sha256", "SHA-256", width=20)],
        [vars(r) for r in f.returns],
    )  # fmt: skip
    by_quarter = breakdown("By quarter", "£ by quarter", f.by_quarter, "period", "Quarter", kind="bar", traced=False)
    returned = {line.period for line in f.lines if line.delivered is not None}
    for row in by_quarter.table.rows:  # no return for the quarter yet: nothing delivered is known, not £0 delivered
        if row["key"] not in returned:
            row.update(delivered_gross=None, delivered_net=None, rate=None)
    by_quarter.table.note = ("A quarter without a return shows —. The total compares what was delivered so far with "
                             "the commitment of every quarter shown; the status above is delivery to date.")  # fmt: skip
    sections = [
        Section("By quarter", [], [by_quarter]),
        Section("By KPI", notes, kpi_figures),
        Section("Returns", [Note(f"Overdue: {', '.join(f.overdue)}.", "warning")] if f.overdue else [], [Figure(returns)]),
    ]  # fmt: skip
    warnings = []
    basis = [Note(f.tender, label="Tender:")]
    if f.value_set is not None:
        label = f.value_set.label
        if f.value_set.illustrative:
            warnings.append(Note(f"{label} holds illustrative values shipped with socialvalue, not a published value set: "
                                 "the £ figures show the method, not a value to rely on.", "warning", "Illustrative values:"))  # fmt: skip
        else:
            basis.append(Note(label, label="Value set:"))
    basis += [Note(GRADE_NOTE, label="Evidence:"),
              Note("Counts (hours, roles and other measures without a proxy value) are shown in their own units, never in £.", label="Counts:")]  # fmt: skip
    return Report(
        title=f"Contract {f.contract}: social value delivered",
        subtitle=f"{f.title}. {f.organisation}; supplier {f.supplier}; contract manager {f.manager or 'not recorded'}; {f.start} to {f.end}",
        warnings=warnings,
        headlines=headlines,
        sections=sections,
        basis=warnings + basis,
        footer="Made by socialvalue from the footprint's store, for the contract review meeting.",
        generated=generated,
    )
