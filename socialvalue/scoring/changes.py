"""What would change the winner: the smallest change of each kind, each re-scored by the engine.

What is looked for, each a change to one thing with everything else as scored:

- **score-step**: one consensus score moved by one step of its scale on one question: the winner's
  down, any other tender's up. A ranked tender whose gap to the winner is more than the most one step
  can add (the question's points for that step, plus the whole price weight under price per quality
  point, where quality also moves the price points) is not tried; every other move is. A move that
  changes no status, under a price method that does not read question points, moves that tender's total
  by the step's points alone: it is re-scored only when that brings it level with its rival.
  A tender excluded only by one hurdle is tried one step up on that question.
- **price**: the runner-up's price lower by £X: the highest price in whole pence at which the engine
  names another winner, searched over whole pence between 1p and the runner-up's price (each step aimed
  where the runner-up's lead, linear in 1 ÷ price for lowest-over-bid, reaches 0; halving otherwise).
  This assumes a lower price never helps the winner, which holds for every published method.
- **weight**: one award criterion's weight moved by Y points, the others re-normalised by
  :meth:`Rubric.reweighted` (scaled in proportion so the weights still sum to 100). Every part of a
  total is proportional to its criterion's weight (price per quality point included when the price
  weight moves), so each total is linear in Y and the crossing with the winner is solved exactly from
  the scored parts; the engine confirms it at Y rounded out to 0.01 point. Price per quality point with
  another criterion moving is not linear: there, a search over 0.01 point on the engine.
- **price-method**: each other published price method (linear deduction at 1% per 1%).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise

from socialvalue.rubric import CriterionKind, Policy, Rubric
from socialvalue.rubric.policy import MINIMUM_SV_WEIGHT_PCT
from socialvalue.shown import money

from .engine import TOLERANCE
from .methods import PRICE_RULES, price_rule
from .results import BidResult, BidStatus, DecisionChange, QuestionLine, TenderResult
from .whatif import WhatIf, boundary, lead, winner_id

WEIGHT_STEP = 0.01
"""Weights are reported to 0.01 point."""


def leaders(result: TenderResult) -> str:
    """The tenders ranked first, by name."""
    return " and ".join(b.supplier or b.bid_id for b in result.bids if b.rank == 1)


# --- what would change the winner ------------------------------------------------------------------


@dataclass
class Context:
    rubric: Rubric
    result: TenderResult
    whatif: WhatIf
    winner: BidResult
    runner_up: BidResult | None
    names: dict[str, str]

    def name(self, bid_id: str) -> str:
        return self.names.get(bid_id, bid_id)

    def outcome(self, after: TenderResult, mover: str = "") -> tuple[str, str]:
        """(new winner's bid id or '', the result in words) of a re-scored tender; ``mover`` is whose input changed."""
        new = winner_id(after)
        if new is None:
            return "", f"would leave {leaders(after) or 'no tender'} tied at the top"
        return new, f"would make {'it' if new == mover else self.name(new)} the winner"

    def flips(self, after: TenderResult) -> tuple[bool, float]:
        """Whether a what-if names another winner (or none), and how far the best other tender leads the winner."""
        return winner_id(after) != self.winner.bid_id, lead(after, self.winner.bid_id)


def _change(ctx: Context, rescored: TenderResult, kind: str, what: str, **fields: object) -> DecisionChange | None:
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
    if price_rule(rubric.price_method).reads_other_points:
        most += rubric.weight(CriterionKind.PRICE)
    return most


SURE = 1e-6
"""Points: a one-step move whose total lands further than this from the rival's is sure not to change the
winner without re-scoring (rounding in the engine's sums is below 1e-12)."""


def _may_change(ctx: Context, b: BidResult, line: QuestionLine, score: float, direction: int) -> bool:
    """Whether a one-step move can change the winner, and so must be re-scored by the engine.

    A move that changes no bid's status, under a price method that does not read question points, changes that
    bid's question points alone: the pool figures stay as they were, and so does every other bid's total. Its
    new total is then its total plus the question's points for the step (points = the question's maximum ×
    score ÷ the scale's top, as the results show them); only a total that reaches the rival's can change the
    winner. Every other move (a hurdle crossed, a tender excluded, price per quality point) is re-scored.
    """
    if price_rule(ctx.rubric.price_method).reads_other_points or b.status is not BidStatus.RANKED:
        return True
    if line.minimum_score is not None and score < line.minimum_score:
        return True
    total = (b.total or 0.0) + line.max_points * score / line.scale_max - (line.points or 0.0)
    if direction < 0:  # the winner down: against the best of the others
        return ctx.runner_up is None or total <= (ctx.runner_up.total or 0.0) + SURE
    return total >= (ctx.winner.total or 0.0) - SURE


def score_steps(ctx: Context) -> tuple[list[DecisionChange], int]:
    """Every single one-step move of one consensus score that changes the winner, and how many moves were tried."""
    rubric, result, whatif = ctx.rubric, ctx.result, ctx.whatif
    w = ctx.winner
    reach = _step_bound(rubric) + TOLERANCE
    near = {b.bid_id for b in result.bids if b.status is BidStatus.RANKED and (w.total or 0) - (b.total or 0) <= reach}
    below: dict[str, list[str]] = {}
    lines: dict[tuple[str, str], QuestionLine] = {}
    for q in result.questions:  # only the lines of tenders that may move
        if q.below_minimum:
            below.setdefault(q.bid_id, []).append(q.code)
        if q.bid_id in near or q.below_minimum:
            lines[(q.bid_id, q.code)] = q
    everything = [q.code for q in rubric.all_questions()]
    movers: list[tuple[BidResult, int, list[str]]] = [(w, -1, everything)]
    for b in result.bids:
        if b.bid_id == w.bid_id or b.bid_id not in whatif.bids:
            continue
        if b.bid_id in near:
            movers.append((b, +1, everything))
        elif b.status is BidStatus.EXCLUDED and len(below.get(b.bid_id, [])) == 1:
            movers.append((b, +1, below[b.bid_id]))  # excluded by one hurdle only: one step up may let it back in
    changes: list[DecisionChange] = []
    tried = 0
    questions = {q.code: q for q in rubric.all_questions()}
    for b, direction, codes in movers:
        for code in codes:
            given = whatif.consensus(b.bid_id, code)
            scores = rubric.scale_for(questions[code]).scores
            if given is None or given.score not in scores:
                continue
            i = scores.index(given.score) + direction
            if not 0 <= i < len(scores):
                continue
            tried += 1
            line = lines.get((b.bid_id, code))
            if line is not None and not _may_change(ctx, b, line, scores[i], direction):
                continue
            moved = given.model_copy(update={"score": scores[i], "reason": "one scale step, to test the decision"})
            after = whatif.with_bid(whatif.rescore(whatif.bids[b.bid_id], score=moved))
            status = next((x for x in after.bids if x.bid_id == b.bid_id), None)
            hurdle = (
                f" (below its minimum of {questions[code].minimum_score:g}: excluded)"
                if status is not None and status.status is BidStatus.EXCLUDED and direction < 0
                else ""
            )
            what = (
                f"{ctx.name(b.bid_id)}'s consensus score on {code} one step {'lower' if direction < 0 else 'higher'} "
                f"({given.score:g} → {scores[i]:g}){hurdle}"
            )
            change = _change(ctx, after, "score-step", what, bid_id=b.bid_id, question=code, before=given.score,
                             after=scores[i], amount=float(direction))  # fmt: skip
            if change is not None:
                changes.append(change)
    return changes, tried


def runner_up_price(ctx: Context) -> DecisionChange | None:
    """How much lower the runner-up's price must be (to the penny) for the engine to name another winner.

    The runner-up alone is re-scored at each price tried. The search narrows whole pence between 1p (where
    another winner must be named, else there is no such price) and the price as bid; each step tries where the
    runner-up's lead would reach 0, taken as linear in 1 ÷ price (exact for lowest-over-bid, and for social value
    as a % of price, while the runner-up is neither the lowest price nor the best social value), and halves the
    interval where that does not. This assumes a lower price never helps the winner, which holds for every
    published method.
    """
    r = ctx.runner_up
    if r is None or r.price is None or r.bid_id not in ctx.whatif.bids:
        return None
    bid = ctx.whatif.bids[r.bid_id]
    tried: dict[int, TenderResult] = {}

    def at(pence: int) -> TenderResult:
        if pence not in tried:
            tried[pence] = ctx.whatif.with_bid(ctx.whatif.rescore(bid.model_copy(update={"price": pence / 100})))
        return tried[pence]

    hi = math.ceil(r.price * 100 - 1e-6)  # the winner stays: the price as bid
    if hi <= 1 or not ctx.flips(at(1))[0]:
        return None
    lo = boundary(lambda p: ctx.flips(at(p)), 1, hi, linear_in=lambda p: 1 / p, back=lambda u: 1 / u)
    price = lo / 100
    less = r.price - price
    what = f"{ctx.name(r.bid_id)}'s price {money(less, pence=True)} lower ({less / r.price * 100:.1f}%: {money(r.price, pence=True)} → {money(price, pence=True)})"
    return _change(ctx, at(lo), "price", what, bid_id=r.bid_id, before=r.price, after=price, amount=less)


def _part_points(rubric: Rubric, b: BidResult, kind: CriterionKind) -> float:
    if kind is CriterionKind.PRICE:
        return b.price_points or 0.0
    if kind is CriterionKind.QUALITY:
        return b.quality_points or 0.0
    return (b.sv_quant_points or 0.0) + (b.sv_qual_points or 0.0)


def _linear_crossings(ctx: Context, criterion_id: str) -> list[float]:
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


class _Weights:
    """The tender re-compared with one criterion's weight moved, each move re-scored once."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.done: dict[tuple[str, float], tuple[TenderResult, Rubric] | None] = {}

    def __call__(self, criterion_id: str, y: float) -> tuple[TenderResult, Rubric] | None:
        if (criterion_id, y) not in self.done:
            c = next(c for c in self.ctx.rubric.criteria if c.id == criterion_id)
            new = c.weight + y
            moved = None
            if 0 < new < 100:
                rubric = self.ctx.rubric.reweighted(criterion_id, new)
                moved = self.ctx.whatif.with_rubric(rubric, rescore=True), rubric
            self.done[(criterion_id, y)] = moved
        return self.done[(criterion_id, y)]

    def flips(self, criterion_id: str, y: float) -> tuple[bool, float]:
        done = self(criterion_id, y)
        return (False, -math.inf) if done is None else self.ctx.flips(done[0])


def _weight_words(ctx: Context, criterion_id: str, y: float, rubric: Rubric) -> str:
    old = {c.id: c for c in ctx.rubric.criteria}
    c = old[criterion_id]
    others = ", ".join(f"{k.name} {old[k.id].weight:g} → {k.weight:.2f}" for k in rubric.criteria if k.id != c.id)
    text = (
        f"{c.name}'s weight {abs(y):.2f} points {'higher' if y > 0 else 'lower'} ({c.weight:g} → {c.weight + y:.2f}; "
        f"the others re-scaled in proportion: {others})"
    )
    sv = rubric.weight(CriterionKind.SOCIAL_VALUE)
    if ctx.rubric.policy is not Policy.NONE and sv < MINIMUM_SV_WEIGHT_PCT:
        text += f", which would put social value below the {MINIMUM_SV_WEIGHT_PCT:g}% its policy requires,"
    return text


def _outward(y: float) -> float:
    """``y`` rounded away from zero to the reporting step."""
    return math.copysign(math.ceil(abs(y) / WEIGHT_STEP - 1e-9) * WEIGHT_STEP, y)


def _search_weight(weights: _Weights, criterion_id: str, sign: float, limit: float) -> float | None:
    """The smallest |Y| (in steps of 0.01 point, direction ``sign``) at which the engine names another winner."""
    steps = int(limit / WEIGHT_STEP)
    if steps < 1 or not weights.flips(criterion_id, sign * steps * WEIGHT_STEP)[0]:
        return None
    k = boundary(lambda k: weights.flips(criterion_id, sign * k * WEIGHT_STEP), steps, 0)
    return sign * k * WEIGHT_STEP


def weight_moves(ctx: Context) -> list[DecisionChange]:
    """For each criterion, the smallest move of its weight (either way) that changes the winner."""
    rubric = ctx.rubric
    if len(rubric.criteria) < 2:
        return []
    weights = _Weights(ctx)
    changes: list[DecisionChange] = []
    ppqp = price_rule(rubric.price_method).reads_other_points
    for c in rubric.criteria:
        found: list[float] = []
        if ppqp and c.kind is not CriterionKind.PRICE:
            for sign, room in ((1.0, 100 - c.weight), (-1.0, c.weight)):
                y = _search_weight(weights, c.id, sign, room - WEIGHT_STEP)
                if y is not None:
                    found.append(y)
        else:
            for exact in _linear_crossings(ctx, c.id):
                y = _outward(exact)
                for _ in range(3):  # at the crossing the totals tie; a step past it the other tender leads
                    done = weights(c.id, y)
                    if done is None or winner_id(done[0]) != ctx.winner.bid_id:
                        break
                    y += math.copysign(WEIGHT_STEP, y)
                if done is not None and winner_id(done[0]) != ctx.winner.bid_id:
                    found.append(y)
                    break
        for y in sorted(found, key=abs)[:1]:
            done = weights(c.id, y)
            if done is None:
                continue
            after, moved = done
            change = _change(ctx, after, "weight", _weight_words(ctx, c.id, y, moved), criterion=c.name,
                             before=c.weight, after=c.weight + y, amount=y)  # fmt: skip
            if change is not None:
                changes.append(change)
    return sorted(changes, key=lambda ch: abs(ch.amount or 0))


def price_methods(ctx: Context) -> tuple[list[DecisionChange], list[str]]:
    """The winner under each other published price method: the changes, and the methods under which it still wins."""
    rubric = ctx.rubric
    if not rubric.weight(CriterionKind.PRICE):
        return [], []
    others = [rule.example() for rule in PRICE_RULES.values()]  # each published method with its defaults
    changes: list[DecisionChange] = []
    same: list[str] = []
    for m in others:
        if type(m) is type(rubric.price_method):
            continue
        after = ctx.whatif.with_rubric(rubric.model_copy(update={"price_method": m}), rescore=False)
        change = _change(ctx, after, "price-method", f"Scoring price by {m.method} instead of {rubric.price_method.method}",
                         before=rubric.price_method.method, after=m.method)  # fmt: skip
        if change is None:
            same.append(m.method)
        else:
            changes.append(change)
    return changes, same
