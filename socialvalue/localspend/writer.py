"""The local-spend workbook's writer and the sheets of figures: Summary, the breakdowns, Where it lands, Lines.

Every total is a SUMIFS over named ranges of the Lines sheet (the spend table: rows and £ per organisation,
month, supplier type, kind and category), written with its value; where placed money lands is a SUMIFS over the
Suppliers sheet, checked against the Summary. The listing sheets are in :mod:`.listings`, and
:func:`.workbook.write_workbook` puts them together.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from xlsxwriter.worksheet import Worksheet

from socialvalue.output.sheets import ResultsWorkbook, page_setup, put

from .figures import Breakdown, figures
from .models import Category, Kind, LocalSpendResult

LINE_COLUMNS = (
    ("Organisation", "org", "organisation", 14), ("Paid by", "paidby", "paid_by", 14), ("Place", "place", "place", 12),
    ("Month", "month", "month", 10), ("Supplier type", "type", "supplier_type", 11), ("Kind", "kind", "kind", 10),
    ("Category", "cat", "category", 18), ("Rows", "rows", "rows", 8), ("Amount £", "amount", "amount_gbp", 14),
)  # fmt: skip
"""(heading, named range L_<name>, SpendCell field, width) of the Lines sheet's columns."""
SUPPLIER_RANGES = {"district": "District", "cat": "Category", "paid": "Payments £"}
"""Named ranges S_<name> over the Suppliers sheet's columns (by heading; see :func:`.listings.suppliers`)."""
SHEET_MAX_ROWS = 1_048_575


def _value(x: float | None) -> float | str:
    """A ratio as the workbook caches it: '' where the formula gives "" (nothing to divide by)."""
    return "" if x is None else x


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


class Writer:
    def __init__(self, wb: ResultsWorkbook, result: LocalSpendResult) -> None:
        self.wb = wb
        self.r = result
        self.f = _Formats(wb)
        self.n = max(len(result.spend), 1)
        self.figures = figures(result)
        self.sums = self.figures.sums

    # --- shared pieces -----------------------------------------------------------------------
    def sheet(self, name: str, widths: Sequence[float], title: str, note: str = "") -> Worksheet:
        ws = self.wb.add_worksheet(name)
        for i, w in enumerate(widths):
            ws.set_column(i, i, w)
        put(ws, 0, 0, title, self.f.title)
        if note:
            ws.merge_range(1, 0, 1, max(len(widths) - 1, 3), note, self.f.note)
            ws.set_row(1, 15 * max(1, len(note) // 140 + 1))
        page_setup(ws, widths)
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
        ws.write_formula(row, col, f"=SUMIFS({self.rng(what)}, {parts})", fmt, value)

    # --- the rows behind every total -------------------------------------------------------
    def lines(self) -> None:
        names = [c[0] for c in LINE_COLUMNS]
        ws = self.sheet(
            "Lines", [c[3] for c in LINE_COLUMNS], "Payments per organisation, month, supplier type, kind and category",
            "Every row read, added up per organisation, month, supplier type, kind and category: every total in this "
            "workbook is a SUMIFS over these rows (named ranges L_org, L_kind, L_cat, L_amount …). 'Paid by' is the "
            "organisation the spend file names, before successions. Each supplier is on the Suppliers sheet.",
        )  # fmt: skip
        self.header(ws, 2, names)
        first = 3
        money, count, month = self.f.money, self.f.count, self.f.month
        for i, ln in enumerate(self.r.spend):
            r = first + i
            put(ws, r, 0, ln.organisation)
            put(ws, r, 1, ln.paid_by)
            put(ws, r, 2, ln.place)
            m = _month_date(ln.month)
            if m is not None:
                ws.write_datetime(r, 3, datetime(m.year, m.month, 1), month)
            put(ws, r, 4, ln.supplier_type)
            put(ws, r, 5, ln.kind.value)
            put(ws, r, 6, ln.category.value)
            put(ws, r, 7, ln.rows, count)
            put(ws, r, 8, ln.amount_gbp, money)
        last = first + self.n - 1
        for col, (_, key, _, _) in enumerate(LINE_COLUMNS):
            letter = chr(ord("A") + col)
            self.wb.define_name(self.rng(key), f"=Lines!${letter}${first + 1}:${letter}${last + 1}")
        ws.autofilter(2, 0, last, len(names) - 1)

    # --- summary -----------------------------------------------------------------------------
    def summary(self) -> Worksheet:
        r = self.r
        fig = self.figures
        months = sorted({ln.month for ln in r.spend if ln.month})
        area = ", ".join(f"{c} {n}".strip() for c, n in r.local_area.items())
        ws = self.sheet(
            "Summary", [14, 22, 64, 12, 18, 12], "Local spend: how much of our spend stays local",
            f"Local area ({r.local_area_label}): {area}. Payments from {months[0] if months else '-'} to "
            f"{months[-1] if months else '-'}.",
        )  # fmt: skip
        put(ws, 3, 0, "Local share of payments to placed suppliers", self.f.bold)
        ws.write_formula(
            4, 0, '=IF(E_LOCAL+E_NOTLOCAL=0,"",E_LOCAL/(E_LOCAL+E_NOTLOCAL))', self.f.big_pct, _value(fig.total.share)
        )
        put(ws, 5, 0, "Share of all payments whose supplier could be placed (coverage)", self.f.bold)
        ws.write_formula(
            6, 0, '=IF(E_PAID=0,"",(E_LOCAL+E_NOTLOCAL)/E_PAID)', self.f.big_pct, _value(fig.total.coverage)
        )
        put(ws, 8, 0, "Every row read, and where it went", self.f.bold)
        self.header(
            ws, 9, ["Kind", "Category", "What it means", "Rows", "Amount £", "Share of payments £"], freeze=False
        )
        row = 10
        cells = {}
        for went in fig.went:
            kind, cat = went.kind, went.category
            put(ws, row, 0, kind)
            put(ws, row, 1, cat)
            put(ws, row, 2, went.meaning, self.f.wrap)
            crit = [("kind", f'"{kind}"'), ("cat", f'"{cat}"')]
            self.sumifs(ws, row, 3, "rows", crit, went.rows, self.f.count)
            self.sumifs(ws, row, 4, "amount", crit, went.amount, self.f.money)
            if kind == Kind.PAYMENT:
                ws.write_formula(row, 5, f'=IF(E_PAID=0,"",E{row + 1}/E_PAID)', self.f.pct, _value(went.share_of_paid))
            cells[(kind, cat)] = row
            row += 1
        put(ws, row, 2, "All rows read", self.f.bold)
        ws.write_formula(row, 3, f"=SUM(D11:D{row})", self.f.count_total, fig.rows_counted)
        ws.write_formula(row, 4, f"=SUM(E11:E{row})", self.f.total, round(sum(w.amount for w in fig.went), 2))
        put(ws, row + 1, 2, "Rows read from the spend files (counted as they were read)")
        put(ws, row + 1, 3, r.rows_read, self.f.count)
        ws.write_formula(
            row + 2,
            3,
            f'=IF(D{row + 1}=D{row + 2},"every row accounted for","ROWS MISSING")',
            self.f.bold,
            "every row accounted for" if fig.rows_counted == r.rows_read else "ROWS MISSING",
        )
        self._summary_names(cells, row)
        notes = [
            *r.notes,
            *(["Small counts of staff are suppressed: " + r.employment_note] if r.employment_note else []),
        ]
        for i, note in enumerate(notes):
            put(ws, row + 4 + i, 0, note, self.f.note)
        chart = self.wb.add_chart({"type": "bar"})
        pay_rows = [row for (kind, _), row in cells.items() if kind == Kind.PAYMENT]
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
    def breakdown(self, b: Breakdown) -> None:
        name, key = b.sheet, b.key
        ws = self.sheet(
            name, [16, 30, 16, 16, 16, 16, 12, 12], f"Local spend by {b.label}",
            "Local share = local ÷ (local + not local) payments; coverage = placed ÷ all payments. "
            "Credits are shown apart, not netted. Each figure is a SUMIFS over the Lines sheet.",
        )  # fmt: skip
        heads = [b.label.capitalize(), "Name", "Local £", "Not local £", "Not placed £", "Credits £", "Local share", "Coverage"]  # fmt: skip
        self.header(ws, 2, heads)
        for i, line in enumerate(b.rows):
            r, k = 3 + i, line.key
            if key == "month" and k:
                m = _month_date(k)
                assert m is not None
                ws.write_datetime(r, 0, datetime(m.year, m.month, 1), self.f.month)
                crit_key = f"$A{r + 1}"
            else:
                put(ws, r, 0, k or b.blank)
                crit_key = f"$A{r + 1}" if k else '"="'
            put(ws, r, 1, line.name)
            pay = [(key, crit_key), ("kind", '"payment"')]
            self.sumifs(ws, r, 2, "amount", [*pay, ("cat", '"local"')], line.local, self.f.money)
            self.sumifs(ws, r, 3, "amount", [*pay, ("cat", '"not-local"')], line.not_local, self.f.money)
            ws.write_formula(
                r, 4, f'=SUMIFS(L_amount, L_{key}, {crit_key}, L_kind, "payment")-C{r + 1}-D{r + 1}', self.f.money,
                line.not_placed,
            )  # fmt: skip
            self.sumifs(ws, r, 5, "amount", [(key, crit_key), ("kind", '"credit"')], line.credits, self.f.money)
            ws.write_formula(
                r, 6, f'=IF(C{r + 1}+D{r + 1}=0,"",C{r + 1}/(C{r + 1}+D{r + 1}))', self.f.pct, _value(line.share)
            )
            ws.write_formula(
                r, 7, f'=IF(C{r + 1}+D{r + 1}+E{r + 1}=0,"",(C{r + 1}+D{r + 1})/(C{r + 1}+D{r + 1}+E{r + 1}))',
                self.f.pct, _value(line.coverage),
            )  # fmt: skip
        last = 3 + len(b.rows)
        put(ws, last, 0, "Total", self.f.bold)
        for c, total in enumerate(b.totals(), start=2):
            col = chr(ord("A") + c)
            ws.write_formula(last, c, f"=SUM({col}4:{col}{last})", self.f.total, total)
        if b.chart and b.rows:
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
            "Where it lands", [14, 30, 8, 18, 12], "Where placed payments land: the supplier's district",
            "Payments to suppliers placed by their trading or delivery postcode, per district (local districts first): "
            "SUMIFS over the Suppliers sheet (S_district, S_cat, S_paid), checked against the Summary.",
        )  # fmt: skip
        self.header(ws, 2, ["District", "Name", "Local", "Payments £", "Suppliers"])
        paid: dict[str, float] = defaultdict(float)
        suppliers: dict[str, int] = defaultdict(int)
        for s in self.r.suppliers:
            if s.category in (Category.LOCAL, Category.NOT_LOCAL):
                paid[s.district] += s.payments_gbp
                suppliers[s.district] += 1
        districts = sorted(paid, key=lambda d: (d not in self.r.local_area, -paid[d], d))
        for i, d in enumerate(districts):
            r = 3 + i
            local = d in self.r.local_area
            crit = f'S_district, $A{r + 1}, S_cat, "{"local" if local else "not-local"}"'
            put(ws, r, 0, d)
            put(ws, r, 1, self.r.local_area.get(d, ""))
            put(ws, r, 2, "Yes" if local else "No")
            ws.write_formula(r, 3, f"=SUMIFS(S_paid, {crit})", self.f.money, round(paid[d], 2))
            ws.write_formula(r, 4, f"=COUNTIFS({crit})", self.f.count, suppliers[d])
        last = 3 + len(districts)
        total = round(sum(paid.values()), 2)
        put(ws, last, 0, "Total", self.f.bold)
        ws.write_formula(last, 3, f"=SUM(D4:D{last})", self.f.total, total)
        ws.write_formula(last, 4, f"=SUM(E4:E{last})", self.f.count_total, sum(suppliers.values()))
        placed = self.sums.get("kc", Kind.PAYMENT, Category.LOCAL)[1] + self.sums.get("kc", Kind.PAYMENT, Category.NOT_LOCAL)[1]  # fmt: skip
        put(ws, last + 1, 0, "Check against the Summary (local + not local payments)")
        ws.write_formula(
            last + 1, 3, f'=IF(ROUND(D{last + 1}-(E_LOCAL+E_NOTLOCAL),2)=0,"matches the Summary","DIFFERS FROM THE SUMMARY")',
            self.f.bold, "matches the Summary" if round(total - placed, 2) == 0 else "DIFFERS FROM THE SUMMARY",
        )  # fmt: skip
