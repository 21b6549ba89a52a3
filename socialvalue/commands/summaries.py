"""``socialvalue summaries``: each bidder's assessment summary and the evaluation report, from ``score --json``."""

from __future__ import annotations

from pathlib import Path

import click

from socialvalue.exitcodes import ExitCode, codes
from socialvalue.terminal import print_notes, say

from ._common import encoding_option, fail


@click.command(epilog=codes(0, 1, 2, 3))
@click.argument("results_json", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o", "--output", type=click.Path(file_okay=False, path_type=Path), required=True, help="Folder for the documents."
)
@click.option(
    "--rubric",
    "rubric_name",
    help="The rubric the tender was scored with (default: the built-in one the results name).",
)
@click.option("--moderation", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The moderation workbook, to name the panel in the evaluation report.")  # fmt: skip
@click.option("--tender", "tender_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Tender details (YAML: buyer, title, reference, contact, dates): every letter field comes from "
                   "here; letters are marked DRAFT until it gives them all.")  # fmt: skip
@encoding_option
def summaries(
    results_json: Path,
    output: Path,
    rubric_name: str | None,
    moderation: Path | None,
    tender_file: Path | None,
    encoding: str | None,
) -> int:
    """Write each bidder's assessment summary and the evaluation report (Word and HTML) from `score --json` results.

    The folder is replaced whole: it holds exactly this run's documents (a withdrawn bidder's earlier
    letter goes). A folder holding other files is refused. Exits 1 when the documents are drafts
    (a letter is marked DRAFT: tender details missing, no single most advantageous tender, or bids not
    fully scored).
    """
    from socialvalue.output.scored import read_results_json, results_rubric
    from socialvalue.output.summaries import write_summaries
    from socialvalue.scoring.before_award import before_award_checks

    loaded, problems = read_results_json(results_json)
    if loaded is None:
        fail(problems, f"{results_json} cannot be used")
    source, problems = results_rubric(loaded, rubric_name, encoding)
    if source is None:
        fail(problems, f"The rubric for {results_json} cannot be used")
    print_notes(problems)
    record = None
    if moderation is not None:
        from socialvalue.panel import read_panel_record

        record, panel_problems = read_panel_record(moderation, source.rubric)
        if record is None:
            fail(panel_problems, f"{moderation} cannot be used")
    details = None
    if tender_file is not None:
        from socialvalue.details import load_details

        details, detail_problems = load_details(tender_file)
        if details is None:
            fail(detail_problems, f"{tender_file} cannot be used")
    checks = before_award_checks(source.rubric, loaded.result)
    inputs = [results_json, *([moderation] if moderation else []), *([tender_file] if tender_file else [])]
    written = write_summaries(loaded.result, source.rubric, output, checks, record, loaded, inputs, details)
    for file, (docx, _html) in written.summaries.items():
        say(f"  {file:32} {docx.name} (+ .html)")
    if written.report:
        say(f"  {'evaluation report':32} {written.report[0].name} (+ .html)")
    n = len(written.summaries)
    say(f"{n} assessment summar{'y' if n == 1 else 'ies'} and the evaluation report: {output}")
    for p in checks:
        say(f"  warning {p}", err=True, fg="yellow")
    if written.not_ready:
        say(f"Not ready to send: {'; '.join(written.not_ready)}; the documents are drafts", err=True, fg="red")
        return ExitCode.INPUT_PROBLEMS
    return ExitCode.OK
