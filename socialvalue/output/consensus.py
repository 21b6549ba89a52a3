"""The panel's consensus score workbook: one row per bid per question, score drop-down and reason.

``socialvalue template --evaluation`` writes it; ``socialvalue score --evaluations`` reads it back
(:mod:`socialvalue.intake.consensus`). Layout in :mod:`socialvalue.layout` (``CONSENSUS_COLUMNS``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import xlsxwriter

from socialvalue import layout as L
from socialvalue.bid import Bid, PanelScore
from socialvalue.rubric import Rubric

from .atomic import atomic_path
from .safe import WORKBOOK_OPTIONS, clean_text
from .template import Styles, template_meta, write_meta


def write_consensus_template(
    rubric: Rubric,
    bids: Sequence[Bid],
    target: Path,
    scores: Sequence[PanelScore] = (),
    inputs: Sequence[Path] = (),
) -> Path:
    """Write the consensus workbook for ``bids``; ``scores`` pre-fills agreed scores (e.g. from moderation)."""
    known = {(s.bid_id, s.code): s for s in scores}
    with atomic_path(target, inputs) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), WORKBOOK_OPTIONS)
        st = Styles(wb)
        ws = wb.add_worksheet(L.CONSENSUS)
        ws.write_string(
            0, 0, clean_text(f"Consensus scores: {rubric.title} (rubric {rubric.id} v{rubric.version})"), st.title
        )
        ws.write_string(
            1, 0, "Enter the moderated score for each bid and question, and the reason the panel agreed it. "
            "A score without a reason is not accepted.", st.wrap,
        )  # fmt: skip
        for col in L.CONSENSUS_COLUMNS:
            ws.set_column(col.index, col.index, col.width)
            ws.write_string(L.HEADER_ROW - 1, col.index, col.heading, st.header)
        ws.set_column(L.CON_SCORE.index + 2, L.CON_SCORE.index + 2, 60)
        ws.write_string(L.HEADER_ROW - 1, L.CON_REASON.index + 1, "Scale", st.header)
        ws.freeze_panes(L.HEADER_ROW, 0)
        row = L.FIRST_DATA_ROW - 1
        for bid in sorted(bids, key=lambda b: b.bid_id):
            for q in rubric.all_questions():
                scale = rubric.scale_for(q)
                ws.write_string(row, L.CON_BID.index, clean_text(bid.bid_id), st.locked)
                ws.write_string(row, L.CON_SUPPLIER.index, clean_text(bid.label), st.locked)
                ws.write_string(row, L.CON_CODE.index, q.code, st.locked)
                ws.write_string(row, L.CON_QUESTION.index, clean_text(q.text), st.locked)
                agreed = known.get((bid.bid_id, q.code))
                if agreed is not None:
                    ws.write_number(row, L.CON_SCORE.index, agreed.score, st.input_number)
                    ws.write_string(row, L.CON_REASON.index, clean_text(agreed.reason), st.input_text)
                else:
                    ws.write_blank(row, L.CON_SCORE.index, None, st.input_number)
                    ws.write_blank(row, L.CON_REASON.index, None, st.input_text)
                ws.data_validation(
                    row, L.CON_SCORE.index, row, L.CON_SCORE.index,
                    {"validate": "list", "source": [f"{s:g}" for s in scale.scores],
                     "error_message": f"Scores on scale {scale.id}: {', '.join(f'{s:g}' for s in scale.scores)}"},
                )  # fmt: skip
                legend = "; ".join(f"{p.score:g} {p.label}" for p in scale.points)
                ws.write_string(row, L.CON_REASON.index + 1, legend, st.locked)
                ws.set_row(row, 45)
                row += 1
        ws.protect(
            "",
            {"select_locked_cells": True, "select_unlocked_cells": True, "format_columns": True, "format_rows": True},
        )
        write_meta(wb, {**template_meta(rubric), "kind": "consensus"})
        wb.close()
    return target
