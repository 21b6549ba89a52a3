"""What the letters and the evaluation report both show: a tender detail or its visible gap, a question's score
in words, and the warning that illustrative proxy values must not decide an award."""

from __future__ import annotations

from datetime import date

from socialvalue.rubric import Rubric
from socialvalue.scoring.results import QuestionLine, TenderResult

from ..document import Block, Para


def given(value: object, label: str) -> str:
    """A tender detail as the letter shows it, or a visible gap naming it."""
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    return str(value) if value else f"[{label}: not given]"


def score_text(rubric: Rubric, line: QuestionLine | None) -> str:
    if line is None or line.score is None:
        return "not scored"
    label = ""
    for q in rubric.all_questions():
        if q.code == line.code:
            point = rubric.scale_for(q).point(line.score)
            label = point.label if point else ""
    return f"{line.score:g} of {line.scale_max:g}" + (f" ({label})" if label else "")


def illustrative(result: TenderResult) -> list[Block]:
    if not result.value_set_illustrative:
        return []
    return [
        Para(
            f"The £ values in this document come from the value set {result.value_set}. Those proxy values are "
            "illustrative only and must not be used to decide a contract award: score with the buyer's own value set "
            "before sending this document.",
            "warning",
        )
    ]
