"""The panel's rules, as pure functions: a score is a point on the scale with a reason; when evaluators disagree.

The disagreement rule counts **scale steps**, not raw points, so it means the same on every scale:
on 0-5 one step is 1 point, on 0/25/50/75/100 it is 25 points. Evaluators *disagree* on a question
when the highest and lowest of their scores are more than ``gap`` steps apart. The default gap is
one step: adjacent scores (3 and 4) are ordinary differences of judgement; two or more steps apart
(3 and 5) must be discussed at moderation. ``gap=0`` flags any difference at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from socialvalue.intake.scores import ScoreCheck, ScoreIssue, allowed, check_score
from socialvalue.rubric import Scale
from socialvalue.scoring.engine import SCORE_MISSING

DEFAULT_GAP = 1
"""Flag a question when evaluators' scores are more than this many scale steps apart."""


def gap_rule(gap: int) -> str:
    """The disagreement rule in words (shown on the moderation workbook and in the evaluation report)."""
    if gap == 0:
        return "a question is flagged for discussion when the evaluators' scores differ at all"
    steps = "one scale step" if gap == 1 else f"{gap} scale steps"
    return (
        f"a question is flagged for discussion when the highest and lowest evaluator scores are more than {steps} "
        "apart (steps are positions on the question's scale, e.g. 3 to 5 on a 0-5 scale is 2 steps)"
    )


@dataclass(frozen=True)
class Disagreement:
    """How far apart the evaluators' valid scores are on one question."""

    lowest: float | None
    highest: float | None
    spread: float | None
    """Highest − lowest, in points (None with no valid score)."""
    steps: int | None
    """Positions on the scale between the highest and lowest score."""
    flagged: bool
    complete: bool
    """Every evaluator gave a valid score."""
    agreed: float | None
    """The common score when every evaluator gave the same valid score; otherwise None."""


def disagreement(scale: Scale, scores: Sequence[float | None], gap: int = DEFAULT_GAP) -> Disagreement:
    """Spread and flag for one question's scores (None for a missing or invalid score)."""
    valid = [s for s in scores if s is not None and s in scale.scores]
    complete = bool(scores) and len(valid) == len(scores)
    if not valid:
        return Disagreement(None, None, None, None, False, complete, None)
    low, high = min(valid), max(valid)
    steps = scale.scores.index(high) - scale.scores.index(low)
    agreed = low if complete and low == high else None
    return Disagreement(low, high, high - low, steps, steps > gap, complete, agreed)


def check_evaluator_score(raw_score: object, raw_reason: object, scale: Scale, what: str) -> ScoreCheck:
    """One evaluator's row: the score rule (:func:`~socialvalue.intake.scores.check_score`), and a blank score
    is a gap the evaluator must fill. ``what`` names the row in messages."""
    checked = check_score(raw_score, raw_reason, scale, what, ask="say why it earns that score")
    if not checked.blank:
        return checked
    why = f"no score for {what}: choose one of {allowed(scale)} from the drop-down"
    if not checked.reason:
        why += " and give the reason for it"
    return ScoreCheck(None, checked.reason, (ScoreIssue(SCORE_MISSING, "score", why),), blank=True)
