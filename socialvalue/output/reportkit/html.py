"""A report as one self-contained HTML page: Jinja2 templates shipped in the package, SVG charts inline.

The page needs nothing but itself: styles inline, charts drawn as SVG in the page, no script, and a
Content-Security-Policy that forbids fetching anything, so even a hostile name in the data cannot make
the page call out. Every value reaches the page through an autoescaping template.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from socialvalue import __version__

from ..atomic import atomic_path
from ..document import plain
from ..safe import clean_text
from .model import Cell, Figure, Kind, Report

if TYPE_CHECKING:
    from jinja2 import Environment


def anchor(key: str) -> str:
    """An HTML id made from a table's key: letters, digits and hyphens."""
    return "t-" + (re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-") or "table")


CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def show(value: Cell, kind: Kind = "text") -> str:
    """A value as the report prints it: £12,345; 1,234.5 (a count); 56.2%; 1 April 2026; — for none."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if isinstance(value, dt.date):
        return f"{value.day} {value:%B %Y}"
    if isinstance(value, int | float) and not isinstance(value, bool):
        if kind == "gbp":
            return f"-£{-value:,.0f}" if value < 0 else f"£{value:,.0f}"
        if kind == "percent":
            return f"{value * 100:.1f}%"
        if kind in ("count", "number"):
            return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
    return plain(value)


def _without_controls(value: object) -> object:
    """Every value the templates print, control characters removed (a name holding an escape sequence or a
    form feed is not HTML text); markup the page built itself (the charts) passes as it is."""
    from markupsafe import Markup

    if isinstance(value, str) and not isinstance(value, Markup):
        return clean_text(value, limit=len(value) + 1)
    return value


def _environment() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(
        loader=PackageLoader("socialvalue.output.reportkit", "templates"),
        autoescape=True,
        finalize=_without_controls,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["show"] = show
    env.filters["plain"] = plain
    env.filters["anchor"] = anchor
    return env


def _chart(figure: Figure, index: int) -> str:
    from markupsafe import escape

    from .charts import svg

    assert figure.chart is not None
    chart_id = f"chart-{index}"
    drawn = svg(figure.chart, figure.table, chart_id)
    described = escape(f"{figure.chart.title}. The figures are in the table below the chart.")
    # matplotlib escapes every text it draws; the attributes added here are escaped too
    opening = f'<svg role="img" aria-label="{described}" aria-describedby="{anchor(figure.table.key)}-table" '
    return opening + drawn.removeprefix("<svg ")


def render(report: Report) -> str:
    """The whole page as text."""
    from markupsafe import Markup

    charts: dict[str, Markup] = {}
    for i, figure in enumerate(report.figures()):
        if figure.table.key in charts:
            raise ValueError(f"two tables in one report are keyed {figure.table.key!r}")
        if figure.chart is not None and figure.table.rows:
            charts[figure.table.key] = Markup(_chart(figure, i))
    generated = report.generated or dt.datetime.now(dt.UTC)
    template = _environment().get_template("report.html.j2")
    return template.render(
        report=report,
        charts=charts,
        csp=CSP,
        generated=f"{generated:%d %B %Y %H:%M} UTC",
        version=__version__,
    )


def write_report_html(report: Report, target: Path, inputs: Sequence[Path] = ()) -> Path:
    """The report as one HTML file, written atomically (never over an input)."""
    page = render(report)
    with atomic_path(target, inputs) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return target
