"""The panel's consensus score workbook: one row per bid per question, score drop-down and reason.

``socialvalue template --evaluation`` writes it; ``socialvalue score --evaluations`` reads it back
(:mod:`socialvalue.intake.consensus`). Layout in :mod:`socialvalue.layout` (``CONSENSUS_COLUMNS``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from socialvalue import layout as L
from socialvalue.bid import Bid, PanelScore
from socialvalue.rubric import Rubric, Scale

from .atomic import atomic_path
from .safe import WORKBOOK_OPTIONS, clean_text
from .sheets import SafeWorkbook, fit_height, page_setup, protect, put, write_string
from .template import Styles, template_meta, write_meta


@dataclass(frozen=True)
class ConsensusRow:
    """One bid and question on the Consensus sheet, with any extra read-only columns after the layout's."""

    bid_id: str
    supplier: str
    code: str
    question: str
    scale: Scale
    score: float | str | None = None
    """A number, or the text someone typed (kept as typed; the reader reports it)."""
    reason: str = ""
    extras: tuple[str, ...] = ()
    flagged: bool = False


def scale_summary(scale: Scale) -> str:
    return "; ".join(f"{p.score:g} {p.label}" for p in scale.points)


def write_consensus_sheet(
    wb: Workbook,
    st: Styles,
    title: str,
    note: str,
    rows: Sequence[ConsensusRow],
    extra_columns: Sequence[tuple[str, float]] = (("Scale", 30),),
    flag_column: int | None = None,
) -> Worksheet:
    """The Consensus sheet in the layout ``score --evaluations`` reads (``layout.CONSENSUS_COLUMNS``).

    ``extra_columns`` (heading, width) follow the layout's columns; the one at ``flag_column`` is
    highlighted on rows marked ``flagged`` (e.g. evaluators disagree).
    """
    ws = wb.add_worksheet(L.CONSENSUS)
    widths = [c.width for c in L.CONSENSUS_COLUMNS] + [width for _, width in extra_columns]
    page_setup(ws, widths, L.HEADER_ROW - 1, repeat_columns=L.CON_CODE.index + 1, last_row=L.HEADER_ROW - 1 + len(rows))
    write_string(ws, 0, 0, clean_text(title), st.title)
    ws.merge_range(1, 0, 1, len(L.CONSENSUS_COLUMNS) - 1, clean_text(note), st.wrap_long)
    ws.set_row(1, 32)
    for col in L.CONSENSUS_COLUMNS:
        ws.set_column(col.index, col.index, col.width)
        write_string(ws, L.HEADER_ROW - 1, col.index, col.heading, st.header)
    first_extra = len(L.CONSENSUS_COLUMNS)
    for i, (heading, width) in enumerate(extra_columns):
        ws.set_column(first_extra + i, first_extra + i, width)
        write_string(ws, L.HEADER_ROW - 1, first_extra + i, heading, st.header)
    ws.set_row(L.HEADER_ROW - 1, 30)
    ws.freeze_panes(L.HEADER_ROW, 0)
    flag = wb.add_format({"text_wrap": True, "valign": "top", "border": 1, "bg_color": "#F8CBAD", "bold": True})
    for i, row in enumerate(rows):
        r0 = L.FIRST_DATA_ROW - 1 + i
        put(ws, r0, L.CON_BID.index, row.bid_id, st.locked)
        put(ws, r0, L.CON_SUPPLIER.index, row.supplier, st.locked)
        put(ws, r0, L.CON_CODE.index, row.code, st.locked)
        put(ws, r0, L.CON_QUESTION.index, row.question, st.locked)
        put(ws, r0, L.CON_SCORE.index, row.score, st.input_number)
        put(ws, r0, L.CON_REASON.index, row.reason, st.input_text)
        allowed = [f"{s:g}" for s in row.scale.scores]
        ws.data_validation(
            r0, L.CON_SCORE.index, r0, L.CON_SCORE.index,
            {"validate": "list", "source": allowed, "error_message": f"Scores on scale {row.scale.id}: {', '.join(allowed)}"},
        )  # fmt: skip
        for j, text in enumerate(row.extras):
            put(ws, r0, first_extra + j, text, flag if row.flagged and j == flag_column else st.locked)
        fit_height(ws, r0, row.question, L.CON_QUESTION.width, minimum=45)
    protect(ws)
    return ws


def write_consensus_template(
    rubric: Rubric,
    bids: Sequence[Bid],
    target: Path,
    scores: Sequence[PanelScore] = (),
    inputs: Sequence[Path] = (),
) -> Path:
    """Write the consensus workbook for ``bids``; ``scores`` pre-fills agreed scores and reasons."""
    known = {(s.bid_id, s.code): s for s in scores}
    rows = []
    for bid in sorted(bids, key=lambda b: b.bid_id):
        for q in rubric.all_questions():
            agreed = known.get((bid.bid_id, q.code))
            scale = rubric.scale_for(q)
            rows.append(
                ConsensusRow(
                    bid_id=bid.bid_id, supplier=bid.label, code=q.code, question=q.text, scale=scale,
                    score=agreed.score if agreed else None, reason=agreed.reason if agreed else "",
                    extras=(scale_summary(scale),),
                )
            )  # fmt: skip
    with atomic_path(target, inputs) as tmp:
        wb = SafeWorkbook(str(tmp), WORKBOOK_OPTIONS)
        st = Styles(wb)
        write_consensus_sheet(
            wb, st, f"Consensus scores: {rubric.title} (rubric {rubric.id} v{rubric.version})",
            "Enter the moderated score for each bid and question, and the reason the panel agreed it. "
            "A score without a reason is not accepted.", rows,
        )  # fmt: skip
        write_meta(wb, {**template_meta(rubric), "kind": "consensus"})
        wb.close()
    return target
