"""The moderation workbook: evaluators' scores side by side, the consensus to agree, problems, and the audit trail.

Sheets, in order:

- **Moderation**: one row per bid and question; each evaluator's score (a column headed by their
  name), lowest, highest, spread in points and in scale steps, whether the question is flagged for
  discussion, then each evaluator's reason. Read-only.
- **Consensus**: exactly :data:`socialvalue.layout.CONSENSUS_COLUMNS`, so ``socialvalue score
  --evaluations`` reads this workbook unchanged. Where every evaluator gave the same score it is
  pre-filled, but the reason never is: the meeting must record why (a consensus score without a
  reason is refused when scoring).
- **Problems**: every problem found while collecting, with file, sheet and cell.
- **Audit**: who scored what: each evaluator workbook's file name and SHA-256, the key, the rule.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from socialvalue import __version__
from socialvalue import layout as L
from socialvalue.intake.consensus import REVIEW_SHEET
from socialvalue.output.atomic import OutputRefused, atomic_path, check_target
from socialvalue.output.consensus import ConsensusRow, scale_summary, write_consensus_sheet
from socialvalue.output.entries import entries_in
from socialvalue.output.safe import WORKBOOK_OPTIONS, clean_text
from socialvalue.output.sheets import SafeWorkbook, page_setup, protect, put, write_string
from socialvalue.output.template import Styles, template_meta, write_meta

from .carry import CarryForward, carry_forward, read_earlier, review_note
from .checks import gap_rule
from .collect import Moderation, ModerationRow
from .prepare import KIND_MODERATION

FLAG_FILL = "#F8CBAD"


def discussion_note(row: ModerationRow, evaluators: int, gap: int) -> str:
    """Why a row needs the meeting's attention ('' when it does not)."""
    r = row.result
    notes: list[str] = []
    if r.flagged:
        notes.append(f"Discuss: scores {r.steps} scale steps apart (more than {gap})")
    valid = sum(1 for s in row.scores if s is not None)
    if valid < evaluators:
        notes.append(f"{valid} of {evaluators} valid scores: see Problems")
    return "; ".join(notes)


def _moderation_sheet(wb: SafeWorkbook, mod: Moderation, st: Styles) -> None:
    ws = wb.add_worksheet(L.MODERATION)
    n = len(mod.evaluators)
    lead = len(L.MODERATION_COLUMNS)
    low_col, high_col, spread_col, steps_col, flag_col = (lead + n + i for i in range(5))
    reason0 = lead + n + 5
    write_string(
        ws, 0, 0, clean_text(f"Moderation: {mod.rubric.title} (rubric {mod.rubric.id} v{mod.rubric.version})"), st.title
    )
    write_string(ws, 1, 0, clean_text(f"Panel: {', '.join(mod.evaluators) or 'none'}. Rule: {gap_rule(mod.gap)}."))
    headings: list[tuple[str, float]] = [(c.heading, c.width) for c in L.MODERATION_COLUMNS]
    headings += [(name, 11) for name in mod.evaluators]
    headings += [
        ("Lowest", 8),
        ("Highest", 8),
        ("Spread (points)", 9),
        ("Spread (scale steps)", 9),
        ("For discussion", 30),
    ]
    headings += [(f"{name}{L.MOD_REASON_SUFFIX}", 45) for name in mod.evaluators]
    for col, (heading, width) in enumerate(headings):
        ws.set_column(col, col, width)
        write_string(ws, L.HEADER_ROW - 1, col, clean_text(heading), st.header)
    ws.set_row(L.HEADER_ROW - 1, 45)
    ws.freeze_panes(L.HEADER_ROW, L.MOD_CODE.index + 1)
    flag_text = wb.add_format(
        {
            "text_wrap": True,
            "valign": "top",
            "border": 1,
            "border_color": "#BFBFBF",
            "bg_color": FLAG_FILL,
            "bold": True,
        }
    )
    flag_num = wb.add_format(
        {"valign": "top", "num_format": "#,##0.##", "border": 1, "border_color": "#BFBFBF", "bg_color": FLAG_FILL}
    )
    for i, row in enumerate(mod.rows):
        r0 = L.FIRST_DATA_ROW - 1 + i
        text, num = (flag_text, flag_num) if row.result.flagged else (st.locked, st.number)
        for column, text_value in ((L.MOD_BID, row.bid_id), (L.MOD_SUPPLIER, row.supplier), (L.MOD_LABEL, row.label),
                                   (L.MOD_CODE, row.code), (L.MOD_QUESTION, row.question)):  # fmt: skip
            put(ws, r0, column.index, text_value, st.locked)
        for j, score in enumerate(row.scores):
            put(ws, r0, lead + j, score, num)
        r = row.result
        for col, number in ((low_col, r.lowest), (high_col, r.highest), (spread_col, r.spread), (steps_col, r.steps)):
            put(ws, r0, col, number, num)
        put(ws, r0, flag_col, discussion_note(row, n, mod.gap), text)
        for j, reason in enumerate(row.reasons):
            put(ws, r0, reason0 + j, reason, st.locked)
        ws.set_row(r0, 60)
    if mod.rows:
        ws.autofilter(L.HEADER_ROW - 1, 0, L.HEADER_ROW - 1 + len(mod.rows), len(headings) - 1)
    page_setup(ws, [width for _, width in headings], L.HEADER_ROW - 1, repeat_columns=L.MOD_CODE.index + 1)
    protect(ws)


def _consensus_sheet(wb: SafeWorkbook, mod: Moderation, st: Styles, carried: CarryForward) -> None:
    questions = {q.code: q for q in mod.rubric.all_questions()}
    rows: list[ConsensusRow] = []
    for row in mod.rows:
        earlier = carried.rows.get((row.bid_id, row.code))
        note = "; ".join(
            n
            for n in (discussion_note(row, len(mod.evaluators), mod.gap), review_note(earlier) if earlier else "")
            if n
        )
        rows.append(
            ConsensusRow(
                bid_id=row.bid_id, supplier=row.supplier, code=row.code, question=row.question, scale=row.scale,
                score=_typed(earlier.entry.score) if earlier else row.result.agreed,
                reason=_reason(earlier.entry.reason) if earlier else "",
                extras=(
                    "; ".join(f"{name} {s:g}" if s is not None else f"{name} -" for name, s in zip(mod.evaluators, row.scores, strict=True)),
                    note,
                    scale_summary(row.scale),
                ),
                flagged=row.result.flagged or bool(earlier and earlier.note),
            )
        )  # fmt: skip
    for (bid_id, code), kept in sorted(carried.orphans.items()):
        q = questions[code]
        rows.append(
            ConsensusRow(
                bid_id=bid_id, supplier=kept.entry.supplier, code=code, question=q.text.strip(), scale=mod.rubric.scale_for(q),
                score=_typed(kept.entry.score), reason=_reason(kept.entry.reason),
                extras=("", review_note(kept), scale_summary(mod.rubric.scale_for(q))), flagged=True,
            )
        )  # fmt: skip
    write_consensus_sheet(
        wb, st, f"Consensus scores: {mod.rubric.title} (rubric {mod.rubric.id} v{mod.rubric.version})",
        "Record the score the panel agreed for each bid and question and the reason for it. Scores on which every "
        "evaluator agreed are filled in; their reasons are not: the meeting must record one. A score without a reason "
        "is not used. Collecting again into this workbook keeps every score and reason entered here.", rows,
        extra_columns=(("Evaluators' scores", 18), ("For discussion", 22), ("Scale", 30)), flag_column=1,
    )  # fmt: skip


def _typed(value: object) -> float | str | None:
    """An entry as the meeting typed it: a number stays a number, anything else is kept as its text."""
    if value is None or isinstance(value, float | str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return str(value)


def _reason(value: object) -> str:
    typed = _typed(value)
    if isinstance(typed, float):
        return f"{typed:g}"
    return typed or ""


def _review_sheet(wb: SafeWorkbook, carried: CarryForward) -> None:
    """Very hidden: the rows marked for review and the entry each was carried with (the mark goes once it changes)."""
    marked = [(key, c) for key, c in [*carried.rows.items(), *carried.orphans.items()] if c.note]
    if not marked:
        return
    ws = wb.add_worksheet(REVIEW_SHEET)
    for i, ((bid_id, code), c) in enumerate(marked):
        for col, text in enumerate((bid_id, code, c.note, c.entry.digest)):
            put(ws, i, col, text)
    ws.very_hidden()
    protect(ws)


def _problems_sheet(wb: SafeWorkbook, mod: Moderation, st: Styles) -> None:
    ws = wb.add_worksheet(L.PANEL_PROBLEMS)
    write_string(ws, 0, 0, "Problems found in the evaluator workbooks: one row per problem", st.title)
    note = (
        f"{len(mod.problems)} problem(s)"
        if mod.problems
        else "No problems: every evaluator scored every question on the scale, with a reason"
    )
    write_string(ws, 1, 0, note)
    cols = (
        ("File", 30),
        ("Sheet", 14),
        ("Cell", 8),
        ("Severity", 9),
        ("Problem", 22),
        ("Value found", 20),
        ("What is wrong, and what to do", 70),
    )
    for i, (heading, width) in enumerate(cols):
        ws.set_column(i, i, width)
        write_string(ws, L.HEADER_ROW - 1, i, heading, st.header)
    for i, p in enumerate(mod.problems):
        r0 = L.FIRST_DATA_ROW - 1 + i
        for col, value in enumerate((p.file, p.sheet, p.cell, p.severity.value, p.code, p.raw, p.reason)):
            put(ws, r0, col, value, st.locked)
    page_setup(ws, [width for _, width in cols], L.HEADER_ROW - 1)
    protect(ws)


def _audit_sheet(wb: SafeWorkbook, mod: Moderation, st: Styles, command: str, created: str) -> None:
    r = mod.rubric
    ws = wb.add_worksheet(L.PANEL_AUDIT)
    ws.set_column(0, 0, 30)
    ws.set_column(1, 1, 44)
    ws.set_column(2, 2, 68)
    ws.set_column(3, 3, 30)
    write_string(ws, 0, 0, "Audit: who scored what, and from which files", st.title)
    facts = [
        ("Tool", f"socialvalue {__version__}"),
        ("Created (UTC)", created),
        ("Command", command),
        ("Rubric id", r.id),
        ("Rubric version", r.version),
        ("Rubric fingerprint (SHA-256)", r.fingerprint()),
        ("Panel id", mod.panel_id),
        ("Blind marking", "yes" if mod.blind else "no"),
        ("Blind-marking key", f"{mod.key[0]} (SHA-256 {mod.key[1]})" if mod.key else "none"),
        ("Evaluators", ", ".join(mod.evaluators)),
        ("Disagreement rule", gap_rule(mod.gap)),
        ("Questions flagged for discussion", f"{len(mod.flagged)} of {len(mod.rows)}"),
    ]
    for i, (k, v) in enumerate(facts):
        write_string(ws, 2 + i, 0, k, st.bold)
        write_string(ws, 2 + i, 1, clean_text(v))
    row = 3 + len(facts)
    write_string(ws, row, 0, "Evaluator workbooks (every file in the folder)", st.bold)
    row += 1
    for i, heading in enumerate(("Evaluator", "File", "SHA-256", "Outcome")):
        write_string(ws, row, i, heading, st.header)
    row += 1
    for ret in mod.returns:
        for col, value in enumerate((ret.evaluator, ret.file, ret.sha256, ret.outcome)):
            put(ws, row, col, value, st.locked)
        row += 1
    page_setup(ws, (30, 44, 68, 30), last_row=row)
    protect(ws)


def moderation_meta(mod: Moderation) -> dict[str, str]:
    """The moderation workbook's record (read back by :func:`socialvalue.panel.record.read_panel_record`)."""
    return {
        **template_meta(mod.rubric),
        "kind": KIND_MODERATION,
        "panel_id": mod.panel_id,
        "blind": "yes" if mod.blind else "no",
        "gap": str(mod.gap),
        "evaluators": json.dumps(mod.evaluators, ensure_ascii=False),
        "evaluator_files": json.dumps(
            [[r.evaluator, r.file, r.sha256] for r in mod.returns if r.used], ensure_ascii=False
        ),
        "key_file": json.dumps(list(mod.key) if mod.key else None),
        "flagged": json.dumps([[r.bid_id, r.code] for r in mod.flagged], ensure_ascii=False),
    }


@dataclass
class ModerationWritten:
    path: Path
    carried: CarryForward
    """The consensus entries kept from the moderation workbook that was there before (none when it was new)."""


def _earlier_entries(mod: Moderation, target: Path, overwrite: bool) -> tuple[CarryForward, bool]:
    """The entries to carry from the workbook at ``target``, and whether there are any to keep."""
    if overwrite or not target.is_file():
        return CarryForward(), False
    earlier, why = read_earlier(target, mod.rubric, mod.panel_id)
    if earlier is None:
        held = entries_in(target)
        if held is not None:
            raise OutputRefused(
                f"refusing to replace {target}: {held}, and they cannot be carried into the new moderation workbook "
                f"({why}); write to another file, or add --overwrite to replace it"
            )
        return CarryForward(), False
    return carry_forward(mod, earlier), True


def write_moderation(
    mod: Moderation, target: Path, inputs: Sequence[Path] = (), command: str = "", overwrite: bool = False
) -> ModerationWritten:
    """Write the moderation workbook atomically; refuses to overwrite any of ``inputs``.

    When ``target`` is an earlier moderation workbook of the same panel, every consensus score and
    reason entered on it is carried into the new one (:mod:`socialvalue.panel.carry`); ``overwrite``
    starts afresh instead.
    """
    created = datetime.now(UTC).isoformat(timespec="seconds")
    check_target(target, inputs, overwrite=True)  # an input, a folder, locked or read-only: before reading it
    carried, keeps = _earlier_entries(mod, target, overwrite)
    with atomic_path(target, inputs, overwrite=overwrite, keeps_entries=keeps) as tmp:
        wb = SafeWorkbook(str(tmp), WORKBOOK_OPTIONS)
        st = Styles(wb)
        _moderation_sheet(wb, mod, st)
        _consensus_sheet(wb, mod, st, carried)
        _problems_sheet(wb, mod, st)
        _audit_sheet(wb, mod, st, command, created)
        write_meta(wb, moderation_meta(mod))
        _review_sheet(wb, carried)
        wb.set_properties({"title": f"Moderation: {mod.rubric.title}", "comments": f"socialvalue {__version__}"})
        wb.close()
    return ModerationWritten(target, carried)
