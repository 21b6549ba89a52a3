"""Each scoring method twice, side by side: in Python, and as the Excel formula the results show.

Keeping both here means one place to read a method, and the recalculation tests check they agree.
Excel names used: ``W_price``, ``W_sv_quant``, ``Deduction``, ``Target_gbp``, ``Target_pct`` — defined
on the results workbook's Method sheet from the rubric.
"""

from __future__ import annotations

from socialvalue.rubric.models import (
    AgainstTarget,
    LinearDeduction,
    LowestOverBid,
    PricePerQualityPoint,
    RelativeToBest,
    RelativeToMean,
)

PriceMethodT = LowestOverBid | RelativeToMean | LinearDeduction | PricePerQualityPoint
SvMethodT = RelativeToBest | AgainstTarget


# --- price -------------------------------------------------------------------------------


def price_points(method: PriceMethodT, weight: float, price: float, lowest: float, mean: float) -> float:
    """Points for ``price`` given the lowest and the mean of the compared prices (which include it).

    Price per quality point is scored on ratios instead: see :func:`ratio_points`.
    """
    if isinstance(method, LowestOverBid):
        return weight * lowest / price
    if isinstance(method, RelativeToMean):
        return weight * max(0.0, min(1.0, 1 - (price - mean) / mean))
    if isinstance(method, LinearDeduction):
        pct_above = (price - lowest) / lowest * 100
        return weight * max(0.0, 1 - method.deduction_pct_per_pct * pct_above / 100)
    raise ValueError(f"price_points does not score {method.method}; use ratio_points")


def ratio_points(weight: float, ratio: float, lowest: float) -> float:
    """Price per quality point: the lowest price per point (``lowest``) gets the full weight, others pro rata."""
    return weight * lowest / ratio


def price_formula(method: PriceMethodT, price: str, pool: str, ratio: str = "", ratio_pool: str = "") -> str:
    """Excel formula for the price points of the bid whose compared price is in cell ``price``."""
    if isinstance(method, LowestOverBid):
        return f'=IF({price}="","",W_price*MIN({pool})/{price})'
    if isinstance(method, RelativeToMean):
        return f'=IF({price}="","",W_price*MAX(0,MIN(1,1-({price}-AVERAGE({pool}))/AVERAGE({pool}))))'
    if isinstance(method, LinearDeduction):
        return f'=IF({price}="","",W_price*MAX(0,1-Deduction*(({price}-MIN({pool}))/MIN({pool})*100)/100))'
    return f'=IF({ratio}="","",W_price*MIN({ratio_pool})/{ratio})'


def price_explanation(method: PriceMethodT) -> str:
    if isinstance(method, LowestOverBid):
        return "Price points = price weight × lowest compared price ÷ this bid's price"
    if isinstance(method, RelativeToMean):
        return "Price points = price weight × (1 − (price − mean price) ÷ mean price), kept between 0 and the weight"
    if isinstance(method, LinearDeduction):
        return (
            f"Price points = price weight × (1 − {method.deduction_pct_per_pct:g}% for each 1% above the lowest price), "
            "not below 0"
        )
    return "Price per point = price ÷ (quality + social value points); price points = weight × lowest price per point ÷ this bid's"


# --- quantitative social value ----------------------------------------------------------


def sv_basis(method: SvMethodT, sv: float, price: float) -> float:
    if isinstance(method, RelativeToBest) and method.basis == "percent-of-price":
        return sv / price * 100
    if isinstance(method, AgainstTarget) and method.target_percent_of_price is not None:
        return sv / price * 100
    return sv


def sv_points(method: SvMethodT, weight: float, basis: float, best: float) -> float:
    """Points for ``basis`` given the best basis among the compared bids (relative to best) or the target."""
    if isinstance(method, RelativeToBest):
        return weight * basis / best if best > 0 else 0.0
    target = method.target_gbp if method.target_gbp is not None else method.target_percent_of_price
    assert target is not None
    return weight * min(1.0, basis / target)


def sv_formula(method: SvMethodT, basis: str, pool: str) -> str:
    if isinstance(method, RelativeToBest):
        return f'=IF({basis}="","",IF(MAX({pool})<=0,0,W_sv_quant*{basis}/MAX({pool})))'
    name = "Target_gbp" if method.target_gbp is not None else "Target_pct"
    return f'=IF({basis}="","",W_sv_quant*MIN(1,{basis}/{name}))'


def sv_explanation(method: SvMethodT, score_on: str) -> str:
    if isinstance(method, RelativeToBest):
        what = "£" if method.basis == "gbp" else "£ as % of bid price"
        return (
            f"Social value (commitments) points = weight × this bid's {score_on} social value ({what}) "
            "÷ the best compared bid's"
        )
    if method.target_gbp is not None:
        return f"Social value (commitments) points = weight × min(1, {score_on} social value £ ÷ target £{method.target_gbp:,.0f})"
    return (
        f"Social value (commitments) points = weight × min(1, {score_on} social value as % of price "
        f"÷ target {method.target_percent_of_price:g}%)"
    )
