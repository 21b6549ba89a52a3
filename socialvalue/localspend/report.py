"""The local-spend page: one self-contained HTML page laid out with the report kit, beside the workbook.

Every figure comes from :func:`.figures.figures` (the values the workbook's formulas are written with), the LM3
rounds and assumptions from :attr:`.LocalSpendResult.lm3`, and the staff counts as the workbook shows them
(suppressed counts as ``<5``). The page says what was set aside and why before it says anything else, and ends
with what the figures rest on: every input file with its SHA-256, and the version that made them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from socialvalue import __version__
from socialvalue.output.reportkit import Cell, Chart, Column, DataTable, Figure, Headline, Note, Report, Section, Series
from socialvalue.problems import Severity

from .employment import ALL_ORGANISATIONS, NOT_PLACED
from .figures import Breakdown, Figures, ShareRow, fte_shown, headcount_shown
from .models import EmploymentCell, Kind, LocalSpendResult

UNMATCHED_SHOWN = 20
"""The suppliers the register does not know, largest payments first, shown on the page (all are in the workbook)."""

MONTHS_AS_LINE = 24
"""Up to this many months, each with a share, are drawn as a line; more (or a month with nothing placed, which a line
would draw as 0%) as bars, one a month, each labelled."""

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _month(label: str) -> str:
    return f"{_MONTHS[int(label[5:7]) - 1]}\u00a0{label[:4]}" if label else "date not known"  # kept on one line


def _label(b: Breakdown, r: ShareRow) -> str:
    """A breakdown row's name: ``Jul 2024``; ``NHS Cheshire and Merseyside ICB (QYG)``; the code alone when it has no
    other name."""
    if b.key == "month":
        return _month(r.key)
    if not r.key:
        return r.name or b.blank
    return f"{r.name} ({r.key})" if r.name and r.name != r.key else r.key


SHARE_COLUMNS = (
    Column("local", "Local £", "gbp"),
    Column("placed", "Placed £ (local + not local)", "gbp"),
    Column("share", "Local share", "percent", ratio=("local", "placed")),
    Column("not_placed", "Not placed £", "gbp"),
    Column("paid", "All payments £", "gbp"),
    Column("coverage", "Coverage", "percent", ratio=("placed", "paid")),
    Column("credits", "Credits £", "gbp"),
)
"""A local-share breakdown's figures, on this page and in the footprint report: the share with the placed and
all-payments £ it and the coverage divide by, and credits apart."""


def _share_figure(b: Breakdown) -> Figure:
    """One breakdown as the workbook's sheet of the same name has it, with the placed and all-payments £ that the
    local share and coverage divide by, and a chart of the local share."""
    columns = [Column("key", b.label.capitalize()), *SHARE_COLUMNS]
    rows: list[dict[str, Cell]] = [
        {"key": _label(b, r), "local": r.local, "placed": round(r.local + r.not_local, 2),
         "not_placed": r.not_placed, "paid": r.paid, "share": r.share, "coverage": r.coverage, "credits": r.credits}
        for r in b.rows
    ]  # fmt: skip
    table = DataTable(
        b.sheet.lower().replace(" ", "-"), f"Local spend by {b.label}", columns, rows,
        total="Total", note=f"The workbook's '{b.sheet}' sheet has these figures as formulas over its Lines sheet.",
    )  # fmt: skip
    series = [Series("share", "Local share of placed payments")]
    trend = b.key == "month" and len(b.rows) <= MONTHS_AS_LINE and all(r.share is not None for r in b.rows)
    chart = Chart("line" if trend else "barh", f"Local share of placed payments, by {b.label}",
                  "key", series, "Local share")  # fmt: skip
    return Figure(table, chart)


def _where_it_went(result: LocalSpendResult, fig: Figures, listing: str, sha256: str) -> Section:
    payments = [w for w in fig.went if w.kind == Kind.PAYMENT]
    others = [w for w in fig.went if w.kind != Kind.PAYMENT]
    placed = DataTable(
        "payments", "Payments, by where their supplier was placed",
        [Column("category", "Category"), Column("meaning", "What it means"), Column("rows", "Rows", "count"),
         Column("amount", "Amount £", "gbp"), Column("share", "Share of all payments £", "percent")],
        [{"category": w.category, "meaning": w.meaning, "rows": w.rows, "amount": w.amount, "share": w.share_of_paid}
         for w in payments],
        total="All payments",
    )  # fmt: skip
    other = DataTable(
        "other-rows", "Rows that are not payments: credits, zero and unreadable amounts, blank rows",
        [Column("kind", "Kind"), Column("category", "Category"), Column("meaning", "What it means"),
         Column("rows", "Rows", "count"), Column("amount", "Amount £", "gbp")],
        [{"kind": w.kind, "category": w.category, "meaning": w.meaning, "rows": w.rows, "amount": w.amount}
         for w in others],
        total="All other rows",
    )  # fmt: skip
    counted = int(fig.rows_counted)
    notes = [
        Note(
            f"{result.rows_read:,} rows were read from the spend files and every one is in one of the rows below "
            f"({counted:,} counted). The local share divides local payments by payments whose supplier could be "
            "placed by its trading or delivery postcode; payments that could not be placed are counted here, by "
            "reason, and in the coverage figure, never hidden. Credits are shown apart, not netted."
        ),
        Note(
            f"Each of the {len(result.set_aside):,} rows not counted as a placed payment is listed, with the file, "
            f"sheet and row it was read from, in {listing} (SHA-256 {sha256})."
        ),
    ]
    if counted != result.rows_read:
        notes.insert(0, Note(f"ROWS MISSING: {result.rows_read:,} read but {counted:,} counted.", "warning"))
    chart = Chart("barh", "Payments by where their supplier was placed", "category", [Series("amount", "Payments £")], "£")  # fmt: skip
    figures = [Figure(placed, chart), Figure(other)]
    if result.unmatched:
        figures.append(Figure(_suppliers_to_add(result)))
    return Section("What was counted, and what was set aside", notes, figures)


def _suppliers_to_add(result: LocalSpendResult) -> DataTable:
    shown = result.unmatched[:UNMATCHED_SHOWN]
    return DataTable(
        "suppliers-to-add", "Suppliers the register does not know, largest payments first",
        [Column("supplier", "Supplier (as paid)"), Column("rows", "Rows", "count"),
         Column("amount", "Payments £", "gbp"), Column("organisations", "Organisations", "count")],
        [{"supplier": u.supplier, "rows": u.rows, "amount": u.amount_gbp, "organisations": u.organisations}
         for u in shown],
        note=f"{len(shown)} of {len(result.unmatched):,}: all are on the workbook's 'Suppliers to add' sheet. "
        "Adding them to the register places more of the spend.",
    )  # fmt: skip


def _lm3(result: LocalSpendResult) -> list[Section]:
    if not result.lm3:
        return []
    first = result.lm3[0]
    rounds = DataTable(
        "lm3-rounds", f"LM3 rounds: {first.scope}",
        [Column("round", "Round", "count"), Column("part", "Part"), Column("basis", "How it is worked out"),
         Column("amount", "Amount £", "gbp")],
        [{"round": p.round, "part": p.part, "basis": p.basis, "amount": p.amount_gbp} for p in first.parts],
    )  # fmt: skip
    by_scope = DataTable(
        "lm3", "LM3 by organisation",
        [Column("scope", "Scope"), Column("r1", "Round 1 £", "gbp"), Column("r2", "Round 2 £", "gbp"),
         Column("r3", "Round 3 £", "gbp"), Column("lm3", "LM3", "number")],
        [{"scope": m.scope, "r1": m.r1, "r2": m.r2, "r3": m.r3, "lm3": None if m.lm3 is None else round(m.lm3, 2)}
         for m in result.lm3],
        note="LM3 = (R1 + R2 + R3) ÷ R1, from 1 (nothing spent locally) to 3; — where round 3 is not worked out "
        "(the assumptions below say why).",
    )  # fmt: skip
    drawn = [m for m in result.lm3 if m.lm3 is not None]
    chart = Chart("barh", "LM3 by organisation", "scope", [Series("lm3", "LM3")], "LM3") if drawn else None
    notes = [
        Note(
            "Round 1: the money spent (payments, and staff pay where known). Round 2: the part spent locally (local "
            "suppliers, pay of staff living locally). Round 3: what local suppliers and staff spend locally in turn "
            "(survey answers or stated shares). Every assumption is listed below the figures."
        )
    ]
    assumptions = [
        Note(a, "warning" if a.startswith("Round 3 is not worked out") else "normal", f"{m.scope}:")
        for m in result.lm3
        for a in m.assumptions
    ]
    return [
        Section("Local Multiplier 3 (New Economics Foundation)", notes, [Figure(rounds), Figure(by_scope, chart)]),
        Section("LM3: every assumption", assumptions),
    ]


_EMPLOYMENT_CATEGORY = {
    "local": "lives in this local district",
    "not-local": "lives outside the local area",
    "living-locally": "all staff living in the local area",
    "all-staff": "all staff",
    **{k: f"not placed: {v}" for k, v in NOT_PLACED.items()},
}


def _employment(result: LocalSpendResult) -> list[Section]:
    cells = result.employment
    if not cells:
        return []
    t = result.suppression_threshold
    scope = ALL_ORGANISATIONS if any(c.organisation == ALL_ORGANISATIONS for c in cells) else cells[0].organisation
    area = result.local_area

    def row(c: EmploymentCell) -> dict[str, Cell]:
        return {"organisation": c.organisation, "district": c.district, "name": area.get(c.district, ""),
                "label": area.get(c.district) or c.district,
                "local": "Yes" if c.local else "No", "category": _EMPLOYMENT_CATEGORY.get(c.category, c.category),
                "headcount": headcount_shown(c, t), "fte": fte_shown(c)}  # fmt: skip

    places = [row(c) for c in cells if c.organisation == scope and c.category == "local" and c.district]
    counts = [Column("headcount", "Headcount", "count"), Column("fte", "FTE", "number")]
    by_place = DataTable(
        "staff-by-place", f"Staff living in each local place ({scope})",
        [Column("district", "Place"), Column("name", "Name"), *counts], places,
        note=f"A suppressed count (shown as '<{t}') is drawn as no bar.",
    )  # fmt: skip
    chart = Chart("barh", f"Staff living in each local place ({scope})", "label", [Series("headcount", "Headcount")],
                  "staff")  # fmt: skip
    every = DataTable(
        "employment", "Where staff live, by organisation",
        [Column("organisation", "Organisation"), Column("district", "District"), Column("name", "Name"),
         Column("local", "Local"), Column("category", "What the row counts"), *counts],
        [row(c) for c in cells],
        note="The same counts as the workbook's Employment sheet, suppressed the same way.",
    )  # fmt: skip
    notes = [Note(f"Suppression applied: {result.employment_note}", "note")]
    return [Section("Local employment: where our staff live", notes, [Figure(by_place, chart), Figure(every)])]


def _basis(result: LocalSpendResult, outputs: list[tuple[str, str]], command: str) -> list[Note]:
    area = ", ".join(f"{c} {n}".strip() for c, n in result.local_area.items())
    label = result.local_area_label
    same = label.replace(" ", "") == ",".join(result.local_area)  # an ad-hoc area is labelled by its codes
    notes = [
        Note(f"socialvalue {__version__}", label="Made by:"),
        *([Note(command, label="Command:")] if command else []),
        Note(area if same else f"{label}: {area}", label="Local area:"),
        *(Note(f"{name} (SHA-256 {sha})" if sha else name, label="Written with this page:") for name, sha in outputs),
    ]
    errors = sum(1 for p in result.problems if p.severity is Severity.ERROR)
    warnings = sum(1 for p in result.problems if p.severity is Severity.WARNING)
    if errors or warnings:
        notes.append(
            Note(
                f"{errors:,} error(s) and {warnings:,} warning(s) were found in the inputs; each is listed with its "
                "file, sheet and cell on the workbook's Errors sheet.",
                "warning" if errors else "note",
                "Problems:",
            )
        )
    notes += [Note(n, "note") for n in result.notes]
    return notes


def local_spend_report(
    result: LocalSpendResult,
    fig: Figures,
    workbook: Path,
    listing: Path,
    sha256: str,
    command: str = "",
    generated: dt.datetime | None = None,
) -> Report:
    """The page: headline figures, what was set aside and why, the local share by organisation, place, supplier
    type and month, LM3 with its assumptions, local employment, and the inputs with their SHA-256."""
    months = sorted(ln.month for ln in result.spend if ln.month)
    period = f"payments from {_month(months[0])} to {_month(months[-1])}" if months else "payment dates not known"
    t = fig.total
    placed = round(t.local + t.not_local, 2)
    headlines = [
        Headline("paid", "All payments", t.paid, note=f"{fig.sums.get('all', Kind.PAYMENT)[0]:,.0f} payment rows"),
        Headline("share", "Local share of placed payments", t.share, "percent",
                 note=f"£{t.local:,.0f} local of £{placed:,.0f} paid to suppliers placed by postcode"),
        Headline("coverage", "Payments placed (coverage)", t.coverage, "percent",
                 note=f"£{t.not_placed:,.0f} could not be placed: why, below"),
        Headline("local", "Paid to local suppliers", t.local),
        Headline("credits", "Credits (shown apart)", t.credits, note="not netted from the payments"),
    ]  # fmt: skip
    if result.lm3:
        m = result.lm3[0]
        headlines.append(
            Headline("lm3", f"LM3 ({m.scope})", None if m.lm3 is None else round(m.lm3, 2), "number",
                     note="(R1 + R2 + R3) ÷ R1" if m.lm3 is not None else "not worked out: see the assumptions")
        )  # fmt: skip
    living = [c for c in result.employment if c.category == "living-locally"]
    if living:
        c = next((x for x in living if x.organisation == ALL_ORGANISATIONS), living[0])
        headlines.append(
            Headline("staff", "Staff living locally", headcount_shown(c, result.suppression_threshold), "count",
                     note=c.organisation)
        )  # fmt: skip
    sections = [
        _where_it_went(result, fig, listing.name, sha256),
        Section("Local share by organisation, place, supplier type and month", [
            Note("Local share = local ÷ placed payments (placed: the supplier's trading or delivery postcode was "
                 "found in the postcode directory, in a district); coverage = placed ÷ all payments. Credits are "
                 "shown apart, not netted. A share with nothing placed to divide by is shown as — (and drawn as no "
                 "bar)."),
        ], [_share_figure(b) for b in fig.breakdowns]),
        *_lm3(result),
        *_employment(result),
        Section("The input files", [], [Figure(DataTable(
            "inputs", "Input files and their SHA-256",
            [Column("file", "File (what it is)"), Column("sha256", "SHA-256")],
            [{"file": f"{i.file} ({i.role})", "sha256": i.sha256} for i in result.inputs],
        ))]),
    ]  # fmt: skip
    warnings = []
    if int(fig.rows_counted) != result.rows_read:
        warnings.append(Note("Some rows read are not counted in any category: see the first section.", "warning"))
    return Report(
        title="Local spend: how much of our spend stays local",
        subtitle=f"Local area {result.local_area_label.replace(',', ', ')}: {period}",
        warnings=warnings,
        headlines=headlines,
        sections=sections,
        basis=_basis(result, [(workbook.name, ""), (listing.name, sha256)], command),
        footer=f"Made by socialvalue {__version__}. The workbook {workbook.name} has every figure as a formula over "
        "the rows behind it.",
        generated=generated,
    )
