"""``socialvalue template``: the supplier response workbook, or (``--consensus-for``) the panel's consensus workbook."""

from __future__ import annotations

from pathlib import Path

import click

from socialvalue.exitcodes import ExitCode, codes
from socialvalue.terminal import say

from ._common import bid_files, encoding_option, fail, overwrite_option, rubric_or_fail, values_option
from ._store import store_option


def _folder_of_bids(value: Path | None) -> Path | None:
    if value is not None and not value.is_dir():
        raise click.BadParameter(
            f"{value} is a file: --consensus-for takes the folder of returned bids. To score with a consensus "
            f"workbook, use `socialvalue score BIDS_DIR --evaluations {value}`."
        )
    return value


@click.command(epilog=codes(0, 1, 2, 3))
@click.option("--rubric", "rubric_name", help="Built-in rubric id or rubric YAML file.")
@values_option
@click.option(
    "--consensus-for",
    "--evaluation",  # the old name, kept working: it was easy to swap with score's --evaluations (a workbook)
    "bids_dir",
    type=click.Path(exists=True, path_type=Path),
    callback=lambda ctx, param, value: _folder_of_bids(value),
    metavar="BIDS_DIR",
    help="Instead of the supplier workbook, make the panel's consensus score workbook for the bids in this folder "
    "(--evaluation is the old name).",
)
@click.option("--return", "contract", metavar="CONTRACT", help="Instead, CONTRACT's quarterly delivery return for its supplier (with --period), from the store.")  # fmt: skip
@click.option("--period", metavar="QUARTER", help="The delivery return's quarter, e.g. 2026Q3 (with --return).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@overwrite_option
@encoding_option
@store_option
def template(
    rubric_name: str | None, values: str | None, bids_dir: Path | None, contract: str | None, period: str | None,
    output: Path, overwrite: bool, encoding: str | None, store_url: str | None,
) -> int:  # fmt: skip
    """Make the supplier response workbook for a rubric (or, with --consensus-for, the consensus score workbook;
    with --return CONTRACT --period QUARTER, the supplier's delivery return for that quarter).

    A filled response, consensus workbook or return is never replaced without --overwrite. With --consensus-for,
    exits 1 when some files in the folder are not readable bids (they are left out and listed).
    """
    from socialvalue.output.atomic import check_targets, together

    if contract is not None or period is not None:
        if rubric_name or values or bids_dir:
            raise click.UsageError("--return makes a delivery return from the store: give it --period, not --rubric, --values or --consensus-for")  # fmt: skip
        if not contract or not period:
            raise click.UsageError("a delivery return needs both: --return CONTRACT --period 2026Q3")
        from .returns import write_return

        return write_return(contract, period, output, overwrite, store_url)
    if rubric_name is None:
        raise click.UsageError("say what to make: --rubric R (the supplier response workbook), --rubric R --consensus-for BIDS_DIR, or --return CONTRACT --period QUARTER")  # fmt: skip
    source = rubric_or_fail(rubric_name, values, encoding)
    if bids_dir is None:
        from socialvalue.output.template import write_response_template

        check_targets([output], [source.path], overwrite=overwrite)
        with together(overwrite=overwrite):
            write_response_template(source.rubric, source.value_set, output)
        say(f"Supplier response workbook: {output}")
        return ExitCode.OK
    from socialvalue.batch import consensus_template

    files, notes = bid_files(bids_dir)
    check_targets([output], [*files, source.path], overwrite=overwrite)
    made = consensus_template(files, source.rubric, output, inputs=files, overwrite=overwrite)
    if not made.bids:
        fail([*notes, *(p for r in made.left_out for p in r.problems)], f"No readable bids in {bids_dir}")
    say(f"Consensus score workbook for {len(made.bids)} bid(s): {output}")
    if made.left_out:
        say(f"Not readable as bids (left out): {', '.join(r.file for r in made.left_out)}", err=True, fg="yellow")
    return ExitCode.INPUT_PROBLEMS if made.left_out else ExitCode.OK
