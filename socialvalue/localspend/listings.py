"""The workbook's listing sheets: suppliers, LM3, employment, rows set aside, suppliers to add, errors, method."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from socialvalue import __version__
from socialvalue.output.sheets import put
from socialvalue.problems import Severity

from .models import CATEGORY_MEANING, KIND_MEANING
from .setaside import HEADINGS
from .writer import SUPPLIER_RANGES, Writer


def suppliers(w: Writer) -> None:
    ws = w.sheet(
        "Suppliers", [40, 12, 34, 10, 11, 12, 10, 10, 18, 10, 14, 8], "Each supplier as paid, and what placed it",
        "One row per supplier in the spend files: how it matched the register, the postcode used, its district and "
        "category, with its rows and payments (above zero) across all organisations. Where it lands adds these up "
        "by district (named ranges S_district, S_cat, S_paid).",
    )  # fmt: skip
    heads = ["Supplier (as paid)", "Supplier id", "Register name", "Matched by", "Supplier type", "District",
             "Postcode", "Terminated", "Category", "Rows", "Payments £", "Organisations"]  # fmt: skip
    w.header(ws, 2, heads)
    for i, s in enumerate(w.r.suppliers):
        row = 3 + i
        put(ws, row, 0, s.supplier or "(blank)")
        for c, v in enumerate((s.supplier_id, s.register_name, s.matched_by, s.supplier_type, s.district,
                               s.postcode, s.terminated, s.category), start=1):  # fmt: skip
            put(ws, row, c, v)
        put(ws, row, 9, s.rows, w.f.count)
        put(ws, row, 10, s.payments_gbp, w.f.money)
        put(ws, row, 11, s.organisations, w.f.count)
    last = 3 + max(len(w.r.suppliers), 1) - 1
    for name, heading in SUPPLIER_RANGES.items():
        letter = chr(ord("A") + heads.index(heading))
        w.wb.define_name(f"S_{name}", f"=Suppliers!${letter}$4:${letter}${last + 1}")
    if w.r.suppliers:
        ws.autofilter(2, 0, last, len(heads) - 1)


def lm3(w: Writer) -> None:
    ws = w.sheet(
        "LM3", [26, 16, 16, 16, 16, 16, 16, 16, 16, 16, 10], "Local Multiplier 3 (New Economics Foundation)",
        "Round 1: the money spent (payments, and staff pay where known). Round 2: the part spent locally (local "
        "suppliers, pay of staff living locally). Round 3: what local suppliers and staff spend locally in turn "
        "(survey answers or stated shares). LM3 = (R1 + R2 + R3) ÷ R1, from 1 to 3. The assumptions are below.",
    )  # fmt: skip
    heads = ["Scope", "R1 payments £", "R1 staff pay £", "R2 local suppliers £", "R2 local staff pay £",
             "R3 suppliers' re-spend £", "R3 staff spending £", "R1 £", "R2 £", "R3 £", "LM3"]  # fmt: skip
    w.header(ws, 2, heads)
    row = 3
    for m in w.r.lm3:
        r = row
        put(ws, r, 0, m.scope)
        for c, part in enumerate(m.parts, start=1):
            put(ws, r, c, part.amount_gbp, w.f.money)
        ws.write_formula(r, 7, f"=B{r + 1}+C{r + 1}", w.f.money, m.r1)
        ws.write_formula(r, 8, f"=D{r + 1}+E{r + 1}", w.f.money, m.r2)
        if m.r3 is None:
            put(ws, r, 9, "not worked out")
            put(ws, r, 10, "")
        else:
            ws.write_formula(r, 9, f"=F{r + 1}+G{r + 1}", w.f.money, m.r3)
            ws.write_formula(
                r,
                10,
                f'=IF(H{r + 1}=0,"",(H{r + 1}+I{r + 1}+J{r + 1})/H{r + 1})',
                w.f.factor,
                m.lm3 if m.lm3 is not None else "",
            )
        row += 1
    row += 1
    for m in w.r.lm3:
        put(ws, row, 0, f"Assumptions: {m.scope}", w.f.bold)
        row += 1
        for a in m.assumptions:
            put(ws, row, 0, a, w.f.text)
            row += 1


def employment(w: Writer) -> None:
    r = w.r
    t = r.suppression_threshold
    ws = w.sheet(
        "Employment", [16, 14, 30, 8, 26, 12, 12], "Local employment: where our staff live",
        f"Suppression applied: {r.employment_note}",
    )  # fmt: skip
    w.header(ws, 2, ["Organisation", "District", "Name", "Local", "Category", "Headcount", "FTE"])
    for i, c in enumerate(r.employment):
        row = 3 + i
        put(ws, row, 0, c.organisation)
        put(ws, row, 1, c.district)
        put(ws, row, 2, r.local_area.get(c.district, ""))
        put(ws, row, 3, "Yes" if c.local else "No")
        put(ws, row, 4, c.category)
        if c.suppressed:
            put(ws, row, 5, f"<{t}" if c.headcount is None else c.headcount)
            put(ws, row, 6, "suppressed")
        else:
            put(ws, row, 5, c.headcount, w.f.count)
            put(ws, row, 6, c.fte if c.fte is not None else "no FTE given", w.f.fte)


SET_ASIDE_ON_SHEET = 10_000
"""Up to this many set-aside rows are also listed on the Set aside sheet; all of them are always in the CSV file."""


def set_aside(w: Writer, listing: Path | None, sha256: str) -> None:
    rows = w.r.set_aside
    on_sheet = len(rows) <= SET_ASIDE_ON_SHEET
    where = (
        f"All {len(rows):,} are listed in the CSV file {listing.name} written beside this workbook (SHA-256 {sha256})"
        if listing is not None
        else f"There are {len(rows):,}"
    )
    ws = w.sheet(
        "Set aside", [26, 18, 10, 14, 11, 34, 14, 14, 10, 18], "Rows not counted as a placed payment",
        "Every row that is not a payment to a placed supplier: credits, zero and unreadable amounts, blank rows, "
        f"withheld, unknown or unplaced suppliers, each with the file, sheet and row it was read from. {where}"
        + ("; they are listed below too." if on_sheet else "; below are their counts by kind and category.")
        + " The Summary and the Method sheet say what each kind and category means.",
    )  # fmt: skip
    if not on_sheet:
        w.header(ws, 3, ["Kind", "Category", "Rows"], freeze=False)
        for i, ((kind, category), n) in enumerate(sorted(rows.counts().items())):
            put(ws, 4 + i, 0, kind)
            put(ws, 4 + i, 1, category)
            put(ws, 4 + i, 2, n, w.f.count)
        return
    w.header(ws, 2, list(HEADINGS))
    money = w.f.money
    for i, a in enumerate(rows):
        row = 3 + i
        for c, v in enumerate(a[:6]):
            put(ws, row, c, v)
        put(ws, row, 6, a.amount, money)
        put(ws, row, 7, a.raw_amount)
        put(ws, row, 8, a.kind)
        put(ws, row, 9, a.category)
    if len(rows):
        ws.autofilter(2, 0, 2 + len(rows), len(HEADINGS) - 1)


def unmatched(w: Writer) -> None:
    ws = w.sheet(
        "Suppliers to add", [44, 10, 16, 14], "Suppliers the register does not know",
        "Add these to the supplier register (largest payments first) to place more of the spend.",
    )  # fmt: skip
    w.header(ws, 2, ["Supplier (as paid)", "Rows", "Payments £", "Organisations"])
    for i, u in enumerate(w.r.unmatched):
        put(ws, 3 + i, 0, u.supplier)
        put(ws, 3 + i, 1, u.rows, w.f.count)
        put(ws, 3 + i, 2, u.amount_gbp, w.f.money)
        put(ws, 3 + i, 3, u.organisations, w.f.count)


def problems(w: Writer) -> None:
    ws = w.sheet("Errors", [9, 22, 30, 18, 10, 24, 90], "Problems found in the inputs")
    w.header(ws, 2, ["Severity", "Code", "File", "Sheet", "Cell or line", "Value found", "Reason"])
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    for i, p in enumerate(sorted(w.r.problems, key=lambda p: order[p.severity])):
        row = 3 + i
        for c, v in enumerate((p.severity.value, p.code, p.file, p.sheet, p.cell or (p.line or ""), p.raw, p.reason)):
            put(ws, row, c, v, w.f.wrap if c == 6 else None)


def method(w: Writer, command: str, listing: Path | None = None, sha256: str = "") -> None:
    ws = w.sheet("Method", [22, 70, 70], "How these figures were made")
    row = 2
    put(ws, row, 0, "Made by", w.f.bold)
    put(ws, row, 1, f"socialvalue {__version__} on {datetime.now(UTC).isoformat(timespec='seconds')}")
    row += 1
    if command:
        put(ws, row, 0, "Command", w.f.bold)
        put(ws, row, 1, command)
        row += 1
    row += 1
    w.header(ws, row, ["Input", "File", "SHA-256"], freeze=False)
    for i in w.r.inputs:
        row += 1
        put(ws, row, 0, i.role)
        put(ws, row, 1, i.file)
        put(ws, row, 2, i.sha256)
    if listing is not None:
        row += 2
        put(ws, row, 0, "Output", w.f.bold)
        put(ws, row, 1, f"{listing.name}: the {len(w.r.set_aside):,} rows set aside, one a line")
        put(ws, row, 2, sha256)
    row += 2
    w.header(ws, row, ["Kind or category", "What it means", ""], freeze=False)
    for kind, meaning in KIND_MEANING.items():
        row += 1
        put(ws, row, 0, kind.value)
        put(ws, row, 1, meaning, w.f.wrap)
    for cat, meaning in CATEGORY_MEANING.items():
        row += 1
        put(ws, row, 0, cat.value)
        put(ws, row, 1, meaning, w.f.wrap)
    row += 2
    put(ws, row, 0, "Notes", w.f.bold)
    for note in w.r.notes:
        row += 1
        put(ws, row, 1, note, w.f.wrap)
