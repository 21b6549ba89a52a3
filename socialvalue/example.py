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
from socialvalue.problems import Problem
from socialvalue.rubric import data_dir, load_rubric

DETAILS = "tender-details.yaml"
"""The example's tender details, copied beside its bids."""
DELIVERY = "delivery.yaml"
"""What the example's winning supplier reports it delivered, by quarter and KPI code (for its delivery returns)."""


class NoExampleFigures(ValueError):
    """An issued file is not a delivery return, or is one for a quarter the example has no figures for."""


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


def _issued_return(path: Path) -> tuple[str, str, list[str]]:
    """The contract, quarter and KPI codes of a delivery return issued from the store, read as every return is
    read (the guard, its hidden record, its rows by KPI code)."""
    from socialvalue.contracts import return_layout as R
    from socialvalue.intake.rows import keyed_rows
    from socialvalue.intake.workbook import open_workbook, read_grid, read_meta

    problems: list[Problem] = []
    wb = open_workbook(path, problems, areas=R.return_areas()).wb
    meta = read_meta(wb, path.name, problems) if wb is not None else None
    grid = read_grid(wb, path.name, R.DELIVERY, problems) if wb is not None and meta else None
    if meta is None or meta.get("kind") != R.RETURN_KIND or grid is None:
        why = f": {problems[0]}" if problems else ""
        raise NoExampleFigures(f"{path.name} is not a delivery return made by `socialvalue template --return`{why}")
    codes = [row.key[0] for row in keyed_rows(grid, [R.RET_CODE.index], R.FIRST_ROW - 1)]
    return meta.get("contract", ""), meta.get("period", ""), codes


def fill_example_returns(issued: Path, folder: Path) -> list[Path]:
    """Fill each delivery return in ``issued`` as the example's supplier would (``templates/example/delivery.yaml``),
    into ``folder`` (new or empty), under the same file names: the returns a contract manager then ingests.

    Every KPI the return asks for gets a delivered figure (0 where the example names none: a delivered cell is
    never left blank), with its evidence and reference when above 0. Raises :class:`NoExampleFigures` for a file
    that is not a delivery return or is one for a quarter the example has no figures for; nothing is written then.
    """
    from socialvalue.contracts.fill import fill_return
    from socialvalue.output.atomic import atomic_dir

    spec: dict[str, Any] = yaml.safe_load((data_dir("templates") / "example" / DELIVERY).read_text(encoding="utf-8"))
    files = sorted(p for p in issued.iterdir() if p.is_file() and p.suffix.lower() == ".xlsx")
    if not files:
        raise NoExampleFigures(f"{issued} holds no delivery returns (.xlsx) to fill")
    plans = []
    for path in files:
        contract, period, codes = _issued_return(path)
        figures = spec["delivered"].get(period)
        if figures is None:
            known = ", ".join(spec["delivered"])
            raise NoExampleFigures(
                f"{path.name} is {contract}'s return for {period}: the example has figures for {known} only"
            )
        delivered = {code: figures.get(code, 0) for code in codes}
        notes = {code: spec["evidence"].get(code, ["Supplier's records, {period}", "{period}"]) for code in codes}
        evidence = {c: notes[c][0].format(period=period) for c in codes if delivered[c]}
        references = {c: notes[c][1].format(period=period) for c in codes if delivered[c]}
        plans.append((path, delivered, evidence, references))
    with atomic_dir(folder, inputs=files) as work:
        for path, delivered, evidence, references in plans:
            fill_return(path, work / path.name, delivered, evidence, references)
    return [folder / path.name for path, *_ in plans]
