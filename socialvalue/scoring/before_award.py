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

from socialvalue.problems import Problem, Severity
from socialvalue.rubric import Measure, Rubric

from .results import BidStatus, MeasureLine, TenderResult

BELOW_MINIMUM = "commitment-below-minimum"
DOUBLE_COUNT = "possible-double-count"


def _where(line: MeasureLine) -> tuple[str, str]:
    return (line.cell.sheet, line.cell.a1) if line.cell is not None else ("", "")


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
        sheet, cell = _where(line)
        if line.quantity is None:
            stated = f"nothing usable ({line.raw!r})" if line.raw else "nothing"
        else:
            stated = f"{_qty(line.quantity)} {m.unit}" + (
                "" if line.counted_quantity == line.quantity else f" (counted {_qty(line.counted_quantity)})"
            )
        problems.append(
            Problem(
                code=BELOW_MINIMUM, file=line.bid_id, sheet=sheet, cell=cell, severity=Severity.WARNING,
                raw=line.raw or (_qty(line.quantity) if line.quantity is not None else ""), field=line.code,
                reason=f"the winning tender ({winner.supplier}) commits {stated} to {line.code} ({m.description}), "
                       f"below the rubric's minimum of {_qty(m.min)} {m.unit}: resolve this before award",
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
            sheet, cell = _where(lb)
            problems.append(
                Problem(
                    code=DOUBLE_COUNT, file=bid_id, sheet=sheet, cell=cell, severity=Severity.WARNING,
                    field=f"{a.code}+{b.code}", raw=f"{_qty(la.counted_quantity)} + {_qty(lb.counted_quantity)}",
                    reason=f"{who} commits {_qty(la.counted_quantity)} {a.unit} to {a.code} ({a.description}) and "
                           f"{_qty(lb.counted_quantity)} {b.unit} to {b.code} ({b.description}); the rubric says these "
                           f"measures overlap, so {unit} may be counted twice: ask the bidder to confirm the figures are "
                           "separate before relying on them",
                )
            )  # fmt: skip
    return problems


def before_award_checks(rubric: Rubric, result: TenderResult) -> list[Problem]:
    """Every before-award warning: the winner's commitments below minimums, then possible double counting."""
    return below_minimums(rubric, result) + double_counting(rubric, result)
