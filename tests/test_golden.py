"""Golden outputs: the results workbook and JSON of fixed tenders, compared cell by cell with a recorded copy.

Refactoring must not change what an officer receives. These tenders (the bundled example, and three
bids under each built-in rubric) are scored, written, and reduced to a canonical form: every cell of
every sheet (value, formula, and the sheet it is on) and the JSON export, with only what changes from
run to run left out (times, temporary paths, the tool's version). A difference fails the test and is
shown cell by cell. When a change *means* to alter the outputs, record them again and review the
diff of ``tests/golden/`` in the commit::

    SV_GOLDEN_UPDATE=1 .venv/bin/pytest tests/test_golden.py
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from socialvalue.batch import Batch, score_folder
from socialvalue.example import ExampleTender
from socialvalue.output.export import write_json
from socialvalue.output.results import AuditInfo, write_results
from socialvalue.rubric import RubricSource

from .tenders import three_bid_tender

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("SV_GOLDEN_UPDATE") == "1"
VOLATILE_KEYS = {"generated_at", "tool", "written_at"}
"""JSON keys whose values change from run to run (compared by presence, not value)."""
_TMP = re.compile(r"(/tmp|/private/var|[A-Z]:\\)[^\s'\"]*")
_SHA256 = re.compile(r"\b[0-9a-f]{64}\b")
"""The bid files' own hashes change with the time the test wrote them (a zip stores times)."""


def _scrub(text: str) -> str:
    return _SHA256.sub("<sha256>", _TMP.sub("<tmp>", text))


def _canonical_workbook(path: Path) -> dict[str, list[list[Any]]]:
    formulas = load_workbook(path)
    values = load_workbook(path, data_only=True)
    out: dict[str, list[list[Any]]] = {}
    for ws in formulas.worksheets:
        cached = values[ws.title]
        cells: list[list[Any]] = []
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                value = cached[cell.coordinate].value
                formula = cell.value if isinstance(cell.value, str) and cell.value.startswith("=") else None
                if isinstance(value, float):
                    value = round(value, 9)
                if isinstance(value, str):
                    value = _scrub(value)
                if hasattr(value, "isoformat"):
                    value = "<datetime>"
                cells.append([cell.coordinate, value, formula])
        out[ws.title] = cells
    if "Audit" in out:  # when, which version and which temporary files: the rest of Audit is compared
        out["Audit"] = [c for c in out["Audit"] if not re.search(r"\d{4}-\d\d-\d\dT|socialvalue \d|<tmp>", str(c[1]))]
    return out


def _canonical_json(path: Path) -> Any:
    def clean(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: ("<volatile>" if k in VOLATILE_KEYS else clean(v)) for k, v in sorted(node.items())}
        if isinstance(node, list):
            return [clean(v) for v in node]
        if isinstance(node, float):
            return round(node, 9)
        if isinstance(node, str):
            return _scrub(node)
        return node

    return clean(json.loads(path.read_text(encoding="utf-8")))


def _write(batch: Batch, source: RubricSource, folder: Path) -> dict[str, Any]:
    xlsx = write_results(
        batch.result, source.rubric, source.value_set, folder / "results.xlsx", batch.problems, AuditInfo()
    )
    js = write_json(batch.result, folder / "results.json")
    return {"workbook": _canonical_workbook(xlsx), "json": _canonical_json(js)}


def _json_differences(want: Any, got: Any, path: str) -> list[str]:
    if isinstance(want, dict) and isinstance(got, dict):
        return [
            d for k in sorted(set(want) | set(got)) for d in _json_differences(want.get(k), got.get(k), f"{path}.{k}")
        ]
    if isinstance(want, list) and isinstance(got, list) and len(want) == len(got):
        return [
            d for i, (w, g) in enumerate(zip(want, got, strict=True)) for d in _json_differences(w, g, f"{path}[{i}]")
        ]
    return [] if want == got else [f"{path}: recorded {want!r}, now {got!r}"]


def _compare(name: str, got: dict[str, Any]) -> None:
    path = GOLDEN / f"{name}.json"
    if UPDATE or not path.exists():
        if not UPDATE and os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing: record it with SV_GOLDEN_UPDATE=1 and commit it")
        path.write_text(json.dumps(got, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
        if not UPDATE:
            pytest.skip(f"recorded {path.name} for the first time")
        return
    want = json.loads(path.read_text(encoding="utf-8"))
    got = json.loads(json.dumps(got, ensure_ascii=False))  # the same types as the recorded copy
    differences: list[str] = []
    for sheet in sorted(set(want["workbook"]) | set(got["workbook"])):
        w = {c[0]: c[1:] for c in want["workbook"].get(sheet, [])}
        g = {c[0]: c[1:] for c in got["workbook"].get(sheet, [])}
        if sheet not in got["workbook"] or sheet not in want["workbook"]:
            differences.append(f"sheet {sheet!r}: {'missing now' if sheet not in got['workbook'] else 'new'}")
            continue
        for ref in sorted(set(w) | set(g)):
            if w.get(ref) != g.get(ref):
                differences.append(f"{sheet}!{ref}: recorded {w.get(ref)!r}, now {g.get(ref)!r}")
    differences += _json_differences(want["json"], got["json"], "json")
    assert not differences, f"{len(differences)} difference(s) from {path.name}:\n" + "\n".join(differences[:40])


def test_the_example_tender_gives_the_recorded_outputs(
    example_tender: ExampleTender, hybrid: RubricSource, tmp_path: Path
) -> None:
    batch = score_folder(example_tender.bids_dir, hybrid, [example_tender.consensus])
    _compare("example-tender", _write(batch, hybrid, tmp_path))


@pytest.mark.parametrize("rubric_id", ["nhs-net-zero-sv", "local-measures", "hybrid-commitments-plan"])
def test_each_built_in_rubric_gives_the_recorded_outputs(rubric_id: str, tmp_path: Path) -> None:
    batch, source = three_bid_tender(rubric_id, tmp_path)
    _compare(f"three-bids-{rubric_id}", _write(batch, source, tmp_path))
