"""Fill a delivery return as a supplier would: only the shaded input cells, found by KPI code (for tests and tools)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from openpyxl import load_workbook

from socialvalue.fill import Value, _put, _rows

from . import return_layout as R


def fill_return(
    template: Path,
    target: Path,
    delivered: Mapping[str, Value],
    evidence: Mapping[str, str] | None = None,
    references: Mapping[str, str] | None = None,
) -> Path:
    """Copy ``template`` to ``target`` with the delivered quantities, evidence and references typed in by KPI code."""
    wb = load_workbook(template)
    ws = wb[R.DELIVERY]
    rows = _rows(ws, R.RET_CODE)
    for col, values in ((R.RET_DELIVERED, delivered), (R.RET_EVIDENCE, evidence), (R.RET_REFERENCE, references)):
        for code, value in (values or {}).items():
            _put(ws, rows, code, col, value)
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return target
