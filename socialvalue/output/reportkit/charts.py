"""Charts as inline SVG, drawn by matplotlib's SVG backend (no script, no font or file fetched).

matplotlib is imported only here, inside the function, so a CLI that never draws a chart does not
pay its import. Text stays text (``svg.fonttype = none``: smaller, selectable, read by screen
readers), ids are salted per chart so several charts in one page never share an id, and the file
carries no creation date, so the same figures draw the same bytes.
"""

from __future__ import annotations

import io
import math
import re
import threading
from typing import Any

from socialvalue.words import wrap_words

from .model import Chart, DataTable

_LOCK = threading.Lock()  # matplotlib's rcParams are process-wide
_PROLOG = re.compile(r"^.*?(?=<svg\b)", re.S)
_TAG = re.compile(r"<[^>]*>")
_IDS = re.compile(r'(\bid="|url\(#|href="#)')
MAX_LABEL = 30
"""Characters on one line of a category label: long names wrap onto a second line between words."""
MAX_TITLE = 80


def label(text: object, limit: int = MAX_LABEL, lines: int = 2) -> str:
    """A label in at most ``lines`` lines of ``limit`` characters, broken between words; a name longer than that
    is cut visibly with "…" (the table beneath the chart has it whole)."""
    return "\n".join(wrap_words(str(text), limit, lines))


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else 0.0


def _tick(value: float, kind: str) -> str:
    size = abs(value)
    for limit, suffix in ((1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if size >= limit:
            text = f"{value / limit:,.1f}".rstrip("0").rstrip(".") + suffix
            break
    else:
        text = f"{value:,.0f}" if size >= 10 or value == int(value) else f"{value:,.1f}"
    if kind == "percent":
        return f"{value * 100:.0f}%"
    return ("£" + text) if kind == "gbp" else text


def svg(chart: Chart, table: DataTable, chart_id: str) -> str:
    """The chart as an ``<svg>`` element to inline in HTML (no XML prolog), drawn from ``table``'s rows."""
    import matplotlib

    matplotlib.use("Agg", force=False)  # never a GUI backend, whatever the environment says
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    categories = [label(r.get(chart.category, "")) for r in table.rows]
    kind = table.column(chart.series[0].column).kind if chart.series else "number"
    rc: dict[Any, Any] = {
        "text.parse_math": False,  # "$" in a name is a dollar sign, never mathematics
        "text.usetex": False,
        "svg.fonttype": "none",
        "svg.hashsalt": chart_id,
        "font.family": "sans-serif",
        "font.sans-serif": ["DejaVu Sans", "Arial", "Liberation Sans"],
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 11,
        "axes.titleweight": "bold",
    }
    n = max(len(categories), 1)
    horizontal = chart.kind == "barh"
    height = min(max(1.8, 0.32 * n * max(len(chart.series), 1) ** 0.5 + 1.2), 14.0) if horizontal else 3.4
    with _LOCK, matplotlib.rc_context(rc):
        fig = Figure(figsize=(7.6, height), layout="constrained")
        ax = fig.add_subplot()
        formatter = FuncFormatter(lambda v, _pos: _tick(v, kind))
        colours = chart.colours()
        width = 0.8 / max(len(chart.series), 1)
        positions = list(range(len(categories)))
        for i, s in enumerate(chart.series):
            values = [_number(r.get(s.column)) for r in table.rows]
            name = label(s.label or table.column(s.column).heading, MAX_TITLE, 1)
            if chart.kind == "line":
                ax.plot(positions, values, marker="o", color=colours[i], label=name, linewidth=2)
            else:
                offsets = [p - 0.4 + width * (i + 0.5) for p in positions]
                bar = ax.barh if horizontal else ax.bar
                bar(offsets, values, width * 0.95, color=chart.bar_colours(colours[i], table.rows), label=name)
        value_axis, category_axis = (ax.xaxis, ax.yaxis) if horizontal else (ax.yaxis, ax.xaxis)
        value_axis.set_major_formatter(formatter)
        if kind == "count" and all(_number(r.get(s.column)).is_integer() for s in chart.series for r in table.rows):
            value_axis.set_major_locator(MaxNLocator(integer=True))  # whole contracts, lines: never a tick at 2.5
        category_axis.set_ticks(positions, categories)
        if horizontal:
            ax.invert_yaxis()  # first row at the top, as in the table
            ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
        else:
            ax.grid(axis="y", color="#DDDDDD", linewidth=0.6)
            if n > 6 or max((len(c) for c in categories), default=0) > 10:
                for tick in ax.get_xticklabels():
                    tick.set_rotation(35)
                    tick.set_horizontalalignment("right")
        ax.set_axisbelow(True)
        plotted = [_number(r.get(s.column)) for s in chart.series for r in table.rows]
        if all(v >= 0 for v in plotted):
            # amounts from zero: never exaggerate a gap; shares of a whole on the whole scale, 0 to 100%
            whole = 1 if kind == "percent" and max(plotted, default=0) <= 1 else None
            (ax.set_xlim if horizontal else ax.set_ylim)(0, whole)
        if chart.axis:
            (ax.set_xlabel if horizontal else ax.set_ylabel)(label(chart.axis, MAX_TITLE, 1))
        if len(chart.series) > 1:
            fig.legend(frameon=False, fontsize=8, loc="outside lower center", ncols=len(chart.series))
        fig.suptitle(label(chart.title, MAX_TITLE), x=0.01, ha="left", fontweight="bold", fontsize=11)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    drawn = _PROLOG.sub("", buffer.getvalue(), count=1).strip()
    return _own_ids(drawn, chart_id)


def _own_ids(drawn: str, prefix: str) -> str:
    """Every id in the drawing (and every reference to one) prefixed, so charts in one page never share an id.

    Only inside tags: text content cannot hold ``<`` unescaped, so a label is never rewritten."""
    return _TAG.sub(lambda tag: _IDS.sub(lambda m: f"{m.group(1)}{prefix}-", tag.group(0)), drawn)
