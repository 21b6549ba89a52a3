"""The panel's score rule, as read from any workbook: a score is a point on the question's scale, and it has a reason.

One rule for the consensus workbook (:mod:`.consensus`, read when scoring) and the evaluators' workbooks
(:mod:`socialvalue.panel.collect`): the same score is quoted the same way in both (7, not 7.0).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from socialvalue.problems import ProblemCode, Severity, define, shorten
from socialvalue.rubric import Scale

from .values import is_blank, read_quantity, read_text

SCORE_OFF_SCALE = define(
    "score-off-scale", Severity.ERROR, "{shown!r} for {what} is not a score on scale {scale} ({allowed})"
)
REASON_MISSING = define("reason-missing", Severity.ERROR, "the score {score:g} for {what} has no reason: {ask}")


@dataclass(frozen=True, slots=True)
class ScoreIssue:
    """What is wrong with one row's score or reason."""

    kind: ProblemCode
    at: Literal["score", "reason"]
    """The cell at fault."""
    reason: str


@dataclass(frozen=True, slots=True)
class ScoreCheck:
    """One row's score and reason, read and checked."""

    score: float | None
    """The score when it is on the scale (even without a reason: an issue says so); None otherwise."""
    reason: str
    issues: tuple[ScoreIssue, ...] = ()
    blank: bool = False
    """No score was entered (what that means is the caller's: a gap to fill, or not scored yet)."""


def shown(raw: object) -> str:
    """A raw cell value as typed: 7.0 from a spreadsheet is shown as 7."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return shorten(raw)


def allowed(scale: Scale) -> str:
    """The scale's scores in words: ``0, 1, 2, 3, 4, 5``."""
    return ", ".join(f"{s:g}" for s in scale.scores)


def check_score(raw_score: object, raw_reason: object, scale: Scale, what: str, ask: str) -> ScoreCheck:
    """Read one row: the score must be on ``scale`` and carry a reason. ``what`` names the row in messages
    ("the consensus score for acme.xlsx Q1"); ``ask`` says what a missing reason needs."""
    reason = (read_text(raw_reason).value or "").strip()
    if is_blank(raw_score):
        return ScoreCheck(None, reason, blank=True)
    read = read_quantity(raw_score, "points")
    if read.value is None or read.value not in scale.scores:
        why = SCORE_OFF_SCALE.template.format(shown=shown(raw_score), what=what, scale=scale.id, allowed=allowed(scale))
        return ScoreCheck(None, reason, (ScoreIssue(SCORE_OFF_SCALE, "score", why),))
    if not reason:
        why = REASON_MISSING.template.format(score=read.value, what=what, ask=ask)
        return ScoreCheck(read.value, "", (ScoreIssue(REASON_MISSING, "reason", why),))
    return ScoreCheck(read.value, reason)
