"""``socialvalue panel``: evaluator workbooks out (``prepare``), the moderation workbook back (``collect``)."""

from __future__ import annotations

from pathlib import Path

import click

from socialvalue.exitcodes import ExitCode, codes
from socialvalue.terminal import print_problems, say

from ._common import (
    bid_files,
    command_line,
    encoding_option,
    fail,
    input_files,
    overwrite_option,
    rubric_option,
    rubric_or_fail,
)


@click.group(epilog=codes(0, 1, 2, 3))
def panel() -> None:
    """The evaluation panel: evaluator workbooks out, moderation workbook back.

    \b
      socialvalue panel prepare bids/ --rubric R --evaluators "A. Shah,B. Jones,C. Lee" -o panel/ [--blind]
      socialvalue panel collect returned/ --rubric R -o moderation.xlsx [--key panel-key.xlsx] [--gap 1]
      socialvalue score bids/ --rubric R --evaluations moderation.xlsx -o results.xlsx --json results.json
    """


@panel.command("prepare", epilog=codes(0, 1, 2, 3))
@click.argument("bids_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@rubric_option
@click.option("--evaluators", required=True, help='Comma-separated names, e.g. "A. Shah,B. Jones,C. Lee".')
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for the evaluator workbooks.",
)
@click.option("--blind", is_flag=True, help="Show bidders as Bidder A, B, … and write the key to a separate workbook.")
@click.option("--key", "key_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the blind-marking key (default: beside the output folder, OUTPUT-key.xlsx).")  # fmt: skip
@overwrite_option
@encoding_option
def panel_prepare(
    bids_dir: Path,
    rubric_name: str,
    evaluators: str,
    output: Path,
    blind: bool,
    key_path: Path | None,
    overwrite: bool,
    encoding: str | None,
) -> int:
    """Make one workbook per evaluator: every bid's answers, a score drop-down and a reason cell per question.

    A returned evaluator workbook (one with scores or reasons in it) is never replaced without --overwrite.
    Exits 1 when some files in the folder are not readable bids (they are left out and listed).
    """
    from socialvalue.batch import read_bids
    from socialvalue.panel import nothing_to_score, parse_evaluators, prepare_panel

    names, errors = parse_evaluators(evaluators)
    if errors:
        raise click.UsageError("; ".join(errors))
    if key_path is not None and not blind:
        raise click.UsageError("--key is for blind marking: add --blind, or leave --key out")
    source = rubric_or_fail(rubric_name, None, encoding)
    nothing = nothing_to_score(source.rubric)
    if nothing:
        raise click.UsageError(nothing)
    files, notes = bid_files(bids_dir)
    readings = read_bids(files, source.rubric)
    bids = [r.bid for r in readings if r.bid is not None]
    if not bids:
        fail([p for r in readings for p in r.problems] + notes, f"No readable bids in {bids_dir}")
    made = prepare_panel(bids, source.rubric, names, output, blind, key_path, inputs=files, overwrite=overwrite)
    for name, path in made.workbooks.items():
        say(f"  {name:24} {path}")
    say(f"{len(made.workbooks)} evaluator workbook(s), {len(bids)} bid(s) each: {output}")
    if made.key is not None:
        say(f"Blind-marking key: {made.key} (keep it apart from the evaluators)", bold=True)
    unreadable = [r for r in readings if r.bid is None]
    for r in unreadable:
        say(f"  left out (not readable as a bid): {r.file}", err=True, fg="yellow")
    print_problems([*notes, *(p for r in unreadable for p in r.problems), *made.problems])
    return ExitCode.INPUT_PROBLEMS if unreadable else ExitCode.OK


@panel.command("collect", epilog=codes(0, 1, 2, 3))
@click.argument("returned_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@rubric_option
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Moderation workbook."
)
@click.option("--key", "key_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The blind-marking key written by `panel prepare --blind`.")  # fmt: skip
@click.option("--gap", default=1, show_default=True, type=click.IntRange(min=0),
              help="Flag a question when evaluators' scores are more than this many scale steps apart.")  # fmt: skip
@click.option(
    "--overwrite",
    is_flag=True,
    help="Start the moderation workbook afresh, dropping the consensus scores and reasons entered in it.",
)
@encoding_option
def panel_collect(
    returned_dir: Path,
    rubric_name: str,
    output: Path,
    key_path: Path | None,
    gap: int,
    overwrite: bool,
    encoding: str | None,
) -> int:
    """Check the returned evaluator workbooks and write the moderation workbook (scores side by side, Consensus sheet).

    Collecting again into an existing moderation workbook (a late workbook arrived) keeps every
    consensus score and reason entered on it, and marks for review those whose evaluators' scores
    changed since. Exits 1 when some returned workbooks had problems (listed on the Problems sheet).
    """
    from socialvalue.output.atomic import check_targets
    from socialvalue.panel import collect_panel, write_moderation
    from socialvalue.problems import Severity

    source = rubric_or_fail(rubric_name, None, encoding)
    files, notes = input_files(returned_dir, "evaluator workbooks", "put the evaluators' returned workbooks in it")
    inputs = [*files, *([key_path] if key_path else []), source.path]
    check_targets([output], inputs, overwrite=True)  # entries are carried forward, not refused
    mod = collect_panel(files, source.rubric, key_path, gap, notes)
    if not mod.usable:
        fail([p for p in mod.problems if p.severity is not Severity.INFO], "Nothing to moderate")
    written = write_moderation(mod, output, inputs, command=command_line(), overwrite=overwrite)
    print_problems(mod.problems, where="the Problems sheet")
    agreed = sum(1 for r in mod.rows if r.result.agreed is not None)
    say(
        f"{len(mod.evaluators)} evaluator(s): {', '.join(mod.evaluators)}; {len(mod.rows)} bid question(s), "
        f"{len(mod.flagged)} flagged for discussion, {agreed} agreed by all (reasons still to record)"
    )
    carried = written.carried
    if carried.count:
        say(
            f"Kept {carried.count} consensus entr{'y' if carried.count == 1 else 'ies'} already in {output}; "
            f"{len(carried.to_review)} marked for review (the evaluators' scores behind them changed)",
            bold=True,
        )
    say(f"Moderation workbook: {output}")
    return ExitCode.INPUT_PROBLEMS if mod.has_errors else ExitCode.OK
