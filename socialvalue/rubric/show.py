"""What ``socialvalue rubric show`` prints: a rubric in lines of text, or as JSON (``--json``).

Text is cut at a word boundary with "…" (never mid-word); question weights are shown both ways, as %
of their part and as points of the total, whichever way the rubric gives them.
"""

from __future__ import annotations

from typing import Any

from socialvalue.words import cut_words

from .load import RubricSource
from .models import CriterionKind, Question, Rubric

TEXT = 80
"""Characters of a question, measure or gate text on one line of `rubric show`."""


def _weight_both_ways(r: Rubric, q: Question) -> str:
    pct, points = r.question_weight_pct(q), r.question_max_points(q)
    if q.points is not None:
        return f"{points:g} points ({pct:.4g}% of its part)"
    return f"{pct:g}% of its part ({points:.4g} points)"


def show_lines(source: RubricSource) -> list[str]:
    """The rubric as lines of text: criteria, methods, questions, themes, measures, gates, tie-break."""
    r = source.rubric
    out = [f"{r.title}  ({r.id} v{r.version}, policy {r.policy.value})", f"file: {source.path}",
           f"fingerprint: {r.fingerprint()}"]  # fmt: skip
    out += [f"  {c.name:28} {c.weight:5g}%  ({c.kind.value})" for c in r.criteria]
    if r.weight(CriterionKind.PRICE):
        out.append(f"price method: {r.price_method.method}")
    if r.quality:
        out.append("Quality questions")
        for q in r.quality.questions:
            hurdle = f", minimum {q.minimum_score:g}" if q.minimum_score is not None else ""
            out.append(
                f"  {q.code:6} {_weight_both_ways(r, q)} on {r.scale_for(q).id}{hurdle}: {cut_words(q.text, TEXT)}"
            )
    sv = r.social_value
    if sv:
        out.append(
            f"Social value: {sv.quantitative_share_pct:g}% commitments ({sv.quantitative_method.method}, {sv.score_on}), "
            f"{100 - sv.quantitative_share_pct:g}% questions"
        )
        if source.value_set:
            out.append(f"value set: {source.value_set.label}")
        for t in sv.themes:
            out.append(f"  {t.name}" + (f"  [{t.model_theme.value}]" if t.model_theme else ""))
            for m in t.measures:
                row = source.value_set.get(m.value_ref) if source.value_set and m.value_ref else None
                value = f"£{row.value_gbp:,.2f}/{row.unit}" if row else "count only"
                out.append(f"    {m.code:6} {m.unit:9} {value:18} {cut_words(m.description, TEXT)}")
            for q in t.questions:
                out.append(f"    {q.code:6} question, {_weight_both_ways(r, q)}: {cut_words(q.text, TEXT)}")
            for g in t.gates:
                out.append(f"    {g.code:6} pass/fail: {cut_words(g.text, TEXT)}")
    final = f"; then {r.tie_break_final.value}" if r.tie_break_final else "; no final tie-break published"
    out.append(
        f"tie-break: {', '.join(t.value for t in r.tie_break)}{final}; abnormally low below mean by {r.abnormally_low_pct:g}%"
    )
    return out


def show_json(source: RubricSource) -> dict[str, Any]:
    """The rubric as JSON: the rubric itself, where it came from, and each question's weight both ways."""
    r = source.rubric
    return {
        "file": str(source.path),
        "fingerprint": r.fingerprint(),
        "value_set": source.value_set.label if source.value_set else None,
        "question_weights": {
            q.code: {"percent_of_part": r.question_weight_pct(q), "points": r.question_max_points(q)}
            for q in r.all_questions()
        },
        "rubric": r.model_dump(mode="json"),
    }
