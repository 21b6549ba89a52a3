"""The figures that are not a method, each in Python beside the Excel formula the results workbook writes for it.

The engine works a figure out with the Python; the results writer asks for the formula, never writing its own,
and the recalculation tests hold the two to the same value. (The methods, whose points depend on the rubric's
choice, are objects in :mod:`.methods`.) Arguments of the ``*_formula`` functions are A1 references or ranges.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def question_points(max_points: float, score: float, top: float) -> float:
    """Points for a question = its maximum points × the consensus score ÷ the scale's top score."""
    return max_points * score / top


def question_points_formula(score: str, max_points: str, top: str) -> str:
    """Blank until the question is scored."""
    return f'=IF({score}="","",{max_points}*{score}/{top})'


def question_max_points_formula(part_weight: str, weight_pct: str) -> str:
    """A question's maximum points = its part's weight × its weight as % of the part.

    In Python: :meth:`~socialvalue.rubric.models.Rubric.question_max_points`.
    """
    return f"={part_weight}*{weight_pct}/100"


def points_sum(points: Iterable[float | None]) -> float | None:
    """The sum of a block of question points; None while any question in it has no score (never scored as 0)."""
    total = 0.0
    for p in points:
        if p is None:
            return None
        total += p
    return total


def points_sum_formula(scores: str, points: str, count: int) -> str:
    """Blank while any of the ``count`` scores in ``scores`` is blank."""
    return f'=IF(COUNT({scores})<{count},"",SUM({points}))'


def net_factor_formula(deadweight: str, displacement: str, attribution: str) -> str:
    """A measure's additionality = (1 − deadweight%) × (1 − displacement%) × (1 − attribution%).

    In Python: :attr:`~socialvalue.rubric.models.Measure.additionality_factor`.
    """
    return f"=(1-{deadweight}/100)*(1-{displacement}/100)*(1-{attribution}/100)"


def gross(counted: float, unit_value: float) -> float:
    """Gross £ of a commitment = the quantity counted × £ per unit."""
    return counted * unit_value


def net(gross: float, factor: float) -> float:
    """Net £ = gross £ × the measure's additionality."""
    return gross * factor


def measure_value_formula(counted: str, unit_value: str, factor: str | None = None) -> str:
    """A commitment's gross £ (``factor`` None) or net £: counted × £ per unit (× additionality)."""
    return f"={counted}*{unit_value}" + (f"*{factor}" if factor else "")


def sum_formula(cells: str) -> str:
    return f"=SUM({cells})"


def sumproduct_formula(*ranges: str) -> str:
    """A bid's £ over every measure at once: quantities × £ per unit (× additionality), added up."""
    return f"=SUMPRODUCT({','.join(ranges)})"


def percent_of_price(sv: float, price: float) -> float:
    """Social value as a % of the bid's price."""
    return sv / price * 100


def percent_of_price_formula(sv: str, price: str) -> str:
    """Blank without a positive price."""
    return f'=IF(N({price})>0,{sv}/{price}*100,"")'


def compared_formula(price: str) -> str:
    """A compared bid's price (the others' are left blank: every relative formula reads only compared ones)."""
    return f"={price}"


def if_compared_formula(compared_price: str, value: str) -> str:
    """``value`` for a compared bid; blank for one outside the comparison."""
    return f'=IF({compared_price}="","",{value})'


def total(parts: Sequence[float | None]) -> float | None:
    """Total = the sum of the criterion points; None while any part is missing."""
    return sum(p for p in parts if p is not None) if all(p is not None for p in parts) else None


def total_formula(compared_price: str, parts: Sequence[str]) -> str:
    """Blank for a bid outside the comparison, or while any part is blank."""
    return f'=IF({compared_price}="","",IF(COUNT({",".join(parts)})<{len(parts)},"",{"+".join(parts)}))'
