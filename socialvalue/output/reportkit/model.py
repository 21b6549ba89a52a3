"""What a report says, once, for both of its forms: an Excel workbook and one self-contained HTML page.

A report is headline figures, then sections of figures (a table, usually with a chart drawn from
it), notes on what the figures rest on, and optionally the rows behind the totals. The writers
(:mod:`.xlsx`, :mod:`.html`) decide only how it looks; every number is worked out by whoever builds
the report (usually a database query), and the workbook's formulas recompute the same number from
the rows sheet so a reader can trace it.

Nothing here imports a heavy library: reports are built before either writer is loaded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["text", "gbp", "count", "number", "percent", "date"]
"""How a value is shown: ``gbp`` whole pounds, ``count`` a quantity of a unit (never given a £ value),
``percent`` a fraction (0.25 shows 25%), ``date`` a calendar date."""

Cell = str | int | float | dt.date | None

NoteKind = Literal["normal", "note", "warning"]
ChartKind = Literal["bar", "barh", "line"]

# Okabe and Ito's palette: told apart by readers with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")


@dataclass(frozen=True)
class Column:
    """One column of a table: its key in the rows, heading, how its values are shown."""

    key: str
    heading: str
    kind: Kind = "text"
    width: float = 0
    """Width in Excel characters; 0 picks one from the kind."""
    sums: str = ""
    """In the workbook, each value is a SUMIFS over this column of the rows sheet, matching the table's
    ``match`` columns, so the figure traces back to its rows (the value given is the one the formula
    must recompute)."""
    ratio: tuple[str, str] | None = None
    """In the workbook, numerator column key ÷ denominator column key, as a formula."""
    code: bool = False
    """A reference or code (``C-2025-014``, ``local-measures/LE01``): on the page, never broken across lines."""


@dataclass
class DataTable:
    """A table of figures: one dict per row, keyed by the columns' keys."""

    key: str
    """Short and unique in the report: the workbook's sheet name and the HTML anchor."""
    title: str
    columns: list[Column]
    rows: Collection[dict[str, Cell]]
    """A list, or (for the rows behind a large report) any sized collection that streams its rows once."""
    match: dict[str, str] = field(default_factory=dict)
    """Rows-sheet column key → this table's column key: what a ``sums`` column's SUMIFS matches on."""
    total: str = ""
    """Label of a total row added at the foot (empty: none). Sums ``sums`` columns, recomputes ratios."""
    note: str = ""

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(f"table {self.key} has no column {key}")

    def totals(self) -> dict[str, Cell]:
        """The total row's values: ``sums`` and numeric columns added up, ratios recomputed from the sums."""
        out: dict[str, Cell] = {}
        for c in self.columns:
            if c.sums or (c.kind in ("gbp", "count", "number") and c.ratio is None):
                out[c.key] = sum(float(v) for r in self.rows if isinstance(v := r.get(c.key), int | float))
        for c in self.columns:
            if c.ratio is not None:
                num, den = out.get(c.ratio[0]), out.get(c.ratio[1])
                out[c.key] = (
                    float(num) / float(den)
                    if isinstance(num, int | float) and isinstance(den, int | float) and den
                    else None
                )
        if self.columns:
            out[self.columns[0].key] = self.total
        return out


@dataclass(frozen=True)
class Series:
    """One series of a chart: a numeric column of the chart's table."""

    column: str
    label: str = ""
    colour: str = ""


@dataclass
class Chart:
    """A chart drawn from its table: categories from one column, one bar (or line) per series."""

    kind: ChartKind
    title: str
    category: str
    series: list[Series]
    axis: str = ""
    """Value axis label, e.g. ``£`` or ``hours``."""
    category_colours: dict[str, str] = field(default_factory=dict)
    """A colour for the bars of some categories (by the category's value in the table), e.g. red, amber and
    green for contracts by RAG status; other bars take their series' colour."""

    def colours(self) -> list[str]:
        return [s.colour or PALETTE[i % len(PALETTE)] for i, s in enumerate(self.series)]

    def bar_colours(self, series_colour: str, rows: Collection[Mapping[str, object]]) -> list[str]:
        """Each row's bar colour in a series: its category's own colour where it has one, else the series'."""
        return [self.category_colours.get(str(r.get(self.category)), series_colour) for r in rows]


@dataclass
class Figure:
    """A table, with the chart drawn from it when there is one (the table is shown beneath the chart)."""

    table: DataTable
    chart: Chart | None = None


@dataclass(frozen=True)
class Note:
    text: str
    kind: NoteKind = "normal"
    label: str = ""
    """Shown in bold before the text."""


@dataclass(frozen=True)
class Headline:
    """One headline figure, e.g. 'Delivered (gross) £1.2m'."""

    key: str
    label: str
    value: Cell
    kind: Kind = "gbp"
    note: str = ""
    sums: str = ""
    """In the workbook, SUM of this rows-sheet column."""
    ratio: tuple[str, str] | None = None
    """In the workbook, one headline's cell ÷ another's (keys)."""


@dataclass
class Section:
    heading: str
    notes: list[Note] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)


@dataclass
class Report:
    title: str
    subtitle: str
    warnings: list[Note] = field(default_factory=list)
    """Shown first, under the title (e.g. figures resting on illustrative values)."""
    headlines: list[Headline] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    basis: list[Note] = field(default_factory=list)
    """What the figures rest on: value sets and versions, warnings, evidence grades, sources."""
    rows: DataTable | None = None
    """The rows behind the totals (written to the workbook; the HTML says where to find them)."""
    footer: str = ""
    generated: dt.datetime | None = None

    def figures(self) -> list[Figure]:
        return [f for s in self.sections for f in s.figures]
