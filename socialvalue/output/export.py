"""Machine-readable results: JSON (everything) and CSV (one row per bid), written atomically."""

from __future__ import annotations

import csv
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from socialvalue import __version__
from socialvalue.scoring import TenderResult

from .atomic import atomic_path
from .safe import csv_text

CSV_COLUMNS = (
    "rank", "bid_id", "supplier", "status", "status_reason", "price", "price_points", "quality_points",
    "sv_gross", "sv_net", "sv_percent_of_price", "sv_quant_points", "sv_qual_points", "total", "flags", "sha256", "value_set",
)  # fmt: skip


STDOUT = "-"
"""A target of ``-`` means standard output (for pipes: ``socialvalue score … --json - | jq …``)."""


def write_json(result: TenderResult, target: Path, inputs: Sequence[Path] = ()) -> Path:
    payload: dict[str, Any] = {"tool": f"socialvalue {__version__}", **result.model_dump(mode="json")}
    if str(target) == STDOUT:
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False, allow_nan=False) + "\n")
        return target
    with atomic_path(target, inputs) as tmp:
        # allow_nan=False: JSON has no inf or NaN, and scoring never makes one; if it did, that is a bug to see
        tmp.write_text(json.dumps(payload, indent=2, ensure_ascii=False, allow_nan=False), encoding="utf-8")
    return target


def _cell(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):  # scoring never makes one: a bug to see, not to write
        raise ValueError(f"not a finite number in the CSV export: {value!r} (a bug: please report it)")
    if isinstance(value, str):
        return csv_text(value)
    if isinstance(value, list):
        return csv_text("; ".join(str(v) for v in value))
    return "" if value is None else value


def write_csv(result: TenderResult, target: Path, inputs: Sequence[Path] = ()) -> Path:
    """One row per bid; text that a spreadsheet could run as a formula is neutralised. ``-``: standard output."""

    def rows(fh: TextIO) -> None:
        writer = csv.writer(fh)
        writer.writerow(CSV_COLUMNS)
        for b in result.bids:
            # the flags' words only: dumping the flags through their union could lose a Ctrl-C (pydantic retries
            # another member of the union when one fails, KeyboardInterrupt included)
            data = {
                **b.model_dump(exclude={"flags"}),
                "flags": [f.text for f in b.flags],
                "value_set": result.value_set,
            }
            writer.writerow([_cell(data.get(col)) for col in CSV_COLUMNS])

    if str(target) == STDOUT:
        rows(sys.stdout)
        return target
    with atomic_path(target, inputs) as tmp, tmp.open("w", newline="", encoding="utf-8") as fh:
        rows(fh)
    return target
