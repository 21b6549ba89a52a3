"""The supplier's quarterly delivery return workbook, made from the store (layout in :mod:`.return_layout`).

Protected like the response workbook: only the shaded cells (delivered this quarter, evidence and
its reference) are unlocked; the very hidden meta sheet names the contract, quarter and KPI
fingerprint so the reader can tell this return from any other. Delivered to date and the % of the
commitment are live formulas written with their values.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import xlsxwriter
from xlsxwriter.workbook import Workbook

from socialvalue import __version__
from socialvalue.output.atomic import OutputRefused, atomic_path
from socialvalue.output.safe import WORKBOOK_OPTIONS, clean_text
from socialvalue.output.sheets import protect, write_string
from socialvalue.output.template import Styles, _headers, write_meta
from socialvalue.periods import Period
from socialvalue.problems import Problem
from socialvalue.store.engine import Store
from socialvalue.store.returns import return_spec

from . import return_layout as R
from .models import ReturnKpi, ReturnSpec


def counting_note(k: ReturnKpi) -> str:
    if k.unit_value_gbp is None:
        return "Reported as a count; no £ value is given to it"
    net = f"; net of deadweight, displacement and attribution: {k.net_factor:.0%} of gross" if k.net_factor != 1 else ""
    return f"£{k.unit_value_gbp:,.2f} per {k.unit} ({k.value_code}){net}"


def return_meta(spec: ReturnSpec) -> dict[str, str]:
    return {
        "kind": R.RETURN_KIND,
        "layout_version": R.RETURN_LAYOUT_VERSION,
        "contract": spec.contract,
        "period": spec.period,
        "kpi_fingerprint": spec.fingerprint,
        "generator": f"socialvalue {__version__}",
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _instructions(wb: Workbook, spec: ReturnSpec, styles: Styles) -> None:
    ws = wb.add_worksheet(R.INSTRUCTIONS)
    ws.set_column(0, 0, 110)
    period = Period.parse(spec.period)
    quarter = f"{spec.period} ({period.label})" if period else spec.period
    lines = [
        (f"Social value delivery return: {spec.contract}" + (f" {spec.title}" if spec.title else ""), styles.title),
        (f"Buyer: {spec.organisation}", styles.bold),
        (f"Supplier: {spec.supplier}", styles.bold),
        (f"Quarter: {quarter}; the contract runs from {spec.first_period} to {spec.last_period}", styles.bold),
        ("", None),
        ("How to complete this return", styles.bold),
        ("1. Fill in only the shaded cells on the 'Delivery' sheet. Do not add, delete or reorder rows.", styles.wrap),
        (
            "2. 'Delivered this quarter': the quantity delivered in this quarter only, in the unit shown, as a plain "
            "number (e.g. 12.5). Type 0 if nothing was delivered: a blank cell is not accepted.",
            styles.wrap,
        ),
        (
            "3. 'Evidence': what shows it was delivered (payroll extract, attendance register, metered data...). "
            "Required for anything above 0. 'Evidence reference': the document, file name or link the buyer can check.",
            styles.wrap,
        ),
        (
            "4. A return with any mistake is returned to you whole, with every problem listed. A corrected return for "
            "the same quarter replaces the earlier one; the earlier one is kept on record.",
            styles.wrap,
        ),
        (
            "The contract manager grades the evidence: self-reported, documented (documents seen) or verified (checked).",
            styles.wrap,
        ),
    ]
    for i, (text, fmt) in enumerate(lines):
        if text:
            write_string(ws, i, 0, clean_text(text), fmt)
    protect(ws)


def _delivery(wb: Workbook, spec: ReturnSpec, styles: Styles) -> None:
    ws = wb.add_worksheet(R.DELIVERY)
    write_string(ws, 0, 0, f"Delivered in {spec.period}: one row per KPI; fill in the shaded cells", styles.title)
    _headers(ws, R.RETURN_COLUMNS, styles, len(spec.kpis))  # on the response workbook's heading row (R.HEADER)
    ws.set_row(R.HEADER - 1, 45)
    percent = wb.add_format({"num_format": "0%", "valign": "top", "border": 1, "border_color": "#BFBFBF"})
    number = wb.add_format({"num_format": "#,##0.##", "valign": "top", "border": 1, "border_color": "#BFBFBF"})
    for i, k in enumerate(spec.kpis):
        row = R.FIRST_ROW - 1 + i
        a1 = row + 1
        write_string(ws, row, R.RET_CODE.index, k.code, styles.locked)
        write_string(ws, row, R.RET_THEME.index, clean_text(k.theme), styles.locked)
        write_string(ws, row, R.RET_MEASURE.index, clean_text(k.description), styles.locked)
        write_string(ws, row, R.RET_UNIT.index, k.unit, styles.locked)
        ws.write_number(row, R.RET_COMMITTED.index, k.committed, number)
        ws.write_number(row, R.RET_TO_DATE.index, k.commitment_to_date, number)
        ws.write_number(row, R.RET_BEFORE.index, k.delivered_before, number)
        ws.write_blank(row, R.RET_DELIVERED.index, None, styles.input_number)
        ws.write_blank(row, R.RET_EVIDENCE.index, None, styles.input_text)
        ws.write_blank(row, R.RET_REFERENCE.index, None, styles.input_text)
        g, h, f, k_ = (
            f"{c.letter}{a1}" for c in (R.RET_BEFORE, R.RET_DELIVERED, R.RET_TO_DATE, R.RET_DELIVERED_TO_DATE)
        )
        ws.write_formula(row, R.RET_DELIVERED_TO_DATE.index, f"={g}+N({h})", number, k.delivered_before)
        share = k.delivered_before / k.commitment_to_date if k.commitment_to_date else ""
        ws.write_formula(row, R.RET_PERCENT.index, f'=IF({f}>0,{k_}/{f},"")', percent, share)
        write_string(ws, row, R.RET_RULES.index, clean_text(counting_note(k)), styles.locked)
        ws.data_validation(
            row, R.RET_DELIVERED.index, row, R.RET_DELIVERED.index,
            {"validate": "decimal", "criteria": ">=", "value": 0, "error_title": "A number, please",
             "error_message": f"Enter the {k.unit} delivered this quarter as a number (0 if none)."},
        )  # fmt: skip
    protect(ws)


def write_return_template(spec: ReturnSpec, target: Path, overwrite: bool = False) -> Path:
    """Write the delivery return for ``spec`` to ``target`` atomically.

    Refuses (:class:`OutputRefused`) to replace an existing file unless ``overwrite``: it may be a
    return someone has started to fill in.
    """
    if target.exists() and not overwrite:
        raise OutputRefused(
            f"refusing to replace {target}: it may hold a supplier's entries (give --overwrite to replace it)"
        )
    with atomic_path(target, overwrite=overwrite) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), WORKBOOK_OPTIONS)
        styles = Styles(wb)
        _instructions(wb, spec, styles)
        _delivery(wb, spec, styles)
        write_meta(wb, return_meta(spec))
        wb.set_properties({"title": f"Social value delivery return {spec.contract} {spec.period}",
                           "comments": f"socialvalue {__version__}"})  # fmt: skip
        wb.get_worksheet_by_name(R.DELIVERY).activate()
        wb.close()
    return target


def make_return(
    store: Store, contract: str, period: str, target: Path, overwrite: bool = False
) -> tuple[Path | None, list[Problem]]:
    """The delivery return of ``contract`` for ``period`` (``2026Q3``), made from the store and written to ``target``.

    None with the problems when the contract or quarter is unknown; :class:`OutputError` when ``target``
    cannot be written.
    """
    spec, problems = return_spec(store, contract, period)
    if spec is None:
        return None, problems
    return write_return_template(spec, target, overwrite), []
