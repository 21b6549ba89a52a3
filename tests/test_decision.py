"""The Decision: why the winner won and the smallest changes that would change the winner.

Each tender is built to have a known shape (a clear winner, a one-step margin, a winner that depends
on the price method) and each figure the Decision reports is checked against a computation written
out here from the published formulas, not taken from the engine.
"""

from __future__ import annotations

from typing import Any

import pytest

from socialvalue.bid import Bid, PanelScore
from socialvalue.rubric import Rubric, TieFallback
from socialvalue.scoring import score_tender
from socialvalue.scoring.decision import decide
from socialvalue.scoring.results import Decision, DecisionChange
from tests import builders
from tests.builders import VALUES, bid, scores


def rubric(**settings: Any) -> Rubric:
    """The builders' rubric without the plausibility ceiling: these tenders keep the arithmetic readable with
    prices of £100 against commitments worth £20,000 (the ceiling has its own tests)."""
    return builders.rubric(ceiling_pct=1e12, **settings)


def decision_of(r: Rubric, bids: list[Bid], panel: list[PanelScore]) -> Decision:
    result = score_tender(r, VALUES, bids, panel)
    return decide(r, VALUES, bids, panel, result)


def of_kind(d: Decision, kind: str) -> list[DecisionChange]:
    return [c for c in d.changes if c.kind == kind]


# --- a clear winner ------------------------------------------------------------------------------
# Price 40 / quality 40 (Q1 on 0-5) / social value 20 (relative to the best £); lowest-over-bid.
# a: £100, Q1 5, 1 FTE  → 40 + 40 + 20 = 100
# b: £120, Q1 3, 1 FTE  → 40 × 100/120 + 24 + 20 = 77.33


def clear() -> tuple[Rubric, list[Bid], list[PanelScore]]:
    bids = [bid("a", 100, {"M1": 1}), bid("b", 120, {"M1": 1})]
    return rubric(), bids, scores("a", Q1=5) + scores("b", Q1=3)


def test_clear_winner_in_words() -> None:
    d = decision_of(*clear())
    assert d.status == "decided"
    assert (d.winner, d.runner_up) == ("a", "b")
    assert d.margin == pytest.approx(100 - (40 * 100 / 120 + 24 + 20))
    price, quality, sv = d.gaps
    assert price.difference == pytest.approx(40 - 40 * 100 / 120)
    assert quality.difference == pytest.approx(16)
    assert quality.questions[0].detail == "Q1 scored 5 (Excellent) against 3 (Acceptable)"
    assert sv.difference == pytest.approx(0)
    text = " ".join(d.why)
    assert "a ranked first with 100.00 points out of 100, 22.67 ahead of b (77.33)" in text
    assert "6.67 on Price (price £100.00 against £120.00)" in text
    assert "16.00 on Quality" in text and "level on Social value" in text


def test_clear_winner_is_robust() -> None:
    d = decision_of(*clear())
    # one step on Q1 is worth 40 × 1/5 = 8 points: a down gives 92, b up gives 85.33: nobody overtakes
    assert of_kind(d, "score-step") == []
    assert d.robustness[0].startswith("No single consensus score moved by one scale step")
    # a has the full marks on every criterion, so no weight moves the winner
    assert of_kind(d, "weight") == []
    assert "No change to the weight of Price, Quality, Social value alone changes the winner." in d.robustness


def test_runner_up_price_to_the_penny() -> None:
    d = decision_of(*clear())
    [change] = of_kind(d, "price")
    # Below a's £100, b's price is the lowest: b gets 40 + 24 + 20 = 84, a gets 40 × p/100 + 40 + 20.
    # Equal at p = 100 × (84 − 60) / 40 = £60; at £60 the tie-break (higher quality) keeps a first,
    # so the highest price in whole pence at which b wins is £59.99.
    crossing = 100 * (40 + 24 + 20 - 60) / 40
    assert crossing == pytest.approx(60)
    assert change.after == pytest.approx(59.99)
    assert change.amount == pytest.approx(120 - 59.99)
    assert change.new_winner == "b.xlsx"
    assert "b's price £60.01 lower (50.0%: £120.00 → £59.99) would make it the winner" in change.summary


# --- a one-step margin ---------------------------------------------------------------------------
# a: £100, Q1 4, 1 FTE    → 40 + 32 + 20 × 20,000/24,000 = 88.67
# b: £100, Q1 3, 1.2 FTE  → 40 + 24 + 20 = 84: 4.67 behind, less than one step (8 points)


def close() -> tuple[Rubric, list[Bid], list[PanelScore]]:
    bids = [bid("a", 100, {"M1": 1}), bid("b", 100, {"M1": 1.2})]
    return rubric(), bids, scores("a", Q1=4) + scores("b", Q1=3)


def test_one_step_margin() -> None:
    d = decision_of(*close())
    a_total, b_total = 40 + 32 + 20 * 20_000 / 24_000, 40 + 24 + 20
    assert d.margin == pytest.approx(a_total - b_total)
    steps = {(c.bid_id, c.before, c.after): c for c in of_kind(d, "score-step")}
    # a one step down: 88.67 − 8 = 80.67 < 84; b one step up: 84 + 8 = 92 > 88.67. Either makes b the winner.
    assert a_total - 8 < b_total and b_total + 8 > a_total
    assert set(steps) == {("a.xlsx", 4, 3), ("b.xlsx", 3, 4)}
    assert all(c.new_winner == "b.xlsx" for c in steps.values())
    assert d.robustness[0].startswith("Close: 2 single one-step change(s) to a consensus score would change the winner")


def test_weight_crossing_solved_exactly() -> None:
    d = decision_of(*close())
    by = {c.criterion: c for c in of_kind(d, "weight")}
    # Social value's weight up by Y, price and quality scaled by (80 − Y)/80:
    # a − b = (20 + Y)(5/6 − 1) + (80 − Y)/80 × (72 − 64) = 4.667 − 0.2667 Y  → Y = 17.5,
    # where the tie-break keeps a; a 0.01 point further b leads.
    y = (20 * (5 / 6 - 1) + 8) / ((1 - 5 / 6) + 8 / 80)
    assert y == pytest.approx(17.5)
    sv = by["Social value"]
    assert sv.amount == pytest.approx(17.51)
    assert sv.new_winner == "b.xlsx"
    # Quality's weight down by Y (price and social value scaled by (60 + Y)/60):
    # a − b = (40 − Y)(0.8 − 0.6) + (60 + Y)/60 × (56.667 − 60) → Y = 8.0 / 0.2556 = 19.07…
    q = (40 * 0.2 - 10 / 3) / (0.2 + (10 / 3) / 60)
    assert by["Quality"].amount == pytest.approx(-(int(q * 100) + 1) / 100)


def test_winner_falling_below_a_hurdle() -> None:
    r = rubric(minimum=3)
    bids = [bid("a", 100, {"M1": 1}), bid("b", 150, {"M1": 0.2})]
    panel = scores("a", Q1=3) + scores("b", Q1=5)
    d = decision_of(r, bids, panel)
    # a leads comfortably (40 + 24 + 20 = 84 against 26.67 + 40 + 4 = 70.67), but one step down on Q1
    # puts a below the minimum of 3: a is excluded and b wins
    [step] = [c for c in of_kind(d, "score-step") if c.bid_id == "a.xlsx"]
    assert "(below its minimum of 3: excluded)" in step.summary
    assert step.new_winner == "b.xlsx"


# --- a winner that depends on the price method --------------------------------------------------
# a: £80,  Q1 3, 1 FTE → lowest-over-bid 40 + 24 + 20 = 84
# b: £105, Q1 4, 1 FTE → 40 × 80/105 + 32 + 20 = 82.48
# c: £140, Q1 2, 1 FTE → 40 × 80/140 + 16 + 20 = 58.86


def sensitive() -> tuple[Rubric, list[Bid], list[PanelScore]]:
    bids = [bid("a", 80, {"M1": 1}), bid("b", 105, {"M1": 1}), bid("c", 140, {"M1": 1})]
    return rubric(), bids, scores("a", Q1=3) + scores("b", Q1=4) + scores("c", Q1=2)


def test_price_method_sensitive_winner() -> None:
    d = decision_of(*sensitive())
    assert d.winner == "a"
    prices, quality, sv = {"a": 80, "b": 105, "c": 140}, {"a": 24, "b": 32, "c": 16}, 20
    mean = sum(prices.values()) / 3

    def relative_to_mean(p: float) -> float:
        return 40 * max(0.0, min(1.0, 1 - (p - mean) / mean))

    def linear(p: float) -> float:
        return 40 * max(0.0, 1 - (p - 80) / 80)

    ratios = {k: prices[k] / (quality[k] + sv) for k in prices}

    def per_point(k: str) -> float:
        return 40 * min(ratios.values()) / ratios[k]

    def top(points: dict[str, float]) -> str:
        return max(points, key=lambda k: points[k] + quality[k] + sv)

    expected = {
        "relative-to-mean": top({k: relative_to_mean(p) for k, p in prices.items()}),
        "linear-deduction": top({k: linear(p) for k, p in prices.items()}),
        "price-per-quality-point": top({k: per_point(k) for k in prices}),
    }
    assert expected == {"relative-to-mean": "b", "linear-deduction": "a", "price-per-quality-point": "b"}
    changed = {c.after: c.new_winner_supplier for c in of_kind(d, "price-method")}
    assert changed == {m: w for m, w in expected.items() if w != "a"}
    assert "a would also win with price scored by linear-deduction." in d.robustness


def test_tie_names_the_published_fallback() -> None:
    r = rubric(tie_break=["higher-quality"]).model_copy(update={"tie_break_final": TieFallback.RECORDED_DRAW})
    bids = [bid("a", 100, {"M1": 1}), bid("b", 100, {"M1": 1})]
    panel = scores("a", Q1=4) + scores("b", Q1=4)
    result = score_tender(r, VALUES, bids, panel)
    assert result.winner is None
    flag = result.bids[0].flags[0].text
    assert "not broken by the tie-break rules (higher-quality)" in flag
    assert "The published final tie-break decides it: a draw between the tied tenders, witnessed and recorded" in flag
    d = decide(r, VALUES, bids, panel, result)
    assert d.status == "tie" and "a and b are equal at the top" in d.why[0]
    unpublished = score_tender(rubric(tie_break=["higher-quality"]), VALUES, bids, panel)
    assert "publishes no final tie-break" in unpublished.bids[0].flags[0].text
    assert "decide by the published fallback" not in unpublished.bids[0].flags[0].text


def test_only_one_compared_tender() -> None:
    bids = [bid("a", 100, {"M1": 1})]
    d = decision_of(rubric(), bids, scores("a", Q1=4))
    assert d.status == "uncontested" and "the only tender compared" in d.why[0]
    assert of_kind(d, "price") == []
