"""``socialvalue returns``: the supplier's quarterly delivery returns, from template to contract status."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

import click

from socialvalue.exitcodes import ExitCode
from socialvalue.terminal import say

from ._common import fail
from ._store import list_problems, open_or_fail, store_option


@click.group()
def returns() -> None:
    """Quarterly delivery returns: what each supplier delivered against its contract's KPIs.

    \b
      socialvalue returns template C-2026-014 --period 2026Q3 -o return.xlsx   issue this to the supplier
      socialvalue returns ingest returned/                                   record filled returns
      socialvalue returns grade C-2026-014 --period 2026Q3 --grade verified  grade the evidence
      socialvalue returns status --footprint QYG                             delivered vs committed, RAG, overdue
      socialvalue returns history C-2026-014                                 every file recorded, what changed

    A return with any error is rejected whole, with every problem listed. The same file twice changes
    nothing; a corrected return for the same quarter supersedes the earlier one, which is kept.
    """


def _period(text: str) -> str:
    from socialvalue.periods import Period

    period = Period.parse(text)
    if period is None:
        raise click.BadParameter(f"{text!r} is not a quarter: write it like 2026Q3")
    return period.key


def write_return(contract: str, period: str, output: Path, overwrite: bool, store_url: str | None) -> int:
    """CONTRACT's delivery return for a quarter, written to ``output`` (``returns template`` and ``template --return``)."""
    from socialvalue.contracts.return_template import make_return

    quarter = _period(period)
    store = open_or_fail(store_url, create=False)
    made, problems = make_return(store, contract, quarter, output, overwrite)  # refused: exit 2; unwritable: 3
    if made is None:
        fail(problems, f"no return was made for {contract}")
    say(f"Delivery return for {contract}, {quarter}: {output}")
    return ExitCode.OK


@returns.command("template")
@click.argument("contract")
@click.option("--period", required=True, help="The quarter, e.g. 2026Q3 (July to September 2026).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--overwrite", is_flag=True, help="Replace the output file if it exists.")
@store_option
def returns_template(contract: str, period: str, output: Path, overwrite: bool, store_url: str | None) -> int:
    """Make CONTRACT's delivery return workbook for a quarter, for the supplier to fill in.

    The same as `socialvalue template --return CONTRACT --period QUARTER`."""
    return write_return(contract, period, output, overwrite, store_url)


INGEST_COLOURS = {"rejected": "red", "superseded": "green", "recorded": "green"}


@returns.command("ingest")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@store_option
def returns_ingest(folder: Path, store_url: str | None) -> int:
    """Read every returned workbook in FOLDER and record those without errors (each whole, or not at all).

    Exit 0 when every file was recorded (or was already); 1 when some were rejected (listed with file,
    sheet, cell and reason).
    """
    from socialvalue.contracts.ingest import ingest_folder, return_files

    store = open_or_fail(store_url, create=False)
    with click.progressbar(length=len(return_files(folder)), label="Reading returns", file=sys.stderr) as bar:
        report = ingest_folder(store, folder, bar.update)
    for f in report.files:
        what, line = f.describe()
        say(f"  {what:11} {line}", fg=INGEST_COLOURS.get(what))
    list_problems(report.problems)
    say(f"{report.recorded} return(s) recorded, {len(report.rejected)} rejected, of {len(report.files)} file(s); store {store.label}")  # fmt: skip
    return ExitCode.INPUT_PROBLEMS if report.has_errors else ExitCode.OK


@returns.command("grade")
@click.argument("contract")
@click.option("--period", required=True, help="The quarter, e.g. 2026Q3.")
@click.option("--grade", required=True, type=click.Choice(["self-reported", "documented", "verified"]))
@click.option(
    "--kpi", "kpis", multiple=True, help="Grade only this KPI (repeatable; default: every KPI of the return)."
)
@click.option("--by", default="", help="Who graded it (kept with the grade).")
@store_option
def returns_grade(
    contract: str, period: str, grade: str, kpis: tuple[str, ...], by: str, store_url: str | None
) -> None:
    """Grade the evidence of CONTRACT's current return for a quarter (the contract manager's call)."""
    from socialvalue.store.returns import grade_evidence

    store = open_or_fail(store_url, create=False)
    done, problems = grade_evidence(store, contract, _period(period), grade, list(kpis) or None, by)
    if problems:
        fail(problems, "nothing was graded")
    say(f"Graded {done} KPI(s) of {contract} {_period(period)} as {grade}")


@returns.command("status")
@click.option("--footprint", help="Only this footprint's contracts (its code, e.g. QYG).")
@click.option("--contract", help="Only this contract.")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), help="The day to report on (default: today).")
@store_option
def returns_status(footprint: str | None, contract: str | None, as_of: datetime | None, store_url: str | None) -> None:
    """Delivered against the phased commitment to date, RAG, overdue returns and double counting."""
    from socialvalue.contracts.status import contract_status
    from socialvalue.store.status import Scope

    store = open_or_fail(store_url, create=False)
    day = as_of.date() if as_of else date.today()
    report = contract_status(store, day, Scope(footprint=footprint, contract=contract))
    colours = {"green": "green", "amber": "yellow", "red": "red"}
    say(f"Status on {day} (commitment and delivery to the end of the last quarter ended)")
    for c in report.contracts:
        pct = f"{c.ratio:6.0%}" if c.ratio is not None else "     -"
        manager = f"  manager {c.manager}" if c.manager else ""
        say(
            f"  {c.contract:16} {pct} {c.rag:8} {c.organisation[:40]:40} {c.supplier[:30]}{manager}",
            fg=colours.get(c.rag),
        )
        for k in c.kpis:
            kp = f"{k.ratio:6.0%}" if k.ratio is not None else "     -"
            say(f"      {k.code:8} {k.delivered_to_date:>12,g} of {k.committed_to_date:>12,g} {k.unit:10} {kp} {k.rag}")
        if c.overdue:
            say(f"      overdue returns: {', '.join(c.overdue)}", fg="red")
    for p in report.findings:
        say(f"  {p.severity.value:7} {p}", fg="yellow")
    say(f"{len(report.contracts)} contract(s); {len(report.overdue)} overdue return(s); "
        f"{len(report.findings)} possible double count(s)")  # fmt: skip


@returns.command("history")
@click.argument("contract")
@store_option
def returns_history(contract: str, store_url: str | None) -> None:
    """Every return recorded for CONTRACT: quarter, file, SHA-256, when, current or superseded, what changed."""
    from socialvalue.store.returns import history

    store = open_or_fail(store_url, create=False)
    rows, problems = history(store, contract)
    if problems:
        fail(problems, f"no history for {contract}")
    for r in rows:
        say(f"  {r['period']} {r['status']:10} {r['received_at']:%Y-%m-%d %H:%M} {r['sha256'][:12]} {r['file_name']}")
        for change in filter(None, r["changes"].split("\n")):
            say(f"      {change}")
    if not rows:
        say(f"No returns recorded for {contract} yet")
