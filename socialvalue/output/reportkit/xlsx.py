"""A report as an Excel workbook: native charts, frozen headings, pages ready to print, and numbers that trace.

Sheets: **Summary** (headline figures, what they rest on, a list of the sheets), one sheet per figure
(its table with the heading row frozen, its chart beside it as a native Excel chart), and **Rows**,
the rows behind the totals. Where a report has rows, each total is a live formula over them (SUMIFS
matching the table's key columns; headlines SUM a rows column), stored with the value the report
worked out, so Excel, LibreOffice or pandas read the figure and a reader can see where it comes from.
Rows are written in order with XlsxWriter's constant-memory mode and the results workbook's lean row writer
(:mod:`socialvalue.output.sheets`): memory stays flat however many rows.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

from socialvalue.problems import column_letters, quote_sheet
from socialvalue.words import wrap_words

from ..atomic import OutputRefused, atomic_path
from ..safe import WORKBOOK_OPTIONS, clean_text
from ..sheets import put, write_string
from .model import Cell, Column, DataTable, Kind, Report

EXCEL_MAX_ROWS = 1_048_576
A4 = 9  # XlsxWriter's paper code for A4
HEADING_ROW = 3  # 0-based row of each figure sheet's column headings (title and note above)
_NUMBER_FORMATS: dict[Kind, str] = {
    "gbp": "£#,##0;-£#,##0;£0",
    "count": "#,##0.##;-#,##0.##;0",
    "number": "#,##0.##;-#,##0.##;0",
    "percent": "0.0%",
    "date": "d mmm yyyy",
    "text": "@",
}
SUMMARY_WIDTHS = (44.0, 18.0, 70.0)  # Summary's Figure, Value and Note columns
_WIDTHS: dict[Kind, float] = {"gbp": 14, "count": 12, "number": 12, "percent": 10, "date": 12, "text": 16}
LINE_HEIGHT = 13.0  # points per line of 10 pt Arial, wrapped
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\']")
_CRITERION_SPECIAL = re.compile(r"[*?~]|^[=<>]")


class ReportTooLarge(OutputRefused):
    """More rows behind the totals than one Excel sheet holds: narrow the period or the footprint (exit 2)."""


def sheet_name(text: str, taken: set[str]) -> str:
    """A sheet name Excel accepts (31 characters, none of []:*?/\\ '), unique in ``taken`` (case-blind)."""
    base = _BAD_SHEET_CHARS.sub(" ", clean_text(text)).strip()[:31].strip() or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def _width(column: Column, rows: Collection[dict[str, Cell]]) -> float:
    """The column's own width, else one from its kind, else (text) from its first 1,000 values."""
    if column.width:
        return column.width
    if column.kind != "text":
        return max(_WIDTHS[column.kind], len(column.heading) * 0.9)
    longest = max((len(str(r.get(column.key) or "")) for r in itertools.islice(rows, 1000)), default=0)
    return min(max(longest + 2, len(column.heading) * 0.9, 8), 48)


def _widths(table: DataTable) -> list[float]:
    """The widths of a figure table's columns (the total row's label shown whole too)."""
    widths = [_width(c, table.rows) for c in table.columns]
    if table.total and table.rows and not table.columns[0].width:
        widths[0] = max(widths[0], min(len(clean_text(table.total)) + 2, 48))
    return widths


def _lines(text: object, width: float) -> int:
    """Lines ``text`` wraps to in a column ``width`` characters wide (between words, as spreadsheets wrap)."""
    return len(wrap_words(str(text), max(int(width) - 1, 4))) if text not in (None, "") else 1


def _height(lines: int) -> float:
    """The row height (points) that shows ``lines`` wrapped lines whole: spreadsheets do not all grow a row to fit."""
    return LINE_HEIGHT * lines + 2


def _criterion(value: Cell, ref: str) -> str:
    """What a SUMIFS matches: the key cell itself, or (where the key holds *, ?, ~ or starts with =, <, >,
    which SUMIFS would read as a wildcard or a comparison) the key spelled out as an exact-match literal."""
    if value is None:
        return '""'
    text = str(value)
    if not _CRITERION_SPECIAL.search(text):
        return ref
    escaped = re.sub(r"([*?~])", r"~\1", text).replace('"', '""')
    return f'"={escaped}"'


class _Writer:
    def __init__(self, workbook: Any, report: Report) -> None:
        self.wb = workbook
        self.report = report
        self.taken: set[str] = set()
        self.formats: dict[str, Any] = {}
        self.rows_sheet = ""
        self.rows_columns: dict[str, str] = {}  # rows column key → absolute range, e.g. Rows!$H$2:$H$900
        if report.rows is not None:
            self._plan_rows(report.rows)

    def fmt(self, name: str, **props: Any) -> Any:
        if name not in self.formats:
            self.formats[name] = self.wb.add_format({"font_name": "Arial", "font_size": 10, **props})
        return self.formats[name]

    def heading_format(self) -> Any:
        return self.fmt("heading", bold=True, font_color="#FFFFFF", bg_color="#1F4E79", border=1, text_wrap=True,
                        valign="top")  # fmt: skip

    def kind_format(self, kind: Kind, total: bool = False, wrap: bool = False) -> Any:
        """The cells of one kind; ``wrap``: a figure table's cells (top-aligned, text wrapping between words)."""
        props: dict[str, Any] = {"num_format": _NUMBER_FORMATS[kind]}
        if kind in ("gbp", "count", "number", "percent"):
            props["align"] = "right"  # a word in a figures column ('<5', 'suppressed') lines up with the numbers
        if wrap:
            props |= {"valign": "top", "text_wrap": kind == "text"}
        if total:
            props |= {"bold": True, "bg_color": "#DEEAF6", "top": 1}
        return self.fmt(f"{kind}-{total}-{wrap}", **props)

    def _plan_rows(self, rows: DataTable) -> None:
        self.rows_sheet = sheet_name(rows.key, self.taken)
        last = max(len(rows.rows) + 1, 2)
        for i, c in enumerate(rows.columns):
            col = column_letters(i)
            self.rows_columns[c.key] = f"{quote_sheet(self.rows_sheet)}!${col}$2:${col}${last}"

    # --- cells --------------------------------------------------------------------------------

    def cell(self, ws: Any, row: int, col: int, value: Cell, kind: Kind, fmt: Any = None) -> None:
        fmt = fmt if fmt is not None else self.kind_format(kind)
        if value is None:
            ws.write_blank(row, col, None, fmt)
        elif isinstance(value, bool):
            write_string(ws, row, col, "yes" if value else "no", fmt)
        elif isinstance(value, int | float):
            ws.write_number(row, col, value, fmt)
        elif isinstance(value, dt.datetime):
            ws.write_datetime(row, col, value.replace(tzinfo=None), fmt)
        elif isinstance(value, dt.date):
            ws.write_datetime(row, col, dt.datetime(value.year, value.month, value.day), fmt)
        else:
            write_string(ws, row, col, clean_text(value), fmt)

    def formula(self, ws: Any, row: int, col: int, formula: str, value: Cell, fmt: Any) -> None:
        shown: Any = value if isinstance(value, int | float | str) else ""
        ws.write_formula(row, col, formula, fmt, shown)

    def print_setup(self, ws: Any, heading_row: int, landscape: bool = True) -> None:
        ws.set_paper(A4)
        if landscape:
            ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(heading_row)
        ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
        title = clean_text(self.report.title, limit=120).replace("&", "&&")
        ws.set_footer(f"&L{title}&RPage &P of &N")

    # --- sheets -------------------------------------------------------------------------------

    def summary(self, figure_sheets: list[tuple[str, str]]) -> None:
        ws = self.wb.add_worksheet(sheet_name("Summary", self.taken))
        for col, width in enumerate(SUMMARY_WIDTHS):
            ws.set_column(col, col, width)
        self.cell(ws, 0, 0, self.report.title, "text", self.fmt("title", bold=True, font_size=16, font_color="#1F4E79"))
        self.cell(ws, 1, 0, self.report.subtitle, "text", self.fmt("subtitle", font_size=12, font_color="#1F4E79"))
        made = self.report.generated or dt.datetime.now(dt.UTC)
        self.cell(ws, 2, 0, f"Made {made:%d %B %Y %H:%M} UTC", "text", self.fmt("muted", font_color="#595959"))
        row = 4
        for note in self.report.warnings:
            text = clean_text(f"{note.label} {note.text}".strip())
            ws.merge_range(row, 0, row, 2, text, self.fmt("banner", bold=True, font_color="#C00000", text_wrap=True,
                                                         valign="top", border=2, border_color="#C00000", bg_color="#FFF2F2"))  # fmt: skip
            ws.set_row(row, 15 * max(1, len(text) // 110 + 1))
            row += 2
        heading = self.heading_format()
        for col, text in enumerate(("Figure", "Value", "Note")):
            write_string(ws, row, col, text, heading)
        heading_row = row
        where: dict[str, str] = {}
        for h in self.report.headlines:
            row += 1
            where[h.key] = f"B{row + 1}"
        row = heading_row
        wrap = self.fmt("wrap", text_wrap=True, valign="top")
        for h in self.report.headlines:
            row += 1
            lines = max(_lines(clean_text(h.label), SUMMARY_WIDTHS[0]), _lines(clean_text(h.note), SUMMARY_WIDTHS[2]))
            if lines > 1:
                ws.set_row(row, _height(lines))
            write_string(ws, row, 0, clean_text(h.label), wrap)
            fmt = self.kind_format(h.kind, wrap=True)
            if h.sums and h.sums in self.rows_columns:
                self.formula(ws, row, 1, f"=SUM({self.rows_columns[h.sums]})", h.value, fmt)
            elif h.ratio and h.ratio[0] in where and h.ratio[1] in where:
                num, den = where[h.ratio[0]], where[h.ratio[1]]
                self.formula(ws, row, 1, f'=IF({den}=0,"",{num}/{den})', h.value, fmt)
            else:
                self.cell(ws, row, 1, h.value, h.kind, fmt)
            if h.note:
                write_string(
                    ws, row, 2, clean_text(h.note), self.fmt("note-cell", text_wrap=True, valign="top", indent=1)
                )
        ws.freeze_panes(heading_row + 1, 0)
        row += 2
        if self.report.basis:
            write_string(
                ws, row, 0, "What these figures rest on", self.fmt("h2", bold=True, font_size=12, font_color="#1F4E79")
            )
            for note in self.report.basis:
                row += 1
                style = {"warning": self.fmt("warn", bold=True, font_color="#C00000", text_wrap=True, valign="top"),
                         "note": self.fmt("note", italic=True, font_color="#595959", text_wrap=True, valign="top")}  # fmt: skip
                text = f"{note.label} {note.text}".strip()
                ws.merge_range(row, 0, row, 2, clean_text(text), style.get(note.kind, wrap))
                ws.set_row(row, 15 * max(1, len(text) // 120 + 1))
            row += 2
        if figure_sheets or self.rows_sheet:
            write_string(
                ws, row, 0, "Sheets in this workbook", self.fmt("h2", bold=True, font_size=12, font_color="#1F4E79")
            )
            for name, title in [
                *figure_sheets,
                *([(self.rows_sheet, "The rows behind the totals")] if self.rows_sheet else []),
            ]:
                row += 1
                ws.write_url(row, 0, f"internal:{quote_sheet(name)}!A1", string=name)
                write_string(ws, row, 1, clean_text(title))
        self.print_setup(ws, heading_row, landscape=False)
        ws.activate()

    def figure(self, name: str, table: DataTable, chart: Any) -> None:
        ws = self.wb.add_worksheet(name)
        write_string(
            ws, 0, 0, clean_text(table.title), self.fmt("title2", bold=True, font_size=13, font_color="#1F4E79")
        )
        if table.note:  # across the table's columns, wrapped: the page prints the table's width, not the note's
            note, width = clean_text(table.note), sum(_widths(table))
            ws.set_row(1, _height(_lines(note, width)))
            fmt = self.fmt("table-note", italic=True, font_color="#595959", text_wrap=True, valign="top")
            if len(table.columns) > 1:
                ws.merge_range(1, 0, 1, len(table.columns) - 1, note, fmt)
            else:
                write_string(ws, 1, 0, note, fmt)
        self.table(ws, table, HEADING_ROW)
        if chart is not None and table.rows:
            self.chart(ws, name, table, chart)
        self.print_setup(ws, HEADING_ROW)

    def table(self, ws: Any, table: DataTable, top: int) -> None:
        heading = self.heading_format()
        widths = _widths(table)
        ws.set_row(
            top, _height(max(_lines(clean_text(c.heading), w) for c, w in zip(table.columns, widths, strict=True)))
        )
        for col, (c, width) in enumerate(zip(table.columns, widths, strict=True)):
            ws.set_column(col, col, width)
            write_string(ws, top, col, clean_text(c.heading), heading)
        letters = {c.key: column_letters(i) for i, c in enumerate(table.columns)}
        text = [(c.key, w) for c, w in zip(table.columns, widths, strict=True) if c.kind == "text"]
        first = top + 1
        for r, values in enumerate(table.rows):
            lines = max((_lines(clean_text(values.get(key) or ""), w) for key, w in text), default=1)
            if lines > 1:  # a long name wraps in its cell (text columns wrap) rather than being cut at the border
                ws.set_row(first + r, _height(lines))
            self._row(ws, table, first + r, values, letters)
        last = first + len(table.rows) - 1
        if table.total and table.rows:
            totals = table.totals()
            row = last + 1
            for col, c in enumerate(table.columns):
                fmt = self.kind_format(c.kind, total=True)
                letter = letters[c.key]
                if col == 0:
                    write_string(ws, row, 0, clean_text(table.total), fmt)
                elif c.ratio is not None:
                    num, den = letters[c.ratio[0]], letters[c.ratio[1]]
                    self.formula(
                        ws,
                        row,
                        col,
                        f'=IF(OR({den}{row + 1}=0,{num}{row + 1}=""),"",{num}{row + 1}/{den}{row + 1})',
                        totals.get(c.key),
                        fmt,
                    )
                elif c.key in totals:
                    self.formula(ws, row, col, f"=SUM({letter}{first + 1}:{letter}{last + 1})", totals[c.key], fmt)
                else:
                    ws.write_blank(row, col, None, fmt)
        ws.freeze_panes(top + 1, 1)
        if table.rows:
            ws.autofilter(top, 0, last, len(table.columns) - 1)

    def _row(self, ws: Any, table: DataTable, row: int, values: dict[str, Cell], letters: dict[str, str]) -> None:
        for col, c in enumerate(table.columns):
            value = values.get(c.key)
            fmt = self.kind_format(c.kind, wrap=True)
            if c.sums and c.sums in self.rows_columns and table.match:
                criteria = []
                for rows_key, own_key in table.match.items():
                    criteria.append(self.rows_columns[rows_key])
                    criteria.append(_criterion(values.get(own_key), f"${letters[own_key]}{row + 1}"))
                self.formula(ws, row, col, f"=SUMIFS({self.rows_columns[c.sums]},{','.join(criteria)})", value, fmt)
            elif c.ratio is not None:
                num, den = letters[c.ratio[0]], letters[c.ratio[1]]
                self.formula(
                    ws,
                    row,
                    col,
                    f'=IF(OR({den}{row + 1}=0,{num}{row + 1}=""),"",{num}{row + 1}/{den}{row + 1})',
                    value,
                    fmt,
                )
            else:
                self.cell(ws, row, col, value, c.kind, fmt)

    def chart(self, ws: Any, name: str, table: DataTable, chart: Any) -> None:
        excel_kind = {"bar": "column", "barh": "bar", "line": "line"}[chart.kind]
        xl = self.wb.add_chart({"type": excel_kind})
        columns = [c.key for c in table.columns]
        first, last = HEADING_ROW + 1, HEADING_ROW + len(table.rows)
        cat = columns.index(chart.category)
        kind = table.column(chart.series[0].column).kind if chart.series else "number"
        for s, colour in zip(chart.series, chart.colours(), strict=True):
            col = columns.index(s.column)
            series: dict[str, Any] = {
                "name": clean_text(s.label or table.column(s.column).heading, limit=255),
                "categories": [name, first, cat, last, cat],
                "values": [name, first, col, last, col],
            }
            if chart.kind == "line":
                series |= {"line": {"color": colour, "width": 2.25}, "marker": {"type": "circle", "size": 5,
                           "fill": {"color": colour}, "border": {"color": colour}}}  # fmt: skip
            else:
                series |= {"fill": {"color": colour}, "border": {"none": True}, "gap": 60}
                if chart.category_colours:
                    bars = chart.bar_colours(colour, table.rows)
                    series["points"] = [{"fill": {"color": c}, "border": {"none": True}} for c in bars]
            xl.add_series(series)
        xl.set_title({"name": clean_text(chart.title, limit=255), "name_font": {"size": 12, "bold": True}})
        value_axis: dict[str, Any] = {"num_format": _NUMBER_FORMATS.get(kind, "General"), "major_gridlines": {"visible": True,
                      "line": {"color": "#DDDDDD"}}, "name": clean_text(chart.axis, limit=255) if chart.axis else None}  # fmt: skip
        value_axis = {k: v for k, v in value_axis.items() if v is not None}
        values = [r.get(s.column) for s in chart.series for r in table.rows]
        if all(not isinstance(v, int | float) or v >= 0 for v in values):
            value_axis["min"] = 0  # amounts from zero, as on the page: a spreadsheet's own scale can exaggerate a gap
        numbers = [float(v) for v in values if isinstance(v, int | float)]
        if kind == "percent" and "min" in value_axis and max(numbers, default=0) <= 1:
            value_axis["max"] = 1  # shares of a whole on the whole scale, 0 to 100%, as on the page
        if kind == "count" and numbers and all(v.is_integer() for v in numbers) and max(numbers) <= 10:
            value_axis["major_unit"] = 1  # whole contracts or lines: never a gridline at 2.5
        if excel_kind == "bar":
            xl.set_x_axis(value_axis)
            xl.set_y_axis({"reverse": True, "crossing": "max"})  # first row at the top, as in the table; £ axis below
        else:
            xl.set_y_axis(value_axis)
        xl.set_legend({"position": "bottom"} if len(chart.series) > 1 else {"none": True})
        n = len(table.rows)
        height = max(320, min(20 * n * max(1, len(chart.series)) + 120, 900)) if excel_kind == "bar" else 340
        xl.set_size({"width": 640, "height": height})
        ws.insert_chart(HEADING_ROW, len(table.columns) + 1, xl, {"object_position": 1})

    def rows(self, table: DataTable) -> None:
        ws = self.wb.add_worksheet(self.rows_sheet)
        heading = self.heading_format()
        formats = [self.kind_format(c.kind) for c in table.columns]
        for col, c in enumerate(table.columns):
            ws.set_column(col, col, _width(c, table.rows))
            write_string(ws, 0, col, clean_text(c.heading), heading)
        keys = [c.key for c in table.columns]
        for r, values in enumerate(table.rows, start=1):  # the lean row writer: this sheet may hold a million rows
            for col, key in enumerate(keys):
                value = values.get(key)
                if isinstance(value, dt.date):
                    self.cell(ws, r, col, value, "date", formats[col])
                else:
                    put(ws, r, col, value, formats[col])
        ws.freeze_panes(1, 1)
        ws.autofilter(0, 0, max(len(table.rows), 1), len(table.columns) - 1)
        self.print_setup(ws, 0)


def write_report_xlsx(report: Report, target: Path, inputs: Sequence[Path] = ()) -> Path:
    """The report as one workbook, written atomically (never over an input). Raises :class:`ReportTooLarge`
    before writing anything when the rows behind the totals do not fit in one sheet."""
    from ..sheets import ResultsWorkbook

    if report.rows is not None and len(report.rows.rows) + 1 > EXCEL_MAX_ROWS:
        raise ReportTooLarge(
            f"{len(report.rows.rows):,} rows lie behind these totals; one Excel sheet holds {EXCEL_MAX_ROWS - 1:,}: "
            "report a shorter period or fewer organisations"
        )
    with atomic_path(target, inputs) as tmp:
        workbook = ResultsWorkbook(str(tmp), {**WORKBOOK_OPTIONS, "constant_memory": True})
        try:
            writer = _Writer(workbook, report)
            names = [(sheet_name(f.table.key, writer.taken), f.table.title) for f in report.figures()]
            writer.summary(names)
            for (name, _title), figure in zip(names, report.figures(), strict=True):
                writer.figure(name, figure.table, figure.chart)
            if report.rows is not None:
                writer.rows(report.rows)
        finally:
            workbook.close()
    return target
