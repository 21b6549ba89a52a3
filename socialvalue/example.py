"""Build the bundled example tender (``templates/example/tender.yaml``): filled bids and panel scores.

Uses the same path as a real tender: the response template is generated from the rubric, then
filled cell by cell as a supplier would (:mod:`socialvalue.fill`).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from socialvalue.fill import fill_consensus, fill_response
from socialvalue.rubric import data_dir, load_rubric

DETAILS = "tender-details.yaml"
"""The example's tender details, copied beside its bids."""


@dataclass
class ExampleTender:
    rubric: str
    bids_dir: Path
    bids: list[Path]
    consensus: Path
    details: Path
    """The tender details (buyer, reference, contact, standstill) the letters take their fields from."""


def example_spec() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(
        (data_dir("templates") / "example" / "tender.yaml").read_text(encoding="utf-8")
    )
    return data


def build_example(folder: Path) -> ExampleTender:
    """Make the example tender in ``folder``, which must be new or empty (it is never written into a real tender).

    Everything is made in a temporary folder beside it and renamed into place at the end: an
    interrupted run leaves nothing half-made.
    """
    from socialvalue.batch import consensus_template, list_bid_files
    from socialvalue.output.atomic import atomic_dir
    from socialvalue.output.template import write_response_template

    spec = example_spec()
    source, problems = load_rubric(spec["rubric"])
    if source is None:
        raise RuntimeError("; ".join(str(p) for p in problems))  # a broken bundled rubric is a bug
    bid_files: list[str] = []
    with atomic_dir(folder) as work:
        bids_dir = work / "bids"
        bids_dir.mkdir()
        with tempfile.TemporaryDirectory() as tmp:
            template = write_response_template(source.rubric, source.value_set, Path(tmp) / "response.xlsx")
            for bid in spec["bids"]:
                fill_response(
                    template,
                    bids_dir / bid["file"],
                    supplier=bid.get("supplier"),
                    commitments=bid.get("commitments"),
                    evidence=bid.get("evidence"),
                    answers=bid.get("answers"),
                    gates=bid.get("gates"),
                )
                bid_files.append(bid["file"])
        for other in spec.get("not_workbooks", []):
            (bids_dir / other["file"]).write_text(other["text"], encoding="utf-8")
            bid_files.append(other["file"])
        files, _ = list_bid_files(bids_dir)
        blank = work / "consensus-blank.xlsx"
        consensus_template(files, source.rubric, blank)
        scores = {
            (bid["file"], code): (s[0], s[1]) for bid in spec["bids"] for code, s in bid.get("scores", {}).items()
        }
        fill_consensus(blank, work / "consensus.xlsx", scores)
        blank.unlink()
        (work / DETAILS).write_bytes((data_dir("templates") / "example" / DETAILS).read_bytes())
    return ExampleTender(
        rubric=spec["rubric"],
        bids_dir=folder / "bids",
        bids=[folder / "bids" / name for name in bid_files],
        consensus=folder / "consensus.xlsx",
        details=folder / DETAILS,
    )
