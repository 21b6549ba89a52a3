"""Social value (commitments) methods: each one's points in Python, its Excel formula and its words, side by side.

A bid's commitments are scored on its *basis*: its scored social value £, or that £ as a % of its price.
The formulas read the weight by the name ``W_sv_quant`` (and a target by ``Target_gbp`` or ``Target_pct``),
defined on the results workbook's Method sheet from the rubric (:meth:`SvRule.named`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

from socialvalue.rubric.models import AgainstTarget, RelativeToBest, SvMethod

from .base import Named, Rule, register


class SvRule(Rule[Any], ABC):
    """A method scoring each compared bid's social value basis, against the pool's best or a target."""

    reads_best: ClassVar[bool] = False
    """The points read the best basis among the compared bids (so they are relative to the others)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        register(SV_RULES, cls)

    @property
    @abstractmethod
    def percent_of_price(self) -> bool:
        """The basis is the social value £ as a % of the bid's price (else the £ itself)."""

    def basis(self, sv: float, price: float) -> float:
        """What the points read of a bid: its scored social value £, or that as a % of its price."""
        return sv / price * 100 if self.percent_of_price else sv

    def basis_formula(self, sv: str, percent: str) -> str:
        """Which of the Summary's cells (£ or % of price) the basis is: the formula reads it."""
        return percent if self.percent_of_price else sv

    @abstractmethod
    def points(self, weight: float, basis: float, best: float) -> float:
        """Points for ``basis`` given the best basis among the compared bids (read only where :attr:`reads_best`)."""

    @abstractmethod
    def formula(self, basis: str, bases: str) -> str:
        """The Excel formula of the points of the bid whose basis is in cell ``basis`` (``bases``: every bid's)."""

    @abstractmethod
    def explain(self, score_on: str) -> str:
        """The method in words; ``score_on`` is ``net`` or ``gross``."""

    def named(self) -> list[Named]:
        return []


SV_RULES: dict[str, type[SvRule]] = {}
"""Every social value method, by the rubric's ``method`` literal, in the order they are defined."""


def sv_rule(spec: SvMethod) -> SvRule:
    """The method object for a rubric's social value (commitments) method."""
    return SV_RULES[spec.method](spec)


class RelativeToBestRule(SvRule):
    spec_type = RelativeToBest
    variants = ({"basis": "gbp"}, {"basis": "percent-of-price"})
    reads_best = True
    spec: RelativeToBest

    @property
    def percent_of_price(self) -> bool:
        return self.spec.basis == "percent-of-price"

    def points(self, weight: float, basis: float, best: float) -> float:
        return weight * basis / best if best > 0 else 0.0

    def formula(self, basis: str, bases: str) -> str:
        return f'=IF({basis}="","",IF(MAX({bases})<=0,0,W_sv_quant*{basis}/MAX({bases})))'

    def explain(self, score_on: str) -> str:
        what = "£ as % of bid price" if self.percent_of_price else "£"
        return (
            f"Social value (commitments) points = weight × this bid's {score_on} social value ({what}) "
            "÷ the best compared bid's"
        )


class AgainstTargetRule(SvRule):
    spec_type = AgainstTarget
    variants = ({"target_gbp": 50_000}, {"target_percent_of_price": 5})
    spec: AgainstTarget

    @property
    def percent_of_price(self) -> bool:
        return self.spec.target_gbp is None

    @property
    def target(self) -> float:
        target = self.spec.target_gbp if self.spec.target_gbp is not None else self.spec.target_percent_of_price
        assert target is not None
        return target

    def points(self, weight: float, basis: float, best: float) -> float:
        return weight * min(1.0, basis / self.target)

    def formula(self, basis: str, bases: str) -> str:
        return f'=IF({basis}="","",W_sv_quant*MIN(1,{basis}/{self.named()[0].name}))'

    def explain(self, score_on: str) -> str:
        if not self.percent_of_price:
            return f"Social value (commitments) points = weight × min(1, {score_on} social value £ ÷ target £{self.target:,.0f})"
        return (
            f"Social value (commitments) points = weight × min(1, {score_on} social value as % of price "
            f"÷ target {self.target:g}%)"
        )

    def named(self) -> list[Named]:
        if self.percent_of_price:
            return [Named("Target_pct", self.target, "Social value target, % of bid price")]
        return [Named("Target_gbp", self.target, "Social value target, £")]
