"""Moderation is iterative: re-collecting into an existing moderation workbook keeps what the meeting entered.

When ``panel collect`` writes to a moderation workbook that already exists (a late evaluator's
workbook arrived, or one was corrected), every consensus score and reason already entered on its
Consensus sheet is carried into the new workbook, row by row (bid file and question code). Where the
evaluators' scores or reasons behind a row have changed since (a score changed, an evaluator added
or removed), the carried row is marked for review, and the mark stays until the meeting changes that
row's score or reason. Rows no evaluator scores any more keep their entries too, marked. Nothing the
meeting typed is dropped.

The scores behind each row are read from the old workbook's Moderation sheet (what the meeting saw);
the review marks are kept on a very hidden sheet (:data:`REVIEW_SHEET`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from socialvalue import layout as L
from socialvalue.intake.consensus import entry_digest, review_marks
from socialvalue.intake.rows import keyed_rows
from socialvalue.intake.values import is_blank
from socialvalue.intake.workbook import open_workbook, read_grid, read_meta
from socialvalue.output.safe import clean_text
from socialvalue.rubric import Rubric

from .collect import Moderation, ModerationRow
from .record import read_panel_record

Key = tuple[str, str]
Scores = dict[str, tuple[float | None, str]]
"""Evaluator → (score, reason) behind one row."""


@dataclass(frozen=True)
class Entry:
    """What the meeting typed on one Consensus row: the score exactly as typed (number or text) and the reason."""

    score: Any
    reason: Any
    supplier: str = ""

    @property
    def digest(self) -> str:
        return entry_digest(self.score, self.reason)


@dataclass
class Earlier:
    """An existing moderation workbook: what the meeting entered, and the evaluators' scores it was entered on."""

    file: str
    evaluators: list[str]
    behind: dict[Key, Scores]
    entries: dict[Key, Entry]
    review: dict[Key, tuple[str, str]]
    """Rows still marked for review: (note, digest of the entry when it was marked)."""


@dataclass(frozen=True)
class Carried:
    """One Consensus row of the new workbook that keeps an earlier entry."""

    entry: Entry
    note: str = ""
    """Why the row needs review ('' when its inputs are as they were and no earlier mark stands)."""


@dataclass
class CarryForward:
    """What :func:`carry_forward` decided for the new workbook."""

    rows: dict[Key, Carried] = field(default_factory=dict)
    orphans: dict[Key, Carried] = field(default_factory=dict)
    """Entries for a bid and question no evaluator workbook scores now: kept as extra rows."""

    @property
    def to_review(self) -> list[Key]:
        return [k for k, c in [*self.rows.items(), *self.orphans.items()] if c.note]

    @property
    def count(self) -> int:
        return len(self.rows) + len(self.orphans)


def _shown(score: float | None) -> str:
    return "none" if score is None else f"{score:g}"


def read_earlier(path: Path, rubric: Rubric, panel_id: str) -> tuple[Earlier | None, str]:
    """The entries of the moderation workbook at ``path``, or (None, why they cannot be carried forward)."""
    record, problems = read_panel_record(path, rubric)
    if record is None:
        return None, "; ".join(p.reason for p in problems) or "it is not a moderation workbook"
    problems = []
    wb = open_workbook(path, problems).wb
    if wb is None:
        return None, "it could not be read"
    meta = read_meta(wb, path.name, problems) or {}
    if meta.get("rubric_fingerprint") != rubric.fingerprint():
        return None, (
            f"its consensus was entered under rubric {rubric.id} version {meta.get('rubric_version')!r}, "
            f"not the one given ({rubric.version!r}): the method changed"
        )
    if record.panel_id != panel_id:
        return None, "it is the moderation of another panel (other bid files, or blind marking set differently)"
    behind: dict[Key, Scores] = {}
    for key, scores in record.scores.items():
        reasons = record.reasons.get(key, [""] * len(scores))
        behind[key] = {name: (s, r) for name, s, r in zip(record.evaluators, scores, reasons, strict=True)}
    entries: dict[Key, Entry] = {}
    agreed = {key: _agreed(list(scores)) for key, scores in record.scores.items()}
    grid = read_grid(wb, path.name, L.CONSENSUS, problems) or []
    for row in keyed_rows(grid, (L.CON_BID.index, L.CON_CODE.index), L.FIRST_DATA_ROW - 1):
        line = grid[row.row0]
        cells = [*line, *[""] * (len(L.CONSENSUS_COLUMNS) - len(line))]
        key = (row.key[0], row.key[1])
        score, reason = cells[L.CON_SCORE.index], cells[L.CON_REASON.index]
        if not key[0] or not key[1] or row.first is not None or (is_blank(score) and is_blank(reason)):
            continue
        if is_blank(reason) and isinstance(score, float) and score == agreed.get(key):
            continue  # the tool filled this in (every evaluator agreed); nobody has entered anything yet
        entries[key] = Entry(
            None if is_blank(score) else score, "" if is_blank(reason) else reason, str(cells[L.CON_SUPPLIER.index])
        )
    return Earlier(path.name, record.evaluators, behind, entries, review_marks(wb, path.name, problems)), ""


def _agreed(scores: list[float | None]) -> float | None:
    return scores[0] if scores and None not in scores and len(set(scores)) == 1 else None


def what_changed(before: Scores, now: Scores) -> str:
    """The evaluators' scores behind one row, then and now, in words ('' when the same)."""
    changes: list[str] = []
    for name in now:
        if name not in before:
            changes.append(f"{name}'s score ({_shown(now[name][0])}) was added")
        elif before[name][0] != now[name][0]:
            changes.append(f"{name}'s score changed from {_shown(before[name][0])} to {_shown(now[name][0])}")
        elif clean_text(before[name][1]).strip() != clean_text(now[name][1]).strip():
            changes.append(f"{name}'s reason changed")
    changes += [f"{name}'s score was removed" for name in before if name not in now]
    return "; ".join(changes)


def _now(mod: Moderation, row: ModerationRow) -> Scores:
    return {name: (s, r) for name, s, r in zip(mod.evaluators, row.scores, row.reasons, strict=True)}


def carry_forward(mod: Moderation, earlier: Earlier) -> CarryForward:
    """Every earlier entry, placed on the new workbook's rows, marked where its inputs changed since."""
    out = CarryForward()
    current = {(row.bid_id, row.code): row for row in mod.rows}
    for key, entry in earlier.entries.items():
        notes: list[str] = []
        marked = earlier.review.get(key)
        if marked is not None and marked[1] == entry.digest:
            notes.append(marked[0])  # not yet reviewed: the mark stands
        row = current.get(key)
        if row is None:
            notes.append("no returned evaluator workbook scores this bid and question now")
            out.orphans[key] = Carried(entry, "; ".join(notes))
            continue
        changed = what_changed(earlier.behind.get(key, {}), _now(mod, row))
        if changed:
            notes.append(f"since this consensus was entered, {changed}")
        out.rows[key] = Carried(entry, "; ".join(dict.fromkeys(notes)))
    return out


def review_note(carried: Carried) -> str:
    """What the Consensus sheet says about a carried row that needs review."""
    return f"Review: {carried.note}. Change the score or the reason once reviewed" if carried.note else ""
