"""Commitments and Social value: one row per bid and one column per measure, laid out alike.

A bid's £ on a measure sits in the same cell as the quantity it is worked out from, so a 1,000-bid,
60-measure tender is 1,000 rows, not 60,000; the per-measure constants live once on the Measures sheet.
Rows are written as each bid is scored (:meth:`Grids.add`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from xlsxwriter.worksheet import Worksheet

from socialvalue.scoring import arithmetic
from socialvalue.scoring.engine import ScoredBid
from socialvalue.scoring.results import MeasureLine

from ..sheets import write_formula, write_string
from .layout import (
    COMMITMENTS,
    GRID_FIRST_COL,
    GRID_HEADER_ROW,
    HEADER_ROW,
    SOCIAL_VALUE,
    Col,
    Context,
    column,
    header,
    heading_lines,
    on,
    ref,
    short,
)


class Grids:
    """Writes the Commitments and Social value grids a bid at a time, in the order the bids are given."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.measures = ctx.rubric.measures()
        self.column = {m.code: j for j, (_, m) in enumerate(self.measures)}
        self.row = GRID_HEADER_ROW
        sv = ctx.rubric.social_value
        self.net = sv is None or sv.score_on == "net"
        self.refs = [ctx.measure_refs[m.code] for _, m in self.measures] if self.measures else []
        self.first, self.last = GRID_FIRST_COL, GRID_FIRST_COL + len(self.measures) - 1
        if self.measures:
            self._commitments_header()
            self._social_value_header()

    def _grid_header(
        self, ws: Worksheet, title: str, notes: Sequence[str], totals: Sequence[Col], rows_above: Callable[[], None]
    ) -> None:
        """Headings of a Social value / Commitments grid: Bid file, Supplier, a column per measure, ``totals``."""
        cols = [Col("bid", "Bid file", 26), Col("supplier", "Supplier", 26)]
        for _, m in self.measures:
            count_only = "; count only" if not self.ctx.measure_refs[m.code].unit_value else ""
            cols.append(Col(m.code, f"{m.code} {short(m.description)} ({m.unit}{count_only})", 15))
        cols += totals
        lines = max(heading_lines(c.heading, c.width) for c in cols)
        # the per-measure figures print with the headings; too wide for a page across: bid file and supplier on each
        header(
            ws, cols, title, notes, self.ctx.f, GRID_HEADER_ROW, height=max(48, 15 * lines + 3),
            rows_above=rows_above, repeat_rows=(HEADER_ROW, GRID_HEADER_ROW),
        )  # fmt: skip

    def _commitments_header(self) -> None:
        f, ctx = self.ctx.f, self.ctx
        ws = ctx.sheets[COMMITMENTS]
        notes = [
            *ctx.notes[:1],
            "Each cell: the quantity counted towards social value, in the measure's unit (capped where the rubric caps it)",
            "Red: nothing counted (left blank, not a number, out of range or unit changed); "
            "amber: typed as text or capped. Readings says how each was read; Errors lists the problems",
        ]

        def units_and_caps() -> None:
            ws.write(HEADER_ROW, 0, "Unit", f.label)
            for j, (_, m) in enumerate(self.measures):
                ws.write(HEADER_ROW, GRID_FIRST_COL + j, m.unit, f.ref_text)
            ws.write(HEADER_ROW + 1, 0, "Counted up to (cap)", f.label)
            for j, (_, m) in enumerate(self.measures):
                if m.cap is not None:
                    cap = f"={ctx.measure_refs[m.code].cap}"
                    write_formula(ws, HEADER_ROW + 1, GRID_FIRST_COL + j, cap, m.cap, f.ref_number)
                else:
                    ws.write(HEADER_ROW + 1, GRID_FIRST_COL + j, "no cap", f.ref_text)

        self._grid_header(
            ws, "Commitments: the quantity counted for each bid on each measure", notes, [], units_and_caps
        )

    def _social_value_header(self) -> None:
        ctx, f = self.ctx, self.ctx.f
        basis = "net" if self.net else "gross"
        ws = ctx.sheets[SOCIAL_VALUE]
        worked = "quantity counted (the same cell on Commitments) × £ per unit" + (" × net factor" if self.net else "")
        notes = [
            *ctx.notes[:2],
            f"Each cell: {basis} £ = {worked} (in the rows above, from Measures); red: nothing counted. "
            f"Scored on {basis} £: the {basis.title()} £ column adds up the row",
        ]
        totals = [Col("gross", "Gross £", 16, "money"), Col("net", "Net £", 16, "money")]
        first = self.first

        def values_and_factors() -> None:
            # each measure's figures from Measures above its column: the totals are one SUMPRODUCT each
            ws.write(HEADER_ROW, 0, "£ per unit", f.label)
            for j, r in enumerate(self.refs):
                if r.unit_value:
                    write_formula(ws, HEADER_ROW, first + j, f"={r.unit_value}", r.unit_value_gbp, f.ref_money)
            ws.write(HEADER_ROW + 1, 0, "Net factor", f.label)
            for j, ((_, m), r) in enumerate(zip(self.measures, self.refs, strict=True)):
                if r.unit_value:  # a count-only measure has no £ to take a share of
                    write_formula(ws, HEADER_ROW + 1, first + j, f"={r.factor}", m.additionality_factor, f.ref_factor)

        self._grid_header(ws, f"Social value: each bid's {basis} £ on each measure", notes, totals, values_and_factors)
        self.unit_row = f"{ref(first, HEADER_ROW, True)}:{ref(self.last, HEADER_ROW, True)}"
        self.factor_row = f"{ref(first, HEADER_ROW + 1, True)}:{ref(self.last, HEADER_ROW + 1, True)}"
        # each measure's formula, its row number to fill in: the quantity counted (same cell on Commitments) ×
        # the £ per unit (× net factor) above in the column ('' for a count-only measure: no £, cell left blank)
        self.templates = []
        for j, r in enumerate(self.refs):
            letters = column(first + j)
            factor = f"{letters}${HEADER_ROW + 2}" if self.net else None
            formula = arithmetic.measure_value_formula(
                on(COMMITMENTS, f"{letters}{{}}"), f"{letters}${HEADER_ROW + 1}", factor
            )
            self.templates.append(formula if r.unit_value else "")

    def cells(self, lines: Sequence[MeasureLine]) -> list[MeasureLine | None]:
        """A bid's lines in rubric measure order (None where it has no line for a measure)."""
        out: list[MeasureLine | None] = [None] * len(self.measures)
        for line in lines:
            j = self.column.get(line.code)
            if j is not None:
                out[j] = line
        return out

    def add(self, bid: ScoredBid) -> None:
        """The bid's row on both grids: the quantities counted, and the £ each is worth."""
        if not self.measures or not bid.measures:
            return
        self.row += 1
        lines = self.cells(bid.measures)
        names = self.ctx.name(bid.result.bid_id, bid.result.supplier)
        self._commitments_row(lines, names)
        self._social_value_row(bid, lines, names)

    def _commitments_row(self, lines: Sequence[MeasureLine | None], names: tuple[str, str]) -> None:
        f, row = self.ctx.f, self.row
        ws = self.ctx.sheets[COMMITMENTS]
        write_string(ws, row, 0, names[0])
        write_string(ws, row, 1, names[1])
        for col, line in enumerate(lines, start=GRID_FIRST_COL):
            if line is None or not line.counted:
                ws.write_blank(row, col, None, f.not_counted)
            else:
                fmt = f.explained if (line.raw or line.counted_quantity != line.quantity) else f.number
                ws.write_number(row, col, line.counted_quantity, fmt)

    def _social_value_row(self, bid: ScoredBid, lines: Sequence[MeasureLine | None], names: tuple[str, str]) -> None:
        f, row, first, last = self.ctx.f, self.row, self.first, self.last
        ws = self.ctx.sheets[SOCIAL_VALUE]
        write_string(ws, row, 0, names[0])
        write_string(ws, row, 1, names[1])
        excel_row, net = row + 1, self.net
        for j, line in enumerate(lines):
            template = self.templates[j]
            if line is None or not template:
                continue
            value = line.net if net else line.gross
            write_formula(
                ws, row, first + j, template.format(excel_row), value, f.money if line.counted else f.not_counted_money
            )
        quantities = on(COMMITMENTS, f"{ref(first, row)}:{ref(last, row)}")
        row_sum = arithmetic.sum_formula(f"{ref(first, row)}:{ref(last, row)}")
        gross = arithmetic.sumproduct_formula(quantities, self.unit_row) if net else row_sum
        net_formula = row_sum if net else arithmetic.sumproduct_formula(quantities, self.unit_row, self.factor_row)
        gross_col, net_col = last + 1, last + 2
        b = bid.result
        write_formula(ws, row, gross_col, gross, b.sv_gross, f.money if net else f.total)
        write_formula(ws, row, net_col, net_formula, b.sv_net, f.total if net else f.money)
        self.ctx.sv_total[b.bid_id] = on(SOCIAL_VALUE, ref(net_col if net else gross_col, row))

    def finish(self) -> None:
        if not self.measures:
            return
        self.ctx.sheets[COMMITMENTS].autofilter(GRID_HEADER_ROW, 0, self.row, self.last)
        self.ctx.sheets[SOCIAL_VALUE].autofilter(GRID_HEADER_ROW, 0, self.row, self.last + 2)
