"""The rubric's cross-field checks, each a named function of a parsed rubric (policy checks live in policy.py).

Each check yields :class:`RubricIssue` records (the field path in the file and what is wrong there); the loader
turns them into located problems and :meth:`Rubric._consistent` refuses a rubric built in code that has any.
To add a check: write a function ``(rubric) -> Iterator[RubricIssue]`` here and list it in :data:`CHECKS`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .models import CriterionKind, PricePerQualityPoint, Question
from .scales import PRESETS

if TYPE_CHECKING:
    from .models import Rubric


@dataclass(frozen=True, slots=True)
class RubricIssue:
    """One cross-field problem in a rubric: where it is in the file, and what is wrong."""

    path: str
    """The dotted field path in the rubric file (``social_value.themes.0.measures.1.min``)."""
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


Check = Callable[["Rubric"], Iterator[RubricIssue]]


def criteria_weights(rubric: Rubric) -> Iterator[RubricIssue]:
    """The award criteria's weights sum to 100, with one criterion per kind and unique ids."""
    total = sum(c.weight for c in rubric.criteria)
    if abs(total - 100) > 1e-6:
        yield RubricIssue("criteria", f"criteria weights must sum to 100; they sum to {total:g}")
    kinds = [c.kind for c in rubric.criteria]
    for kind in CriterionKind:
        if kinds.count(kind) > 1:
            yield RubricIssue("criteria", f"only one criterion of kind {kind.value!r} is allowed")
    ids = [c.id for c in rubric.criteria]
    if len(set(ids)) != len(ids):
        yield RubricIssue("criteria", "criterion ids must be unique")


def sections_match_criteria(rubric: Rubric) -> Iterator[RubricIssue]:
    """A quality or social value criterion has its section, and a section has the criterion that carries its weight;
    price per quality point needs a price."""
    kinds = {c.kind for c in rubric.criteria}
    for kind, section, holds in (
        (CriterionKind.QUALITY, rubric.quality, "its questions"),
        (CriterionKind.SOCIAL_VALUE, rubric.social_value, "its themes"),
    ):
        name = kind.value
        if kind in kinds and section is None:
            yield RubricIssue("criteria", f"a {name} criterion needs a '{name}' section with {holds}")
        if kind not in kinds and section is not None:
            yield RubricIssue(name, f"a '{name}' section needs a criterion of kind '{name}' to carry its weight")
    if isinstance(rubric.price_method, PricePerQualityPoint) and CriterionKind.PRICE not in kinds:
        yield RubricIssue("price_method", "price-per-quality-point needs a price criterion")


def unique_codes(rubric: Rubric) -> Iterator[RubricIssue]:
    """Measure, question and gate codes are unique across the rubric (a bid's rows are found by them)."""
    codes = [c for c, _ in rubric._all_codes()]
    dupes = sorted({c for c in codes if codes.count(c) > 1})
    if dupes:
        path = dict(rubric._code_paths()).get(dupes[0], "")
        yield RubricIssue(path, f"measure, question and gate codes must be unique; repeated: {', '.join(dupes)}")


def scales_exist(rubric: Rubric) -> Iterator[RubricIssue]:
    """Every scale named is a preset or one of the rubric's own, and a minimum score is a point on its scale."""
    paths = dict(rubric._code_paths())
    scale_ids = {s.id for s in rubric.scales} | set(PRESETS)
    if rubric.default_scale not in scale_ids:
        yield RubricIssue(
            "default_scale", f"default_scale {rubric.default_scale!r} is neither a preset nor a custom scale"
        )
    for q in rubric.all_questions():
        if q.scale is not None and q.scale not in scale_ids:
            yield RubricIssue(
                paths[q.code] + ".scale",
                f"question {q.code}: unknown scale {q.scale!r} (presets: {', '.join(PRESETS)})",
            )
        elif q.minimum_score is not None and (q.scale or rubric.default_scale) in scale_ids:
            scale = rubric.scale_for(q)
            if q.minimum_score not in scale.scores:
                yield RubricIssue(
                    paths[q.code] + ".minimum_score",
                    f"question {q.code}: minimum_score {q.minimum_score:g} is not a point on scale {scale.id!r}",
                )


def quality_weights(rubric: Rubric) -> Iterator[RubricIssue]:
    """The quality questions' weights make up their part."""
    if rubric.quality is not None:
        part = rubric.weight(CriterionKind.QUALITY)
        yield from _weights_sum("quality.questions", "quality questions", rubric.quality.questions, part)


def social_value_parts(rubric: Rubric) -> Iterator[RubricIssue]:
    """Social value's quantitative share has measures with values to count, its qualitative share has questions
    whose weights make up that share."""
    sv = rubric.social_value
    if sv is None:
        return
    measures = [m for t in sv.themes for m in t.measures]
    questions = [q for t in sv.themes for q in t.questions]
    share = "social_value.quantitative_share_pct"
    if sv.quantitative_share_pct > 0 and not measures:
        yield RubricIssue(share, "social value: quantitative_share_pct > 0 but no theme has measures")
    if sv.quantitative_share_pct < 100 and not questions:
        yield RubricIssue(share, "social value: quantitative_share_pct < 100 but no theme has questions")
    if sv.quantitative_share_pct < 100:
        part = rubric.sv_qualitative_weight
        yield from _weights_sum("social_value.themes", "social value questions", questions, part)
    if sv.quantitative_share_pct > 0 and not any(m.value_ref for m in measures):
        yield RubricIssue(
            "social_value.themes", "social value: quantitative scoring needs at least one measure with a value_ref"
        )
    if any(m.value_ref for m in measures) and sv.value_set is None:
        yield RubricIssue("social_value", "social value: measures have value_ref but no value_set is named")


def measure_bounds(rubric: Rubric) -> Iterator[RubricIssue]:
    """A measure's min is not above its max, and the measures it overlaps with exist."""
    paths = dict(rubric._code_paths())
    measures = [m for _, m in rubric.measures()]
    codes = {m.code for m in measures}
    for m in measures:
        if m.min is not None and m.max is not None and m.min > m.max:
            yield RubricIssue(paths[m.code] + ".min", f"measure {m.code}: min is greater than max")
        for other in m.overlaps_with:
            if other not in codes:
                yield RubricIssue(
                    paths[m.code] + ".overlaps_with", f"measure {m.code}: overlaps_with names unknown measure {other!r}"
                )


CHECKS: tuple[Check, ...] = (
    criteria_weights,
    sections_match_criteria,
    unique_codes,
    scales_exist,
    quality_weights,
    social_value_parts,
    measure_bounds,
)
"""Every cross-field check, in the order their problems are listed."""


def structure_issues(rubric: Rubric) -> list[RubricIssue]:
    """Every cross-field problem of ``rubric``: weights, sections, codes, scales, measures."""
    return [issue for check in CHECKS for issue in check(rubric)]


def _weights_sum(path: str, what: str, questions: list[Question], part: float) -> Iterator[RubricIssue]:
    """Question weights sum to 100 (% of their part); or, given as points, to the part's weight, exactly."""
    in_points = [q for q in questions if q.points is not None]
    if in_points and len(in_points) < len(questions):
        yield RubricIssue(path, f"{what}: give every question's weight the same way, all as weight (% of their part) "
                                "or all as points (of the total score)")  # fmt: skip
    elif in_points:
        total = sum(q.points or 0.0 for q in in_points)
        if abs(total - part) > 1e-9 * max(1.0, part):
            yield RubricIssue(
                path, f"{what}: points must add up to their part's {part:g} points; they add up to {total:g}"
            )
    else:
        total = sum(q.weight or 0.0 for q in questions)
        if questions and abs(total - 100) > 1e-6:
            yield RubricIssue(path, f"{what}: weights must sum to 100 (% of their part); they sum to {total:g}")
