"""The scoring engine: pure functions from rubric + bids + panel scores to a scored tender.

No I/O. Deterministic, and independent of the order the bids come in: every comparison is over
the set of compared bids, and the output is sorted by rank then bid file name.
"""

from __future__ import annotations

import copy
import math
from collections import ChainMap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from socialvalue.bid import LARGEST, Bid, PanelScore
from socialvalue.problems import Problem, Severity, define
from socialvalue.rubric import CriterionKind, Rubric, TieBreak, ValueSet
from socialvalue.rubric.models import Measure, PricePerQualityPoint, Question
from socialvalue.rubric.scales import Scale
from socialvalue.rubric.valueset import ProxyValue

from . import methods
from .plausible import implausible, implausible_problem, usable_price
from .pool import PoolFigures, figures_of, non_price, parts, pool_entry
from .results import COUNT_ONLY_NOTE, BidResult, BidStatus, GateLine, MeasureLine, QuestionLine, TenderResult

SCORE_MISSING = define(
    "score-missing",
    Severity.ERROR,
    "no consensus score for question {question}: the bid cannot be totalled or ranked until the panel scores it",
)

TOLERANCE = 1e-9
"""Totals closer than this are a tie (floating-point noise, not a difference in merit)."""


@dataclass(frozen=True, slots=True)
class _Valued:
    """What every bid's line for one measure shares: worked out once per tender, not once per bid."""

    theme: str
    measure: Measure
    value: ProxyValue | None
    source: str
    factor: float
    """The measure's additionality: (1 − deadweight) × (1 − displacement) × (1 − attribution)."""


def _valued_measures(rubric: Rubric, value_set: ValueSet | None) -> list[_Valued]:
    out = []
    for theme, m in rubric.measures():
        row = value_set.get(m.value_ref) if value_set and m.value_ref else None
        source = f"{value_set.id} v{value_set.version}: {row.source}" if row and value_set else ""
        out.append(_Valued(theme.name, m, row, source, m.additionality_factor))
    return out


_NOT_COUNTED = "not counted: see Errors"


def value_measures(
    rubric: Rubric,
    value_set: ValueSet | None,
    bid: Bid,
    valued: Sequence[_Valued] | None = None,
    problems: list[Problem] | None = None,
) -> list[MeasureLine]:
    """Gross and net £ of each commitment: gross = counted quantity × £ per unit; net = gross × additionality.

    Only a finite, plausible quantity is counted (:mod:`.plausible`); each one that is not is added to
    ``problems`` with its cell.
    """
    lines: list[MeasureLine] = []
    pct = rubric.ceiling_pct_of_price
    ceiling = bid.price * pct / 100 if usable_price(bid.price) else None  # type: ignore[operator]
    for v in valued if valued is not None else _valued_measures(rubric, value_set):
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
        gross = counted * row.value_gbp if row else None
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
                net=gross * v.factor if gross is not None else None,
                cell=c.cell if c else None,
                evidence=c.evidence if c else "",
                note=note or (COUNT_ONLY_NOTE if row is None else ""),
                counted=ok,
            )
        )
    return lines


@dataclass(frozen=True, slots=True)
class _Asked:
    """What every bid's line for one question shares: worked out once per tender."""

    question: Question
    part: str
    theme: str
    scale: Scale
    max_points: float


def _asked_questions(rubric: Rubric) -> list[_Asked]:
    theme_of = {q.code: t.name for t, q in rubric.sv_questions()}
    out = []
    for q in rubric.all_questions():
        part = rubric.question_part(q)
        criterion = rubric.criterion(part)
        theme = theme_of.get(q.code, criterion.name if criterion else "")
        part_id = criterion.id if criterion else part.value
        out.append(_Asked(q, part_id, theme, rubric.scale_for(q), rubric.question_max_points(q)))
    return out


def score_questions(
    rubric: Rubric,
    bid: Bid,
    panel: Mapping[tuple[str, str], PanelScore],
    asked: Sequence[_Asked] | None = None,
) -> list[QuestionLine]:
    """Points per question = the question's maximum points × consensus score ÷ the scale's top score."""
    lines: list[QuestionLine] = []
    for a in asked if asked is not None else _asked_questions(rubric):
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
                points=max_points * score / scale.max if score is not None else None,
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


def _sum_points(lines: Iterable[QuestionLine]) -> float | None:
    """Sum of points, or None while any question has no consensus score (never scored as 0)."""
    total = 0.0
    for line in lines:
        if line.points is None:
            return None
        total += line.points
    return total


def _status(bid: Bid, gates: Sequence[GateLine], questions: Sequence[QuestionLine]) -> tuple[BidStatus, str]:
    if bid.missing_sheets:
        sheets = ", ".join(f"'{s}'" for s in bid.missing_sheets)
        return BidStatus.INCOMPLETE, (
            f"required sheet {sheets} missing or unreadable: not compared or ranked (never scored as zero); "
            "ask for a complete workbook"
        )
    failed = [g for g in gates if g.passed is not True]
    if failed:
        return BidStatus.EXCLUDED, "; ".join(f"pass/fail {g.code}: {g.answer}" for g in failed)
    if not usable_price(bid.price):
        return BidStatus.EXCLUDED, "no usable bid price"
    below = [q for q in questions if q.below_minimum]
    if below:
        return BidStatus.EXCLUDED, "; ".join(
            f"{q.code} scored {q.score:g}, below the minimum of {q.minimum_score:g}" for q in below
        )
    unscored = [q.code for q in questions if q.score is None]
    if unscored:
        return BidStatus.INCOMPLETE, f"no consensus score for {', '.join(unscored)}"
    return BidStatus.RANKED, ""


def _tie_key(rubric: Rubric, r: BidResult) -> tuple[float, ...]:
    key: list[float] = [-(r.total or 0.0)]
    for rule in rubric.tie_break:
        if rule is TieBreak.HIGHER_QUALITY:
            key.append(-(r.quality_points or 0.0))
        elif rule is TieBreak.HIGHER_SOCIAL_VALUE:
            key.append(-((r.sv_quant_points or 0.0) + (r.sv_qual_points or 0.0)))
        else:
            key.append(r.price or 0.0)
    return tuple(round(k / TOLERANCE) * TOLERANCE if abs(k) > 0 else 0.0 for k in key)


def rank(rubric: Rubric, results: list[BidResult]) -> None:
    """Rank complete bids by total; equal totals are separated by the rubric's tie-break rules in order."""
    ranked = [r for r in results if r.status is BidStatus.RANKED and r.total is not None]
    keys = {id(r): _tie_key(rubric, r) for r in ranked}
    ranked.sort(key=lambda r: (keys[id(r)], r.bid_id))
    position = 0
    previous: tuple[float, ...] | None = None
    for i, r in enumerate(ranked, start=1):
        key = keys[id(r)]
        if key != previous:
            position = i
        r.rank = position
        previous = key
    groups: dict[float, list[BidResult]] = {}  # equal totals (to TOLERANCE) sit together after the sort
    for r in ranked:
        groups.setdefault(keys[id(r)][0], []).append(r)
    for a in ranked:
        group = groups[keys[id(a)][0]]
        if len(group) == 1:
            continue
        tied = [b for b in group if b is not a]
        if not tied:
            continue
        names = ", ".join(b.supplier for b in tied)
        rules = ", then ".join(t.value for t in rubric.tie_break)
        if any(b.rank == a.rank for b in tied):
            a.flags.append(
                f"tie with {names} not broken by the tie-break rules ({rules}). {rubric.tie_break_fallback_words()}"
            )
        else:
            a.flags.append(f"equal total with {names}: placed by the tie-break ({rules})")


def _flag_low_prices(rubric: Rubric, results: Sequence[BidResult], figures: PoolFigures) -> None:
    """Flag every priced bid whose price is abnormally low against the compared bids, compared or not.

    A compared bid is measured against the mean of the *other* compared bids; a bid outside the
    comparison (excluded, or missing a sheet) against the mean of all of them, and its flag says that
    it is outside the comparison, so the flag changes no score but is still seen.
    """
    total, count = figures.price_total, figures.count
    threshold = rubric.abnormally_low_pct
    for r in results:
        if not usable_price(r.price) or r.status is BidStatus.UNREADABLE:
            continue
        assert r.price is not None
        if r.in_pool:
            if count < 2:
                continue
            mean, others = (total - r.price) / (count - 1), "the other compared bids"
        else:
            if not count:
                continue
            mean, others = total / count, "the compared bids"
        if r.price < mean * (1 - threshold / 100):
            below = (1 - r.price / mean) * 100
            r.price_below_mean_pct = below
            outside = (
                ""
                if r.in_pool
                else f" (outside the comparison: this bid is {r.status.value}, so its price changes no score)"
            )
            r.flags.append(
                f"abnormally low price{outside}: £{r.price:,.2f} is {below:.0f}% below the mean of {others} "
                f"(£{mean:,.2f}; threshold {threshold:g}%): investigate before award, do not reject outright"
            )


@dataclass
class ScoredBid:
    """One bid scored on its own: its lines, its absolute figures and status, before any comparison."""

    result: BidResult
    measures: list[MeasureLine]
    questions: list[QuestionLine]
    gates: list[GateLine]
    problems: list[Problem]


class BidScorer:
    """Scores one bid at a time (lines, £, question points, gates, status): all that needs no other bid.

    A batch scores each bid as it is read, so the serial step left after reading is only the
    comparison (:func:`compare_bids`). ``score_tender`` is the two steps in one.
    """

    def __init__(self, rubric: Rubric, value_set: ValueSet | None, panel: Iterable[PanelScore] = ()) -> None:
        self.rubric, self.value_set = rubric, value_set
        self.panel: Mapping[tuple[str, str], PanelScore] = {(p.bid_id, p.code): p for p in panel}
        self.valued = _valued_measures(rubric, value_set)
        self.asked = _asked_questions(rubric)
        self.quality = rubric.criterion(CriterionKind.QUALITY)

    def with_scores(self, scores: Iterable[PanelScore]) -> BidScorer:
        """This scorer with ``scores`` in place of the panel's for the same bid and question (all else shared)."""
        other = copy.copy(self)
        other.panel = ChainMap({(p.bid_id, p.code): p for p in scores}, self.panel)  # type: ignore[arg-type]  # read only
        return other

    def __call__(self, bid: Bid) -> ScoredBid:
        rubric, sv, quality = self.rubric, self.rubric.social_value, self.quality
        problems: list[Problem] = []
        m_lines = value_measures(rubric, self.value_set, bid, self.valued, problems)
        q_lines = score_questions(rubric, bid, self.panel, self.asked)
        g_lines = check_gates(rubric, bid)
        status, why = _status(bid, g_lines, q_lines)
        gross = sum(m.gross or 0.0 for m in m_lines)
        net = sum(m.net or 0.0 for m in m_lines)
        scored = net if (sv is None or sv.score_on == "net") else gross
        finite_price = bid.price is None or math.isfinite(bid.price)
        r = BidResult(
            bid_id=bid.bid_id,
            supplier=bid.label,
            file=bid.file,
            sha256=bid.sha256,
            status=status,
            status_reason=why,
            price=bid.price if finite_price else None,
            price_cell=bid.price_cell,
            price_raw=bid.price_raw if finite_price else bid.price_raw or repr(bid.price),
            price_note=bid.price_note,
            missing_sheets=list(bid.missing_sheets),
            sv_gross=gross,
            sv_net=net,
            sv_scored=scored,
            sv_percent_of_price=scored / bid.price * 100 if usable_price(bid.price) else None,  # type: ignore[operator]
            is_sme=bid.is_sme,
            is_vcse=bid.is_vcse,
            postcode=bid.postcode,
        )
        if quality:
            r.quality_points = _sum_points(q for q in q_lines if q.part == quality.id)
        if sv is not None and sv.quantitative_share_pct < 100:
            r.sv_qual_points = _sum_points(q for q in q_lines if q.part != (quality.id if quality else None))
        if problems:
            codes = ", ".join(p.field for p in problems)
            r.flags.append(
                f"{len(problems)} commitment(s) not counted by the plausibility guard ({codes}): see Readings and Errors"
            )
        if bid.template_note:
            r.flags.append(f"template: {bid.template_note}")
        problems += [
            SCORE_MISSING(file=bid.file, field=q.code, question=q.code)
            for q in q_lines
            if q.score is None and not bid.missing_sheets  # a bid missing a sheet waits for the workbook, not the panel
        ]
        if bid.macro_enabled:
            r.flags.append("macro-enabled workbook: values read only")
        return ScoredBid(r, m_lines, q_lines, g_lines, problems)


def score_tender(
    rubric: Rubric,
    value_set: ValueSet | None,
    bids: Sequence[Bid],
    panel: Iterable[PanelScore] = (),
    unreadable: Mapping[str, str] | None = None,
) -> TenderResult:
    """Score every bid. ``unreadable`` maps file names that could not be read to their SHA-256."""
    score = BidScorer(rubric, value_set, panel)
    return compare_bids(rubric, value_set, [score(b) for b in bids], unreadable)


def compare_bids(
    rubric: Rubric,
    value_set: ValueSet | None,
    scored: Sequence[ScoredBid],
    unreadable: Mapping[str, str] | None = None,
    figures: PoolFigures | None = None,
) -> TenderResult:
    """The relative scores (price, social value commitments), totals and ranks of bids scored on their own.

    Sets them on each bid's :class:`BidResult` (so each ``ScoredBid`` is compared once) and gathers the lines.
    ``figures`` are the pool's (:func:`pool_figures`) when ``scored`` is only some of the compared bids: the
    ones that could rank first in a what-if (the Decision's), scored against the whole tender's pool.
    """
    ordered = sorted(scored, key=lambda s: s.result.bid_id)
    results = [s.result for s in ordered]
    measures = [line for s in ordered for line in s.measures]
    questions = [line for s in ordered for line in s.questions]
    gates = [line for s in ordered for line in s.gates]
    problems = [p for s in ordered for p in s.problems]
    sv = rubric.social_value

    entries = [pool_entry(rubric, r) for r in results]
    pool = [r for r, e in zip(results, entries, strict=True) if e is not None]
    for r in pool:
        r.in_pool = True
    compared = [e for e in entries if e is not None]
    figures = figures or figures_of(rubric, compared)

    # social value commitments, relative to the compared bids (or to a target)
    if sv is not None and sv.quantitative_share_pct > 0 and pool:
        for r, e in zip(pool, compared, strict=True):
            r.sv_quant_points = methods.sv_points(
                sv.quantitative_method, rubric.sv_quantitative_weight, e.basis, figures.best_sv
            )

    # price
    w_price = rubric.weight(CriterionKind.PRICE)
    if w_price and pool:
        if isinstance(rubric.price_method, PricePerQualityPoint):
            for r in pool:
                points = non_price(rubric, r.quality_points, r.sv_quant_points, r.sv_qual_points)
                r.price_per_point = (r.price or 0) / points if points else None
                if r.price_per_point is not None:
                    assert figures.lowest_ratio is not None
                    r.price_points = methods.ratio_points(w_price, r.price_per_point, figures.lowest_ratio)
        else:
            assert figures.lowest_price is not None and figures.mean_price is not None
            for r in pool:
                assert r.price is not None
                r.price_points = methods.price_points(
                    rubric.price_method, w_price, r.price, figures.lowest_price, figures.mean_price
                )
        _flag_low_prices(rubric, results, figures)

    for r in results:
        if r.status is BidStatus.RANKED:
            each = parts(rubric, r.price_points, r.quality_points, r.sv_quant_points, r.sv_qual_points)
            r.total = sum(p for p in each if p is not None) if all(p is not None for p in each) else None
            if r.total is None:
                r.status, r.status_reason = BidStatus.INCOMPLETE, _UNTOTALLED
    rank(rubric, results)

    for name, digest in sorted((unreadable or {}).items()):
        results.append(
            BidResult(bid_id=name, supplier="", file=name, sha256=digest, status=BidStatus.UNREADABLE,
                      status_reason="could not be read as a bid: see Errors")
        )  # fmt: skip
    results.sort(key=lambda r: (r.rank is None, r.rank or 0, r.bid_id))
    return TenderResult(
        rubric_id=rubric.id,
        rubric_version=rubric.version,
        rubric_title=rubric.title,
        rubric_fingerprint=rubric.fingerprint(),
        value_set=value_set.label if value_set else "",
        value_set_illustrative=bool(value_set and value_set.illustrative),
        bids=results,
        measures=measures,
        questions=questions,
        gates=gates,
        problems=problems,
        explanations=explain(rubric),
    )


_UNTOTALLED = "a part of the score could not be computed"


def uncompared(r: BidResult) -> BidResult:
    """A copy of a compared bid's result as it was scored on its own, ready to be compared again.

    Its flags are left out (the comparison's cannot be told from the others'), so it is for a what-if, not a report.
    """
    reset: dict[str, object] = {  # every field compare_bids sets
        "in_pool": False, "sv_quant_points": None, "price_per_point": None, "price_points": None, "total": None,
        "rank": None, "flags": [], "price_below_mean_pct": None,
    }  # fmt: skip
    if r.status is BidStatus.INCOMPLETE and r.status_reason == _UNTOTALLED:
        reset |= {"status": BidStatus.RANKED, "status_reason": ""}
    return r.model_copy(update=reset)


def explain(rubric: Rubric) -> dict[str, str]:
    """Each results column's formula in words (shown on the Method sheet)."""
    out = {
        "price_points": methods.price_explanation(rubric.price_method),
        "question_points": "Question points = criterion weight × question weight % × consensus score ÷ top of scale",
        "quality_points": "Quality points = sum of the quality questions' points (blank until every question is scored)",
        "gross": "Gross £ = counted quantity × £ per unit from the value set (quantity capped where the rubric caps it)",
        "net": "Net £ = gross × (1 − deadweight%) × (1 − displacement%) × (1 − attribution%)",
        "total": "Total = sum of the criterion points; ranked highest first among compared, complete bids",
        "tie_break": "Equal totals: " + ", then ".join(t.value for t in rubric.tie_break),
        "pool": "Compared bids: every bid that passed the pass/fail requirements and hurdles, gave a usable price "
        "and has every required sheet",
        "abnormally_low": f"Abnormally low: a price more than {rubric.abnormally_low_pct:g}% below the mean of the other "
        "compared bids (flagged, not rejected); a bid outside the comparison is measured against the mean of the "
        "compared bids and its flag says it is outside",
    }
    if rubric.measures():
        out["plausibility"] = (
            "Plausibility ceiling: a commitment is counted only if it is a finite number within the measure's accepted "
            f"range (min to max) and its gross £ is at most {rubric.ceiling_pct_of_price:g}% of the bid's own price "
            "(Ceiling_pct); any other is not counted (red on Commitments, explained on Readings, listed on Errors), "
            "so one bid's absurd figure cannot take the other bids' points"
        )
    sv = rubric.social_value
    if sv is not None:
        out["sv_points"] = methods.sv_explanation(sv.quantitative_method, sv.score_on)
        out["sv_question_points"] = "Social value (questions) points = sum of the social value questions' points"
    return out
