"""The report kit: one description of a report (:mod:`.model`), written as an Excel workbook with native
charts (:func:`write_report_xlsx`) and as one self-contained HTML page with SVG charts (:func:`write_report_html`).

Shared by every report the toolkit makes (footprint, contract, local spend): they build a
:class:`Report` of figures they worked out, and the kit only lays them out. The writers import their
libraries (XlsxWriter, Jinja2, matplotlib) when called, so importing the model stays cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .model import (
    PALETTE,
    Cell,
    Chart,
    ChartKind,
    Column,
    DataTable,
    Figure,
    Headline,
    Kind,
    Note,
    Report,
    Section,
    Series,
)


def write_report_html(report: Report, target: Path, inputs: Sequence[Path] = ()) -> Path:
    """The report as one self-contained HTML page (see :mod:`.html`)."""
    from .html import write_report_html as write

    return write(report, target, inputs)


def write_report_xlsx(report: Report, target: Path, inputs: Sequence[Path] = ()) -> Path:
    """The report as an Excel workbook (see :mod:`.xlsx`)."""
    from .xlsx import write_report_xlsx as write

    return write(report, target, inputs)


def write_report(report: Report, xlsx: Path | None, html: Path | None, inputs: Sequence[Path] = ()) -> list[Path]:
    """The report as a workbook and/or a page, replacing their targets together (both from this run, or
    both as they were); the files written."""
    from ..atomic import together

    with together():
        return [
            *([write_report_xlsx(report, xlsx, inputs)] if xlsx is not None else []),
            *([write_report_html(report, html, inputs)] if html is not None else []),
        ]


__all__ = [
    "PALETTE",
    "Cell",
    "Chart",
    "ChartKind",
    "Column",
    "DataTable",
    "Figure",
    "Headline",
    "Kind",
    "Note",
    "Report",
    "Section",
    "Series",
    "write_report",
    "write_report_html",
    "write_report_xlsx",
]
