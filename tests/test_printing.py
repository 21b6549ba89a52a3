"""Every workbook the product writes prints as people expect: each kind is printed to PDF by LibreOffice
headless and the pages are counted, their orientation and the sheet on each read from the footer, and the
smallest body type measured (a sheet squeezed onto one page prints at 4 pt; the floor here is 7.5 pt)."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from socialvalue import layout as L
from socialvalue.batch import Batch
from socialvalue.fill import fill_evaluator
from socialvalue.output.consensus import write_consensus_template
from socialvalue.output.results import AuditInfo, write_results
from socialvalue.panel import collect_panel, prepare_panel, write_moderation
from socialvalue.rubric import RubricSource

from .recalc import print_pdf, soffice

pytestmark = pytest.mark.libreoffice

SMALLEST_TYPE = 7.5
"""Points: 11 pt type printed at 75% is 8.25 pt; below 7.5 pt a page is hard to read."""


@dataclass
class Page:
    sheet: str
    landscape: bool
    smallest: float
    """Smallest type on the page, in points, leaving out the footer."""
    text: str
    """The page's text, leaving out the footer (a column too narrow for its number prints as ###)."""


def read_pages(pdf: Path) -> list[Page]:
    from pypdf import PdfReader

    pages = []
    for page in PdfReader(pdf).pages:
        items: list[tuple[float, float, str]] = []  # (height on the page, type size in points, text)

        def visit(
            text: str,
            cm: list[float],
            tm: list[float],
            font: object,
            size: float,
            into: list[tuple[float, float, str]] = items,
        ) -> None:
            if text.strip():
                into.append((tm[4] * cm[1] + tm[5] * cm[3] + cm[5], abs(size * tm[3] * cm[3]), text.strip()))

        page.extract_text(visitor_text=visit)
        bottom = min(y for y, _, _ in items)
        footer = [t for y, _, t in items if abs(y - bottom) < 1]
        sheet = " ".join(footer).split(" Page ")[0].strip()
        body = [(s, t) for y, s, t in items if abs(y - bottom) >= 1]
        box = page.mediabox
        pages.append(
            Page(sheet, float(box.width) > float(box.height), min(s for s, _ in body), " ".join(t for _, t in body))
        )
    return pages


@pytest.fixture(scope="module")
def printed(
    example_batch: Batch, hybrid: RubricSource, hybrid_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, list[Page]]:
    """Every kind of workbook, printed in one LibreOffice run (each run pays its start-up)."""
    if soffice() is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is not installed: .ci/run installs it")
        pytest.skip("LibreOffice is not installed (CI installs it: .ci/run)")
    tmp = tmp_path_factory.mktemp("printing")
    rubric = hybrid.rubric
    batch = example_batch
    bids = batch.bids
    made = {
        "response": hybrid_template,
        "results": write_results(batch.result, rubric, hybrid.value_set, tmp / "results.xlsx", batch.problems, AuditInfo()),
        "consensus": write_consensus_template(rubric, bids, tmp / "consensus.xlsx"),
    }  # fmt: skip
    panel = prepare_panel(bids, rubric, ["A. Shah", "B. Jones"], tmp / "panel", blind=True, key_path=tmp / "key.xlsx")
    returned = tmp / "returned"
    for name, workbook in panel.workbooks.items():
        scores = {(b.label, q.code): (3, f"{name}: meets the requirement") for b in panel.plan.bids for q in rubric.all_questions()}  # fmt: skip
        fill_evaluator(workbook, returned / workbook.name, scores)
    made["evaluator"] = panel.workbooks["A. Shah"]
    made["key"] = tmp / "key.xlsx"
    mod = collect_panel(sorted(returned.iterdir()), rubric, tmp / "key.xlsx")
    made["moderation"] = write_moderation(mod, tmp / "moderation.xlsx", command="test").path
    pdfs = print_pdf(list(made.values()), tmp)
    return {kind: read_pages(pdfs[path.stem]) for kind, path in made.items()}


def sheets(pages: list[Page]) -> Counter[str]:
    return Counter(p.sheet for p in pages)


def test_supplier_response_workbook_prints_one_page_per_sheet(printed: dict[str, list[Page]]) -> None:
    pages = printed["response"]
    assert sheets(pages) == {L.INSTRUCTIONS: 1, L.SUPPLIER: 1, L.COMMITMENTS: 1, L.STATEMENTS: 1, L.GATES: 1}
    assert [p.landscape for p in pages] == [False, True, True, True, True]  # Instructions portrait, tables landscape
    assert min(p.smallest for p in pages) >= SMALLEST_TYPE


def test_results_summary_prints_on_one_page_in_readable_type(printed: dict[str, list[Page]]) -> None:
    pages = printed["results"]
    count = sheets(pages)
    assert count["Summary"] == 1 and count["Decision"] <= 2
    for sheet in ("Measures", "Readings", "Questions", "Gates", "Errors", "Method", "Audit"):
        assert count[sheet] == 1, sheet
    assert all(p.landscape for p in pages)
    summary = next(p for p in pages if p.sheet == "Summary")
    assert summary.smallest >= SMALLEST_TYPE
    assert "Mersey Care Services" in summary.text and "£1,850,000.00" in summary.text
    assert [p.sheet for p in pages if "###" in p.text] == []  # every figure fits its column
    assert min(p.smallest for p in pages) >= SMALLEST_TYPE


def test_panel_workbooks_print_in_readable_type(printed: dict[str, list[Page]]) -> None:
    assert sheets(printed["consensus"]) == {L.CONSENSUS: 1}
    assert sheets(printed["key"]) == {L.PANEL_KEY: 1}
    evaluator = sheets(printed["evaluator"])
    assert evaluator[L.INSTRUCTIONS] == 1
    # ten columns of answers, scales and reasons: too wide for one page across at a readable size, so the rows
    # print on two pages across (bid and question repeated on both): pages come in pairs
    assert evaluator[L.EVALUATION] >= 2 and evaluator[L.EVALUATION] % 2 == 0
    moderation = sheets(printed["moderation"])
    assert moderation[L.PANEL_PROBLEMS] == 1 and moderation[L.PANEL_AUDIT] == 1
    for kind in ("consensus", "key", "evaluator", "moderation"):
        pages = printed[kind]
        assert all(p.landscape for p in pages), kind
        assert min(p.smallest for p in pages) >= SMALLEST_TYPE, kind
