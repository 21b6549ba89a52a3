"""``socialvalue score``: every bid in a folder scored, ranked and explained in the results workbook."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from socialvalue.exitcodes import ExitCode, codes
from socialvalue.terminal import print_problems, say

from ._common import (
    bid_files,
    command_line,
    cores,
    encoding_option,
    overwrite_option,
    rubric_option,
    rubric_or_fail,
    values_option,
)


def _consensus_workbook(value: Path) -> Path:
    if value.is_dir():
        raise click.BadParameter(
            f"{value} is a folder: --evaluations takes the panel's consensus workbook (.xlsx). To make one for a "
            f"folder of bids, use `socialvalue template --consensus-for {value} --rubric R -o consensus.xlsx`."
        )
    return value


@click.command(epilog=codes(0, 1, 2, 3))
@click.argument("bids_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@rubric_option
@values_option
@click.option(
    "--evaluations",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    callback=lambda ctx, param, value: tuple(_consensus_workbook(v) for v in value),
    help="The panel's consensus score workbook (repeatable).",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Results workbook."
)
@click.option(
    "--json",
    "json_out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write everything as JSON ('-': to standard output; the ranking then goes to standard error).",
)
@click.option(
    "--csv",
    "csv_out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write one CSV row per bid ('-': to standard output).",
)
@click.option(
    "-j",
    "--jobs",
    default=0,
    type=click.IntRange(min=0),
    show_default=True,
    help="Processes reading bids; 0 means one per CPU core. Above 1, bids are read in worker processes, so a "
    "file that crashes its reader is listed as an error and the batch goes on.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only problems and the final line.")
@overwrite_option
@encoding_option
def score(
    bids_dir: Path,
    rubric_name: str,
    values: str | None,
    evaluations: tuple[Path, ...],
    output: Path,
    json_out: Path | None,
    csv_out: Path | None,
    jobs: int,
    quiet: bool,
    overwrite: bool,
    encoding: str | None,
) -> int:
    """Score every workbook in BIDS_DIR and write a ranked, explained results workbook.

    Every file in the folder is a bid: each one ends up scored or listed on the Errors sheet with
    file, sheet, cell and reason. One bad file never stops the batch. The results workbook and its
    --json and --csv copies are replaced together: all three from this run, or (if it is stopped)
    all three as they were.
    """
    from socialvalue.batch import Outputs, score_to_outputs
    from socialvalue.output.atomic import check_targets, together
    from socialvalue.output.export import STDOUT

    source = rubric_or_fail(rubric_name, values, encoding)
    files, notes = bid_files(bids_dir)
    inputs = [*files, *evaluations, source.path]
    files_out = [t for t in (json_out, csv_out) if t is not None and str(t) != STDOUT]  # '-': standard output
    check_targets([output, *files_out], inputs, overwrite=overwrite)
    outputs = Outputs(output, json_out, csv_out, inputs, str(source.path), command_line())
    with (
        together(overwrite=overwrite),
        click.progressbar(length=len(files), label="Reading bids", file=sys.stderr) as bar,
    ):
        batch = score_to_outputs(files, source, outputs, evaluations, jobs or cores(), bar.update, notes)
    piped = any(str(x) == STDOUT for x in (json_out, csv_out) if x)  # standard output carries the data: words to stderr
    if not quiet:
        for b in batch.result.bids:
            total = f"{b.total:6.2f}" if b.total is not None else "     -"
            rank = f"{b.rank:>3}" if b.rank else "  -"
            say(f"{rank}  {total}  {b.status.value:10} {b.supplier or b.file}", err=piped)
    if batch.problems:
        print_problems(batch.problems)
    scored = sum(1 for b in batch.result.bids if b.total is not None)
    say(f"Scored {scored} of {len(files)} file(s); results: {output}", err=piped)
    return ExitCode.INPUT_PROBLEMS if batch.has_errors else ExitCode.OK
