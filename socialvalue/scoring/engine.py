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

from socialvalue.bid import Bid, PanelScore
from socialvalue.problems import Problem, Severity, define
from socialvalue.rubric import CriterionKind, Rubric, ValueSet

from . import arithmetic
from .flags import MacroEnabled, NotCounted, TemplateRecord
from .lines import asked_questions, check_gates, score_questions, value_measures, valued_measures
from .methods import price_rule, sv_rule
from .plausible import usable_price
from .pool import PoolFigures, figures_of, non_price, parts, pool_entry
from .ranking import TOLERANCE, flag_low_prices, rank
from .results import BidResult, BidStatus, GateLine, MeasureLine, QuestionLine, TenderResult

__all__ = ["TOLERANCE", "BidScorer", "ScoredBid", "compare_bids", "explain", "rank", "score_tender", "uncompared"]

SCORE_MISSING = define(
    "score-missing",
    Severity.ERROR,
    "no consensus score for question {question}: the bid cannot be totalled or ranked until the panel scores it",
)


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
        self.valued = valued_measures(rubric, value_set)
        self.asked = asked_questions(rubric)
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
            sv_percent_of_price=arithmetic.percent_of_price(scored, bid.price) if usable_price(bid.price) else None,  # type: ignore[arg-type]
            is_sme=bid.is_sme,
            is_vcse=bid.is_vcse,
            postcode=bid.postcode,
        )
        if quality:
            r.quality_points = arithmetic.points_sum(q.points for q in q_lines if q.part == quality.id)
        if sv is not None and sv.quantitative_share_pct < 100:
            other = quality.id if quality else None
            r.sv_qual_points = arithmetic.points_sum(q.points for q in q_lines if q.part != other)
        if problems:
            r.flags.append(NotCounted(codes=[p.field for p in problems]))
        if bid.template_note:
            r.flags.append(TemplateRecord(note=bid.template_note))
        problems += [
            SCORE_MISSING(file=bid.file, field=q.code, question=q.code)
            for q in q_lines
            if q.score is None and not bid.missing_sheets  # a bid missing a sheet waits for the workbook, not the panel
        ]
        if bid.macro_enabled:
            r.flags.append(MacroEnabled())
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
        sv_method, w_sv = sv_rule(sv.quantitative_method), rubric.sv_quantitative_weight
        for r, e in zip(pool, compared, strict=True):
            r.sv_quant_points = sv_method.points(w_sv, e.basis, figures.best_sv)

    # price
    w_price = rubric.weight(CriterionKind.PRICE)
    if w_price and pool:
        method = price_rule(rubric.price_method)
        for r in pool:
            assert r.price is not None
            rest = None
            if method.reads_other_points:
                rest = non_price(rubric, r.quality_points, r.sv_quant_points, r.sv_qual_points)
                r.price_per_point = method.per_point(r.price, rest)
            r.price_points = method.points(w_price, r.price, figures, rest)
        flag_low_prices(rubric, results, figures)

    for r in results:
        if r.status is BidStatus.RANKED:
            r.total = arithmetic.total(
                parts(rubric, r.price_points, r.quality_points, r.sv_quant_points, r.sv_qual_points)
            )
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
        "price_points": price_rule(rubric.price_method).explain(),
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
        out["sv_points"] = sv_rule(sv.quantitative_method).explain(sv.score_on)
        out["sv_question_points"] = "Social value (questions) points = sum of the social value questions' points"
    return out
