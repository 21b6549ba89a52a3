"""Each bid's lines, scored on its own: every commitment valued in £, every question's points, every gate's answer.

Nothing here reads another bid. What every bid's line for one measure or question shares is worked out once
per tender (:class:`Valued`, :class:`Asked`), not once per bid.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from socialvalue.bid import LARGEST, Bid, PanelScore
from socialvalue.problems import Problem
from socialvalue.rubric import Rubric, ValueSet
from socialvalue.rubric.models import Measure, Question
from socialvalue.rubric.scales import Scale
from socialvalue.rubric.valueset import ProxyValue

from . import arithmetic
from .plausible import implausible, implausible_problem, usable_price
from .results import COUNT_ONLY_NOTE, GateLine, MeasureLine, QuestionLine


@dataclass(frozen=True, slots=True)
class Valued:
    """What every bid's line for one measure shares: worked out once per tender, not once per bid."""

    theme: str
    measure: Measure
    value: ProxyValue | None
    source: str
    factor: float
    """The measure's additionality: (1 − deadweight) × (1 − displacement) × (1 − attribution)."""


def valued_measures(rubric: Rubric, value_set: ValueSet | None) -> list[Valued]:
    out = []
    for theme, m in rubric.measures():
        row = value_set.get(m.value_ref) if value_set and m.value_ref else None
        source = f"{value_set.id} v{value_set.version}: {row.source}" if row and value_set else ""
        out.append(Valued(theme.name, m, row, source, m.additionality_factor))
    return out


_NOT_COUNTED = "not counted: see Errors"


def value_measures(
    rubric: Rubric,
    value_set: ValueSet | None,
    bid: Bid,
    valued: Sequence[Valued] | None = None,
    problems: list[Problem] | None = None,
) -> list[MeasureLine]:
    """Gross and net £ of each commitment: gross = counted quantity × £ per unit; net = gross × additionality.

    Only a finite, plausible quantity is counted (:mod:`.plausible`); each one that is not is added to
    ``problems`` with its cell.
    """
    lines: list[MeasureLine] = []
    pct = rubric.ceiling_pct_of_price
    ceiling = bid.price * pct / 100 if usable_price(bid.price) else None  # type: ignore[operator]
    for v in valued if valued is not None else valued_measures(rubric, value_set):
        m, row = v.measure, v.value
        c = bid.commitments.get(m.code)
        qty = c.quantity if c else None
        raw = c.raw if c else ""
        ok = c is not None and c.counted and qty is not None
        if c is None:
            note = "row missing: nothing counted"
        elif c.counted:
            note = c.note
        else:  # how a typed value was read, then that it was not counted ("read '£5m' as 5000000; not counted: ...")
            note = f"{c.note}; {_NOT_COUNTED}" if c.note else _NOT_COUNTED
        if ok:
            assert c is not None and qty is not None
            unit_value = row.value_gbp if row else None
            plain = (  # the usual commitment, without a call: in range, under the ceiling (NaN fails every test)
                (m.min or 0.0) <= qty < LARGEST
                and (m.max is None or qty <= m.max)
                and (unit_value is None or ceiling is None or qty * unit_value <= ceiling)
            )
            why = "" if plain else implausible(m, qty, unit_value, bid.price, pct)
            if why:
                ok = False
                raw = raw or repr(qty)
                note = f"{note}; not counted: {why}" if note else f"not counted: {why}"
                if problems is not None:
                    problems.append(implausible_problem(bid.file, c.cell, m.code, raw, why))
                if not math.isfinite(qty):
                    qty = None  # what was typed is in raw: no output holds inf or NaN
        counted = qty if ok and qty is not None else 0.0
        if m.cap is not None and counted > m.cap:
            capped = f"capped at {m.cap:,g} {m.unit}"
            note = f"{note}; {capped}" if note else capped
            counted = m.cap
        gross = arithmetic.gross(counted, row.value_gbp) if row else None
        lines.append(
            MeasureLine(
                bid_id=bid.bid_id,
                theme=v.theme,
                code=m.code,
                description=m.description,
                unit=m.unit,
                quantity=qty,
                raw=raw,
                counted_quantity=counted,
                cap=m.cap,
                value_code=m.value_ref or "",
                unit_value=row.value_gbp if row else None,
                value_source=v.source,
                gross=gross,
                deadweight_pct=m.deadweight_pct,
                displacement_pct=m.displacement_pct,
                attribution_pct=m.attribution_pct,
                net=arithmetic.net(gross, v.factor) if gross is not None else None,
                cell=c.cell if c else None,
                evidence=c.evidence if c else "",
                note=note or (COUNT_ONLY_NOTE if row is None else ""),
                counted=ok,
            )
        )
    return lines


@dataclass(frozen=True, slots=True)
class Asked:
    """What every bid's line for one question shares: worked out once per tender."""

    question: Question
    part: str
    theme: str
    scale: Scale
    max_points: float


def asked_questions(rubric: Rubric) -> list[Asked]:
    theme_of = {q.code: t.name for t, q in rubric.sv_questions()}
    out = []
    for q in rubric.all_questions():
        part = rubric.question_part(q)
        criterion = rubric.criterion(part)
        theme = theme_of.get(q.code, criterion.name if criterion else "")
        part_id = criterion.id if criterion else part.value
        out.append(Asked(q, part_id, theme, rubric.scale_for(q), rubric.question_max_points(q)))
    return out


def score_questions(
    rubric: Rubric,
    bid: Bid,
    panel: Mapping[tuple[str, str], PanelScore],
    asked: Sequence[Asked] | None = None,
) -> list[QuestionLine]:
    """Points per question = the question's maximum points × consensus score ÷ the scale's top score."""
    lines: list[QuestionLine] = []
    for a in asked if asked is not None else asked_questions(rubric):
        q, scale, max_points = a.question, a.scale, a.max_points
        ps = panel.get((bid.bid_id, q.code))
        score = ps.score if ps else None
        answer = bid.answers.get(q.code)
        lines.append(
            QuestionLine(
                bid_id=bid.bid_id,
                code=q.code,
                part=a.part,
                theme=a.theme,
                text=q.text,
                weight_pct=rubric.question_weight_pct(q),
                max_points=max_points,
                scale_id=scale.id,
                scale_max=scale.max,
                score=score,
                descriptor=scale.describe(score) if score is not None else "",
                reason=ps.reason if ps else "",
                score_source=ps.source if ps else "",
                points=arithmetic.question_points(max_points, score, scale.max) if score is not None else None,
                minimum_score=q.minimum_score,
                below_minimum=score is not None and q.minimum_score is not None and score < q.minimum_score,
                words=answer.words if answer else 0,
                word_limit=q.word_limit,
            )
        )
    return lines


def check_gates(rubric: Rubric, bid: Bid) -> list[GateLine]:
    lines: list[GateLine] = []
    for g in rubric.all_gates():
        a = bid.gates.get(g.code)
        passed = a.passed if a else None
        answer = "Yes" if passed else ("No" if passed is False else "not answered")
        lines.append(
            GateLine(
                bid_id=bid.bid_id,
                code=g.code,
                text=g.text,
                answer=answer,
                passed=passed,
                evidence=a.evidence if a else "",
                cell=a.cell if a else None,
            )
        )
    return lines
