"""The decision in words: why the winner won, and how robust that is.

Pure: rubric + bids + the panel's scores + the scored tender → a :class:`Decision` (no files, no Excel).
Every "what if" is re-scored by the scoring engine itself (:class:`BidScorer` for a bid whose input
changes, :func:`compare_bids` for the comparison); nothing here repeats its arithmetic. Where a closed
form says where a threshold lies, the engine confirms it before it is reported.

What is looked for, each a change to one thing with everything else as scored:

- **score-step**: one consensus score moved by one step of its scale on one question: the winner's
  down, any other tender's up. A ranked tender whose gap to the winner is more than the most one step
  can add (the question's points for that step, plus the whole price weight under price per quality
  point, where quality also moves the price points) is not tried; every other move is.
  A tender excluded only by one hurdle is tried one step up on that question.
- **price**: the runner-up's price lower by £X: the highest price in whole pence at which the engine
  names another winner, found by bisection over whole pence between 1p and the runner-up's price.
  This assumes a lower price never helps the winner, which holds for every published method.
- **weight**: one award criterion's weight moved by Y points, the others re-normalised by
  :meth:`Rubric.reweighted` (scaled in proportion so the weights still sum to 100). Every part of a
  total is proportional to its criterion's weight (price per quality point included when the price
  weight moves), so each total is linear in Y and the crossing with the winner is solved exactly from
  the scored parts; the engine confirms it at Y rounded out to 0.01 point. Price per quality point with
  another criterion moving is not linear: there, bisection over 0.01 point on the engine.
- **price-method**: each other published price method (linear deduction at 1% per 1%).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from socialvalue.bid import Bid, PanelScore
from socialvalue.rubric import CriterionKind, Rubric, ValueSet
from socialvalue.rubric.models import LinearDeduction, LowestOverBid, PricePerQualityPoint, RelativeToMean
from socialvalue.rubric.policy import MINIMUM_SV_WEIGHT_PCT

from .engine import TOLERANCE, BidScorer, ScoredBid, compare_bids
from .results import BidResult, BidStatus, Decision, DecisionChange, PartGap, QuestionLine, TenderResult

WEIGHT_STEP = 0.01
"""Weights are reported to 0.01 point."""
LISTED = 3
"""One-step changes named in the headline sentence (all are in ``changes``)."""


def _pts(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _gbp(value: float) -> str:
    return f"£{value:,.2f}"


# --- re-scoring through the engine ---------------------------------------------------------------


class _Rescorer:
    """The tender re-scored with one change. Each bid is scored once as given; a change re-scores only
    the bid it touches (or every bid, when the rubric's weights change), then the engine compares them all."""

    def __init__(self, rubric: Rubric, value_set: ValueSet | None, bids: Sequence[Bid], panel: Sequence[PanelScore]):
        self.rubric, self.value_set = rubric, value_set
        self.bids = {b.bid_id: b for b in bids}
        self.panel = list(panel)
        self.by_bid: dict[str, list[PanelScore]] = {}
        for p in self.panel:
            self.by_bid.setdefault(p.bid_id, []).append(p)
        scorer = BidScorer(rubric, value_set, self.panel)
        self.base = {b.bid_id: scorer(b).result for b in bids}
        self.runs = 0

    def tender(
        self,
        rubric: Rubric | None = None,
        bid: Bid | None = None,
        score: PanelScore | None = None,
        rescore_all: bool = False,
    ) -> TenderResult:
        """Re-score with ``rubric`` (its weights changed: ``rescore_all``), one bid's input, or one consensus score."""
        self.runs += 1
        rubric = rubric or self.rubric
        changed = bid.bid_id if bid is not None else (score.bid_id if score is not None else None)
        scorer = BidScorer(rubric, self.value_set, self.panel) if rescore_all else None
        scored: list[ScoredBid] = []
        for bid_id, base in self.base.items():
            if scorer is not None:
                result = scorer(self.bids[bid_id]).result
            elif bid_id == changed:
                panel = self.by_bid.get(bid_id, [])
                if score is not None:
                    panel = [p for p in panel if p.code != score.code] + [score]
                result = BidScorer(rubric, self.value_set, panel)(bid or self.bids[bid_id]).result
            else:  # a fresh copy: the comparison sets ranks, points and flags on what it is given
                result = base.model_copy(update={"flags": []})
            scored.append(ScoredBid(result, [], [], [], []))  # only the results take part in the comparison
        return compare_bids(rubric, self.value_set, scored)


def _winner_id(result: TenderResult) -> str | None:
    w = result.winner
    return w.bid_id if w else None


def _leaders(result: TenderResult) -> str:
    return " and ".join(b.supplier or b.bid_id for b in result.bids if b.rank == 1)


# --- why the winner won --------------------------------------------------------------------------


def _score_words(rubric: Rubric, line: QuestionLine | None) -> str:
    if line is None or line.score is None:
        return "not scored"
    for q in rubric.all_questions():
        if q.code == line.code:
            point = rubric.scale_for(q).point(line.score)
            if point:
                return f"{line.score:g} ({point.label})"
    return f"{line.score:g}"


def _question_gaps(rubric: Rubric, result: TenderResult, w: str, r: str, part: str) -> list[PartGap]:
    lines = {(q.bid_id, q.code): q for q in result.questions}
    gaps = []
    for q in rubric.all_questions():
        a, b = lines.get((w, q.code)), lines.get((r, q.code))
        if a is None or b is None or a.part != part:
            continue
        diff = (a.points or 0.0) - (b.points or 0.0)
        gaps.append(
            PartGap(
                part=q.code, winner_points=a.points, runner_up_points=b.points, difference=diff,
                detail=f"{q.code} scored {_score_words(rubric, a)} against {_score_words(rubric, b)}",
            )
        )  # fmt: skip
    return gaps


def gaps(rubric: Rubric, result: TenderResult, w: BidResult, r: BidResult) -> list[PartGap]:
    """Where the winner gained and lost points against the runner-up, criterion by criterion (and question by question)."""
    out: list[PartGap] = []
    sv = rubric.social_value
    for c in rubric.criteria:
        if c.kind is CriterionKind.PRICE:
            detail = (
                f"price {_gbp(w.price)} against {_gbp(r.price)}" if w.price is not None and r.price is not None else ""
            )
            out.append(PartGap(part=c.name, winner_points=w.price_points, runner_up_points=r.price_points,
                               difference=(w.price_points or 0) - (r.price_points or 0), detail=detail))  # fmt: skip
        elif c.kind is CriterionKind.QUALITY:
            qs = _question_gaps(rubric, result, w.bid_id, r.bid_id, c.id)
            out.append(PartGap(part=c.name, winner_points=w.quality_points, runner_up_points=r.quality_points,
                               difference=(w.quality_points or 0) - (r.quality_points or 0), questions=qs))  # fmt: skip
        elif sv is not None:
            parts: list[PartGap] = []
            if sv.quantitative_share_pct > 0:
                parts.append(
                    PartGap(part="commitments", winner_points=w.sv_quant_points, runner_up_points=r.sv_quant_points,
                            difference=(w.sv_quant_points or 0) - (r.sv_quant_points or 0),
                            detail=f"commitments worth {_gbp(w.sv_scored)} {sv.score_on} against {_gbp(r.sv_scored)}")
                )  # fmt: skip
            if sv.quantitative_share_pct < 100:
                parts += _question_gaps(rubric, result, w.bid_id, r.bid_id, c.id)
            wp = (w.sv_quant_points or 0) + (w.sv_qual_points or 0)
            rp = (r.sv_quant_points or 0) + (r.sv_qual_points or 0)
            out.append(PartGap(part=c.name, winner_points=wp, runner_up_points=rp, difference=wp - rp, questions=parts))
    return out


def _gap_words(gap: PartGap) -> str:
    moved = [g for g in gap.questions if abs(g.difference) > 0.005]
    inner = "; ".join(f"{g.detail}: {g.difference:+.2f}" for g in moved)
    detail = "; ".join(x for x in (gap.detail, inner) if x)
    return f"{abs(gap.difference):.2f} on {gap.part}" + (f" ({detail})" if detail else "")


def _why(rubric: Rubric, w: BidResult, r: BidResult, found: list[PartGap]) -> list[str]:
    margin = (w.total or 0) - (r.total or 0)
    name_w, name_r = w.supplier or w.bid_id, r.supplier or r.bid_id
    if margin > TOLERANCE:
        lines = [
            f"{name_w} ranked first with {_pts(w.total)} points out of 100, {margin:.2f} ahead of {name_r} ({_pts(r.total)})."
        ]
    else:
        rules = ", then ".join(t.value for t in rubric.tie_break)
        lines = [
            f"{name_w} and {name_r} have equal totals ({_pts(w.total)} points); {name_w} is placed first by the "
            f"published tie-break ({rules})."
        ]
    gained = [g for g in found if g.difference > 0.005]
    lost = [g for g in found if g.difference < -0.005]
    level = [g.part for g in found if abs(g.difference) <= 0.005]
    if gained:
        lines.append(f"{name_w} gained " + ", and ".join(_gap_words(g) for g in gained) + ".")
    if lost:
        lines.append("It lost " + ", and ".join(_gap_words(g) for g in lost) + ".")
    if level:
        lines.append(f"The two were level on {', '.join(level)}.")
    return lines


# --- what would change the winner ------------------------------------------------------------------


@dataclass
class _Context:
    rubric: Rubric
    result: TenderResult
    rescore: _Rescorer
    winner: BidResult
    runner_up: BidResult | None
    names: dict[str, str]

    def name(self, bid_id: str) -> str:
        return self.names.get(bid_id, bid_id)

    def outcome(self, after: TenderResult, mover: str = "") -> tuple[str, str]:
        """(new winner's bid id or '', the result in words) of a re-scored tender; ``mover`` is whose input changed."""
        new = _winner_id(after)
        if new is None:
            return "", f"would leave {_leaders(after) or 'no tender'} tied at the top"
        return new, f"would make {'it' if new == mover else self.name(new)} the winner"


def _change(ctx: _Context, rescored: TenderResult, kind: str, what: str, **fields: object) -> DecisionChange | None:
    """A change, if re-scoring with it names another winner."""
    new, words = ctx.outcome(rescored, str(fields.get("bid_id", "")))
    if new == ctx.winner.bid_id:
        return None
    return DecisionChange(
        kind=kind, summary=f"{what} {words}.", new_winner=new, new_winner_supplier=ctx.name(new) if new else "",
        **fields,
    )  # fmt: skip


def _step_bound(rubric: Rubric) -> float:
    """The most one scale step on one question can add to a total."""
    most = 0.0
    for q in rubric.all_questions():
        scores = rubric.scale_for(q).scores
        steps = [b - a for a, b in pairwise(scores)]
        most = max(most, rubric.question_max_points(q) * max(steps) / rubric.scale_for(q).max)
    if isinstance(rubric.price_method, PricePerQualityPoint):
        most += rubric.weight(CriterionKind.PRICE)
    return most


def score_steps(ctx: _Context) -> tuple[list[DecisionChange], int]:
    """Every single one-step move of one consensus score that changes the winner, and how many moves were tried."""
    rubric, result = ctx.rubric, ctx.result
    panel = {(p.bid_id, p.code): p for p in ctx.rescore.panel}
    lines = {(q.bid_id, q.code): q for q in result.questions}
    w = ctx.winner
    reach = _step_bound(rubric) + TOLERANCE
    movers: list[tuple[str, int, list[str]]] = [(w.bid_id, -1, [q.code for q in rubric.all_questions()])]
    for b in result.bids:
        if b.bid_id == w.bid_id or b.bid_id not in ctx.rescore.bids:
            continue
        if b.status is BidStatus.RANKED and (w.total or 0) - (b.total or 0) <= reach:
            movers.append((b.bid_id, +1, [q.code for q in rubric.all_questions()]))
        elif b.status is BidStatus.EXCLUDED:
            below = [
                q.code for q in rubric.all_questions() if (lines.get((b.bid_id, q.code)) or _NO_LINE).below_minimum
            ]
            if len(below) == 1:  # excluded by one hurdle only: one step up may let it back in
                movers.append((b.bid_id, +1, below))
    changes: list[DecisionChange] = []
    tried = 0
    questions = {q.code: q for q in rubric.all_questions()}
    for bid_id, direction, codes in movers:
        for code in codes:
            given = panel.get((bid_id, code))
            scores = rubric.scale_for(questions[code]).scores
            if given is None or given.score not in scores:
                continue
            i = scores.index(given.score) + direction
            if not 0 <= i < len(scores):
                continue
            tried += 1
            moved = given.model_copy(update={"score": scores[i], "reason": "one scale step, to test the decision"})
            after = ctx.rescore.tender(score=moved)
            status = next((b for b in after.bids if b.bid_id == bid_id), None)
            hurdle = (
                f" (below its minimum of {questions[code].minimum_score:g}: excluded)"
                if status is not None and status.status is BidStatus.EXCLUDED and direction < 0
                else ""
            )
            what = (
                f"{ctx.name(bid_id)}'s consensus score on {code} one step {'lower' if direction < 0 else 'higher'} "
                f"({given.score:g} → {scores[i]:g}){hurdle}"
            )
            change = _change(ctx, after, "score-step", what, bid_id=bid_id, question=code, before=given.score,
                             after=scores[i], amount=float(direction))  # fmt: skip
            if change is not None:
                changes.append(change)
    return changes, tried


class _NoLine:
    below_minimum = False


_NO_LINE = _NoLine()


def runner_up_price(ctx: _Context) -> DecisionChange | None:
    """How much lower the runner-up's price must be (to the penny) for the engine to name another winner."""
    r = ctx.runner_up
    if r is None or r.price is None or r.bid_id not in ctx.rescore.bids:
        return None
    bid = ctx.rescore.bids[r.bid_id]

    def at(pence: int) -> TenderResult:
        return ctx.rescore.tender(bid=bid.model_copy(update={"price": pence / 100}))

    def wins(pence: int) -> bool:
        return _winner_id(at(pence)) != ctx.winner.bid_id

    hi = math.ceil(r.price * 100 - 1e-6)  # the winner stays: the price as bid
    lo = 1
    if not wins(lo):
        return None
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if wins(mid):
            lo = mid
        else:
            hi = mid
    price = lo / 100
    less = r.price - price
    what = f"{ctx.name(r.bid_id)}'s price {_gbp(less)} lower ({less / r.price * 100:.1f}%: {_gbp(r.price)} → {_gbp(price)})"
    return _change(ctx, at(lo), "price", what, bid_id=r.bid_id, before=r.price, after=price, amount=less)


def _part_points(rubric: Rubric, b: BidResult, kind: CriterionKind) -> float:
    if kind is CriterionKind.PRICE:
        return b.price_points or 0.0
    if kind is CriterionKind.QUALITY:
        return b.quality_points or 0.0
    return (b.sv_quant_points or 0.0) + (b.sv_qual_points or 0.0)


def _linear_crossings(ctx: _Context, criterion_id: str) -> list[float]:
    """Each weight change Y (points, signed) at which a ranked tender's total meets the winner's, nearest first.

    total(Y) = (W + Y) × s + (100 − W − Y) ÷ (100 − W) × others, where s is the tender's points on the
    criterion per point of its weight and ``others`` its points on the rest, as scored.
    """
    rubric = ctx.rubric
    c = next(c for c in rubric.criteria if c.id == criterion_id)
    weight = c.weight

    def slope_and_total(b: BidResult) -> tuple[float, float]:
        own = _part_points(rubric, b, c.kind)
        others = (b.total or 0.0) - own
        return own / weight - others / (100 - weight), b.total or 0.0

    dw, tw = slope_and_total(ctx.winner)
    found = []
    for b in ctx.result.bids:
        if b.status is not BidStatus.RANKED or b.bid_id == ctx.winner.bid_id:
            continue
        db, tb = slope_and_total(b)
        if abs(dw - db) < 1e-15:
            continue
        y = -(tw - tb) / (dw - db)
        if -weight < y < 100 - weight:
            found.append(y)
    return sorted(found, key=abs)


def _weight_change(ctx: _Context, criterion_id: str, y: float) -> tuple[TenderResult, Rubric] | None:
    c = next(c for c in ctx.rubric.criteria if c.id == criterion_id)
    new = c.weight + y
    if not 0 < new < 100:
        return None
    rubric = ctx.rubric.reweighted(criterion_id, new)
    return ctx.rescore.tender(rubric=rubric, rescore_all=True), rubric


def _weight_words(ctx: _Context, criterion_id: str, y: float, rubric: Rubric) -> str:
    old = {c.id: c for c in ctx.rubric.criteria}
    c = old[criterion_id]
    others = ", ".join(f"{k.name} {old[k.id].weight:g} → {k.weight:.2f}" for k in rubric.criteria if k.id != c.id)
    text = (
        f"{c.name}'s weight {abs(y):.2f} points {'higher' if y > 0 else 'lower'} ({c.weight:g} → {c.weight + y:.2f}; "
        f"the others re-scaled in proportion: {others})"
    )
    sv = rubric.weight(CriterionKind.SOCIAL_VALUE)
    if ctx.rubric.policy.value != "none" and sv < MINIMUM_SV_WEIGHT_PCT:
        text += f", which would put social value below the {MINIMUM_SV_WEIGHT_PCT:g}% its policy requires,"
    return text


def _outward(y: float) -> float:
    """``y`` rounded away from zero to the reporting step."""
    return math.copysign(math.ceil(abs(y) / WEIGHT_STEP - 1e-9) * WEIGHT_STEP, y)


def _bisect_weight(ctx: _Context, criterion_id: str, sign: float, limit: float) -> float | None:
    """The smallest |Y| (in steps of 0.01 point, direction ``sign``) at which the engine names another winner."""
    steps = int(limit / WEIGHT_STEP)

    def flips(k: int) -> bool:
        done = _weight_change(ctx, criterion_id, sign * k * WEIGHT_STEP)
        return done is not None and _winner_id(done[0]) != ctx.winner.bid_id

    if steps < 1 or not flips(steps):
        return None
    lo, hi = 0, steps
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if flips(mid):
            hi = mid
        else:
            lo = mid
    return sign * hi * WEIGHT_STEP


def weight_moves(ctx: _Context) -> list[DecisionChange]:
    """For each criterion, the smallest move of its weight (either way) that changes the winner."""
    rubric = ctx.rubric
    if len(rubric.criteria) < 2:
        return []
    changes: list[DecisionChange] = []
    ppqp = isinstance(rubric.price_method, PricePerQualityPoint)
    for c in rubric.criteria:
        found: list[float] = []
        if ppqp and c.kind is not CriterionKind.PRICE:
            for sign, room in ((1.0, 100 - c.weight), (-1.0, c.weight)):
                y = _bisect_weight(ctx, c.id, sign, room - WEIGHT_STEP)
                if y is not None:
                    found.append(y)
        else:
            for exact in _linear_crossings(ctx, c.id):
                y = _outward(exact)
                for _ in range(3):  # at the crossing the totals tie; a step past it the other tender leads
                    done = _weight_change(ctx, c.id, y)
                    if done is None or _winner_id(done[0]) != ctx.winner.bid_id:
                        break
                    y += math.copysign(WEIGHT_STEP, y)
                if done is not None and _winner_id(done[0]) != ctx.winner.bid_id:
                    found.append(y)
                    break
        for y in sorted(found, key=abs)[:1]:
            done = _weight_change(ctx, c.id, y)
            if done is None:
                continue
            after, moved = done
            change = _change(ctx, after, "weight", _weight_words(ctx, c.id, y, moved), criterion=c.name,
                             before=c.weight, after=c.weight + y, amount=y)  # fmt: skip
            if change is not None:
                changes.append(change)
    return sorted(changes, key=lambda ch: abs(ch.amount or 0))


def price_methods(ctx: _Context) -> tuple[list[DecisionChange], list[str]]:
    """The winner under each other published price method: the changes, and the methods under which it still wins."""
    rubric = ctx.rubric
    if not rubric.weight(CriterionKind.PRICE):
        return [], []
    others = (
        LowestOverBid(),
        RelativeToMean(method="relative-to-mean"),
        LinearDeduction(method="linear-deduction"),
        PricePerQualityPoint(method="price-per-quality-point"),
    )
    changes: list[DecisionChange] = []
    same: list[str] = []
    for m in others:
        if type(m) is type(rubric.price_method):
            continue
        after = ctx.rescore.tender(rubric=rubric.model_copy(update={"price_method": m}))
        change = _change(ctx, after, "price-method", f"Scoring price by {m.method} instead of {rubric.price_method.method}",
                         before=rubric.price_method.method, after=m.method)  # fmt: skip
        if change is None:
            same.append(m.method)
        else:
            changes.append(change)
    return changes, same


# --- the decision ----------------------------------------------------------------------------------

METHOD_NOTES = [
    "Each change was applied on its own, everything else as scored, and the whole tender re-scored by the scoring engine.",
    "Scores: each consensus score one scale step down for the winner and one step up for any other tender that one "
    "step could bring level (and for a tender excluded only by one hurdle).",
    "Price: the highest price, in whole pence, at which the runner-up's tender would make another winner (bisection).",
    "Weights: one criterion's weight moved, the others scaled in proportion so the weights still sum to 100; reported "
    "to 0.01 point.",
    "Price methods: each other published method (linear deduction at 1% of the marks per 1% above the lowest price).",
]


def _robustness(
    ctx: _Context,
    steps: list[DecisionChange],
    tried: int,
    price: DecisionChange | None,
    weights: list[DecisionChange],
    methods: list[DecisionChange],
    same: list[str],
) -> list[str]:
    lines: list[str] = []
    if steps:
        named = "; ".join(ch.summary.rstrip(".") for ch in steps[:LISTED])
        more = f" (and {len(steps) - LISTED} more)" if len(steps) > LISTED else ""
        lines.append(
            f"Close: {len(steps)} single one-step change(s) to a consensus score would change the winner: {named}{more}."
        )
    else:
        lines.append(
            f"No single consensus score moved by one scale step on one question changes the winner ({tried} such moves tried)."
        )
    r = ctx.runner_up
    if price is not None:
        lines.append(price.summary)
    elif r is not None and ctx.rubric.weight(CriterionKind.PRICE):
        lines.append(f"No lower price from {ctx.name(r.bid_id)} alone would change the winner.")
    lines += [ch.summary for ch in weights]
    unmoved = [c.name for c in ctx.rubric.criteria if c.name not in {ch.criterion for ch in weights}]
    if unmoved and len(ctx.rubric.criteria) > 1:
        lines.append(f"No change to the weight of {', '.join(unmoved)} alone changes the winner.")
    lines += [ch.summary for ch in methods]
    if same:
        lines.append(f"{ctx.name(ctx.winner.bid_id)} would also win with price scored by {', '.join(same)}.")
    return lines


def decide(
    rubric: Rubric,
    value_set: ValueSet | None,
    bids: Sequence[Bid],
    panel: Sequence[PanelScore],
    result: TenderResult,
    progress: Callable[[str], None] | None = None,
) -> Decision:
    """Why ``result``'s winner won, and the smallest changes of each kind that would change the winner."""
    ranked = [b for b in result.bids if b.status is BidStatus.RANKED and b.rank is not None]
    winner = result.winner
    names = {b.bid_id: b.supplier or b.bid_id for b in result.bids}
    if not ranked:
        return Decision(
            status="no-winner", why=["No tender could be ranked: see the bids not ranked and their reasons."]
        )
    if winner is None:
        tied = [b for b in ranked if b.rank == 1]
        fallback = rubric.tie_break_fallback_words()
        return Decision(
            status="tie",
            why=[f"{' and '.join(names[b.bid_id] for b in tied)} are equal at the top after the published tie-break "
                 f"({', then '.join(t.value for t in rubric.tie_break)}). {fallback}"],
        )  # fmt: skip
    runner_up = next((b for b in ranked if b.bid_id != winner.bid_id), None)
    rescore = _Rescorer(rubric, value_set, bids, panel)
    baseline = rescore.tender()
    if _winner_id(baseline) != winner.bid_id:  # the inputs given are not those the result was scored from
        return Decision(
            status="decided", winner_id=winner.bid_id, winner=names[winner.bid_id], winner_total=winner.total,
            robustness=["Not worked out: re-scoring the bids given does not reproduce this result's winner."],
        )  # fmt: skip
    ctx = _Context(rubric, result, rescore, winner, runner_up, names)
    decision = Decision(
        status="decided" if runner_up else "uncontested",
        winner_id=winner.bid_id, winner=names[winner.bid_id], winner_total=winner.total, method=METHOD_NOTES,
    )  # fmt: skip
    if runner_up is None:
        decision.why = [f"{names[winner.bid_id]} is the only tender compared: it did not need to outscore another."]
    else:
        found = gaps(rubric, result, winner, runner_up)
        decision.runner_up_id, decision.runner_up = runner_up.bid_id, names[runner_up.bid_id]
        decision.runner_up_total = runner_up.total
        decision.margin = (winner.total or 0) - (runner_up.total or 0)
        decision.gaps = found
        decision.why = _why(rubric, winner, runner_up, found)

    def step(label: str) -> None:
        if progress:
            progress(label)

    step("scores")
    steps, tried = score_steps(ctx)
    step("price")
    price = runner_up_price(ctx)
    step("weights")
    weights = weight_moves(ctx)
    step("price methods")
    methods, same = price_methods(ctx)
    decision.changes = [*steps, *([price] if price else []), *weights, *methods]
    decision.robustness = _robustness(ctx, steps, tried, price, weights, methods, same)
    return decision
