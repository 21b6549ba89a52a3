"""What-ifs for the Decision: the tender re-compared with one change, at a cost that does not grow with its size.

The engine stays the arbiter of every answer: a changed bid is re-scored by :class:`BidScorer` and the bids
that could rank first are compared by :func:`compare_bids` against the whole tender's :class:`PoolFigures`.
Nothing here repeats the engine's arithmetic. What it adds is which bids need re-scoring and which could
rank first, so that a what-if costs the few bids it touches, not the whole tender:

- Every bid starts from its figures as the engine scored them (:func:`uncompared`); a change re-scores only the
  bids it touches.
- A change that leaves the pool figures as they were changes no other bid's points (what :class:`PoolFigures`
  promises), so first place lies between the changed bid and the bids ranked first and second.
- Otherwise first place lies on the *front*: the bids no other bid dominates. A bid dominates another when its
  price is no higher, its social value £ no lower, its points on each kind of question no lower, and its
  question points in all higher. Every published price and social value method gives no fewer points for a
  lower price or for more social value (price per quality point included: more question points, a lower price
  per point), so a dominated bid scores less than the bid that dominates it under any method and any weights:
  it can never rank first. Whoever holds the pool's lowest price, best social value or lowest price per point
  is on the front too.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from socialvalue.bid import Bid, PanelScore
from socialvalue.rubric import Rubric, ValueSet

from .engine import BidScorer, ScoredBid, compare_bids, uncompared
from .methods import price_rule
from .pool import PoolEntry, PoolFigures, figures_of, pool_entry
from .results import BidResult, BidStatus, TenderResult

DOMINANCE_MARGIN = 1e-4
"""Question points by which a dominating bid must lead: far above rounding, and still above the engine's tie
tolerance once weights are scaled (a criterion's weight moves by 0.01 point at the least)."""


@dataclass
class Work:
    """What the what-ifs cost (the tests pin it; the bench shows it)."""

    rescored: int = 0
    """Bids re-scored by :class:`BidScorer`."""
    comparisons: int = 0
    """Calls of :func:`compare_bids`."""
    compared: int = 0
    """Bids compared, over all those calls."""
    passes: int = 0
    """Passes over the pool to work out its figures (each reads every compared bid's entry, no scoring)."""
    pooled: int = 0
    """Entries read by those passes."""


def _figures(r: BidResult) -> tuple[float, float, float, float]:
    return (r.price or 0.0, r.sv_scored, r.quality_points or 0.0, r.sv_qual_points or 0.0)


def _dominates(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return (
        a[0] <= b[0] and a[1] >= b[1] and a[2] >= b[2] and a[3] >= b[3] and a[2] + a[3] > b[2] + b[3] + DOMINANCE_MARGIN
    )


def front(results: Iterable[BidResult]) -> list[BidResult]:
    """The bids no other in ``results`` dominates (see the module's note)."""
    # whoever dominates a bid sorts before it, so each bid need only be checked against the front so far
    ordered = sorted(((_figures(r), r) for r in results), key=lambda fr: (fr[0][0], -fr[0][1], -fr[0][2] - fr[0][3]))
    found: list[tuple[tuple[float, float, float, float], BidResult]] = []
    for f, r in ordered:
        if not any(_dominates(g, f) for g, _ in found):
            found.append((f, r))
    return [r for _, r in found]


def _at_least(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] <= b[0] and a[1] >= b[1] and a[2] >= b[2] and a[3] >= b[3]


@dataclass
class WhatIf:
    """The tender as scored, re-compared with one change at a time."""

    rubric: Rubric
    value_set: ValueSet | None
    bids: dict[str, Bid]
    panel: list[PanelScore]
    result: TenderResult
    work: Work = field(default_factory=Work)

    def __post_init__(self) -> None:
        # the results as compared: the pool figures read only what each bid has on its own
        self.scored = {r.bid_id: r for r in sorted(self.result.bids, key=lambda r: r.bid_id) if r.bid_id in self.bids}
        self.entries = {b: e for b, r in self.scored.items() if (e := pool_entry(self.rubric, r)) is not None}
        self.figures = self._figures_of(self.rubric, self.entries.values())
        self.top = {r.bid_id for r in self.result.bids if r.rank in (1, 2)}
        self._uncompared: dict[str, BidResult] = {}
        self._ranked = [
            r for r in self.scored.values()
            if r.status is BidStatus.RANKED or (r.status is BidStatus.INCOMPLETE and self.base(r.bid_id).status is BidStatus.RANKED)
        ]  # fmt: skip
        self._front = [r.bid_id for r in front(self._ranked)]
        self._second: list[str] | None = None
        self._scorer = BidScorer(self.rubric, self.value_set, self.panel)

    def base(self, bid_id: str) -> BidResult:
        """The bid's result as scored on its own (:func:`uncompared`)."""
        if bid_id not in self._uncompared:
            self._uncompared[bid_id] = uncompared(self.scored[bid_id])
        return self._uncompared[bid_id]

    def consensus(self, bid_id: str, code: str) -> PanelScore | None:
        """The panel's consensus score of a bid on a question."""
        return self._scorer.panel.get((bid_id, code))

    # --- the pieces ---

    def rescore(self, bid: Bid, score: PanelScore | None = None) -> BidResult:
        """``bid`` scored by the engine on its own (with one consensus score moved)."""
        self.work.rescored += 1
        scorer = self._scorer if score is None else self._scorer.with_scores([score])
        return scorer(bid).result

    def front(self, changed: BidResult | None = None) -> list[str]:
        """The bids that could rank first, once ``changed`` takes the place of that bid (itself not listed)."""
        if changed is None or changed.bid_id not in self._front:
            return [b for b in self._front if changed is None or b != changed.bid_id]
        rest = [b for b in self._front if b != changed.bid_id]
        if _at_least(_figures(changed), _figures(self.scored[changed.bid_id])):
            return rest  # it dominates whatever it dominated before
        if self._second is None:  # a bid dominated by the changed bid alone is on the front of the others
            first = set(self._front)
            self._second = [r.bid_id for r in front(r for r in self._ranked if r.bid_id not in first)]
        return rest + self._second

    def _figures(self, rubric: Rubric, results: Iterable[BidResult]) -> PoolFigures:
        return self._figures_of(rubric, (e for r in results if (e := pool_entry(rubric, r)) is not None))

    def _figures_of(self, rubric: Rubric, entries: Iterable[PoolEntry]) -> PoolFigures:
        listed = list(entries)
        self.work.passes += 1
        self.work.pooled += len(listed)
        return figures_of(rubric, listed)

    def _compare(self, rubric: Rubric, contenders: Iterable[BidResult], figures: PoolFigures) -> TenderResult:
        fresh = [ScoredBid(r.model_copy(update={"flags": []}), [], [], [], []) for r in contenders]
        self.work.comparisons += 1
        self.work.compared += len(fresh)
        return compare_bids(rubric, self.value_set, fresh, figures=figures)

    # --- the what-ifs ---

    def as_scored(self) -> TenderResult:
        """The tender unchanged: the engine's comparison of the bids that could rank first."""
        return self._compare(self.rubric, [self.base(b) for b in sorted(set(self._front) | self.top)], self.figures)

    def with_bid(self, changed: BidResult) -> TenderResult:
        """One bid's figures replaced by ``changed`` (re-scored by the engine), everything else as scored."""
        entry = pool_entry(self.rubric, changed)
        if entry == self.entries.get(changed.bid_id):  # the pool figures are as they were (see PoolFigures)
            ids, figures = self.top - {changed.bid_id}, self.figures
        else:
            if changed.bid_id in self.entries:  # in bid order, as the engine sums the prices
                listed = (entry if b == changed.bid_id else e for b, e in self.entries.items())
            else:
                listed = (e for _, e in sorted({**self.entries, changed.bid_id: entry}.items()))
            figures = self._figures_of(self.rubric, (e for e in listed if e is not None))
            if figures.read_by(self.rubric) == self.figures.read_by(self.rubric):
                ids = self.top - {changed.bid_id}  # no other bid's points change
            else:
                ids = set(self.front(changed))
        return self._compare(self.rubric, [*(self.base(b) for b in sorted(ids)), changed], figures)

    def with_rubric(self, rubric: Rubric, rescore: bool) -> TenderResult:
        """The tender under another rubric: the same bids with other weights (``rescore``) or another price method."""
        contenders = [self.base(b) for b in self._front]
        if not rescore:
            return self._compare(rubric, contenders, self._figures(rubric, self.scored.values()))
        front = set(self._front)
        scorer = BidScorer(rubric, self.value_set, (p for p in self.panel if p.bid_id in front))
        self.work.rescored += len(contenders)
        contenders = [scorer(self.bids[r.bid_id]).result for r in contenders]
        kept = {r.bid_id for r in contenders}
        others = [r for b, r in self.scored.items() if b not in kept]
        if price_rule(rubric.price_method).reads_other_points:
            # the pool figures then read question points, which only the re-scored bids have under these
            # weights; a ranked bid off the front holds neither the lowest price per point nor the best
            # social value (the bid dominating it holds at least as much), so it is left out of them
            others = [r for r in others if r.status is not BidStatus.RANKED]
        return self._compare(
            rubric, contenders, self._figures(rubric, sorted([*contenders, *others], key=lambda r: r.bid_id))
        )


def winner_id(result: TenderResult) -> str | None:
    w = result.winner
    return w.bid_id if w else None


def lead(result: TenderResult, winner: str) -> float:
    """How far the best other ranked bid is ahead of ``winner`` in a what-if (negative: behind)."""
    totals = {b.bid_id: b.total or 0.0 for b in result.bids if b.status is BidStatus.RANKED}
    mine = totals.pop(winner, -math.inf)
    return max(totals.values(), default=-math.inf) - mine


def boundary(
    test: Callable[[int], tuple[bool, float]],
    holds: int,
    fails: int,
    linear_in: Callable[[float], float] = float,
    back: Callable[[float], float] = float,
) -> int:
    """The last integer from ``holds`` towards ``fails`` at which ``test`` holds (it holds at one end, not the other).

    ``test(x)`` is (holds, lead), the lead above 0 where it holds and close to linear in ``linear_in(x)``
    (``back`` inverts that). Each step tries where the lead would reach 0 between the ends (regula falsi, the
    Illinois variant); a step that has not halved the interval is followed by a halving step, so this takes at
    most about twice the steps of bisection, and a few where the lead is close to linear.
    """
    a, b = holds, fails
    ga, gb = test(a)[1], test(b)[1]
    kept, halve = 0, False
    while abs(b - a) > 1:
        width, toward = abs(b - a), (1 if b > a else -1)
        x, interpolated = a + (b - a) // 2, False
        if not halve and ga > 0 > gb and math.isfinite(ga) and math.isfinite(gb):
            ua, ub = linear_in(a), linear_in(b)
            guess = back(ua + (ub - ua) * ga / (ga - gb))
            if math.isfinite(guess):  # the last integer on the side where it holds, strictly between the ends
                near = math.floor(guess) if toward > 0 else math.ceil(guess)
                x = min(max(near, a + 1), b - 1) if toward > 0 else max(min(near, a - 1), b + 1)
                interpolated = True
        ok, g = test(x)
        if ok:
            a, ga = x, g
            gb, kept = (gb / 2 if kept == 1 else gb), 1  # Illinois: an end kept twice running has its lead halved
        else:
            b, gb = x, g
            ga, kept = (ga / 2 if kept == -1 else ga), -1
        halve = interpolated and abs(b - a) > width / 2
    return a
