"""Readings: one row per price or commitment that needs explaining (typed as text, capped, not counted, missing).

Written as each bid is scored; its notes say whether any row follows, so its headings are written with the
first row (or at the end, when nothing needed explaining).
"""

from __future__ import annotations

from xlsxwriter.worksheet import Worksheet

from socialvalue.problems import cell_text
from socialvalue.scoring.engine import ScoredBid
from socialvalue.scoring.results import COUNT_ONLY_NOTE, BidResult, MeasureLine

from ..safe import clean_text
from ..sheets import write_string
from .layout import HEADER_ROW, READINGS, Col, Context, header

COLUMNS = [
    Col("bid", "Bid file", 22), Col("supplier", "Supplier", 22), Col("code", "Code", 8),
    Col("cell", "Input cell", 16), Col("raw", "As typed", 16), Col("qty", "Read as", 13, "number"),
    Col("counted", "Counted", 13, "number"), Col("note", "Note", 60),
]  # fmt: skip
C = {col.key: i for i, col in enumerate(COLUMNS)}


def needs_reading(line: MeasureLine) -> bool:
    """A commitment the Readings sheet explains: typed as text, or noted (read as, capped, not counted, missing).

    A count-only measure's standing note is said once, on Measures.
    """
    return bool(line.raw) or (bool(line.note) and line.note != COUNT_ONLY_NOTE)


class Readings:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.on = bool(ctx.rubric.measures())
        self.row = HEADER_ROW
        self.started = False

    def _start(self, any_rows: bool) -> None:
        notes = [
            *self.ctx.notes[:1],
            "Prices and commitments typed as plain numbers and counted in full have no row here"
            if any_rows
            else "Nothing needed explaining: every price and commitment was a plain number, counted in full",
            "Evidence text is not in this workbook: it is in the JSON export (socialvalue score --json)",
        ]
        title = "Readings: how each price and commitment that was not a plain number was read and counted"
        header(self.ctx.sheets[READINGS], COLUMNS, title, notes, self.ctx.f)
        self.started = True

    def add(self, bid: ScoredBid) -> None:
        if not self.on or not bid.measures:
            return
        b = bid.result
        lines: list[MeasureLine | BidResult] = [b] if (b.price_raw or b.price_note) else []  # the price first
        lines += [line for line in bid.measures if needs_reading(line)]
        if not lines:
            return
        if not self.started:
            self._start(True)
        names = self.ctx.name(b.bid_id, b.supplier)
        for line in lines:
            self.row += 1
            if isinstance(line, BidResult):
                self._price(line, names)
            else:
                self._commitment(line, names)

    def _what(self, names: tuple[str, str], code: str, cell: str, raw: str) -> Worksheet:
        """The row's first columns: whose, what, where in the bid file, as typed."""
        ws, row = self.ctx.sheets[READINGS], self.row
        write_string(ws, row, C["bid"], names[0])
        write_string(ws, row, C["supplier"], names[1])
        write_string(ws, row, C["code"], code)
        if cell:
            write_string(ws, row, C["cell"], clean_text(cell))
        if raw:
            write_string(ws, row, C["raw"], clean_text(raw))
        return ws

    def _commitment(self, line: MeasureLine, names: tuple[str, str]) -> None:
        f, row = self.ctx.f, self.row
        ws = self._what(names, line.code, cell_text(line.cell), line.raw)
        if line.quantity is not None:
            ws.write_number(row, C["qty"], line.quantity, f.number)
        ws.write_number(row, C["counted"], line.counted_quantity, f.not_counted if not line.counted else f.number)
        if line.note:
            write_string(ws, row, C["note"], clean_text(line.note))

    def _price(self, b: BidResult, names: tuple[str, str]) -> None:
        """A bid price typed as text: how it was read (a price is refused, never guessed, when ambiguous)."""
        f, row = self.ctx.f, self.row
        ws = self._what(names, "Price £", cell_text(b.price_cell), b.price_raw)
        if b.price is not None:
            ws.write_number(row, C["qty"], b.price, f.money)
            ws.write_number(row, C["counted"], b.price, f.money)
        else:
            ws.write_blank(row, C["counted"], None, f.not_counted)
        note = b.price_note if b.price is not None else "not read: see Errors (the bid has no usable price)"
        if note:
            write_string(ws, row, C["note"], clean_text(note))

    def finish(self) -> None:
        if not self.on:
            return
        if not self.started:
            self._start(False)
        self.ctx.sheets[READINGS].autofilter(HEADER_ROW, 0, self.row, len(COLUMNS) - 1)
