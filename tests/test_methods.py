"""Every scoring method variant's Excel formula, recalculated, gives the points the Python gave.

One parametrised case per entry of the method registries (:data:`PRICE_RULES`, :data:`SV_RULES`) and each of
a method's ``variants``: adding a method (one class) adds its cases here without another line. Each case scores
a small tender under a rubric using that method, writes the results workbook, and recalculates it with the
``formulas`` package and (all cases in one run) with LibreOffice.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from xlsxwriter.utility import xl_col_to_name

from socialvalue.output.results import AuditInfo, write_results
from socialvalue.output.sheets import CLASSIC_FUNCTIONS
from socialvalue.rubric import Rubric
from socialvalue.rubric.models import PriceMethod, SvMethod, method_literals
from socialvalue.scoring import TenderResult, score_tender
from socialvalue.scoring.methods import PRICE_RULES, SV_RULES, PriceCells, PriceRule, SvRule, price_rule, sv_rule

from .builders import VALUES, bid, rubric, scores
from .recalc import formula_cells, recalc_formulas_package, recalc_libreoffice_all, same, soffice

# four bids far enough apart that every branch is taken: the lowest price, one at the mean, one so far above
# that a deduction or the mean rule gives 0, and social value £ from nothing to above a £50,000 target
TENDER: list[tuple[str, float, dict[str, float | None], float]] = [
    ("alpha", 1_000_000, {"M1": 1, "M2": 100}, 4),
    ("beta", 1_150_000, {"M1": 3, "M2": 0}, 5),
    ("gamma", 1_400_000, {"M1": 0, "M2": 0}, 3),
    ("delta", 2_900_000, {"M1": 4, "M2": 500}, 2),
]


@dataclass(frozen=True)
class Case:
    kind: str  # "price" or "sv"
    method: str
    variant: dict[str, Any]

    @property
    def id(self) -> str:
        extra = "-".join(f"{k}={v}" for k, v in self.variant.items())
        return f"{self.kind}-{self.method}" + (f"-{extra}" if extra else "")

    def rubric(self) -> Rubric:
        spec = {"method": self.method, **self.variant}
        return rubric(price_method=spec) if self.kind == "price" else rubric(sv_method=spec, quant_share=50)


CASES = [Case("price", key, dict(variant)) for key, rule in PRICE_RULES.items() for variant in rule.variants] + [
    Case("sv", key, dict(variant)) for key, rule in SV_RULES.items() for variant in rule.variants
]


def test_every_method_has_a_case() -> None:
    """The registries hold every method a rubric can name (the cases come from them)."""
    assert {c.method for c in CASES if c.kind == "price"} == method_literals(PriceMethod) == set(PRICE_RULES)
    assert {c.method for c in CASES if c.kind == "sv"} == method_literals(SvMethod) == set(SV_RULES)


def _score(case: Case) -> tuple[Rubric, TenderResult]:
    r = case.rubric()
    bids = [bid(name, price, commitments) for name, price, commitments, _ in TENDER]
    panel = [s for name, _, _, q in TENDER for s in scores(name, Q1=q, SV1=q)]
    return r, score_tender(r, VALUES, bids, panel)


@dataclass
class Written:
    case: Case
    rubric: Rubric
    result: TenderResult
    path: Path


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Written]:
    folder = tmp_path_factory.mktemp("methods")
    out: dict[str, Written] = {}
    for case in CASES:
        r, result = _score(case)
        path = write_results(result, r, VALUES, folder / f"{case.id}.xlsx", [], AuditInfo())
        out[case.id] = Written(case, r, result, path)
    return out


@pytest.fixture(scope="module")
def libreoffice(written: dict[str, Written], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if soffice() is None:
        pytest.skip("LibreOffice is not installed (CI installs it: .ci/run)")
    copies = recalc_libreoffice_all([w.path for w in written.values()], tmp_path_factory.mktemp("lo"))
    return {key: copies[w.path] for key, w in written.items()}


def _summary(path: Path) -> tuple[dict[str, int], dict[str, int]]:
    """The Summary's column (1-based) for each heading, and its row (1-based) for each bid file."""
    ws = load_workbook(path)["Summary"]
    header_row = next(r for r in range(1, 10) if ws.cell(r, 1).value == "Rank")
    cols = {str(c.value): c.column for c in ws[header_row] if c.value}
    bid_col = cols["Bid file"]
    rows = {
        str(ws.cell(r, bid_col).value): r for r in range(header_row + 1, ws.max_row + 1) if ws.cell(r, bid_col).value
    }
    return cols, rows


def _column(cols: dict[str, int], starts: str) -> str:
    (col,) = [c for heading, c in cols.items() if heading.startswith(starts)]
    return str(xl_col_to_name(col - 1))


def _points_cells(w: Written) -> dict[str, tuple[str, float | None, str]]:
    """Bid → (the Summary cell of the method's points, the Python's points, the formula the method object writes)."""
    cols, rows = _summary(w.path)
    first, last = min(rows.values()), max(rows.values())
    out: dict[str, tuple[str, float | None, str]] = {}
    if w.case.kind == "price":
        rule: PriceRule | SvRule = price_rule(w.rubric.price_method)
        price, points = _column(cols, "Compared price"), _column(cols, "Price points")
        ratio = _column(cols, "Price per point") if isinstance(rule, PriceRule) and rule.reads_other_points else ""
        for b in w.result.bids:
            row = rows[b.bid_id]
            cells = PriceCells(
                f"{price}{row}", f"${price}${first}:${price}${last}",
                f"{ratio}{row}" if ratio else "", f"${ratio}${first}:${ratio}${last}" if ratio else "",
            )  # fmt: skip
            out[b.bid_id] = (f"{points}{row}", b.price_points, price_rule(w.rubric.price_method).formula(cells))
    else:
        sv = w.rubric.social_value
        assert sv is not None
        basis, points = _column(cols, "Social value compared"), _column(cols, "SV commitments points")
        for b in w.result.bids:
            row = rows[b.bid_id]
            formula = sv_rule(sv.quantitative_method).formula(f"{basis}{row}", f"${basis}${first}:${basis}${last}")
            out[b.bid_id] = (f"{points}{row}", b.sv_quant_points, formula)
    return out


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_the_method_formula_is_the_method_objects_and_recomputes_in_python(
    case: Case, written: dict[str, Written]
) -> None:
    w = written[case.id]
    cells = formula_cells(w.path)
    recomputed = recalc_formulas_package(w.path)
    points = _points_cells(w)
    assert len({p for _, p, _ in points.values()}) > 1, "the tender should give the bids different points"
    for bid_id, (cell, python, formula) in points.items():
        written_formula, stored = cells[("Summary", cell)]
        assert written_formula == formula, bid_id  # written by the method object, not re-derived
        assert python is not None and same(stored, python), (bid_id, stored, python)
        assert same(recomputed[("SUMMARY", cell)], python), (bid_id, cell, recomputed[("SUMMARY", cell)], python)
    wrong = [
        f"{sheet}!{ref} {f}: stored {cached!r}, recomputed {recomputed.get((sheet.upper(), ref))!r}"
        for (sheet, ref), (f, cached) in cells.items()
        if not same(cached, recomputed.get((sheet.upper(), ref)))
    ]
    assert not wrong, "\n".join(wrong[:20])


@pytest.mark.libreoffice
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_the_method_formula_recomputes_in_libreoffice(
    case: Case, written: dict[str, Written], libreoffice: dict[str, Path]
) -> None:
    w = written[case.id]
    values = load_workbook(libreoffice[case.id], data_only=True)["Summary"]
    for bid_id, (cell, python, _) in _points_cells(w).items():
        assert same(values[cell].value, python), (bid_id, cell, values[cell].value, python)
    stored = formula_cells(w.path)
    recalculated = load_workbook(libreoffice[case.id], data_only=True)
    wrong = [
        f"{sheet}!{ref} {f}: stored {cached!r}, LibreOffice {recalculated[sheet][ref].value!r}"
        for (sheet, ref), (f, cached) in stored.items()
        if not same(cached, recalculated[sheet][ref].value)
    ]
    assert not wrong, "\n".join(wrong[:20])


def test_the_formulas_use_only_classic_functions(written: dict[str, Written]) -> None:
    """ClassicFormulaWorksheet skips XlsxWriter's search for Excel 365 function names: none may be used."""
    import re

    used = {
        name
        for w in written.values()
        for formula, _ in formula_cells(w.path).values()
        for name in re.findall(r"([A-Z][A-Z0-9.]*)\(", re.sub(r"'[^']*'", "", formula))
    }
    assert used and used <= CLASSIC_FUNCTIONS, used - CLASSIC_FUNCTIONS
