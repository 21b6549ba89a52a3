"""Price methods: each one's points in Python, its Excel formula and its words, side by side.

The formulas read the price weight by the name ``W_price`` (and a method's own parameters by theirs, e.g.
``Deduction``), defined on the results workbook's Method sheet from the rubric (:meth:`PriceRule.named`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from socialvalue.rubric.models import LinearDeduction, LowestOverBid, PriceMethod, PricePerQualityPoint, RelativeToMean

from .base import Named, Rule, register

if TYPE_CHECKING:
    from socialvalue.scoring.pool import PoolFigures


@dataclass(frozen=True, slots=True)
class PriceCells:
    """Where a price formula finds its inputs on the results workbook's Summary (A1 references)."""

    price: str
    """This bid's compared price (blank when the bid is not compared)."""
    prices: str
    """Every bid's compared price (a column range)."""
    per_point: str = ""
    """This bid's price per quality point (only a method that reads other points uses it)."""
    per_points: str = ""
    """Every bid's price per quality point."""


class PriceRule(Rule[Any], ABC):
    """A price method: points for a compared bid's price, given the pool of compared bids (:class:`PoolFigures`)."""

    reads_other_points: ClassVar[bool] = False
    """The points read the bid's quality and social value points too (price per quality point)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        register(PRICE_RULES, cls)

    @abstractmethod
    def figure(self, figures: PoolFigures) -> float | None:
        """The pool figure the points read (a bid's points change only with it and the bid's own figures)."""

    @abstractmethod
    def points(self, weight: float, price: float, figures: PoolFigures, rest: float | None = None) -> float | None:
        """Points for a compared ``price``; ``rest`` is the bid's other points where :attr:`reads_other_points`."""

    def per_point(self, price: float, rest: float | None) -> float | None:
        """Price per quality point (only where :attr:`reads_other_points`): ``price`` ÷ the bid's other points."""
        return price / rest if rest else None

    def per_point_formula(self, compared_price: str, rest: list[str]) -> str:
        """The Excel formula of :meth:`per_point`: blank while the compared price or any of ``rest`` is blank."""
        blanks = ",".join(f'{p}=""' for p in rest)
        return f'=IF(OR({compared_price}="",{blanks}),"",{compared_price}/({"+".join(rest)}))'

    @abstractmethod
    def formula(self, cells: PriceCells) -> str:
        """The Excel formula of the price points, blank where the bid is not compared."""

    @abstractmethod
    def explain(self) -> str:
        """The method in words (the Method sheet, the letters and the evaluation report say it)."""

    def named(self) -> list[Named]:
        """The method's own parameters, as the names its formula reads."""
        return []


PRICE_RULES: dict[str, type[PriceRule]] = {}
"""Every price method, by the rubric's ``method`` literal, in the order they are defined."""


def price_rule(spec: PriceMethod) -> PriceRule:
    """The method object for a rubric's price method."""
    return PRICE_RULES[spec.method](spec)


class LowestOverBidRule(PriceRule):
    spec_type = LowestOverBid

    def figure(self, figures: PoolFigures) -> float | None:
        return figures.lowest_price

    def points(self, weight: float, price: float, figures: PoolFigures, rest: float | None = None) -> float | None:
        lowest = figures.lowest_price
        assert lowest is not None
        return weight * lowest / price

    def formula(self, cells: PriceCells) -> str:
        p = cells.price
        return f'=IF({p}="","",W_price*MIN({cells.prices})/{p})'

    def explain(self) -> str:
        return "Price points = price weight × lowest compared price ÷ this bid's price"


class RelativeToMeanRule(PriceRule):
    spec_type = RelativeToMean

    def figure(self, figures: PoolFigures) -> float | None:
        return figures.mean_price

    def points(self, weight: float, price: float, figures: PoolFigures, rest: float | None = None) -> float | None:
        mean = figures.mean_price
        assert mean is not None
        return weight * max(0.0, min(1.0, 1 - (price - mean) / mean))

    def formula(self, cells: PriceCells) -> str:
        p, mean = cells.price, f"AVERAGE({cells.prices})"
        return f'=IF({p}="","",W_price*MAX(0,MIN(1,1-({p}-{mean})/{mean})))'

    def explain(self) -> str:
        return "Price points = price weight × (1 − (price − mean price) ÷ mean price), kept between 0 and the weight"


class LinearDeductionRule(PriceRule):
    spec_type = LinearDeduction
    variants = ({}, {"deduction_pct_per_pct": 2.5})
    spec: LinearDeduction

    def figure(self, figures: PoolFigures) -> float | None:
        return figures.lowest_price

    def points(self, weight: float, price: float, figures: PoolFigures, rest: float | None = None) -> float | None:
        lowest = figures.lowest_price
        assert lowest is not None
        pct_above = (price - lowest) / lowest * 100
        return weight * max(0.0, 1 - self.spec.deduction_pct_per_pct * pct_above / 100)

    def formula(self, cells: PriceCells) -> str:
        p, lowest = cells.price, f"MIN({cells.prices})"
        return f'=IF({p}="","",W_price*MAX(0,1-Deduction*(({p}-{lowest})/{lowest}*100)/100))'

    def explain(self) -> str:
        return (
            f"Price points = price weight × (1 − {self.spec.deduction_pct_per_pct:g}% for each 1% above the lowest "
            "price), not below 0"
        )

    def named(self) -> list[Named]:
        return [Named("Deduction", self.spec.deduction_pct_per_pct, "% of price marks lost per 1% above lowest")]


class PricePerQualityPointRule(PriceRule):
    spec_type = PricePerQualityPoint
    reads_other_points = True

    def figure(self, figures: PoolFigures) -> float | None:
        return figures.lowest_ratio

    def points(self, weight: float, price: float, figures: PoolFigures, rest: float | None = None) -> float | None:
        ratio = self.per_point(price, rest)
        if ratio is None:
            return None
        assert figures.lowest_ratio is not None
        return weight * figures.lowest_ratio / ratio

    def formula(self, cells: PriceCells) -> str:
        r = cells.per_point
        return f'=IF({r}="","",W_price*MIN({cells.per_points})/{r})'

    def explain(self) -> str:
        return (
            "Price per point = price ÷ (quality + social value points); price points = weight × lowest price per "
            "point ÷ this bid's"
        )
