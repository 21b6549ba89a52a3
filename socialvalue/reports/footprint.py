"""The footprint report: what a footprint's organisations committed and what suppliers delivered.

Laid out from :class:`~.figures.FootprintFigures` (totalled by the store's queries) with the report kit:
headline figures, breakdowns by organisation, place, theme, measure and quarter (each a table with its
chart), counts in their own units, contracts at risk, and what the figures rest on. In the workbook
every £ total is a formula over the rows behind it.
"""

from __future__ import annotations

import datetime as dt

from socialvalue.output.reportkit import (
    Chart,
    ChartKind,
    Column,
    DataTable,
    Figure,
    Headline,
    Note,
    Report,
    Section,
    Series,
)

from .figures import ROW_COLUMNS, FootprintFigures, Group
from .footprint_local import local_basis, local_headlines, local_section

RAG_ORDER = ("red", "amber", "green", "not due")
RAG_COLOURS = {"red": "#C00000", "amber": "#FFC000", "green": "#00B050", "not due": "#A6A6A6"}
"""Each RAG status's bar in its own colour (the names are on the axis too, for anyone who cannot tell them apart)."""
GRADE_NOTE = (
    "Evidence grades, weakest first: self-reported (the supplier's word), documented (documents seen), "
    "verified (checked by the contract manager). Delivered £ not yet graded is shown as such."
)


def money_columns(traced: bool = True) -> list[Column]:
    """The £ columns every breakdown shares; ``traced`` makes each a SUMIFS over the rows sheet."""

    def sums(key: str) -> str:
        return key if traced else ""

    return [
        Column("committed_gross", "Committed £ (gross)", "gbp", sums=sums("committed_gross")),
        Column("delivered_gross", "Delivered £ (gross)", "gbp", sums=sums("delivered_gross")),
        Column("rate", "Delivered ÷ committed (gross)", "percent", ratio=("delivered_gross", "committed_gross")),
        Column("committed_net", "Committed £ (net)", "gbp", sums=sums("committed_net")),
        Column("delivered_net", "Delivered £ (net)", "gbp", sums=sums("delivered_net")),
    ]


def money_row(g: Group) -> dict[str, object]:
    m = g.money
    return {"key": g.key, "name": g.name, "detail": g.detail, "committed_gross": m.committed_gross,
            "delivered_gross": m.delivered_gross, "rate": m.rate, "committed_net": m.committed_net,
            "delivered_net": m.delivered_net}  # fmt: skip


GROSS_SERIES = [Series("committed_gross", "Committed (gross)"), Series("delivered_gross", "Delivered (gross)")]


def breakdown(
    key: str, title: str, groups: list[Group], rows_key: str, heading: str, detail: str = "", kind: ChartKind = "barh",
    traced: bool = True,
) -> Figure:  # fmt: skip
    """One breakdown: code, name (and detail), the £ columns, a total row, and a committed-vs-delivered chart."""
    named = any(g.name != g.key for g in groups)
    columns = [Column("key", "Code", code=True), Column("name", heading)] if named else [Column("key", heading)]
    if detail:
        columns.append(Column("detail", detail))
    table = DataTable(
        key, title, [*columns, *money_columns(traced)], [money_row(g) for g in groups],  # type: ignore[misc]
        match={rows_key: "key"} if traced else {}, total="Total",
    )  # fmt: skip
    chart = Chart(
        kind, f"{title}: £ committed and delivered (gross)", "name" if kind == "barh" else "key", GROSS_SERIES, "£"
    )
    if not named:
        chart.category = "key"
    return Figure(table, chart)


def rows_table(figures: FootprintFigures) -> DataTable | None:
    if figures.rows is None:
        return None
    columns = [Column(k, h, kind, width) for k, h, kind, width in ROW_COLUMNS]  # type: ignore[arg-type]
    return DataTable("Rows", "The rows behind the totals: one per contract KPI per quarter", columns, figures.rows)


def footprint_report(figures: FootprintFigures, generated: dt.datetime | None = None) -> Report:
    f = figures
    traced = f.rows is not None
    period = f.first if f.first == f.last else f"{f.first} to {f.last}"
    t = f.total
    counted_rag = {k: f.rag.get(k, 0) for k in RAG_ORDER}
    headlines = [
        Headline("committed_gross", "Committed £ (gross)", t.committed_gross, sums="committed_gross" if traced else "",
                 note="phased commitment for the quarters reported"),
        Headline("delivered_gross", "Delivered £ (gross)", t.delivered_gross, sums="delivered_gross" if traced else ""),
        Headline("rate", "Delivered ÷ committed (gross)", t.rate, "percent", ratio=("delivered_gross", "committed_gross")),
        Headline("committed_net", "Committed £ (net)", t.committed_net, sums="committed_net" if traced else "",
                 note="after deadweight, displacement and attribution"),
        Headline("delivered_net", "Delivered £ (net)", t.delivered_net, sums="delivered_net" if traced else ""),
        Headline("red", "Contracts red", counted_rag["red"], "count",
                 note=f"below {f.thresholds[1]:g}% of the phased commitment to date"),
        Headline("amber", "Contracts amber", counted_rag["amber"], "count",
                 note=f"{f.thresholds[1]:g}% to {f.thresholds[0]:g}%"),
        Headline("green", "Contracts green", counted_rag["green"], "count", note=f"{f.thresholds[0]:g}% or more"),
        Headline("overdue", "Returns overdue", f.overdue_returns, "count", note=f"as of {f.as_of}" if f.as_of else ""),
    ]  # fmt: skip
    for c in f.counts[:4]:
        headlines.append(Headline(f"count-{c.measure}", f"{c.description} ({c.unit}) delivered", c.delivered, "count",
                                  note=f"of {c.committed:,.6g} committed; a count, never given a £ value"))  # fmt: skip

    if f.local is not None:
        headlines += local_headlines(f.local)

    sections = [
        Section("By organisation", [Note("Records of organisations that have closed or merged roll up under their successor.", "note")],
                [breakdown("By organisation", "By organisation", f.by_organisation, "org_code", "Organisation", "Place", traced=traced)]),
        Section("By place", [], [breakdown("By place", "By place", f.by_place, "place_gss", "Place", traced=traced)]),
        Section("By theme", [], [breakdown("By theme", "By theme", f.by_theme, "theme", "Theme", traced=traced)]),
        Section("By measure", [Note("Measures with a proxy value, in £. Measures counted in their own units follow.", "note")],
                [breakdown("By measure", "By measure", f.by_measure, "measure_key", "Measure", "Theme", traced=traced)]),
        Section("Over time", [], [breakdown("By quarter", "By quarter", f.by_quarter, "period", "Quarter", kind="line", traced=traced)]),
    ]  # fmt: skip
    counts = DataTable(
        "Counts", "Counted in their own units (no £ value)",
        [Column("measure", "Measure", code=True), Column("description", "Description"), Column("unit", "Unit"),
         Column("committed", "Committed", "count"), Column("delivered", "Delivered", "count"),
         Column("rate", "Delivered ÷ committed", "percent", ratio=("delivered", "committed"))],
        [{"measure": c.measure, "description": c.description, "unit": c.unit, "committed": c.committed,
          "delivered": c.delivered, "rate": c.delivered / c.committed if c.committed else None} for c in f.counts],
        note="Different units are never added together; each count is shown against its own commitment.",
    )  # fmt: skip
    count_chart = Chart(
        "barh", "Counts: delivered as a share of committed", "description", [Series("rate", "Delivered ÷ committed")]
    )
    sections[3].figures.append(Figure(counts, count_chart if f.counts else None))

    risk = DataTable(
        "At risk", f"Contracts at risk: red or amber, or with a return overdue (as of {f.as_of})" if f.as_of else "Contracts at risk",
        [Column("rag", "RAG"), Column("contract", "Contract", code=True), Column("title", "Title"), Column("organisation", "Organisation"),
         Column("manager", "Contract manager"), Column("supplier", "Supplier"),
         Column("rate", "Delivered to date ÷ committed", "percent"), Column("overdue", "Returns overdue")],
        [{"rag": r.rag, "contract": r.contract, "title": r.title, "organisation": r.organisation,
          "manager": r.manager or "not recorded", "supplier": r.supplier, "rate": r.rate,
          "overdue": ", ".join(r.overdue)} for r in f.at_risk],
    )  # fmt: skip
    rag_table = DataTable(
        "RAG", "Contracts by RAG status", [Column("status", "Status"), Column("contracts", "Contracts", "count")],
        [{"status": k, "contracts": v} for k, v in counted_rag.items()], total="All contracts",
    )  # fmt: skip
    sections.append(Section("Contracts at risk", [], [
        Figure(rag_table, Chart("bar", "Contracts by RAG status", "status", [Series("contracts", "Contracts", "#1F4E79")],
                                category_colours=RAG_COLOURS)),
        Figure(risk),
    ]))  # fmt: skip

    grades = DataTable(
        "Evidence", "Delivered £ (gross) by evidence grade",
        [Column("grade", "Evidence grade"), Column("lines", "Return lines", "count"),
         Column("delivered_gross", "Delivered £ (gross)", "gbp", sums="delivered_gross" if traced else "")],
        [{"grade": g.grade, "lines": g.lines, "delivered_gross": g.delivered_gross} for g in f.grades],
        match={"grade": "grade"} if traced else {}, total="All evidence", note=GRADE_NOTE,
    )  # fmt: skip
    sections.append(Section("Evidence", [], [
        Figure(grades, Chart("bar", "Delivered £ (gross) by evidence grade", "grade", [Series("delivered_gross", "Delivered (gross)")], "£")),
    ]))  # fmt: skip

    if f.local is not None:
        sections.append(local_section(f.local, f.code))

    basis, warnings = [], []
    for v in f.value_sets:
        label = v.label
        if v.illustrative:
            warnings.append(Note(f"{label} ({v.contracts} contracts) holds illustrative values shipped with socialvalue, not a "
                              "published value set: the £ figures resting on it show the method, not a value to rely on.",
                              "warning", "Illustrative values:"))  # fmt: skip
        else:
            basis.append(Note(f"{label}, used by {v.contracts} contracts.", label="Value set:"))
    basis += [
        Note("Gross figures are quantity × £ per unit; net figures apply each measure's deadweight, displacement and "
             "attribution. The two are shown apart and never added.", label="Gross and net:"),
        Note("Counts (hours, roles and other measures without a proxy value) are reported in their own units and never given a £ value.",
             label="Counts:"),
        Note(GRADE_NOTE, label="Evidence:"),
        Note(f"Committed figures are the commitment phased over the contract's quarters, for {period}; delivered figures are "
             "what the suppliers' current returns report (a corrected return replaces the one before it).", label="Periods:"),
    ]  # fmt: skip
    if f.local is not None:
        basis += local_basis(f.local)
    if traced:
        basis.append(Note("Every total in the workbook is a formula over its Rows sheet: one row per contract KPI per quarter, "
                          "with the return file and its SHA-256 it came from.", label="Tracing a figure:"))  # fmt: skip
    return Report(
        title="Social value footprint report",
        subtitle=f"{f.footprint}: {period}",
        headlines=headlines,
        sections=sections,
        basis=warnings + basis,
        warnings=warnings,
        rows=rows_table(f),
        footer=f"{f.kpi_periods:,} contract KPI-quarters. Made by socialvalue from the footprint's store.",
        generated=generated,
    )
