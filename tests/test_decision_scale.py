"""The Decision at scale: a what-if costs the few bids it touches, not the whole tender per change, and
every change it reports is what the engine says when the whole tender is re-scored with that change.

The what-ifs re-score only the changed bids and compare them with the bids that could then rank first
(socialvalue/scoring/whatif.py). These tests pin that work, and check the answers against the plain way:
``score_tender`` on the whole tender, every bid re-scored, for each change.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from socialvalue.bid import Bid, PanelScore
from socialvalue.rubric import Rubric
from socialvalue.rubric.models import LinearDeduction, LowestOverBid, PricePerQualityPoint, RelativeToMean
from socialvalue.scoring import BidStatus, score_tender
from socialvalue.scoring.decision import decide
from socialvalue.scoring.results import Decision, TenderResult
from socialvalue.scoring.whatif import Work
from tests.builders import VALUES, bid, rubric, scores

# --- the work does not grow with bids that cannot matter ------------------------------------------

# (name, price, Q1, M1): a close contest at the top, a tender excluded by one hurdle (Q1 1 < 2), and g,
# which no change brings near the top; every extra bid is behind g on price, quality and social value
CORE = [("a", 100, 4, 1.0), ("b", 100, 3, 1.2), ("c", 110, 4, 0.8), ("d", 130, 5, 0.5), ("e", 95, 2, 0.3),
        ("f", 120, 1, 1.0), ("g", 150, 3, 0.2)]  # fmt: skip


def tender(extra: int) -> tuple[Rubric, list[Bid], list[PanelScore]]:
    rows = CORE + [(f"x{i:04d}", 200 + i % 7, 2, 0.1) for i in range(extra)]
    bids = [bid(name, price, {"M1": m1}) for name, price, _, m1 in rows]
    return rubric(minimum=2, ceiling_pct=1e12), bids, [s for name, _, q1, _ in rows for s in scores(name, Q1=q1)]


def decided(r: Rubric, bids: list[Bid], panel: list[PanelScore], work: Work | None = None) -> Decision:
    return decide(r, VALUES, bids, panel, score_tender(r, VALUES, bids, panel), work=work)


def test_the_decisions_work_does_not_grow_with_the_number_of_bids() -> None:
    small, large = Work(), Work()
    d_small = decided(*tender(0), work=small)
    d_large = decided(*tender(150), work=large)
    assert d_small.robustness == d_large.robustness
    assert len(d_small.changes) >= 4  # score steps, the runner-up's price, weights, price methods: all tried
    # the same bids re-scored and compared, however many bids there are
    assert (large.rescored, large.comparisons, large.compared) == (small.rescored, small.comparisons, small.compared)
    assert large.passes == small.passes
    # a pass over the pool reads each bid's entry once (no scoring): that alone grows with the tender
    assert large.pooled <= large.passes * (len(CORE) + 150)
    # and each comparison holds the few bids that could rank first, never the whole tender
    assert large.compared <= large.comparisons * len(CORE)


# --- every reported change is what the whole engine says ------------------------------------------

PRICES = (80.0, 90.0, 100.0, 100.0, 110.0, 125.0, 140.0)


@st.composite
def tenders(draw: st.DrawFn) -> tuple[Rubric, list[Bid], list[PanelScore]]:
    price_method: dict[str, Any] = draw(
        st.sampled_from(
            [
                {"method": "lowest-over-bid"},
                {"method": "relative-to-mean"},
                {"method": "linear-deduction", "deduction_pct_per_pct": 2},
                {"method": "price-per-quality-point"},
            ]
        )
    )
    sv_method: dict[str, Any] = draw(
        st.sampled_from(
            [
                {"method": "relative-to-best", "basis": "gbp"},
                {"method": "relative-to-best", "basis": "percent-of-price"},
                {"method": "target", "target_gbp": 25_000},
            ]
        )
    )
    share = draw(st.sampled_from([100, 60]))
    minimum = draw(st.sampled_from([None, 2]))
    # no plausibility ceiling (prices of £100, commitments of £20,000): under it a tender's social value would
    # depend on its price, and the runner-up's price search assumes a lower price never lowers its points
    r = rubric(price_method=price_method, sv_method=sv_method, quant_share=share, minimum=minimum, ceiling_pct=1e12)
    n = draw(st.integers(min_value=2, max_value=6))
    bids, panel = [], []
    for i in range(n):
        name = f"b{i}"
        bids.append(bid(name, draw(st.sampled_from(PRICES)), {"M1": draw(st.sampled_from([0.0, 0.5, 1.0, 1.2, 2.0]))}))
        marks = {"Q1": draw(st.integers(0, 5))} | ({"SV1": draw(st.integers(0, 5))} if share < 100 else {})
        panel += scores(name, **marks)
    return r, bids, panel


def winner_of(r: Rubric, bids: list[Bid], panel: list[PanelScore]) -> str:
    w = score_tender(r, VALUES, bids, panel).winner
    return w.bid_id if w else ""


def moved(panel: list[PanelScore], bid_id: str, code: str, score: float) -> list[PanelScore]:
    return [p.model_copy(update={"score": score}) if (p.bid_id, p.code) == (bid_id, code) else p for p in panel]


def every_score_step(r: Rubric, result: TenderResult, panel: list[PanelScore]) -> set[tuple[str, str, float]]:
    """Every one-step move the Decision looks at (the winner down; every other ranked tender up, near the
    winner or not; a tender excluded by one hurdle up on it), as (bid, question, new score)."""
    winner = result.winner
    assert winner is not None
    given = {(p.bid_id, p.code): p.score for p in panel}
    below: dict[str, list[str]] = {}
    for q in result.questions:
        if q.below_minimum:
            below.setdefault(q.bid_id, []).append(q.code)
    out = set()
    for b in result.bids:
        if b.bid_id == winner.bid_id:
            codes, step = [q.code for q in r.all_questions()], -1
        elif b.status is BidStatus.RANKED:
            codes, step = [q.code for q in r.all_questions()], +1
        elif b.status is BidStatus.EXCLUDED and len(below.get(b.bid_id, [])) == 1:
            codes, step = below[b.bid_id], +1
        else:
            continue
        for code in codes:
            score = given[(b.bid_id, code)] + step
            if 0 <= score <= 5:
                out.add((b.bid_id, code, score))
    return out


@settings(max_examples=30, deadline=None)
@given(tenders())
def test_every_reported_change_is_what_the_whole_engine_says(case: tuple[Rubric, list[Bid], list[PanelScore]]) -> None:
    r, bids, panel = case
    result = score_tender(r, VALUES, bids, panel)
    d = decide(r, VALUES, bids, panel, result)
    if d.status != "decided":
        return
    w = d.winner_id
    by_id = {b.bid_id: b for b in bids}

    # one-step score moves: exactly those that the whole engine says change the winner
    flips = set()
    for bid_id, code, score in every_score_step(r, result, panel):
        new = winner_of(r, bids, moved(panel, bid_id, code, score))
        if new != w:
            flips.add((bid_id, code, new))
    assert {(c.bid_id, c.question, c.new_winner) for c in d.changes if c.kind == "score-step"} == flips

    # the runner-up's price: another winner at the price found, the same one a penny above it
    prices = [c for c in d.changes if c.kind == "price"]
    assert len(prices) <= 1
    price = prices[0] if prices else None

    def at(pence: float) -> list[Bid]:
        return [b.model_copy(update={"price": pence}) if b.bid_id == d.runner_up_id else b for b in bids]

    if price is not None:
        assert isinstance(price.after, float)
        assert winner_of(r, at(price.after), panel) == price.new_winner != w
        assert winner_of(r, at(round(price.after + 0.01, 2)), panel) == w
    elif by_id[d.runner_up_id].price is not None:
        assert winner_of(r, at(0.01), panel) == w

    # each criterion's weight: another winner at the move found, the same one 0.01 point short of it
    for c in (c for c in d.changes if c.kind == "weight"):
        criterion = next(k for k in r.criteria if k.name == c.criterion)
        assert isinstance(c.after, float) and c.amount is not None
        assert winner_of(r.reweighted(criterion.id, c.after), bids, panel) == c.new_winner
        short = c.after - (0.01 if c.amount > 0 else -0.01)
        if abs(short - criterion.weight) > 1e-9:
            assert winner_of(r.reweighted(criterion.id, short), bids, panel) == w

    # each other published price method
    methods = {
        "lowest-over-bid": LowestOverBid(),
        "relative-to-mean": RelativeToMean(method="relative-to-mean"),
        "linear-deduction": LinearDeduction(method="linear-deduction"),
        "price-per-quality-point": PricePerQualityPoint(method="price-per-quality-point"),
    }
    for name, m in methods.items():
        if name == r.price_method.method:
            continue
        new = winner_of(r.model_copy(update={"price_method": m}), bids, panel)
        reported = [c.new_winner for c in d.changes if c.kind == "price-method" and c.after == name]
        assert reported == ([] if new == w else [new])
