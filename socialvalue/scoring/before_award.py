"""Checks to run before an award: pure functions of the rubric and the scored tender, returning problems.

- **Below a minimum**: the winning tender commits less than a measure's published minimum
  (``Measure.min``), or nothing at all on it, so the contract would carry a KPI below the floor the
  buyer set.
- **Possible double counting**: one bid commits a quantity greater than 0 on two measures the rubric
  declares may count the same people or spend (``Measure.overlaps_with``, e.g. local people employed
  and long-term unemployed local people employed): the same FTE may be counted twice, so the buyer
  should ask the bidder to confirm the figures are separate before relying on them.

Both are warnings: they do not change a score, they tell the officer what to clarify before award.
"""

from __future__ import annotations

from socialvalue.problems import Problem, Severity, define
from socialvalue.rubric import Measure, Rubric

from .results import BidStatus, TenderResult

BELOW_MINIMUM = define(
    "commitment-below-minimum",
    Severity.WARNING,
    "the winning tender ({supplier}) commits {stated} to {code} ({description}), below the rubric's minimum of "
    "{minimum}: resolve this before award",
)
DOUBLE_COUNT = define(
    "possible-double-count",
    Severity.WARNING,
    "{who} commits {first} to {a} ({a_description}) and {second} to {b} ({b_description}); the rubric says these "
    "measures overlap, so {unit} may be counted twice: ask the bidder to confirm the figures are separate before "
    "relying on them",
)


def _qty(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def below_minimums(rubric: Rubric, result: TenderResult) -> list[Problem]:
    """The winner's commitments below a measure's published minimum (nothing when there is no single winner)."""
    winner = result.winner
    if winner is None:
        return []
    measures = {m.code: m for _, m in rubric.measures()}
    problems: list[Problem] = []
    for line in result.measures:
        m = measures.get(line.code)
        if line.bid_id != winner.bid_id or m is None or m.min is None or m.min <= 0:
            continue
        if line.counted_quantity >= m.min:
            continue
        if line.quantity is None:
            stated = f"nothing usable ({line.raw!r})" if line.raw else "nothing"
        else:
            stated = f"{_qty(line.quantity)} {m.unit}" + (
                "" if line.counted_quantity == line.quantity else f" (counted {_qty(line.counted_quantity)})"
            )
        problems.append(
            BELOW_MINIMUM.at(
                line.cell, file=line.bid_id, raw=line.raw or (_qty(line.quantity) if line.quantity is not None else ""),
                field=line.code, supplier=winner.supplier, stated=stated, code=line.code, description=m.description,
                minimum=f"{_qty(m.min)} {m.unit}",
            )
        )  # fmt: skip
    return problems


def _pairs(rubric: Rubric) -> list[tuple[Measure, Measure]]:
    measures = {m.code: m for _, m in rubric.measures()}
    seen: set[frozenset[str]] = set()
    pairs: list[tuple[Measure, Measure]] = []
    for _, m in rubric.measures():
        for other in m.overlaps_with:
            key = frozenset((m.code, other))
            if other in measures and other != m.code and key not in seen:
                seen.add(key)
                pairs.append((m, measures[other]))
    return pairs


def double_counting(rubric: Rubric, result: TenderResult) -> list[Problem]:
    """Bids that commit more than 0 on both measures of a declared overlap."""
    pairs = _pairs(rubric)
    if not pairs:
        return []
    assessed = {b.bid_id: b for b in result.bids if b.status is not BidStatus.UNREADABLE}
    winner = result.winner
    lines = {(line.bid_id, line.code): line for line in result.measures}
    problems: list[Problem] = []
    for bid_id, bid in sorted(assessed.items()):
        for a, b in pairs:
            la, lb = lines.get((bid_id, a.code)), lines.get((bid_id, b.code))
            if la is None or lb is None or la.counted_quantity <= 0 or lb.counted_quantity <= 0:
                continue
            unit = f"the same {a.unit}" if a.unit == b.unit else "the same people or spend"
            who = (
                f"the winning tender ({bid.supplier})" if winner and winner.bid_id == bid_id else bid.supplier or bid_id
            )
            problems.append(
                DOUBLE_COUNT.at(
                    lb.cell, file=bid_id, field=f"{a.code}+{b.code}",
                    raw=f"{_qty(la.counted_quantity)} + {_qty(lb.counted_quantity)}",
                    who=who, first=f"{_qty(la.counted_quantity)} {a.unit}", a=a.code, a_description=a.description,
                    second=f"{_qty(lb.counted_quantity)} {b.unit}", b=b.code, b_description=b.description, unit=unit,
                )
            )  # fmt: skip
    return problems


def before_award_checks(rubric: Rubric, result: TenderResult) -> list[Problem]:
    """Every before-award warning: the winner's commitments below minimums, then possible double counting."""
    return below_minimums(rubric, result) + double_counting(rubric, result)
