"""Small rubrics, value sets and bids built in code, for hand-worked scoring examples."""

from __future__ import annotations

from typing import Any

from socialvalue.bid import Answer, Bid, Commitment, GateAnswer, PanelScore
from socialvalue.problems import CellRef
from socialvalue.rubric import ProxyValue, Rubric, ValueSet

VALUES = ValueSet(
    id="test-values",
    values=[
        ProxyValue(code="fte", unit="FTE-year", value_gbp=20_000, source="test"),
        ProxyValue(code="hour", unit="hour", value_gbp=20, source="test"),
        ProxyValue(code="gbp", unit="GBP", value_gbp=0.5, source="test"),
    ],
)


def rubric(
    weights: tuple[float, float, float] = (40, 40, 20),
    price_method: dict[str, Any] | None = None,
    sv_method: dict[str, Any] | None = None,
    quant_share: float = 100,
    measures: list[dict[str, Any]] | None = None,
    gates: bool = False,
    minimum: float | None = None,
    tie_break: list[str] | None = None,
    ceiling_pct: float | None = None,
) -> Rubric:
    """Price / quality (one question Q1 on 0-5) / social value (measures; plus question SV1 if quant_share < 100)."""
    themes: dict[str, Any] = {
        "id": "t1",
        "name": "Theme one",
        "measures": measures
        or [
            {"code": "M1", "description": "Local jobs", "unit": "FTE-year", "value_ref": "fte"},
            {"code": "M2", "description": "Training", "unit": "hour", "value_ref": "hour"},
        ],
    }
    if quant_share < 100:
        themes["questions"] = [{"code": "SV1", "text": "Plan", "weight": 100}]
    if gates:
        themes["gates"] = [{"code": "G1", "text": "Carbon Reduction Plan"}]
    data: dict[str, Any] = {
        "id": "test",
        "title": "Test rubric",
        "criteria": [
            {"id": "price", "name": "Price", "kind": "price", "weight": weights[0]},
            {"id": "quality", "name": "Quality", "kind": "quality", "weight": weights[1]},
            {"id": "sv", "name": "Social value", "kind": "social_value", "weight": weights[2]},
        ],
        "price_method": price_method or {"method": "lowest-over-bid"},
        "quality": {"questions": [{"code": "Q1", "text": "Delivery", "weight": 100, "minimum_score": minimum}]},
        "social_value": {
            "value_set": "test-values",
            "quantitative_share_pct": quant_share,
            "quantitative_method": sv_method or {"method": "relative-to-best", "basis": "gbp"},
            "themes": [themes],
        },
    }
    if tie_break is not None:
        data["tie_break"] = tie_break
    if ceiling_pct is not None:
        data["ceiling_pct_of_price"] = ceiling_pct
    return Rubric.model_validate(data)


def bid(
    name: str,
    price: float | None,
    commitments: dict[str, float | None] | None = None,
    gates: dict[str, bool | None] | None = None,
) -> Bid:
    return Bid(
        bid_id=f"{name}.xlsx",
        file=f"{name}.xlsx",
        supplier_name=name,
        price=price,
        commitments={
            code: Commitment(code=code, quantity=q, cell=CellRef("Commitments", i + 4, 4))
            for i, (code, q) in enumerate((commitments or {}).items())
        },
        answers={"Q1": Answer(code="Q1", text="answer", words=1)},
        gates={code: GateAnswer(code=code, passed=p) for code, p in (gates or {}).items()},
    )


def scores(bid_name: str, **by_code: float) -> list[PanelScore]:
    return [PanelScore(bid_id=f"{bid_name}.xlsx", code=c, score=s, reason=f"reason {c}") for c, s in by_code.items()]
