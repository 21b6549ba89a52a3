"""The Summary: one row per bid, in rank order, each figure a live formula that the methods write, and a chart."""

from __future__ import annotations

from xlsxwriter.worksheet import Worksheet

from socialvalue.rubric import CriterionKind
from socialvalue.scoring import arithmetic
from socialvalue.scoring.flags import in_order
from socialvalue.scoring.methods import PriceCells, price_rule, sv_rule
from socialvalue.scoring.results import BidStatus, TenderResult

from ..sheets import fit_height, lines_needed, put, write_formula
from .layout import HEADER_ROW, QUESTIONS, SUMMARY, Col, Context, header, heading_lines, on, ref, span

CHART_BIDS = 15
"""Bids on the Summary chart: the top of the ranking (one readable bar each, whatever the batch's size)."""


def columns(ctx: Context) -> list[Col]:
    """The Summary's columns for this rubric: the parts it scores, and the cells its methods read."""
    r = ctx.rubric
    sv = r.social_value
    quality = r.criterion(CriterionKind.QUALITY)
    # narrow figures under wrapped headings, so the table prints one A4 page across with readable type
    # (names wrap in their cells; £ columns are wide enough for £9,999,999.99, which Excel would otherwise show as ###)
    cols = [Col("rank", "Rank", 4), Col("supplier", "Supplier", 18, "wrap"), Col("bid", "Bid file", 14, "wrap"),
            Col("status", "Status", 10), Col("price", "Bid price £", 13, "money"),
            Col("cprice", "Compared price £", 13, "money")]  # fmt: skip
    if price_rule(r.price_method).reads_other_points:
        cols.append(Col("ratio", "Price per point £", 11, "money"))
    if r.weight(CriterionKind.PRICE) > 0:
        cols.append(Col("price_pts", f"Price points (of {r.weight(CriterionKind.PRICE):g})", 9, "points"))
    if quality:
        cols.append(Col("quality_pts", f"Quality points (of {quality.weight:g})", 9, "points"))
    if r.measures():
        label = "net" if sv is None or sv.score_on == "net" else "gross"
        cols += [Col("sv", f"Social value £ ({label})", 12, "money"), Col("svpct", "Social value % of price", 9, "pct")]
    if sv is not None and sv.quantitative_share_pct > 0:
        pct = sv_rule(sv.quantitative_method).percent_of_price
        cols += [Col("basis", "Social value compared", 11, "pct" if pct else "money"),
                 Col("sv_pts", f"SV commitments points (of {r.sv_quantitative_weight:g})", 10, "points")]  # fmt: skip
    if sv is not None and sv.quantitative_share_pct < 100:
        cols.append(Col("sv_qual", f"SV questions points (of {r.sv_qualitative_weight:g})", 10, "points"))
    return [*cols, Col("total", "Total (of 100)", 8, "points"), Col("flags", "Reason / flags", 26)]


def write_summary(ctx: Context, res: TenderResult) -> None:
    r, f = ctx.rubric, ctx.f
    sv = r.social_value
    price = price_rule(r.price_method)
    cols = columns(ctx)
    ws = ctx.sheets[SUMMARY]
    lines = max(heading_lines(col.heading, col.width) for col in cols)
    c = header(ws, cols, f"Tender results: {r.title}", ctx.notes, f, height=max(48, 15 * lines + 3))
    first = HEADER_ROW + 1
    last = first + max(len(res.bids), 1) - 1
    rows = {b.bid_id: first + i for i, b in enumerate(res.bids)}

    def pool(key: str) -> str:
        return span(c[key], first, last, True)

    by = {col.key: col for col in cols}
    figures = ("rank", "supplier", "bid", "status", "price", "cprice", "flags")
    for b in res.bids:
        row = rows[b.bid_id]
        win = b.rank == 1

        def fmt(key: str, win: bool = win) -> object:
            return f.kind(by[key].fmt, win)

        cell = {k: ref(i, row) for k, i in c.items()}
        put(ws, row, c["rank"], b.rank, fmt("rank"))
        put(ws, row, c["supplier"], b.supplier or "(unreadable)", fmt("supplier"))
        put(ws, row, c["bid"], b.bid_id, fmt("bid"))
        put(ws, row, c["status"], b.status.value, fmt("status"))
        put(ws, row, c["price"], b.price, fmt("price"))
        if b.in_pool:
            write_formula(ws, row, c["cprice"], arithmetic.compared_formula(cell["price"]), b.price, fmt("cprice"))
        else:
            put(ws, row, c["cprice"], None, fmt("cprice"))
        if b.status is BidStatus.UNREADABLE:
            for key in c:
                if key not in figures:
                    put(ws, row, c[key], None)
            put(ws, row, c["flags"], b.status_reason, f.wrap)
            _fit_row(ws, row, by, supplier=b.supplier or "(unreadable)", bid=b.bid_id, flags=b.status_reason)
            continue
        rest = [cell[k] for k in ("quality_pts", "sv_pts", "sv_qual") if k in c]
        if "ratio" in c:
            formula = price.per_point_formula(cell["cprice"], rest)
            write_formula(ws, row, c["ratio"], formula, b.price_per_point, fmt("ratio"))
        if "price_pts" in c:
            formula = price.formula(PriceCells(cell["cprice"], pool("cprice"), cell.get("ratio", ""),
                                               pool("ratio") if "ratio" in c else ""))  # fmt: skip
            write_formula(ws, row, c["price_pts"], formula, b.price_points, fmt("price_pts"))
        quality = r.criterion(CriterionKind.QUALITY)
        if quality:
            _points_sum(ctx, row, c["quality_pts"], (b.bid_id, quality.id), b.quality_points, fmt("quality_pts"))
        if "sv" in c:
            if b.bid_id in ctx.sv_total:  # the bid's total on Social value
                write_formula(ws, row, c["sv"], f"={ctx.sv_total[b.bid_id]}", b.sv_scored, fmt("sv"))
            else:
                put(ws, row, c["sv"], b.sv_scored, fmt("sv"))
            pct = arithmetic.percent_of_price_formula(cell["sv"], cell["price"])
            write_formula(ws, row, c["svpct"], pct, b.sv_percent_of_price, fmt("svpct"))
        if "sv_pts" in c and sv is not None:
            method = sv_rule(sv.quantitative_method)
            basis_value = b.sv_percent_of_price if method.percent_of_price else b.sv_scored
            basis = arithmetic.if_compared_formula(cell["cprice"], method.basis_formula(cell["sv"], cell["svpct"]))
            write_formula(ws, row, c["basis"], basis, basis_value if b.in_pool else None, fmt("basis"))
            formula = method.formula(cell["basis"], pool("basis"))
            write_formula(ws, row, c["sv_pts"], formula, b.sv_quant_points, fmt("sv_pts"))
        if "sv_qual" in c:
            sv_id = r.criterion(CriterionKind.SOCIAL_VALUE).id  # type: ignore[union-attr]
            _points_sum(ctx, row, c["sv_qual"], (b.bid_id, sv_id), b.sv_qual_points, fmt("sv_qual"))
        parts = [cell[k] for k in ("price_pts", "quality_pts", "sv_pts", "sv_qual") if k in c]
        write_formula(ws, row, c["total"], arithmetic.total_formula(cell["cprice"], parts), b.total, fmt("total"))
        reason = "; ".join(x for x in [b.status_reason, *(flag.text for flag in in_order(b.flags))] if x)
        put(ws, row, c["flags"], reason, f.wrap)
        _fit_row(ws, row, by, supplier=b.supplier or "", bid=b.bid_id, flags=reason)
    ws.autofilter(HEADER_ROW, 0, last, len(cols) - 1)
    _chart(ctx, res, c, rows)


def _fit_row(ws: Worksheet, row: int, by: dict[str, Col], **texts: str) -> None:
    """A row tall enough for the wrapped cell that needs most lines (supplier, bid file or reasons)."""
    tallest = max(texts, key=lambda key: lines_needed(texts[key], by[key].width))
    fit_height(ws, row, texts[tallest], by[tallest].width)


def _points_sum(ctx: Context, row: int, col: int, key: tuple[str, str], value: float | None, fmt: object) -> None:
    """Sum of a block of question points; blank while any question in it lacks a score."""
    ws = ctx.sheets[SUMMARY]
    if key not in ctx.q_rows:
        put(ws, row, col, 0.0, fmt)
        return
    a, z = ctx.q_rows[key]
    scores = on(QUESTIONS, span(ctx.q_score_col, a, z))
    points = on(QUESTIONS, span(ctx.q_points_col, a, z))
    write_formula(ws, row, col, arithmetic.points_sum_formula(scores, points, z - a + 1), value, fmt)


def _chart(ctx: Context, res: TenderResult, c: dict[str, int], rows: dict[str, int]) -> None:
    ranked = [b for b in res.bids if b.total is not None]
    if not ranked:
        return
    shown = ranked[:CHART_BIDS]  # the Summary lists bids by rank, so these are its first rows
    first, last = rows[shown[0].bid_id], rows[shown[-1].bid_id]
    chart = ctx.wb.add_chart({"type": "bar", "subtype": "stacked"})
    for key, name, colour in (
        ("price_pts", "Price", "#1F4E79"),
        ("quality_pts", "Quality", "#2E75B6"),
        ("sv_pts", "Social value (commitments)", "#70AD47"),
        ("sv_qual", "Social value (questions)", "#A9D18E"),
    ):
        if key in c:
            chart.add_series(
                {
                    "name": name,
                    "categories": [SUMMARY, first, c["supplier"], last, c["supplier"]],
                    "values": [SUMMARY, first, c[key], last, c[key]],
                    "fill": {"color": colour},
                }
            )
    title = "Points by criterion (ranked bids)"
    if len(shown) < len(ranked):
        title = f"Points by criterion: the top {len(shown)} of {len(ranked)} ranked bids"
    chart.set_title({"name": title})
    chart.set_x_axis({"name": "Points (of 100)", "min": 0, "max": 100})
    chart.set_y_axis({"reverse": True, "interval_unit": 1})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 760, "height": 140 + 40 * len(shown)})
    ws = ctx.sheets[SUMMARY]
    if len(rows) <= 2 * CHART_BIDS:  # below the table
        ws.insert_chart(HEADER_ROW + 3 + len(rows), 1, chart)
    else:  # beside the headings: below a long table nobody would find it
        ws.insert_chart(HEADER_ROW, len(c) + 1, chart)
