"""Read the panel's consensus score workbook into :class:`~socialvalue.bid.PanelScore` records.

A score must be a point on the question's scale and must carry a reason (:mod:`.scores`, the rule the
evaluators' workbooks follow too): a score without a reason is an error and is not used (the bid stays
unscored on that question until it has one). A row that ``panel collect`` marked for review (the
evaluators' scores behind it changed after it was agreed) is used as entered, with a warning: a number
nobody re-checked must not pass silently.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from socialvalue import layout as L
from socialvalue.bid import PanelScore
from socialvalue.problems import CellRef, Problem, Severity, define
from socialvalue.rubric import Rubric

from .rows import keyed_rows
from .scores import check_score
from .sheet import DUPLICATE_ROW, SHEET_MISSING
from .template_check import TEMPLATE_WRONG_RUBRIC
from .values import is_blank
from .workbook import open_workbook, read_grid, read_meta

UNKNOWN_BID = define("unknown-bid", Severity.WARNING, "no bid file {bid!r} in this batch; the row was ignored")
UNKNOWN_QUESTION = define("unknown-question", Severity.WARNING, "question {code!r} is not in rubric {rubric}; ignored")
UNDER_REVIEW = define(
    "consensus-under-review",
    Severity.WARNING,
    "the consensus score for {bid} {code} is marked for review ({note}): it was used as entered, but nobody has "
    "re-checked it since; confirm it at moderation (change the score or the reason) and collect again",
)

REVIEW_SHEET = "_review"
"""Very hidden, on a moderation workbook: bid file, question code, the review note, and the digest of the
entry as it was marked (:func:`entry_digest`); the mark stands until the entry changes."""

Key = tuple[str, str]


def entry_digest(score: Any, reason: Any) -> str:
    """A digest of one consensus entry exactly as typed (blank parts as nothing)."""
    score = None if is_blank(score) else score
    reason = "" if is_blank(reason) else reason
    return hashlib.sha256(repr((score, reason)).encode()).hexdigest()[:16]


def review_marks(wb: CalamineWorkbook, file: str, problems: list[Problem]) -> dict[Key, tuple[str, str]]:
    """(bid file, question code) → (why it needs review, digest of the entry when marked), for rows still marked."""
    marks: dict[Key, tuple[str, str]] = {}
    if REVIEW_SHEET in wb.sheet_names:
        for line in read_grid(wb, file, REVIEW_SHEET, problems) or []:
            if len(line) >= 4 and line[0]:
                marks[(str(line[0]), str(line[1]))] = (str(line[2]), str(line[3]))
    return marks


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
            SHEET_MISSING(
                file=name, sheet=L.CONSENSUS, name=L.CONSENSUS, consequence="is this the consensus score workbook?"
            )
        )
        return [], problems, guard.sha256
    meta = read_meta(wb, name, problems)
    if meta is not None and meta.get("rubric_id") not in (None, rubric.id):
        found = meta.get("rubric_id", "")
        problems.append(
            TEMPLATE_WRONG_RUBRIC(
                file=name, raw=found, reason=f"these scores are for rubric {found!r}, not {rubric.id!r}: wrong tender"
            )
        )
        return [], problems, guard.sha256
    grid = read_grid(wb, name, L.CONSENSUS, problems)
    if grid is None:
        return [], problems, guard.sha256
    marks = review_marks(wb, name, problems)
    questions = {q.code: q for q in rubric.all_questions()}
    scores: list[PanelScore] = []

    def ref(col: L.Column, row0: int) -> CellRef:
        return CellRef(L.CONSENSUS, row0 + 1, col.index)

    for row in keyed_rows(grid, (L.CON_BID.index, L.CON_CODE.index), L.FIRST_DATA_ROW - 1):
        row0, (bid_id, code) = row.row0, row.key
        if bid_id not in bid_ids:
            problems.append(UNKNOWN_BID.at(ref(L.CON_BID, row0), file=name, raw=bid_id, bid=bid_id))
            continue
        q = questions.get(code)
        if q is None:
            problems.append(
                UNKNOWN_QUESTION.at(ref(L.CON_CODE, row0), file=name, raw=code, code=code, rubric=rubric.id)
            )
            continue
        if row.first is not None:
            what = f"a score for {bid_id} {code}"
            problems.append(
                DUPLICATE_ROW.at(ref(L.CON_CODE, row0), file=name, raw=code, what=what, first=row.first + 1)
            )
            continue
        line = grid[row0] + [""] * (len(L.CONSENSUS_COLUMNS) - len(grid[row0]))
        raw_score, raw_reason = line[L.CON_SCORE.index], line[L.CON_REASON.index]
        what = f"the consensus score for {bid_id} {code}"
        checked = check_score(raw_score, raw_reason, rubric.scale_for(q), what, "record why the panel agreed it (score not used)")  # fmt: skip
        if checked.blank:
            continue  # reported by scoring as a missing score for that bid
        if checked.issues:
            for issue in checked.issues:
                at, raw = (L.CON_SCORE, raw_score) if issue.at == "score" else (L.CON_REASON, "")
                problems.append(issue.kind.at(ref(at, row0), file=name, raw=raw, reason=issue.reason))
            continue
        assert checked.score is not None
        cell = ref(L.CON_SCORE, row0)
        mark = marks.get((bid_id, code))
        if mark is not None and mark[1] == entry_digest(raw_score, raw_reason):
            problems.append(UNDER_REVIEW.at(cell, file=name, raw=raw_score, bid=bid_id, code=code, note=mark[0]))
        scores.append(
            PanelScore(
                bid_id=bid_id, code=code, score=checked.score, reason=checked.reason, source=f"{name} {cell.text}"
            )
        )
    return scores, problems, guard.sha256
