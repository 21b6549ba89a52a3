"""The local-spend workbook: every total a live formula over the rows behind it, every row read accounted for.

Sheets: Summary (the local share, where every row went, a chart), By organisation, By place, By supplier
type, By month (with a chart), Where it lands, LM3, Employment, Lines (rows and £ per organisation, month,
supplier type, kind and category: the table every total adds up), Suppliers (each supplier's match, postcode and
payments), Set aside (the rows not counted as a placed payment: listed in a CSV file written beside the
workbook, and on the sheet too when there are few), Suppliers to add, Errors (every problem found) and Method.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from socialvalue import __version__
from socialvalue.output.atomic import atomic_path, together
from socialvalue.output.safe import WORKBOOK_OPTIONS
from socialvalue.output.sheets import ResultsWorkbook

from . import listings
from .figures import Figures
from .models import LocalSpendResult
from .writer import Writer


def set_aside_path(target: Path) -> Path:
    """Where the set-aside listing of the workbook ``target`` goes: ``local-spend-set-aside.csv`` beside it."""
    return target.with_name(f"{target.stem}-set-aside.csv")


def write_workbook(
    result: LocalSpendResult,
    target: Path,
    inputs: Sequence[Path] = (),
    command: str = "",
    overwrite: bool = False,
    html: Path | None = None,
) -> Path:
    """Write the workbook, beside it the CSV listing of the rows set aside and, when ``html`` is given, the
    local-spend page (:mod:`.report`): all of them, renamed into place together, or none; never over any of
    ``inputs``. The workbook and the page name the CSV file and its SHA-256, and show the same figures."""
    listing = set_aside_path(target)
    with together(overwrite=overwrite):
        with atomic_path(listing, inputs) as tmp_csv:
            result.set_aside.write_csv(tmp_csv)
            sha256 = hashlib.sha256(tmp_csv.read_bytes()).hexdigest()
        fig = _write(result, target, inputs, command, listing, sha256)
        if html is not None:
            from socialvalue.output.reportkit import write_report_html

            from .report import local_spend_report

            write_report_html(local_spend_report(result, fig, target, listing, sha256, command), html, inputs)
    return target


def _write(result: LocalSpendResult, target: Path, inputs: Sequence[Path], command: str, listing: Path, sha256: str) -> Figures:  # fmt: skip
    with atomic_path(target, inputs) as tmp:
        wb = ResultsWorkbook(str(tmp), {**WORKBOOK_OPTIONS, "constant_memory": True})
        w = Writer(wb, result)
        summary = w.summary()
        for b in w.figures.breakdowns:
            w.breakdown(b)
        w.landing()
        listings.lm3(w)
        if result.employment:
            listings.employment(w)
        w.lines()
        listings.suppliers(w)
        listings.set_aside(w, listing, sha256)
        listings.unmatched(w)
        listings.problems(w)
        listings.method(w, command, listing, sha256)
        summary.activate()
        wb.set_properties({"title": "Local spend", "comments": f"socialvalue {__version__}"})
        wb.close()
    return w.figures
