"""Collect the returned evaluator workbooks: read, check, and put every evaluator's score side by side.

Each workbook is guarded and read with calamine (values only). Every problem is a
:class:`~socialvalue.problems.Problem` with file, sheet, cell and a plain-English reason: a missing
score, a score not on the scale, a score without a reason, a workbook for another tender, rubric
version or panel, the same evaluator twice, an evaluator who returned nothing. Nothing raises for
bad input.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from socialvalue import layout as L
from socialvalue.intake.values import is_blank, read_text
from socialvalue.intake.workbook import open_workbook, read_grid, read_meta
from socialvalue.problems import Problem, Severity, shorten
from socialvalue.rubric import Rubric, Scale

from .checks import DEFAULT_GAP, Disagreement, check_score, disagreement
from .prepare import KIND_EVALUATOR, KIND_KEY, evaluator_file_name

Grid = list[list[Any]]

_OTHER_KINDS = {
    KIND_KEY: "this is the blind-marking key, not an evaluator's workbook: keep it out of the evaluators' folder "
    "and pass it with --key",
    "moderation": "this is a moderation workbook made by `panel collect`, not an evaluator's workbook",
    "consensus": "this is the consensus score workbook, not an evaluator's workbook",
}


@dataclass(frozen=True)
class EvaluatorScore:
    score: float | None
    """None when missing or not on the scale (a problem says which)."""
    reason: str
    cell: str
    """The score cell, e.g. ``I4``."""


@dataclass
class EvaluatorReturn:
    """One file found in the returned-workbooks folder, and what became of it."""

    file: str
    sha256: str = ""
    evaluator: str = ""
    panel_id: str = ""
    blind: bool = False
    expected: list[str] = field(default_factory=list)
    """The panel's evaluators, as recorded when the workbook was prepared."""
    scores: dict[tuple[str, str], EvaluatorScore] = field(default_factory=dict)
    """(bid key in column A, question code) → score."""
    bidders: dict[str, str] = field(default_factory=dict)
    """Bid key → what the Bidder column showed."""
    used: bool = False
    outcome: str = "not read"
    problems: list[Problem] = field(default_factory=list)
    """What was found in this file (score problems are dropped when the workbook is not used at all)."""


@dataclass(frozen=True)
class ModerationRow:
    """One bid and question: every evaluator's score and reason side by side."""

    bid_id: str
    supplier: str
    label: str
    code: str
    question: str
    scale: Scale
    scores: tuple[float | None, ...]
    reasons: tuple[str, ...]
    result: Disagreement


@dataclass
class Moderation:
    """Everything ``panel collect`` found: the rows for the moderation meeting, and every problem."""

    rubric: Rubric
    gap: int
    panel_id: str
    blind: bool
    evaluators: list[str]
    """Evaluators whose workbooks were used, in the panel's order (the moderation sheet's columns)."""
    expected: list[str]
    returns: list[EvaluatorReturn]
    rows: list[ModerationRow]
    problems: list[Problem]
    key: tuple[str, str] | None = None
    """(file, SHA-256) of the blind-marking key used."""
    usable: bool = True
    """False when nothing can be put side by side (no usable workbook, or blind workbooks without the key)."""

    @property
    def flagged(self) -> list[ModerationRow]:
        return [r for r in self.rows if r.result.flagged]

    @property
    def has_errors(self) -> bool:
        return any(p.severity is Severity.ERROR for p in self.problems)


def _check_meta(name: str, meta: dict[str, str] | None, rubric: Rubric, kind: str, problems: list[Problem]) -> bool:
    """True when the workbook is of ``kind`` and was made from this very rubric."""
    what = "an evaluator workbook" if kind == KIND_EVALUATOR else "the blind-marking key"
    if meta is None or meta.get("kind") != kind:
        found = (meta or {}).get("kind", "")
        reason = _OTHER_KINDS.get(found, "") if kind == KIND_EVALUATOR else ""
        reason = reason or f"not {what} made by `socialvalue panel prepare` (no record of the panel in the workbook)"
        problems.append(Problem(code="not-panel-workbook", file=name, raw=found, reason=reason + ": not used"))
        return False
    if meta.get("rubric_id") != rubric.id:
        problems.append(
            Problem(code="wrong-tender", file=name, sheet=L.META, raw=meta.get("rubric_id", ""),
                    reason=f"{what} for rubric {meta.get('rubric_id')!r} (another tender), not {rubric.id!r}: not used")
        )  # fmt: skip
        return False
    if meta.get("rubric_fingerprint") != rubric.fingerprint():
        problems.append(
            Problem(code="rubric-changed", file=name, sheet=L.META, raw=meta.get("rubric_version", ""),
                    reason=f"{what} was made from rubric {rubric.id} version {meta.get('rubric_version')!r} "
                           f"(fingerprint {meta.get('rubric_fingerprint', '')[:12]}), not the one given (version "
                           f"{rubric.version!r}, {rubric.fingerprint()[:12]}): the method changed, so its scores were not used")
        )  # fmt: skip
        return False
    return True


def _cell(grid: Grid, row0: int, col: L.Column) -> Any:
    if row0 < len(grid) and col.index < len(grid[row0]):
        return grid[row0][col.index]
    return ""


def read_evaluator_workbook(path: Path, rubric: Rubric) -> EvaluatorReturn:
    """Read and check one returned evaluator workbook (its problems in ``.problems``)."""
    name = path.name
    ret = EvaluatorReturn(file=name)
    problems = ret.problems
    opened = open_workbook(path, problems)
    wb, ret.sha256 = opened.wb, opened.sha256
    if wb is None:
        ret.outcome = "not readable"
        return ret
    meta = read_meta(wb, name, problems)
    if not _check_meta(name, meta, rubric, KIND_EVALUATOR, problems):
        ret.outcome = "not used: see Problems"
        return ret
    assert meta is not None
    if L.EVALUATION not in wb.sheet_names:
        problems.append(
            Problem(code="sheet-missing", file=name, sheet=L.EVALUATION,
                    reason=f"the '{L.EVALUATION}' sheet is missing: return the workbook as it was issued")
        )  # fmt: skip
        ret.outcome = "not used: see Problems"
        return ret
    ret.evaluator = meta.get("evaluator", "").strip()
    ret.panel_id = meta.get("panel_id", "")
    ret.blind = meta.get("blind") == "yes"
    try:
        expected = json.loads(meta.get("panel_evaluators", "[]"))
        ret.expected = [str(n) for n in expected] if isinstance(expected, list) else []
    except json.JSONDecodeError:
        ret.expected = []
    grid: Grid = read_grid(wb, name, L.EVALUATION, problems) or []
    questions = {q.code: q for q in rubric.all_questions()}
    first_seen: dict[tuple[str, str], int] = {}

    def problem(
        code: str, row0: int, col: L.Column, reason: str, raw: object = "", sev: Severity = Severity.ERROR
    ) -> None:
        problems.append(
            Problem(code=code, file=name, sheet=L.EVALUATION, cell=L.cell_ref(col, row0 + 1), severity=sev,
                    raw=shorten(raw) if not is_blank(raw) else "", reason=reason)
        )  # fmt: skip

    for row0 in range(L.FIRST_DATA_ROW - 1, len(grid)):
        key = str(_cell(grid, row0, L.EV_BID)).strip()
        code = str(_cell(grid, row0, L.EV_CODE)).strip()
        if not key and not code:
            continue
        q = questions.get(code)
        if q is None:
            problem("row-not-in-rubric", row0, L.EV_CODE, f"question {code!r} is not in rubric {rubric.id}; the row was ignored",
                    code, Severity.WARNING)  # fmt: skip
            continue
        if (key, code) in first_seen:
            problem("duplicate-row", row0, L.EV_CODE,
                    f"a second row for {key} {code} (first at row {first_seen[(key, code)] + 1}); this row was ignored", code)  # fmt: skip
            continue
        first_seen[(key, code)] = row0
        ret.bidders.setdefault(key, (read_text(_cell(grid, row0, L.EV_BIDDER)).value or "").strip())
        raw_score, raw_reason = _cell(grid, row0, L.EV_SCORE), _cell(grid, row0, L.EV_REASON)
        checked = check_score(raw_score, raw_reason, rubric.scale_for(q), f"{key} {code}")
        for issue_code, where, why in checked.issues:
            col = L.EV_SCORE if where == "score" else L.EV_REASON
            problem(issue_code, row0, col, why, raw_score if where == "score" else raw_reason)
        ret.scores[(key, code)] = EvaluatorScore(checked.score, checked.reason, L.cell_ref(L.EV_SCORE, row0 + 1))
    ret.outcome = "read"
    return ret


@dataclass(frozen=True)
class KeyEntry:
    label: str
    bid_id: str
    supplier: str


def read_key(path: Path, rubric: Rubric, problems: list[Problem]) -> tuple[dict[str, KeyEntry], str, str]:
    """The blind-marking key: label → entry; also the panel id it records and the file's SHA-256."""
    name = path.name
    opened = open_workbook(path, problems)
    wb, digest = opened.wb, opened.sha256
    if wb is None:
        return {}, "", digest
    meta = read_meta(wb, name, problems)
    if not _check_meta(name, meta, rubric, KIND_KEY, problems):
        return {}, "", digest
    if L.PANEL_KEY not in wb.sheet_names:
        problems.append(Problem(code="sheet-missing", file=name, sheet=L.PANEL_KEY, reason="the key sheet is missing"))
        return {}, "", digest
    assert meta is not None
    grid: Grid = read_grid(wb, name, L.PANEL_KEY, problems) or []
    entries: dict[str, KeyEntry] = {}
    for row0 in range(L.FIRST_DATA_ROW - 1, len(grid)):
        label = str(_cell(grid, row0, L.KEY_LABEL)).strip()
        if label:
            entries[label] = KeyEntry(
                label, str(_cell(grid, row0, L.KEY_BID)).strip(), str(_cell(grid, row0, L.KEY_SUPPLIER)).strip()
            )
    return entries, meta.get("panel_id", ""), digest


def _not_used(ret: EvaluatorReturn, code: str, reason: str) -> None:
    """Set a whole workbook aside: its row-by-row problems no longer matter, the reason it was set aside does."""
    ret.used = False
    ret.outcome = "not used: see Problems"
    ret.problems[:] = [p for p in ret.problems if not p.cell]
    ret.problems.append(Problem(code=code, file=ret.file, sheet=L.META, reason=reason))


def collect_panel(
    files: Sequence[Path],
    rubric: Rubric,
    key: Path | None = None,
    gap: int = DEFAULT_GAP,
    notes: Sequence[Problem] = (),
) -> Moderation:
    """Read every returned evaluator workbook in ``files`` and put the scores side by side."""
    returns = [read_evaluator_workbook(p, rubric) for p in files]
    key_problems: list[Problem] = []
    problems: list[Problem] = []  # across files, after each file's own
    readable = [r for r in returns if r.outcome == "read"]

    key_entries: dict[str, KeyEntry] = {}
    key_id = ""
    key_info: tuple[str, str] | None = None
    if key is not None:
        key_entries, key_id, digest = read_key(key, rubric, key_problems)
        key_info = (key.name, digest)

    ids = Counter(r.panel_id for r in readable)
    panel = key_id or (ids.most_common(1)[0][0] if ids else "")
    used: list[EvaluatorReturn] = []
    by_name: dict[str, EvaluatorReturn] = {}
    for r in readable:
        if r.panel_id != panel:
            _not_used(r, "another-panel",
                      "this workbook was prepared for another panel of this tender (other bid files, or blind marking "
                      "set differently"
                      + (", not the panel of the key given" if key_id else ", not the panel of the other workbooks")
                      + "): its scores were not used")  # fmt: skip
            continue
        if not r.evaluator:
            _not_used(r, "evaluator-unknown", "the workbook does not record whose it is: its scores were not used")
            continue
        first = by_name.get(r.evaluator.casefold())
        if first is not None:
            _not_used(r, "same-evaluator-twice",
                      f"{r.evaluator} already returned {first.file}: the same evaluator twice, so this workbook was not "
                      "used (remove the one that should not count and collect again)")  # fmt: skip
            continue
        by_name[r.evaluator.casefold()] = r
        r.used, r.outcome = True, "used"
        used.append(r)

    expected: list[str] = []
    for r in used:
        for n in r.expected:
            if n not in expected:
                expected.append(n)
    order = {n: i for i, n in enumerate(expected)}
    used.sort(key=lambda r: (order.get(r.evaluator, len(order)), r.file))
    returned = {r.evaluator for r in used}
    for n in expected:
        if n not in returned:
            problems.append(
                Problem(code="evaluator-missing", file=evaluator_file_name(n),
                        reason=f"no usable workbook from {n}, who is on the panel: their scores are missing from the moderation")
            )  # fmt: skip

    blind = any(r.blind for r in used)
    usable = bool(used)
    if blind and not key_entries:
        usable = False
        if key is None:
            problems.append(
                Problem(code="key-needed", file=used[0].file,
                        reason="the workbooks were marked blind: give the key workbook (--key) to match labels to bid files")
            )  # fmt: skip
    if not used:
        problems.append(Problem(code="no-evaluator-workbooks", reason="no usable evaluator workbook was found"))

    # every (bid, question) any evaluator has, in bid then rubric question order
    q_order = {q.code: i for i, q in enumerate(rubric.all_questions())}
    wanted: dict[tuple[str, str], None] = {}
    for r in used:
        wanted.update(dict.fromkeys(r.scores))
    for r in used:
        for bid_key, code in wanted:
            if (bid_key, code) not in r.scores:
                problems.append(
                    Problem(code="row-missing", file=r.file, sheet=L.EVALUATION,
                            reason=f"there is no row for {bid_key} {code} (the other evaluators scored it)")
                )  # fmt: skip

    def identity(bid_key: str) -> tuple[str, str, str]:
        """(bid file, supplier, label)."""
        if not blind:
            supplier = next((r.bidders[bid_key] for r in used if r.bidders.get(bid_key)), "")
            return bid_key, supplier, ""
        entry = key_entries.get(bid_key)
        return (entry.bid_id, entry.supplier, bid_key) if entry else (bid_key, "", bid_key)

    if blind and key_entries:
        for bid_key in dict.fromkeys(k for k, _ in wanted):
            if bid_key not in key_entries:
                problems.append(
                    Problem(code="label-not-in-key", file=key_info[0] if key_info else "", sheet=L.PANEL_KEY, raw=bid_key,
                            reason=f"the key has no entry for {bid_key}: is this the key made with these workbooks?")
                )  # fmt: skip

    questions = {q.code: q for q in rubric.all_questions()}
    rows: list[ModerationRow] = []
    if usable:
        for bid_key, code in wanted:
            q = questions[code]
            scale = rubric.scale_for(q)
            scores = tuple(r.scores[(bid_key, code)].score if (bid_key, code) in r.scores else None for r in used)
            reasons = tuple(r.scores[(bid_key, code)].reason if (bid_key, code) in r.scores else "" for r in used)
            bid_id, supplier, label = identity(bid_key)
            rows.append(
                ModerationRow(bid_id=bid_id, supplier=supplier, label=label, code=code, question=q.text.strip(), scale=scale,
                              scores=scores, reasons=reasons, result=disagreement(scale, scores, gap))
            )  # fmt: skip
        rows.sort(key=lambda row: (row.bid_id, q_order[row.code]))
    return Moderation(
        rubric=rubric,
        gap=gap,
        panel_id=panel,
        blind=blind,
        evaluators=[r.evaluator for r in used],
        expected=expected,
        returns=returns,
        rows=rows,
        problems=[*notes, *(p for r in returns for p in r.problems), *key_problems, *problems],
        key=key_info,
        usable=usable,
    )
