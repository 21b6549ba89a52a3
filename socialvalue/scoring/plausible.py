"""The plausibility guard on the scoring path: only finite, plausible commitments are counted.

Social value commitments are scored relative to the best compared bid, so one bid's absurd figure
(a quantity of 1e308, or a year of local jobs worth more than the whole contract) would take every
point and push every honest bid to nearly nothing. The reader already refuses what cannot be a number;
this guard sits where the comparison is made, so it holds for any bid however it was built: a
commitment is counted only when it is finite, within the measure's accepted range, and its gross £
is at most the rubric's ``ceiling_pct_of_price`` of the bid's own price. Anything else is not counted,
is listed with its cell, and is explained on the bid's row and on Readings.
"""

from __future__ import annotations

import math

from socialvalue.bid import LARGEST
from socialvalue.problems import CellRef, Problem, Severity, define
from socialvalue.rubric.models import Measure

IMPLAUSIBLE = define("implausible-value", Severity.ERROR, "{what} was not counted: {why}")


def usable_price(price: float | None) -> bool:
    """A price that can be compared: an amount above zero and below :data:`~socialvalue.bid.LARGEST`."""
    return price is not None and 0 < price < LARGEST


def implausible(measure: Measure, quantity: float, unit_value: float | None, price: float | None, pct: float) -> str:
    """Why ``quantity`` of ``measure`` cannot be counted ('' when it can): not finite, out of range, or over the ceiling.

    The ceiling is ``pct`` % of the bid's ``price``, on the commitment's gross £ (quantity × ``unit_value``);
    a count-only measure (no £ value) and a bid with no usable price have only the measure's range.
    """
    unit = measure.unit
    if not math.isfinite(quantity):
        return f"{quantity!r} is not a finite number"
    if abs(quantity) >= LARGEST:
        return f"{quantity:,g} {unit} is too large to be a real quantity (16 digits or more)"
    lowest = measure.min if measure.min is not None else 0.0
    if quantity < lowest:
        return f"{quantity:,g} {unit} is below the smallest quantity accepted for {measure.code} ({lowest:,g} {unit})"
    if measure.max is not None and quantity > measure.max:
        return (
            f"{quantity:,g} {unit} is above the largest quantity accepted for {measure.code} ({measure.max:,g} {unit})"
        )
    if unit_value is not None and usable_price(price):
        assert price is not None
        gross = quantity * unit_value
        ceiling = price * pct / 100
        if gross > ceiling:
            return (
                f"{quantity:,g} {unit} × £{unit_value:,.2f} = £{gross:,.0f} is more than {pct:g}% of the bid's own "
                f"price (£{price:,.0f}), the plausibility ceiling: check the quantity and its unit"
            )
    return ""


def implausible_problem(file: str, cell: CellRef | None, code: str, raw: str, why: str) -> Problem:
    """The problem listed for one commitment the guard did not count, at its input cell when known."""
    return IMPLAUSIBLE.at(cell, file=file, field=code, raw=raw, what=f"the commitment to {code}", why=why)
