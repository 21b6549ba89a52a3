"""Read a moderation workbook back: the panel, the files it scored from, and each evaluator's score.

Used by the evaluation report (``socialvalue summaries --moderation``) to name the panel and show
how each consensus score was reached. The workbook is guarded like any other input.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from socialvalue import layout as L
from socialvalue.intake.rows import keyed_rows
from socialvalue.intake.values import is_blank, read_quantity
from socialvalue.intake.workbook import open_workbook, read_grid, read_meta
from socialvalue.problems import Problem, Severity, define
from socialvalue.rubric import Rubric

from .checks import DEFAULT_GAP, disagreement, gap_rule
from .collect import WRONG_TENDER
from .prepare import KIND_MODERATION

NOT_MODERATION = define(
    "not-moderation-workbook", Severity.ERROR, "not a moderation workbook made by `socialvalue panel collect`"
)


@dataclass
class PanelRecord:
    file: str
    sha256: str
    evaluators: list[str]
    workbooks: list[tuple[str, str, str]]
    """(evaluator, file, SHA-256) of every evaluator workbook used."""
    gap: int
    panel_id: str
    blind: bool
    key: tuple[str, str] | None = None
    scores: dict[tuple[str, str], list[float | None]] = field(default_factory=dict)
    """(bid file, question code) → each evaluator's score, in ``evaluators`` order."""
    reasons: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    """(bid file, question code) → each evaluator's reason, in ``evaluators`` order."""
    flagged: set[tuple[str, str]] = field(default_factory=set)
    """Rows the moderation flagged for discussion (recorded as data in the workbook's record, not read from words)."""

    @property
    def rule(self) -> str:
        return gap_rule(self.gap)


def _json(text: str, default: Any) -> Any:
    try:
        return json.loads(text)
    except (json.JSONDecodeError, TypeError):
        return default


def read_panel_record(path: Path, rubric: Rubric | None = None) -> tuple[PanelRecord | None, list[Problem]]:
    """The panel recorded in a moderation workbook (None, with the reasons, when it is not one)."""
    name = path.name
    problems: list[Problem] = []
    opened = open_workbook(path, problems)
    guard, wb = opened.guard, opened.wb
    if wb is None:
        return None, problems
    meta = read_meta(wb, name, problems) or {}
    if meta.get("kind") != KIND_MODERATION or L.MODERATION not in wb.sheet_names:
        problems.append(NOT_MODERATION(file=name))
        return None, problems
    if rubric is not None and meta.get("rubric_id") != rubric.id:
        found = meta.get("rubric_id", "")
        problems.append(WRONG_TENDER(file=name, raw=found, what="the moderation", found=found, wanted=rubric.id))
        return None, problems
    evaluators = [str(n) for n in _json(meta.get("evaluators", "[]"), [])]
    workbooks = [(str(a), str(b), str(c)) for a, b, c in _json(meta.get("evaluator_files", "[]"), [])]
    key = _json(meta.get("key_file", "null"), None)
    gap_text = meta.get("gap", "")
    record = PanelRecord(
        file=name,
        sha256=guard.sha256,
        evaluators=evaluators,
        workbooks=workbooks,
        gap=int(gap_text) if gap_text.isdigit() else DEFAULT_GAP,
        panel_id=meta.get("panel_id", ""),
        blind=meta.get("blind") == "yes",
        key=(str(key[0]), str(key[1])) if isinstance(key, list) and len(key) == 2 else None,
    )
    grid = read_grid(wb, name, L.MODERATION, problems) or []
    if len(grid) < L.HEADER_ROW:
        return record, problems
    headings = [str(h).strip() for h in grid[L.HEADER_ROW - 1]]
    columns = [headings.index(n) if n in headings else None for n in evaluators]
    reason_columns = [
        headings.index(n + L.MOD_REASON_SUFFIX) if n + L.MOD_REASON_SUFFIX in headings else None for n in evaluators
    ]
    flagged = _json(meta.get("flagged", "null"), None)
    if isinstance(flagged, list):
        record.flagged = {(str(k[0]), str(k[1])) for k in flagged if isinstance(k, list) and len(k) == 2}
    questions = {q.code: q for q in rubric.all_questions()} if rubric is not None else {}
    for row in keyed_rows(grid, (L.MOD_BID.index, L.MOD_CODE.index), L.FIRST_DATA_ROW - 1):
        (bid, code), line = row.key, grid[row.row0]
        if not bid or not code or row.first is not None:
            continue
        scores: list[float | None] = []
        for col in columns:
            raw = line[col] if col is not None and col < len(line) else ""
            scores.append(None if is_blank(raw) else read_quantity(raw, "points").value)
        record.scores[(bid, code)] = scores
        record.reasons[(bid, code)] = [
            str(line[col]) if col is not None and col < len(line) and not is_blank(line[col]) else ""
            for col in reason_columns
        ]
        q = questions.get(code)
        if flagged is None and rubric is not None and q is not None:  # made before the record held the flags
            record.flagged |= {(bid, code)} if disagreement(rubric.scale_for(q), scores, record.gap).flagged else set()
    return record, problems
