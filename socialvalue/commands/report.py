"""``socialvalue report``: the footprint report, a contract's report, and the OCDS export, from the store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from socialvalue.terminal import say

from ._store import open_or_fail, store_option

if TYPE_CHECKING:
    from socialvalue.periods import Period


@click.group()
def report() -> None:
    """Reports on what a footprint committed and delivered: Excel with native charts, and one HTML page.

    \b
      socialvalue report footprint --period 2026Q2 -o report.xlsx --html report.html
      socialvalue report footprint --from 2025Q3 --to 2026Q2 -o year.xlsx
      socialvalue report contract C-2026-014 -o c014.xlsx --html c014.html
      socialvalue report ocds --ocid-prefix ocds-abc123 --publisher "NHS Cheshire and Merseyside" -o releases.json

    Every £ total in a workbook is a live formula over its Rows sheet, so each figure traces back to the
    contract, quarter and return it came from. The HTML page works offline: nothing is fetched.
    """


def _quarter(text: str, option: str) -> Period:
    from socialvalue.periods import Period

    found = Period.parse(text)
    if found is None:
        raise click.BadParameter(f"{text!r} is not a quarter: write it like 2026Q2", param_hint=option)
    return found


def _window(period: str | None, first: str | None, last: str | None) -> tuple[Period, Period]:
    if period and (first or last):
        raise click.UsageError("give --period, or --from and --to, not both")
    if period:
        p = _quarter(period, "--period")
        return p, p
    if not first or not last:
        raise click.UsageError("say which quarters: --period 2026Q2, or --from 2025Q3 --to 2026Q2")
    a, b = _quarter(first, "--from"), _quarter(last, "--to")
    if b < a:
        raise click.UsageError(f"--to {b} is before --from {a}")
    return a, b


def _written(output: Path | None, html: Path | None) -> None:
    if output is not None:
        say(f"Workbook: {output}")
    if html is not None:
        say(f"Web page: {html}")


def _outputs(output: Path | None, html: Path | None) -> None:
    if output is None and html is None:
        raise click.UsageError("say where to write the report: -o report.xlsx and/or --html report.html")


AS_OF_HELP = "The day the status (RAG, overdue returns) is worked out for [default: today]."
OUT = click.Path(dir_okay=False, path_type=Path)


@report.command("footprint")
@click.option(
    "--footprint", "footprint", metavar="CODE", help="The footprint's code, e.g. QYG [default: the store's only one]."
)
@click.option("--period", help="One quarter, e.g. 2026Q2.")
@click.option("--from", "first", metavar="QUARTER", help="First quarter of a range, e.g. 2025Q3.")
@click.option("--to", "last", metavar="QUARTER", help="Last quarter of a range, e.g. 2026Q2.")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help=AS_OF_HELP)
@click.option("-o", "--output", type=OUT, help="The workbook (.xlsx).")
@click.option("--html", type=OUT, help="The web page (.html), one self-contained file.")
@click.option("--no-rows", is_flag=True, help="Leave out the Rows sheet (totals then are plain numbers, not formulas).")
@store_option
def report_footprint(footprint: str | None, period: str | None, first: str | None, last: str | None,
                     as_of: dt.datetime | None, output: Path | None, html: Path | None, no_rows: bool,
                     store_url: str | None) -> None:  # fmt: skip
    """What the footprint's organisations committed and what was delivered, for one quarter or a range.

    Headline figures (£ gross and net apart, delivery rate, contracts by RAG, overdue returns), then
    breakdowns by organisation, place, theme, measure and quarter, each with a chart; counts (hours,
    roles) in their own units; contracts at risk; evidence grades; and what the figures rest on.
    """
    from socialvalue.reports.publish import footprint_report_files

    a, b = _window(period, first, last)
    _outputs(output, html)
    store = open_or_fail(store_url, create=False)
    day = (as_of or dt.datetime.now()).date()
    try:
        footprint_report_files(store, footprint, a, b, day, output, html, with_rows=not no_rows)
    except LookupError as exc:
        raise click.UsageError(str(exc)) from exc
    _written(output, html)


@report.command("contract")
@click.argument("contract")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help=AS_OF_HELP)
@click.option("-o", "--output", type=OUT, help="The workbook (.xlsx).")
@click.option("--html", type=OUT, help="The web page (.html), one self-contained file.")
@store_option
def report_contract(contract: str, as_of: dt.datetime | None, output: Path | None, html: Path | None, store_url: str | None) -> None:  # fmt: skip
    """CONTRACT's committed against delivered, by quarter and by KPI, for its review meeting."""
    from socialvalue.reports.publish import contract_report_files

    _outputs(output, html)
    store = open_or_fail(store_url, create=False)
    try:
        contract_report_files(store, contract, (as_of or dt.datetime.now()).date(), output, html)
    except LookupError as exc:
        raise click.UsageError(str(exc)) from exc
    _written(output, html)


@report.command("ocds")
@click.option(
    "--footprint", "footprint", metavar="CODE", help="Every contract of this footprint [default: every contract]."
)
@click.option("--contract", metavar="ID", help="Only this contract.")
@click.option(
    "--ocid-prefix",
    required=True,
    help="Your OCID prefix, ocds-xxxxxx (registered with the Open Contracting Partnership).",
)
@click.option("--publisher", required=True, help="Who publishes the data, e.g. NHS Cheshire and Merseyside.")
@click.option("-o", "--output", type=OUT, required=True, help="The release package (.json).")
@store_option
def report_ocds(footprint: str | None, contract: str | None, ocid_prefix: str, publisher: str, output: Path,
                store_url: str | None) -> None:  # fmt: skip
    """Awards with their social value commitments and delivery, as OCDS 1.1 releases (Metrics extension).

    One release per contract: the KPIs as agreed metrics (quantity per quarter, and £ gross and net
    where a proxy value applies), and what the returns reported as implementation metrics.
    """
    from socialvalue.reports.ocds import check_prefix
    from socialvalue.reports.publish import ocds_file

    why = check_prefix(ocid_prefix)
    if why:
        raise click.BadParameter(why, param_hint="--ocid-prefix")
    store = open_or_fail(store_url, create=False)
    try:
        releases = ocds_file(store, output, ocid_prefix, publisher, footprint, contract)
    except LookupError as exc:
        raise click.UsageError(str(exc)) from exc
    say(f"{releases} release(s): {output}")
