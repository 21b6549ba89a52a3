"""TenderResult.to_pandas(): the scored example tender as tidy DataFrames, agreeing with the JSON export."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from socialvalue.batch import Batch
from socialvalue.output.export import write_json
from socialvalue.scoring import BidStatus, TenderResult
from socialvalue.scoring.flags import FlagKind


def _same(a: object, b: object) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(b, int | float) and isinstance(a, int | float) and a == pytest.approx(b)
    return a == b


def test_bids_are_one_row_each_with_the_json_exports_values(example_batch: Batch, tmp_path: Path) -> None:
    result = example_batch.result
    frames = result.to_pandas()
    exported = json.loads(write_json(result, tmp_path / "r.json").read_text(encoding="utf-8"))
    bids = frames.bids.set_index("bid_id")
    assert list(bids.index) == [b["bid_id"] for b in exported["bids"]]
    for b in exported["bids"]:
        row = bids.loc[b["bid_id"]]
        for key, value in b.items():
            if key in ("bid_id", "flags", "missing_sheets"):
                continue
            assert _same(row[key], value), (b["bid_id"], key, row[key], value)
        assert row["flags"] == "; ".join(
            f["text"] for f in b["flags"]
        )  # this tender's JSON holds them in the shown order
        assert row["missing_sheets"] == "; ".join(b["missing_sheets"])
    low = bids.loc["northwest-facilities.xlsx"]
    assert FlagKind.LOW_PRICE.value in low["flag_kinds"].split("; ")
    assert low["flags"].startswith("abnormally low price: ")
    assert set(bids["status"]) <= {s.value for s in BidStatus}


def test_lines_are_tidy_and_add_up_to_the_bids_figures(example_batch: Batch) -> None:
    result = example_batch.result
    frames = result.to_pandas()
    c, q, g = frames.commitments, frames.questions, frames.gates
    assert (len(c), len(q), len(g)) == (len(result.measures), len(result.questions), len(result.gates))
    assert list(c.columns[:3]) == ["bid_id", "supplier", "theme"]
    assert not c.duplicated(["bid_id", "code"]).any() and not q.duplicated(["bid_id", "code"]).any()
    by_bid = {b.bid_id: b for b in result.bids}
    assert all(c["supplier"] == c["bid_id"].map(lambda x: by_bid[x].supplier))
    counted = c[c["counted"]]
    for bid_id, gross in counted.groupby("bid_id")["gross"].sum().items():
        assert gross == pytest.approx(by_bid[str(bid_id)].sv_gross)
    ranked = [b for b in result.bids if b.status is BidStatus.RANKED]
    assert ranked
    quality = q[q["part"] == "quality"].groupby("bid_id")["points"].sum()
    for b in ranked:
        assert quality[b.bid_id] == pytest.approx(b.quality_points)
    scores = q.pivot(index="bid_id", columns="code", values="score")
    assert set(scores.columns) == {"Q1", "SV1"}


def test_an_empty_tender_gives_empty_frames_with_their_columns(example_batch: Batch) -> None:
    empty = TenderResult.model_validate(
        {**example_batch.result.model_dump(), "bids": [], "measures": [], "questions": [], "gates": []}
    )
    frames = empty.to_pandas()
    for frame in (frames.bids, frames.commitments, frames.questions, frames.gates):
        assert isinstance(frame, pd.DataFrame) and frame.empty and len(frame.columns) > 3
    assert {"bid_id", "total", "rank", "flags", "flag_kinds"} <= set(frames.bids.columns)
    assert {"bid_id", "supplier", "code", "counted_quantity", "net"} <= set(frames.commitments.columns)
