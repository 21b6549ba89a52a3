"""A scored tender as pandas DataFrames, for analysts: one tidy table each, one row per observation.

>>> frames = result.to_pandas()                               # or tender_frames(result)
>>> frames.bids.set_index("bid_id")["total"]                  # one row per bid file
>>> frames.commitments.groupby("code")["net"].sum()           # one row per bid per measure
>>> frames.questions.pivot(index="bid_id", columns="code", values="score")

The columns are the fields of :class:`~.results.BidResult`, :class:`~.results.MeasureLine`,
:class:`~.results.QuestionLine` and :class:`~.results.GateLine`, under the same names and with the same
values as the JSON export; each line table also names the bid's supplier. A bid's flags are one column of
their words (in the order the results workbook shows them) and one of their kinds.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .flags import in_order
from .results import BidResult, GateLine, MeasureLine, QuestionLine

if TYPE_CHECKING:
    import pandas as pd

    from .results import TenderResult

BID_LIST_SEPARATOR = "; "
"""Joins a bid's flags (and missing sheets) in one cell, as the CSV export does."""


@dataclass(frozen=True)
class TenderFrames:
    bids: pd.DataFrame
    """One row per bid file: status, price, points by part, total, rank, flags."""
    commitments: pd.DataFrame
    """One row per bid per measure: the quantity committed and counted, gross and net £."""
    questions: pd.DataFrame
    """One row per bid per question: the consensus score and the points it earns."""
    gates: pd.DataFrame
    """One row per bid per pass/fail requirement."""


def _bid_row(b: BidResult) -> dict[str, Any]:
    row = b.model_dump(mode="json", exclude={"flags", "missing_sheets"})
    shown = in_order(b.flags)
    row["flags"] = BID_LIST_SEPARATOR.join(f.text for f in shown)
    row["flag_kinds"] = BID_LIST_SEPARATOR.join(f.kind.value for f in shown)
    row["missing_sheets"] = BID_LIST_SEPARATOR.join(b.missing_sheets)
    return row


def _lines(
    kind: type[MeasureLine] | type[QuestionLine] | type[GateLine],
    lines: list[Any],
    suppliers: dict[str, str],
) -> pd.DataFrame:
    import pandas as pd

    names = [f.name for f in dataclasses.fields(kind)]
    columns = ["bid_id", "supplier", *(n for n in names if n != "bid_id")]
    rows = [{"supplier": suppliers.get(line.bid_id, ""), **dataclasses.asdict(line)} for line in lines]
    return pd.DataFrame(rows, columns=columns)


def tender_frames(result: TenderResult) -> TenderFrames:
    """The scored tender's bids, commitments, questions and gates as DataFrames (pandas is imported here)."""
    import pandas as pd

    bid_columns = [*BidResult.model_fields, "flag_kinds"]
    bids = pd.DataFrame([_bid_row(b) for b in result.bids], columns=bid_columns)
    suppliers = {b.bid_id: b.supplier for b in result.bids}
    return TenderFrames(
        bids=bids,
        commitments=_lines(MeasureLine, result.measures, suppliers),
        questions=_lines(QuestionLine, result.questions, suppliers),
        gates=_lines(GateLine, result.gates, suppliers),
    )
