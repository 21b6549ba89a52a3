"""Ranking compared bids, and the flags a comparison raises: ties and abnormally low prices."""

from __future__ import annotations

from collections.abc import Sequence

from socialvalue.rubric import Rubric, TieBreak

from .flags import LowPrice, Tie, TieBroken
from .plausible import usable_price
from .pool import PoolFigures
from .results import BidResult, BidStatus

TOLERANCE = 1e-9
"""Totals closer than this are a tie (floating-point noise, not a difference in merit)."""


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
    rules = [t.value for t in rubric.tie_break]
    for a in ranked:
        tied = [b for b in groups[keys[id(a)][0]] if b is not a]
        if not tied:
            continue
        others = [b.supplier for b in tied]
        if any(b.rank == a.rank for b in tied):
            a.flags.append(Tie(others=others, rules=rules, fallback=rubric.tie_break_fallback_words()))
        else:
            a.flags.append(TieBroken(others=others, rules=rules))


def flag_low_prices(rubric: Rubric, results: Sequence[BidResult], figures: PoolFigures) -> None:
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
            mean = (total - r.price) / (count - 1)
        else:
            if not count:
                continue
            mean = total / count
        if r.price < mean * (1 - threshold / 100):
            below = (1 - r.price / mean) * 100
            r.price_below_mean_pct = below
            outside = "" if r.in_pool else r.status.value
            r.flags.append(
                LowPrice(price=r.price, mean=mean, below_pct=below, threshold_pct=threshold, outside=outside)
            )
