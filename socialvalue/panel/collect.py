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
from socialvalue.intake.rows import keyed_rows
from socialvalue.intake.sheet import DUPLICATE_ROW, ROW_MISSING, ROW_NOT_IN_RUBRIC, SHEET_MISSING
from socialvalue.intake.values import is_blank, read_text
from socialvalue.intake.workbook import open_workbook, read_grid, read_meta
from socialvalue.problems import CellRef, Problem, ProblemCode, Severity, define
from socialvalue.rubric import Rubric, Scale

from .checks import DEFAULT_GAP, Disagreement, check_evaluator_score, disagreement
from .prepare import KIND_EVALUATOR, KIND_KEY, evaluator_file_name

Grid = list[list[Any]]

NOT_PANEL_WORKBOOK = define(
    "not-panel-workbook", Severity.ERROR, "not {what} made by `socialvalue panel prepare`: not used"
)
WRONG_TENDER = define("wrong-tender", Severity.ERROR, "{what} is for rubric {found!r} (another tender), not {wanted!r}")
RUBRIC_CHANGED = define(
    "rubric-changed",
    Severity.ERROR,
    "{what} was made from another version of rubric {rubric}: the method changed, so its scores were not used",
)
ANOTHER_PANEL = define(
    "another-panel",
    Severity.ERROR,
    "this workbook was prepared for another panel of this tender: its scores were not used",
)
EVALUATOR_UNKNOWN = define(
    "evaluator-unknown", Severity.ERROR, "the workbook does not record whose it is: its scores were not used"
)
SAME_EVALUATOR = define(
    "same-evaluator-twice",
    Severity.ERROR,
    "{evaluator} already returned {other}: the same evaluator twice, so this workbook was not used (remove the one "
    "that should not count and collect again)",
)
EVALUATOR_MISSING = define(
    "evaluator-missing",
    Severity.ERROR,
    "no usable workbook from {evaluator}, who is on the panel: their scores are missing from the moderation",
)
KEY_NEEDED = define(
    "key-needed",
    Severity.ERROR,
    "the workbooks were marked blind: give the key workbook (--key) to match labels to bid files",
)
NO_WORKBOOKS = define("no-evaluator-workbooks", Severity.ERROR, "no usable evaluator workbook was found")
LABEL_NOT_IN_KEY = define(
    "label-not-in-key", Severity.ERROR, "the key has no entry for {label}: is this the key made with these workbooks?"
)

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
        problems.append(NOT_PANEL_WORKBOOK(file=name, raw=found, reason=reason + ": not used"))
        return False
    if meta.get("rubric_id") != rubric.id:
        problems.append(
            WRONG_TENDER(file=name, sheet=L.META, raw=meta.get("rubric_id", ""),
                    reason=f"{what} for rubric {meta.get('rubric_id')!r} (another tender), not {rubric.id!r}: not used")
        )  # fmt: skip
        return False
    if meta.get("rubric_fingerprint") != rubric.fingerprint():
        problems.append(
            RUBRIC_CHANGED(file=name, sheet=L.META, raw=meta.get("rubric_version", ""),
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
            SHEET_MISSING(file=name, sheet=L.EVALUATION,
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

    def problem(kind: ProblemCode, row0: int, col: L.Column, raw: object = "", **fields: object) -> None:
        cell = CellRef(L.EVALUATION, row0 + 1, col.index)
        problems.append(kind.at(cell, file=name, raw="" if is_blank(raw) else raw, **fields))

    for row in keyed_rows(grid, (L.EV_BID.index, L.EV_CODE.index), L.FIRST_DATA_ROW - 1):
        row0, (key, code) = row.row0, row.key
        q = questions.get(code)
        if q is None:
            problem(ROW_NOT_IN_RUBRIC, row0, L.EV_CODE, code, what=f"question {code!r}")
            continue
        if row.first is not None:
            problem(DUPLICATE_ROW, row0, L.EV_CODE, code, what=f"a row for {key} {code}", first=row.first + 1)
            continue
        ret.bidders.setdefault(key, (read_text(_cell(grid, row0, L.EV_BIDDER)).value or "").strip())
        raw_score, raw_reason = _cell(grid, row0, L.EV_SCORE), _cell(grid, row0, L.EV_REASON)
        checked = check_evaluator_score(raw_score, raw_reason, rubric.scale_for(q), f"{key} {code}")
        for issue in checked.issues:
            col = L.EV_SCORE if issue.at == "score" else L.EV_REASON
            problem(issue.kind, row0, col, raw_score if issue.at == "score" else raw_reason, reason=issue.reason)
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
        problems.append(SHEET_MISSING(file=name, sheet=L.PANEL_KEY, reason="the key sheet is missing"))
        return {}, "", digest
    assert meta is not None
    grid: Grid = read_grid(wb, name, L.PANEL_KEY, problems) or []
    entries: dict[str, KeyEntry] = {}
    for row in keyed_rows(grid, (L.KEY_LABEL.index,), L.FIRST_DATA_ROW - 1):
        (label,), row0 = row.key, row.row0
        if row.first is None:
            entries[label] = KeyEntry(
                label, str(_cell(grid, row0, L.KEY_BID)).strip(), str(_cell(grid, row0, L.KEY_SUPPLIER)).strip()
            )
    return entries, meta.get("panel_id", ""), digest


def _not_used(ret: EvaluatorReturn, kind: ProblemCode, reason: str | None = None, **fields: Any) -> None:
    """Set a whole workbook aside: its row-by-row problems no longer matter, the reason it was set aside does."""
    ret.used = False
    ret.outcome = "not used: see Problems"
    ret.problems[:] = [p for p in ret.problems if not p.cell]
    ret.problems.append(kind(file=ret.file, sheet=L.META, reason=reason, **fields))


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
    causes: list[Problem] = []  # why nothing can be put side by side: said first
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
            _not_used(r, ANOTHER_PANEL,
                      "this workbook was prepared for another panel of this tender (other bid files, or blind marking "
                      "set differently"
                      + (", not the panel of the key given" if key_id else ", not the panel of the other workbooks")
                      + "): its scores were not used")  # fmt: skip
            continue
        if not r.evaluator:
            _not_used(r, EVALUATOR_UNKNOWN)
            continue
        first = by_name.get(r.evaluator.casefold())
        if first is not None:
            _not_used(r, SAME_EVALUATOR, evaluator=r.evaluator, other=first.file)
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
            problems.append(EVALUATOR_MISSING(file=evaluator_file_name(n), evaluator=n))

    blind = any(r.blind for r in used)
    usable = bool(used)
    if blind and not key_entries:
        usable = False
        if key is None:
            causes.append(KEY_NEEDED(file=used[0].file))
    if not used:
        causes.append(NO_WORKBOOKS())

    # every (bid, question) any evaluator has, in bid then rubric question order
    q_order = {q.code: i for i, q in enumerate(rubric.all_questions())}
    wanted: dict[tuple[str, str], None] = {}
    for r in used:
        wanted.update(dict.fromkeys(r.scores))
    for r in used:
        for bid_key, code in wanted:
            if (bid_key, code) not in r.scores:
                problems.append(
                    ROW_MISSING(file=r.file, sheet=L.EVALUATION, what=f"{bid_key} {code}",
                                then=" (the other evaluators scored it)")
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
                    LABEL_NOT_IN_KEY(
                        file=key_info[0] if key_info else "", sheet=L.PANEL_KEY, raw=bid_key, label=bid_key
                    )
                )

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
        problems=[*causes, *notes, *(p for r in returns for p in r.problems), *key_problems, *problems],
        key=key_info,
        usable=usable,
    )
