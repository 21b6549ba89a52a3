"""Read the panel's consensus score workbook into :class:`~socialvalue.bid.PanelScore` records.

A score must be a point on the question's scale and must carry a reason: a score without a reason
is an error and is not used (the bid stays unscored on that question until it has one).
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from socialvalue import layout as L
from socialvalue.bid import PanelScore
from socialvalue.problems import Problem, Severity, shorten
from socialvalue.rubric import Rubric

from .values import is_blank, read_quantity, read_text
from .workbook import open_workbook, read_grid, read_meta


def read_consensus(path: Path, rubric: Rubric, bid_ids: Collection[str]) -> tuple[list[PanelScore], list[Problem], str]:
    """Scores, problems, and the file's SHA-256."""
    name = path.name
    problems: list[Problem] = []
    opened = open_workbook(path, problems)
    guard, wb = opened.guard, opened.wb
    if wb is None:
        return [], problems, guard.sha256
    if L.CONSENSUS not in wb.sheet_names:
        problems.append(
            Problem(
                code="sheet-missing",
                file=name,
                sheet=L.CONSENSUS,
                reason=f"no '{L.CONSENSUS}' sheet: is this the consensus score workbook?",
            )
        )
        return [], problems, guard.sha256
    meta = read_meta(wb, name, problems)
    if meta is not None and meta.get("rubric_id") not in (None, rubric.id):
        problems.append(
            Problem(
                code="template-wrong-rubric",
                file=name,
                raw=meta.get("rubric_id", ""),
                reason=f"these scores are for rubric {meta.get('rubric_id')!r}, not {rubric.id!r}: wrong tender",
            )
        )
        return [], problems, guard.sha256
    grid = read_grid(wb, name, L.CONSENSUS, problems)
    if grid is None:
        return [], problems, guard.sha256
    questions = {q.code: q for q in rubric.all_questions()}
    scores: list[PanelScore] = []
    seen: dict[tuple[str, str], str] = {}

    def cell(col: L.Column, row0: int) -> str:
        return L.cell_ref(col, row0 + 1)

    def problem(
        code: str, row0: int, col: L.Column, reason: str, raw: object = "", sev: Severity = Severity.ERROR
    ) -> None:
        problems.append(
            Problem(
                code=code,
                file=name,
                sheet=L.CONSENSUS,
                cell=cell(col, row0),
                raw=shorten(raw) if raw != "" else "",
                reason=reason,
                severity=sev,
            )
        )

    for row0 in range(L.FIRST_DATA_ROW - 1, len(grid)):
        line = grid[row0] + [""] * (len(L.CONSENSUS_COLUMNS) - len(grid[row0]))
        bid_id = str(line[L.CON_BID.index]).strip()
        code = str(line[L.CON_CODE.index]).strip()
        raw_score, raw_reason = line[L.CON_SCORE.index], line[L.CON_REASON.index]
        if not bid_id and not code:
            continue
        if bid_id not in bid_ids:
            problem(
                "unknown-bid",
                row0,
                L.CON_BID,
                f"no bid file {bid_id!r} in this batch; the row was ignored",
                bid_id,
                Severity.WARNING,
            )
            continue
        q = questions.get(code)
        if q is None:
            problem(
                "unknown-question",
                row0,
                L.CON_CODE,
                f"question {code!r} is not in rubric {rubric.id}; ignored",
                code,
                Severity.WARNING,
            )
            continue
        if (bid_id, code) in seen:
            problem(
                "duplicate-row",
                row0,
                L.CON_CODE,
                f"a second score for {bid_id} {code} (first at {seen[(bid_id, code)]}); ignored",
                code,
            )
            continue
        seen[(bid_id, code)] = cell(L.CON_SCORE, row0)
        if is_blank(raw_score):
            continue  # reported by scoring as a missing score for that bid
        read = read_quantity(raw_score, "points")
        scale = rubric.scale_for(q)
        if read.value is None or read.value not in scale.scores:
            allowed = ", ".join(f"{s:g}" for s in scale.scores)
            problem(
                "score-off-scale",
                row0,
                L.CON_SCORE,
                f"{shorten(raw_score)!r} is not a score on scale {scale.id} ({allowed})",
                raw_score,
            )
            continue
        reason = (read_text(raw_reason).value or "").strip()
        if not reason:
            problem(
                "reason-missing", row0, L.CON_REASON,
                f"the consensus score for {bid_id} {code} has no reason: record why the panel agreed it (score not used)",
            )  # fmt: skip
            continue
        scores.append(
            PanelScore(
                bid_id=bid_id,
                code=code,
                score=read.value,
                reason=reason,
                source=f"{name} {L.CONSENSUS}!{cell(L.CON_SCORE, row0)}",
            )
        )
    return scores, problems, guard.sha256
