"""The local-spend workbook: every total a live formula over the rows behind it, every row read accounted for.

Sheets: Summary (the local share, where every row went, a chart), By organisation, By place, By supplier
type, By month (with a chart), Where it lands, LM3, Employment, Lines (payments per organisation, supplier
and month: the rows every total adds up), Suppliers (each supplier's match and postcode), Set aside (each row not counted as a placed payment), Suppliers to
add, Errors (every problem found) and Method. Totals are SUMIFS over named ranges of the Lines sheet, written with their values.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from xlsxwriter.worksheet import Worksheet

from socialvalue import __version__
from socialvalue.output.atomic import atomic_path
from socialvalue.output.safe import WORKBOOK_OPTIONS
from socialvalue.output.sheets import ResultsWorkbook, print_setup, put
from socialvalue.problems import Severity

from .models import CATEGORY_MEANING, KIND_MEANING, Category, Kind, Line, LocalSpendResult

LINE_COLUMNS = (
    ("Organisation", "org", "organisation", 14), ("Place", "place", "place", 12), ("Month", "month", "month", 10),
    ("Supplier (as paid)", "supplier", "supplier", 40), ("Supplier type", "type", "supplier_type", 11),
    ("District", "district", "district", 12), ("Kind", "kind", "kind", 10), ("Category", "cat", "category", 18),
    ("Rows", "rows", "rows", 8), ("Amount £", "amount", "amount_gbp", 14),
)  # fmt: skip
"""(heading, named range L_<name>, Line field, width) of the Lines sheet's columns."""
_SHEET_MAX_ROWS = 1_048_575


def _month_date(label: str) -> date | None:
    return date(int(label[:4]), int(label[5:7]), 1) if label else None


class _Formats:
    def __init__(self, wb: ResultsWorkbook) -> None:
        self.title = wb.add_format({"bold": True, "font_size": 14, "font_color": "#1F4E79"})
        self.head = wb.add_format(
            {"bold": True, "font_color": "white", "bg_color": "#1F4E79", "text_wrap": True, "valign": "top"}
        )
        self.note = wb.add_format({"italic": True, "font_color": "#595959", "text_wrap": True, "valign": "top"})
        self.text = wb.add_format({"valign": "top"})
        self.wrap = wb.add_format({"valign": "top", "text_wrap": True})
        self.bold = wb.add_format({"bold": True})
        self.money = wb.add_format({"num_format": "£#,##0.00", "valign": "top"})
        self.total = wb.add_format({"bold": True, "num_format": "£#,##0.00", "top": 1})
        self.count = wb.add_format({"num_format": "#,##0", "valign": "top"})
        self.count_total = wb.add_format({"bold": True, "num_format": "#,##0", "top": 1})
        self.pct = wb.add_format({"num_format": "0.0%", "valign": "top"})
        self.big_pct = wb.add_format({"num_format": "0.0%", "bold": True, "font_size": 16, "font_color": "#1F4E79"})
        self.month = wb.add_format({"num_format": "mmm yyyy", "valign": "top", "align": "left"})
        self.factor = wb.add_format({"num_format": "0.00", "bold": True})
        self.fte = wb.add_format({"num_format": "#,##0.0", "valign": "top"})


@dataclass
class _Sums:
    """What the Lines sheet adds up to, per key, worked out once so each formula is written with its value."""

    rows: dict[tuple[str, ...], float]
    amount: dict[tuple[str, ...], float]

    def get(self, *key: str) -> tuple[float, float]:
        return self.rows.get(key, 0), round(self.amount.get(key, 0.0), 2)


class _Writer:
    def __init__(self, wb: ResultsWorkbook, result: LocalSpendResult) -> None:
        self.wb = wb
        self.r = result
        self.f = _Formats(wb)
        self.n = max(len(result.lines), 1)
        self._sums()

    # --- shared pieces -----------------------------------------------------------------------
    def _sums(self) -> None:
        rows: dict[tuple[str, ...], float] = defaultdict(float)
        amount: dict[tuple[str, ...], float] = defaultdict(float)
        for ln in self.r.lines:
            for key in (
                ("kc", ln.kind, ln.category), ("org", ln.organisation, ln.kind, ln.category), ("org", ln.organisation, ln.kind),
                ("place", ln.place, ln.kind, ln.category), ("place", ln.place, ln.kind),
                ("type", ln.supplier_type, ln.kind, ln.category), ("type", ln.supplier_type, ln.kind),
                ("month", ln.month, ln.kind, ln.category), ("month", ln.month, ln.kind),
                ("district", ln.district, ln.kind, ln.category), ("all", ln.kind),
            ):  # fmt: skip
                rows[key] += ln.rows
                amount[key] += ln.amount_gbp
        self.sums = _Sums(rows, amount)

    def sheet(self, name: str, widths: Sequence[float], title: str, note: str = "") -> Worksheet:
        ws = self.wb.add_worksheet(name)
        for i, w in enumerate(widths):
            ws.set_column(i, i, w)
        put(ws, 0, 0, title, self.f.title)
        if note:
            ws.merge_range(1, 0, 1, max(len(widths) - 1, 3), note, self.f.note)
            ws.set_row(1, 15 * max(1, len(note) // 140 + 1))
        print_setup(ws)
        return ws

    def header(self, ws: Worksheet, row: int, names: Sequence[str], freeze: bool = True) -> None:
        for i, name in enumerate(names):
            put(ws, row, i, name, self.f.head)
        if freeze:
            ws.freeze_panes(row + 1, 0)
            ws.repeat_rows(row)

    def rng(self, name: str) -> str:
        return f"L_{name}"

    def sumifs(
        self, ws: Worksheet, row: int, col: int, what: str, crit: Sequence[tuple[str, str]], value: float, fmt: Any
    ) -> None:
        parts = ", ".join(f"{self.rng(c)}, {v}" for c, v in crit)
        ws._write_formula(row, col, f"=SUMIFS({self.rng(what)}, {parts})", fmt, value)

    # --- the rows behind every total -------------------------------------------------------
    def lines(self) -> None:
        names = [c[0] for c in LINE_COLUMNS]
        ws = self.sheet(
            "Lines", [c[3] for c in LINE_COLUMNS], "Payments per organisation, supplier and month",
            "Every row read, added up per organisation, supplier, month, kind and category: every total in this "
            "workbook is a SUMIFS over these rows (named ranges L_org, L_kind, L_cat, L_amount …). What is known "
            "of each supplier (register match, postcode) is on the Suppliers sheet.",
        )  # fmt: skip
        self.header(ws, 2, names)
        first = 3
        money, count, month = self.f.money, self.f.count, self.f.month
        text = [Line._fields.index(c[2]) for c in LINE_COLUMNS[3:8]]
        for i, ln in enumerate(self.r.lines):
            r = first + i
            put(ws, r, 0, ln.organisation)
            put(ws, r, 1, ln.place)
            m = _month_date(ln.month)
            if m is not None:
                ws.write_datetime(r, 2, datetime(m.year, m.month, 1), month)
            for c, f in enumerate(text, start=3):
                put(ws, r, c, ln[f])
            put(ws, r, 8, ln.rows, count)
            put(ws, r, 9, ln.amount_gbp, money)
        last = first + self.n - 1
        for col, (_, key, _, _) in enumerate(LINE_COLUMNS):
            letter = chr(ord("A") + col)
            self.wb.define_name(self.rng(key), f"=Lines!${letter}${first + 1}:${letter}${last + 1}")
        ws.autofilter(2, 0, last, len(names) - 1)

    def suppliers(self) -> None:
        ws = self.sheet(
            "Suppliers", [40, 34, 10, 11, 10, 12, 10, 18, 10, 16], "Each supplier as paid, and what placed it",
            "One row per supplier name in the spend files: how it matched the register, the postcode used, its "
            "district and category, with its rows and payments (above zero) across all organisations.",
        )  # fmt: skip
        heads = ["Supplier (as paid)", "Register name", "Matched by", "Supplier type", "Postcode", "District",
                 "Terminated", "Category", "Rows", "Payments £"]  # fmt: skip
        self.header(ws, 2, heads)
        seen: dict[str, list[Any]] = {}
        for ln in self.r.lines:
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
            put(ws, row, 8, entry[7], self.f.count)
            put(ws, row, 9, round(entry[8], 2), self.f.money)
        if seen:
            ws.autofilter(2, 0, 2 + len(seen), len(heads) - 1)

    # --- summary -----------------------------------------------------------------------------
    def summary(self) -> Worksheet:
        r = self.r
        months = sorted({ln.month for ln in r.lines if ln.month})
        area = ", ".join(f"{c} {n}".strip() for c, n in r.local_area.items())
        ws = self.sheet(
            "Summary", [14, 22, 64, 12, 18, 12], "Local spend: how much of our spend stays local",
            f"Local area ({r.local_area_label}): {area}. Payments from {months[0] if months else '-'} to "
            f"{months[-1] if months else '-'}.",
        )  # fmt: skip
        loc = self.sums.get("kc", Kind.PAYMENT, Category.LOCAL)[1]
        not_loc = self.sums.get("kc", Kind.PAYMENT, Category.NOT_LOCAL)[1]
        paid = self.sums.get("all", Kind.PAYMENT)[1]
        put(ws, 3, 0, "Local share of payments to placed suppliers", self.f.bold)
        ws._write_formula(
            4,
            0,
            '=IF(E_LOCAL+E_NOTLOCAL=0,"",E_LOCAL/(E_LOCAL+E_NOTLOCAL))',
            self.f.big_pct,
            loc / (loc + not_loc) if loc + not_loc else "",
        )
        put(ws, 5, 0, "Share of all payments whose supplier could be placed (coverage)", self.f.bold)
        ws._write_formula(
            6, 0, '=IF(E_PAID=0,"",(E_LOCAL+E_NOTLOCAL)/E_PAID)', self.f.big_pct, (loc + not_loc) / paid if paid else ""
        )
        put(ws, 8, 0, "Every row read, and where it went", self.f.bold)
        self.header(
            ws, 9, ["Kind", "Category", "What it means", "Rows", "Amount £", "Share of payments £"], freeze=False
        )
        row = 10
        pairs = sorted(
            {(ln.kind, ln.category) for ln in r.lines},
            key=lambda kc: (list(Kind).index(Kind(kc[0])), list(Category).index(Category(kc[1]))),
        )
        cells = {}
        for kind, cat in pairs:
            n, amount = self.sums.get("kc", kind, cat)
            put(ws, row, 0, kind)
            put(ws, row, 1, cat)
            meaning = (
                CATEGORY_MEANING[Category(cat)]
                if kind in (Kind.PAYMENT, Kind.CREDIT, Kind.ZERO)
                else KIND_MEANING[Kind(kind)]
            )
            put(ws, row, 2, meaning, self.f.wrap)
            crit = [("kind", f'"{kind}"'), ("cat", f'"{cat}"')]
            self.sumifs(ws, row, 3, "rows", crit, n, self.f.count)
            self.sumifs(ws, row, 4, "amount", crit, amount, self.f.money)
            if kind == Kind.PAYMENT:
                ws._write_formula(
                    row, 5, f'=IF(E_PAID=0,"",E{row + 1}/E_PAID)', self.f.pct, amount / paid if paid else ""
                )
            cells[(kind, cat)] = row
            row += 1
        put(ws, row, 2, "All rows read", self.f.bold)
        ws._write_formula(
            row, 3, f"=SUM(D11:D{row})", self.f.count_total, sum(self.sums.get("kc", k, c)[0] for k, c in pairs)
        )
        ws._write_formula(
            row, 4, f"=SUM(E11:E{row})", self.f.total, round(sum(self.sums.get("kc", k, c)[1] for k, c in pairs), 2)
        )
        put(ws, row + 1, 2, "Rows read from the spend files (counted as they were read)")
        put(ws, row + 1, 3, r.rows_read, self.f.count)
        ws._write_formula(
            row + 2,
            3,
            f'=IF(D{row + 1}=D{row + 2},"every row accounted for","ROWS MISSING")',
            self.f.bold,
            "every row accounted for"
            if sum(self.sums.get("kc", k, c)[0] for k, c in pairs) == r.rows_read
            else "ROWS MISSING",
        )
        self._summary_names(cells, row)
        notes = [
            *r.notes,
            *(["Small counts of staff are suppressed: " + r.employment_note] if r.employment_note else []),
        ]
        for i, note in enumerate(notes):
            put(ws, row + 4 + i, 0, note, self.f.note)
        chart = self.wb.add_chart({"type": "bar"})
        pay_rows = [cells[p] for p in pairs if p[0] == Kind.PAYMENT]
        if pay_rows:
            chart.add_series({
                "name": "Payments £", "categories": ["Summary", pay_rows[0], 1, pay_rows[-1], 1],
                "values": ["Summary", pay_rows[0], 4, pay_rows[-1], 4], "fill": {"color": "#1F4E79"},
            })  # fmt: skip
            chart.set_title({"name": "Payments by where the supplier was placed"})
            chart.set_legend({"none": True})
            chart.set_y_axis({"reverse": True})
            ws.insert_chart(3, 6, chart, {"x_scale": 1.3, "y_scale": 1.1})
        return ws

    def _summary_names(self, cells: dict[tuple[str, str], int], total_row: int) -> None:
        def ref(kind: Kind, cat: Category) -> str:
            row = cells.get((kind, cat))
            return f"=Summary!$E${row + 1}" if row is not None else "=0"

        self.wb.define_name("E_LOCAL", ref(Kind.PAYMENT, Category.LOCAL))
        self.wb.define_name("E_NOTLOCAL", ref(Kind.PAYMENT, Category.NOT_LOCAL))
        pay = [row for (k, _), row in cells.items() if k == Kind.PAYMENT]
        self.wb.define_name("E_PAID", f"=SUM(Summary!$E${min(pay) + 1}:$E${max(pay) + 1})" if pay else "=0")

    # --- breakdowns --------------------------------------------------------------------------
    def breakdown(
        self, name: str, key: str, label: str, keys: Sequence[str], describe: Callable[[str], str], chart: bool = False
    ) -> None:
        ws = self.sheet(
            name, [16, 30, 16, 16, 16, 16, 12, 12], f"Local spend by {label}",
            "Local share = local ÷ (local + not local) payments; coverage = placed ÷ all payments. "
            "Credits are shown apart, not netted. Each figure is a SUMIFS over the Lines sheet.",
        )  # fmt: skip
        self.header(
            ws,
            2,
            [
                label.capitalize(),
                "Name",
                "Local £",
                "Not local £",
                "Not placed £",
                "Credits £",
                "Local share",
                "Coverage",
            ],
        )
        is_month = key == "month"
        totals = [0.0, 0.0, 0.0, 0.0]
        for i, k in enumerate(keys):
            r = 3 + i
            if is_month and k:
                m = _month_date(k)
                assert m is not None
                ws.write_datetime(r, 0, datetime(m.year, m.month, 1), self.f.month)
                crit_key = f"$A{r + 1}"
            else:
                put(ws, r, 0, k or "unknown")
                crit_key = f"$A{r + 1}" if k else '"="'
            put(ws, r, 1, describe(k))
            loc = self.sums.get(key, k, Kind.PAYMENT, Category.LOCAL)[1]
            nl = self.sums.get(key, k, Kind.PAYMENT, Category.NOT_LOCAL)[1]
            paid = self.sums.get(key, k, Kind.PAYMENT)[1]
            credit = self.sums.get(key, k, Kind.CREDIT)[1]
            self.sumifs(
                ws, r, 2, "amount", [(key, crit_key), ("kind", '"payment"'), ("cat", '"local"')], loc, self.f.money
            )
            self.sumifs(
                ws, r, 3, "amount", [(key, crit_key), ("kind", '"payment"'), ("cat", '"not-local"')], nl, self.f.money
            )
            ws._write_formula(
                r,
                4,
                f'=SUMIFS(L_amount, L_{key}, {crit_key}, L_kind, "payment")-C{r + 1}-D{r + 1}',
                self.f.money,
                round(paid - loc - nl, 2),
            )
            self.sumifs(ws, r, 5, "amount", [(key, crit_key), ("kind", '"credit"')], credit, self.f.money)
            for j, v in enumerate((loc, nl, round(paid - loc - nl, 2), credit)):
                totals[j] += v
            ws._write_formula(
                r,
                6,
                f'=IF(C{r + 1}+D{r + 1}=0,"",C{r + 1}/(C{r + 1}+D{r + 1}))',
                self.f.pct,
                loc / (loc + nl) if loc + nl else "",
            )
            ws._write_formula(
                r,
                7,
                f'=IF(C{r + 1}+D{r + 1}+E{r + 1}=0,"",(C{r + 1}+D{r + 1})/(C{r + 1}+D{r + 1}+E{r + 1}))',
                self.f.pct,
                (loc + nl) / paid if paid else "",
            )
        last = 3 + len(keys)
        put(ws, last, 0, "Total", self.f.bold)
        for c in range(2, 6):
            col = chr(ord("A") + c)
            ws._write_formula(last, c, f"=SUM({col}4:{col}{last})", self.f.total, round(totals[c - 2], 2))
        if chart and keys:
            ch = self.wb.add_chart({"type": "line"})
            ch.add_series(
                {
                    "name": "Local share",
                    "categories": [name, 3, 0, last - 1, 0],
                    "values": [name, 3, 6, last - 1, 6],
                    "marker": {"type": "circle"},
                }
            )
            ch.set_title({"name": "Local share of placed payments, by month"})
            ch.set_y_axis({"num_format": "0%", "min": 0})
            ch.set_legend({"none": True})
            ws.insert_chart(last + 2, 0, ch, {"x_scale": 1.6})

    def landing(self) -> None:
        ws = self.sheet(
            "Where it lands", [14, 30, 8, 18, 14], "Where placed payments land: the supplier's district",
            "Payments to suppliers placed by their trading or delivery postcode, per district (local districts first).",
        )  # fmt: skip
        self.header(ws, 2, ["District", "Name", "Local", "Payments £", "Rows"])
        districts = sorted(
            {ln.district for ln in self.r.lines if ln.category in (Category.LOCAL, Category.NOT_LOCAL)},
            key=lambda d: (d not in self.r.local_area, -self.sums.get("district", d, Kind.PAYMENT)[1], d),
        )
        for i, d in enumerate(districts):
            r = 3 + i
            local = d in self.r.local_area
            cat = '"local"' if local else '"not-local"'
            n, amount = self.sums.get("district", d, Kind.PAYMENT, Category.LOCAL if local else Category.NOT_LOCAL)
            put(ws, r, 0, d)
            put(ws, r, 1, self.r.local_area.get(d, ""))
            put(ws, r, 2, "Yes" if local else "No")
            self.sumifs(
                ws,
                r,
                3,
                "amount",
                [("district", f"$A{r + 1}"), ("kind", '"payment"'), ("cat", cat)],
                amount,
                self.f.money,
            )
            self.sumifs(
                ws, r, 4, "rows", [("district", f"$A{r + 1}"), ("kind", '"payment"'), ("cat", cat)], n, self.f.count
            )

    def lm3(self) -> None:
        ws = self.sheet(
            "LM3", [26, 16, 16, 16, 16, 16, 16, 16, 16, 16, 10], "Local Multiplier 3 (New Economics Foundation)",
            "Round 1: the money spent (payments, and staff pay where known). Round 2: the part spent locally (local "
            "suppliers, pay of staff living locally). Round 3: what local suppliers and staff spend locally in turn "
            "(survey answers or stated shares). LM3 = (R1 + R2 + R3) ÷ R1, from 1 to 3. The assumptions are below.",
        )  # fmt: skip
        heads = ["Scope", "R1 payments £", "R1 staff pay £", "R2 local suppliers £", "R2 local staff pay £",
                 "R3 suppliers' re-spend £", "R3 staff spending £", "R1 £", "R2 £", "R3 £", "LM3"]  # fmt: skip
        self.header(ws, 2, heads)
        row = 3
        for m in self.r.lm3:
            r = row
            put(ws, r, 0, m.scope)
            for c, part in enumerate(m.parts, start=1):
                put(ws, r, c, part.amount_gbp, self.f.money)
            ws._write_formula(r, 7, f"=B{r + 1}+C{r + 1}", self.f.money, m.r1)
            ws._write_formula(r, 8, f"=D{r + 1}+E{r + 1}", self.f.money, m.r2)
            if m.r3 is None:
                put(ws, r, 9, "not worked out")
                put(ws, r, 10, "")
            else:
                ws._write_formula(r, 9, f"=F{r + 1}+G{r + 1}", self.f.money, m.r3)
                ws._write_formula(
                    r,
                    10,
                    f'=IF(H{r + 1}=0,"",(H{r + 1}+I{r + 1}+J{r + 1})/H{r + 1})',
                    self.f.factor,
                    m.lm3 if m.lm3 is not None else "",
                )
            row += 1
        row += 1
        for m in self.r.lm3:
            put(ws, row, 0, f"Assumptions: {m.scope}", self.f.bold)
            row += 1
            for a in m.assumptions:
                put(ws, row, 0, a, self.f.text)
                row += 1

    def employment(self) -> None:
        r = self.r
        t = r.suppression_threshold
        ws = self.sheet(
            "Employment", [16, 14, 30, 8, 26, 12, 12], "Local employment: where our staff live",
            f"Suppression applied: {r.employment_note}",
        )  # fmt: skip
        self.header(ws, 2, ["Organisation", "District", "Name", "Local", "Category", "Headcount", "FTE"])
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
                put(ws, row, 5, c.headcount, self.f.count)
                put(ws, row, 6, c.fte if c.fte is not None else "no FTE given", self.f.fte)

    def set_aside(self) -> None:
        ws = self.sheet(
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
        self.header(ws, 2, heads)
        money = self.f.money
        for i, a in enumerate(self.r.set_aside[: _SHEET_MAX_ROWS - 3]):
            row = 3 + i
            for c, v in enumerate(a[:6]):
                put(ws, row, c, v)
            put(ws, row, 6, a.amount, money)
            put(ws, row, 7, a.raw_amount)
            put(ws, row, 8, a.kind)
            put(ws, row, 9, a.category)
        if self.r.set_aside:
            ws.autofilter(2, 0, 2 + min(len(self.r.set_aside), _SHEET_MAX_ROWS - 3), len(heads) - 1)

    def unmatched(self) -> None:
        ws = self.sheet(
            "Suppliers to add", [44, 10, 16, 14], "Suppliers the register does not know",
            "Add these to the supplier register (largest payments first) to place more of the spend.",
        )  # fmt: skip
        self.header(ws, 2, ["Supplier (as paid)", "Rows", "Payments £", "Organisations"])
        for i, u in enumerate(self.r.unmatched):
            put(ws, 3 + i, 0, u.supplier)
            put(ws, 3 + i, 1, u.rows, self.f.count)
            put(ws, 3 + i, 2, u.amount_gbp, self.f.money)
            put(ws, 3 + i, 3, u.organisations, self.f.count)

    def problems(self) -> None:
        ws = self.sheet("Errors", [9, 22, 30, 18, 10, 24, 90], "Problems found in the inputs")
        self.header(ws, 2, ["Severity", "Code", "File", "Sheet", "Cell or line", "Value found", "Reason"])
        order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
        for i, p in enumerate(sorted(self.r.problems, key=lambda p: order[p.severity])):
            row = 3 + i
            for c, v in enumerate(
                (p.severity.value, p.code, p.file, p.sheet, p.cell or (p.line or ""), p.raw, p.reason)
            ):
                put(ws, row, c, v, self.f.wrap if c == 6 else None)

    def method(self, command: str) -> None:
        ws = self.sheet("Method", [22, 70, 70], "How these figures were made")
        row = 2
        put(ws, row, 0, "Made by", self.f.bold)
        put(ws, row, 1, f"socialvalue {__version__} on {datetime.now(UTC).isoformat(timespec='seconds')}")
        row += 1
        if command:
            put(ws, row, 0, "Command", self.f.bold)
            put(ws, row, 1, command)
            row += 1
        row += 1
        self.header(ws, row, ["Input", "File", "SHA-256"], freeze=False)
        for i in self.r.inputs:
            row += 1
            put(ws, row, 0, i.role)
            put(ws, row, 1, i.file)
            put(ws, row, 2, i.sha256)
        row += 2
        self.header(ws, row, ["Kind or category", "What it means", ""], freeze=False)
        for kind, meaning in KIND_MEANING.items():
            row += 1
            put(ws, row, 0, kind.value)
            put(ws, row, 1, meaning, self.f.wrap)
        for cat, meaning in CATEGORY_MEANING.items():
            row += 1
            put(ws, row, 0, cat.value)
            put(ws, row, 1, meaning, self.f.wrap)
        row += 2
        put(ws, row, 0, "Notes", self.f.bold)
        for note in self.r.notes:
            row += 1
            put(ws, row, 1, note, self.f.wrap)


def write_workbook(result: LocalSpendResult, target: Path, inputs: Sequence[Path] = (), command: str = "") -> Path:
    """Write the local-spend workbook atomically; refuses to overwrite any of ``inputs``."""
    with atomic_path(target, inputs) as tmp:
        wb = ResultsWorkbook(str(tmp), {**WORKBOOK_OPTIONS, "constant_memory": True})
        w = _Writer(wb, result)
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
        w.lm3()
        if result.employment:
            w.employment()
        w.lines()
        w.suppliers()
        w.set_aside()
        w.unmatched()
        w.problems()
        w.method(command)
        summary.activate()
        wb.set_properties({"title": "Local spend", "comments": f"socialvalue {__version__}"})
        wb.close()
    return target
