"""The workbook's listing sheets: suppliers, LM3, employment, rows set aside, suppliers to add, errors, method."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from socialvalue import __version__
from socialvalue.output.sheets import put
from socialvalue.problems import Severity

from .models import CATEGORY_MEANING, KIND_MEANING, Kind
from .writer import SHEET_MAX_ROWS, Writer


def suppliers(w: Writer) -> None:
    ws = w.sheet(
        "Suppliers", [40, 34, 10, 11, 10, 12, 10, 18, 10, 16], "Each supplier as paid, and what placed it",
        "One row per supplier name in the spend files: how it matched the register, the postcode used, its "
        "district and category, with its rows and payments (above zero) across all organisations.",
    )  # fmt: skip
    heads = ["Supplier (as paid)", "Register name", "Matched by", "Supplier type", "Postcode", "District",
             "Terminated", "Category", "Rows", "Payments £"]  # fmt: skip
    w.header(ws, 2, heads)
    seen: dict[str, list[Any]] = {}
    for ln in w.r.lines:
        entry = seen.get(ln.supplier)
        if entry is None:
            entry = seen[ln.supplier] = [
                ln.register_name, ln.matched_by, ln.supplier_type, ln.postcode, ln.district, ln.terminated,
                ln.category, 0, 0.0,
            ]  # fmt: skip
        entry[7] += ln.rows
        if ln.kind == Kind.PAYMENT:
            entry[8] += ln.amount_gbp
    for i, (name, entry) in enumerate(sorted(seen.items(), key=lambda kv: (-kv[1][8], kv[0]))):
        row = 3 + i
        put(ws, row, 0, name or "(blank)")
        for c, v in enumerate(entry[:7], start=1):
            put(ws, row, c, v)
        put(ws, row, 8, entry[7], w.f.count)
        put(ws, row, 9, round(entry[8], 2), w.f.money)
    if seen:
        ws.autofilter(2, 0, 2 + len(seen), len(heads) - 1)


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
        ws._write_formula(r, 7, f"=B{r + 1}+C{r + 1}", w.f.money, m.r1)
        ws._write_formula(r, 8, f"=D{r + 1}+E{r + 1}", w.f.money, m.r2)
        if m.r3 is None:
            put(ws, r, 9, "not worked out")
            put(ws, r, 10, "")
        else:
            ws._write_formula(r, 9, f"=F{r + 1}+G{r + 1}", w.f.money, m.r3)
            ws._write_formula(
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


def set_aside(w: Writer) -> None:
    ws = w.sheet(
        "Set aside", [26, 18, 8, 14, 11, 34, 14, 14, 10, 18], "Rows not counted as a placed payment",
        "Every row that is not a payment to a placed supplier: credits, zero and unreadable amounts, blank rows, "
        "withheld, unknown or unplaced suppliers. Each is listed where it was read; the Summary and the Method "
        "sheet say what each kind and category means.",
    )  # fmt: skip
    heads = [
        "File",
        "Sheet",
        "Row or line",
        "Organisation",
        "Date",
        "Supplier",
        "Amount £",
        "Amount as written",
        "Kind",
        "Category",
    ]
    w.header(ws, 2, heads)
    money = w.f.money
    for i, a in enumerate(w.r.set_aside[: SHEET_MAX_ROWS - 3]):
        row = 3 + i
        for c, v in enumerate(a[:6]):
            put(ws, row, c, v)
        put(ws, row, 6, a.amount, money)
        put(ws, row, 7, a.raw_amount)
        put(ws, row, 8, a.kind)
        put(ws, row, 9, a.category)
    if w.r.set_aside:
        ws.autofilter(2, 0, 2 + min(len(w.r.set_aside), SHEET_MAX_ROWS - 3), len(heads) - 1)


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


def method(w: Writer, command: str) -> None:
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
