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
from socialvalue.intake.values import is_blank, read_quantity
from socialvalue.intake.workbook import open_workbook
from socialvalue.problems import Problem
from socialvalue.rubric import Rubric

from .checks import DEFAULT_GAP, gap_rule
from .prepare import KIND_MODERATION


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
    meta: dict[str, str] = {}
    if L.META in wb.sheet_names:
        grid = wb.get_sheet_by_name(L.META).to_python(skip_empty_area=False)
        meta = {str(r[0]): str(r[1]) for r in grid if len(r) >= 2 and r[0]}
    if meta.get("kind") != KIND_MODERATION or L.MODERATION not in wb.sheet_names:
        problems.append(
            Problem(
                code="not-moderation-workbook",
                file=name,
                reason="not a moderation workbook made by `socialvalue panel collect`",
            )
        )
        return None, problems
    if rubric is not None and meta.get("rubric_id") != rubric.id:
        problems.append(
            Problem(code="wrong-tender", file=name, raw=meta.get("rubric_id", ""),
                    reason=f"the moderation is for rubric {meta.get('rubric_id')!r}, not {rubric.id!r}: another tender")
        )  # fmt: skip
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
    grid = wb.get_sheet_by_name(L.MODERATION).to_python(skip_empty_area=False)
    if len(grid) < L.HEADER_ROW:
        return record, problems
    headings = [str(h).strip() for h in grid[L.HEADER_ROW - 1]]
    columns = [headings.index(n) if n in headings else None for n in evaluators]
    reason_columns = [
        headings.index(n + L.MOD_REASON_SUFFIX) if n + L.MOD_REASON_SUFFIX in headings else None for n in evaluators
    ]
    flag_col = headings.index("For discussion") if "For discussion" in headings else None
    for line in grid[L.FIRST_DATA_ROW - 1 :]:
        bid, code = str(line[L.MOD_BID.index]).strip(), str(line[L.MOD_CODE.index]).strip()
        if not bid or not code:
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
        if flag_col is not None and str(line[flag_col]).startswith("Discuss"):
            record.flagged.add((bid, code))
    return record, problems
