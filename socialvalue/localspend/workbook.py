"""The local-spend workbook: every total a live formula over the rows behind it, every row read accounted for.

Sheets: Summary (the local share, where every row went, a chart), By organisation, By place, By supplier
type, By month (with a chart), Where it lands, LM3, Employment, Lines (payments per organisation, supplier
and month: the rows every total adds up), Suppliers (each supplier's match and postcode), Set aside (each
row not counted as a placed payment), Suppliers to add, Errors (every problem found) and Method. Totals are
SUMIFS over named ranges of the Lines sheet, written with their values.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from socialvalue import __version__
from socialvalue.output.atomic import atomic_path
from socialvalue.output.safe import WORKBOOK_OPTIONS
from socialvalue.output.sheets import ResultsWorkbook

from . import listings
from .models import LocalSpendResult
from .writer import Writer


def write_workbook(result: LocalSpendResult, target: Path, inputs: Sequence[Path] = (), command: str = "") -> Path:
    """Write the local-spend workbook atomically; refuses to overwrite any of ``inputs``."""
    with atomic_path(target, inputs) as tmp:
        wb = ResultsWorkbook(str(tmp), {**WORKBOOK_OPTIONS, "constant_memory": True})
        w = Writer(wb, result)
        summary = w.summary()
        area = result.local_area

        def place_name(code: str) -> str:
            return area.get(code, "")

        orgs: dict[str, str] = {}
        for c in result.spend:
            orgs.setdefault(c.organisation, c.organisation_name)
        w.breakdown("By organisation", "org", "organisation", sorted(orgs), lambda k: orgs.get(k, ""))
        w.breakdown("By place", "place", "place", sorted({c.place for c in result.spend}), place_name)
        w.breakdown(
            "By supplier type", "type", "supplier type", sorted({c.supplier_type for c in result.spend}), lambda k: ""
        )
        months = sorted({c.month for c in result.spend}, key=lambda m: (m == "", m))
        w.breakdown("By month", "month", "month", months, lambda k: "", chart=True)
        w.landing()
        listings.lm3(w)
        if result.employment:
            listings.employment(w)
        w.lines()
        listings.suppliers(w)
        listings.set_aside(w)
        listings.unmatched(w)
        listings.problems(w)
        listings.method(w, command)
        summary.activate()
        wb.set_properties({"title": "Local spend", "comments": f"socialvalue {__version__}"})
        wb.close()
    return target
