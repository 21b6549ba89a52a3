"""One bid cannot silently move the others: only its finite, plausible values take part in the comparison.

Commitments are scored relative to the best compared bid, so the guard on them sits in the scoring
path (socialvalue/scoring/plausible.py). These properties hold for any bid, however it was built.
"""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socialvalue.bid import LARGEST, Bid, Commitment
from socialvalue.problems import CellRef
from socialvalue.rubric import Rubric
from socialvalue.scoring import TenderResult, score_tender
from tests.builders import VALUES, bid, rubric, scores

MEASURES: list[dict[str, Any]] = [
    {"code": "M1", "description": "Local jobs", "unit": "FTE-year", "value_ref": "fte", "max": 500},
    {"code": "M2", "description": "Training", "unit": "hour", "value_ref": "hour"},
    {"code": "M3", "description": "Local spend", "unit": "GBP", "value_ref": "gbp", "cap": 1_000_000},
    {"code": "C1", "description": "School visits (a count)", "unit": "hour"},
]

honest_bids = st.lists(
    st.tuples(
        st.floats(min_value=100_000, max_value=10_000_000),  # price
        st.floats(min_value=0, max_value=20),  # M1 FTE-years
        st.floats(min_value=0, max_value=2_000),  # M2 hours
        st.floats(min_value=0, max_value=100_000),  # M3 £
        st.sampled_from([2, 3, 4, 5]),  # Q1 score
    ),
    min_size=1,
    max_size=5,
)
anything = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e308, -1e308, 1e15, 1e300, 5e-324, -1.0, 0.0, 501.0, 1e6, 1e9]),
    st.floats(min_value=0, max_value=1e7),
)
hostile_bid = st.tuples(
    st.one_of(
        st.none(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.floats(min_value=1, max_value=1e9),
        st.sampled_from([math.inf, math.nan, 0.0, -5.0, 1e-300, 1e300]),
    ),  # price
    st.fixed_dictionaries({"M1": anything, "M2": anything, "M3": anything, "C1": anything}),
    st.sampled_from([2, 3, 4, 5]),
)


def _tender(r: Rubric, honest: list[tuple[float, float, float, float, int]], extra: Bid | None, q: int) -> TenderResult:
    bids, panel = [], []
    for i, (price, m1, m2, m3, score) in enumerate(honest):
        bids.append(bid(f"h{i}", price, {"M1": m1, "M2": m2, "M3": m3}))
        panel += scores(f"h{i}", Q1=score)
    if extra is not None:
        bids.append(extra)
        panel += scores("x", Q1=q)
    return score_tender(r, VALUES, bids, panel)


def _hostile(price: float | None, quantities: dict[str, float | None]) -> Bid:
    b = bid("x", price)
    return b.model_copy(
        update={
            "commitments": {
                c: Commitment(c, q, cell=CellRef("Commitments", i + 4, 4))
                for i, (c, q) in enumerate(quantities.items())
            }
        }
    )


def _usable(price: float | None) -> bool:
    return price is not None and 0 < price < LARGEST


def _plausible(r: Rubric, code: str, quantity: float | None, price: float | None) -> bool:
    """The rule, stated independently of the engine: finite, within [min, max], gross £ ≤ ceiling % of price."""
    if quantity is None or not math.isfinite(quantity) or quantity < 0 or quantity >= LARGEST:
        return False
    m = next(m for _, m in r.measures() if m.code == code)
    if m.max is not None and quantity > m.max:
        return False
    value = VALUES.get(m.value_ref) if m.value_ref else None
    if value is not None and _usable(price):
        assert price is not None
        return quantity * value.value_gbp <= price * r.ceiling_pct_of_price / 100
    return True


def _others(result: TenderResult) -> dict[str, tuple[Any, ...]]:
    return {
        b.bid_id: (b.status, b.price_points, b.sv_quant_points, b.total, b.rank)
        for b in result.bids
        if b.bid_id != "x.xlsx"
    }


def _finite_everywhere(result: TenderResult) -> None:
    json.dumps(result.model_dump(mode="json"), allow_nan=False)  # raises on inf or NaN anywhere


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(honest=honest_bids, hostile=hostile_bid, ceiling=st.sampled_from([None, 10.0, 100.0, 300.0]))
def test_one_bid_moves_the_others_only_by_its_finite_plausible_values(
    honest: list[tuple[float, float, float, float, int]],
    hostile: tuple[float | None, dict[str, float | None], int],
    ceiling: float | None,
) -> None:
    r = rubric(measures=MEASURES, ceiling_pct=ceiling)
    price, quantities, q = hostile
    with_it = _tender(r, honest, _hostile(price, quantities), q)
    _finite_everywhere(with_it)

    # 1. what was counted from the added bid is finite and plausible, and nothing else was counted
    for line in with_it.measures:
        if line.bid_id == "x.xlsx":
            assert line.counted == _plausible(r, line.code, quantities[line.code], price), line
            assert math.isfinite(line.counted_quantity) and (line.gross is None or math.isfinite(line.gross))

    # 2. the others' points are what they would be if the bid had given only its plausible values
    plausible = {c: (v if _plausible(r, c, v, price) else None) for c, v in quantities.items()}
    sanitised = _tender(r, honest, _hostile(price if _usable(price) else None, plausible), q)
    assert _others(with_it) == _others(sanitised)

    # 3. a bid with nothing plausible and no usable price moves nobody
    if not _usable(price):
        assert _others(with_it) == _others(_tender(r, honest, None, q))


@settings(max_examples=60, deadline=None)
@given(honest=honest_bids, quantity=st.sampled_from([math.inf, math.nan, 1e308, 1e20, 1e9]))
def test_an_absurd_quantity_never_takes_the_honest_bids_points(
    honest: list[tuple[float, float, float, float, int]], quantity: float
) -> None:
    """The failure seen: one bid's 1e308 took every social value point; now it is not counted at all."""
    r = rubric(measures=MEASURES)
    alone = _tender(r, honest, None, 3)
    with_it = _tender(r, honest, _hostile(1_000_000, {"M1": quantity, "M2": quantity, "M3": quantity}), 3)
    hostile = next(b for b in with_it.bids if b.bid_id == "x.xlsx")
    assert hostile.sv_scored == 0 and hostile.sv_quant_points == 0
    assert all(f"{p.field}" in ("M1", "M2", "M3") for p in with_it.problems if p.code == "implausible-value")
    before = {b.bid_id: b.sv_quant_points for b in alone.bids}
    after = {b.bid_id: b.sv_quant_points for b in with_it.bids if b.bid_id != "x.xlsx"}
    assert after == before
