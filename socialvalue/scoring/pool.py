"""The pool: which bids are compared, and what their relative scores read from it as a whole.

Worked out once per comparison (not once per bid), from each compared bid's :class:`PoolEntry` alone, so
the Decision can tell when a what-if leaves every other bid's points as they were and compare a few bids
against the whole tender's figures (:func:`~.engine.compare_bids` with ``figures``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from socialvalue.rubric import CriterionKind, Rubric

from . import arithmetic
from .methods import price_rule, sv_rule
from .plausible import usable_price
from .results import BidResult, BidStatus


@dataclass(frozen=True, slots=True)
class PoolEntry:
    """What one compared bid brings to the pool figures: they are worked out from these alone."""

    price: float
    basis: float
    """Its social value for relative scoring (£, or % of its price); 0 where commitments are not scored."""
    quality: float | None = None
    sv_qual: float | None = None
    """Its question points, where the price method reads them (price per quality point); else None."""


def pool_entry(rubric: Rubric, r: BidResult) -> PoolEntry | None:
    """What a bid scored on its own brings to the pool; None when it takes no part in the comparison.

    Bids that pass the pass/fail requirements and hurdles, give a usable price and have every required sheet
    are compared (their price and social value points are relative to the others').
    """
    if r.status is BidStatus.EXCLUDED or not usable_price(r.price) or r.missing_sheets:
        return None
    assert r.price is not None
    sv = rubric.social_value
    basis = 0.0
    if sv is not None and sv.quantitative_share_pct > 0:
        basis = sv_rule(sv.quantitative_method).basis(r.sv_scored, r.price)
    if price_rule(rubric.price_method).reads_other_points:
        return PoolEntry(r.price, basis, r.quality_points, r.sv_qual_points)
    return PoolEntry(r.price, basis)


@dataclass(frozen=True, slots=True)
class PoolFigures:
    """What the relative scores read from the compared bids as a whole, worked out once per comparison.

    A compared bid's price and social value points depend on its own figures and these alone, and these on
    the bids' :class:`PoolEntry` alone: a change to one bid that leaves its entry as it was changes no other
    bid's points.
    """

    count: int
    price_total: float
    """The compared prices summed in bid order (the mean is this ÷ count)."""
    lowest_price: float | None
    best_sv: float
    """The best social value basis among the compared bids; 0 without any."""
    lowest_ratio: float | None
    """The lowest price per quality point (read under that price method only)."""

    @property
    def mean_price(self) -> float | None:
        return self.price_total / self.count if self.count else None

    def read_by(self, rubric: Rubric) -> tuple[float | None, ...]:
        """The figures the rubric's price and social value methods read (the others only serve the flags)."""
        read: list[float | None] = []
        if rubric.weight(CriterionKind.PRICE):
            read.append(price_rule(rubric.price_method).figure(self))
        sv = rubric.social_value
        if sv is not None and sv.quantitative_share_pct > 0 and sv_rule(sv.quantitative_method).reads_best:
            read.append(self.best_sv)
        return tuple(read)


def pool_figures(rubric: Rubric, results: Iterable[BidResult]) -> PoolFigures:
    """The pool figures of ``results`` (each scored on its own, in bid order)."""
    return figures_of(rubric, [e for r in results if (e := pool_entry(rubric, r)) is not None])


def figures_of(rubric: Rubric, entries: Sequence[PoolEntry]) -> PoolFigures:
    """The pool figures of the compared bids' entries (in bid order)."""
    sv = rubric.social_value
    prices = [e.price for e in entries]
    quant = sv is not None and sv.quantitative_share_pct > 0
    best = max((e.basis for e in entries), default=0.0)
    lowest_ratio = None
    rule = price_rule(rubric.price_method)
    if rule.reads_other_points and rubric.weight(CriterionKind.PRICE):
        ratios = []
        sv_points = sv_rule(sv.quantitative_method) if sv is not None and quant else None
        for e in entries:
            points = sv_points.points(rubric.sv_quantitative_weight, e.basis, best) if sv_points else None
            ratio = rule.per_point(e.price, non_price(rubric, e.quality, points, e.sv_qual))
            if ratio is not None:
                ratios.append(ratio)
        lowest_ratio = min(ratios, default=None)
    return PoolFigures(len(entries), sum(prices), min(prices, default=None), best, lowest_ratio)


def non_price(rubric: Rubric, quality: float | None, sv_quant: float | None, sv_qual: float | None) -> float | None:
    each = parts(rubric, 0.0, quality, sv_quant, sv_qual)[1:]
    return sum(p for p in each if p is not None) if all(p is not None for p in each) else None


def parts(
    rubric: Rubric, price: float | None, quality: float | None, sv_quant: float | None, sv_qual: float | None
) -> list[float | None]:
    """Price, quality, SV commitments and SV questions points, for the criteria this rubric has."""
    parts: list[float | None] = [price if rubric.weight(CriterionKind.PRICE) else 0.0]
    if rubric.criterion(CriterionKind.QUALITY):
        parts.append(quality)
    return parts + sv_parts(rubric, sv_quant, sv_qual)


def sv_parts(rubric: Rubric, sv_quant: float | None, sv_qual: float | None) -> list[float | None]:
    """The social value criterion's parts this rubric scores: commitments, written answers, or both."""
    sv = rubric.social_value
    if sv is None:
        return []
    return ([sv_quant] if sv.quantitative_share_pct > 0 else []) + (
        [sv_qual] if sv.quantitative_share_pct < 100 else []
    )


def sv_points(rubric: Rubric, b: BidResult) -> float | None:
    """A bid's points on the social value criterion; None while a part of it is missing (or the rubric has none)."""
    if rubric.social_value is None:
        return None
    return arithmetic.total(sv_parts(rubric, b.sv_quant_points, b.sv_qual_points))
