"""The ``socialvalue`` command: parse arguments, call the library, print, exit with a code scripts can trust.

Exit codes are mapped once, by the top-level group's class
(:class:`socialvalue.exitcodes.SocialValueGroup`), for every command, including those registered
from ``socialvalue/commands/`` with ``main.add_command``:
0 done; 1 done with input problems (a command returns it); 2 ``click.UsageError`` or
:class:`~socialvalue.output.atomic.OutputRefused`; 3 :class:`~socialvalue.output.atomic.OutputError`;
70 any other exception (one line on screen, the traceback in a log file); 130 Ctrl-C. Every line
printed goes through :func:`socialvalue.terminal.say` (control characters escaped). Heavy libraries
are imported inside the commands so ``socialvalue --help`` stays fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from socialvalue import __version__
from socialvalue.commands.award import award
from socialvalue.commands.footprint import footprint
from socialvalue.commands.localspend import localspend
from socialvalue.commands.report import report
from socialvalue.commands.returns import returns
from socialvalue.exitcodes import ALL_CODES, ExitCode, SocialValueGroup, codes
from socialvalue.terminal import print_notes, print_problems, say

if TYPE_CHECKING:
    from socialvalue.problems import Problem
    from socialvalue.rubric import RubricSource

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_INPUT_ERRORS, EXIT_USAGE = ExitCode.OK, ExitCode.INPUT_PROBLEMS, ExitCode.USAGE
"""Kept for commands that import them; new code uses :class:`socialvalue.exitcodes.ExitCode`."""


# --- helpers --------------------------------------------------------------------------------------


def _fail(problems: Sequence[Problem], what: str) -> NoReturn:
    say(f"{what}:", err=True, fg="red")
    for p in problems:
        say(f"  {p}", err=True)
    raise SystemExit(ExitCode.USAGE)


def _load(rubric: str, values: str | None, encoding: str | None = None) -> RubricSource:
    from socialvalue.rubric import load_rubric

    source, problems = load_rubric(rubric, values, encoding)
    if source is None:
        _fail(problems, f"The rubric {rubric} cannot be used ({len(problems)} problem(s))")
    print_notes(problems)
    return source


def _input_files(folder: Path, what: str, hint: str) -> tuple[list[Path], list[Problem]]:
    """The files to read in ``folder``; a folder with none is a usage error that says what it did hold."""
    from socialvalue.batch import list_bid_files

    files, notes = list_bid_files(folder)
    if not files:
        held = f"only {', '.join(p.file for p in notes)}, which are not {what}" if notes else "it is empty"
        raise click.UsageError(f"there are no {what} in {folder} ({held}): {hint}")
    skipped = [p.file for p in notes]
    if skipped:
        say(f"Skipped (not {what}): {', '.join(skipped)}", err=True)
    return files, notes


def _cores() -> int:
    """CPU cores this process may run on (fewer than the machine's when a scheduler limits it)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def overwrite_option(f: F) -> F:
    return click.option(
        "--overwrite",
        is_flag=True,
        help="Replace an output that holds people's entries (answers, scores, reasons) or that socialvalue did "
        "not make. Without it such a file is never replaced.",
    )(f)


def encoding_option(f: F) -> F:
    return click.option(
        "--encoding",
        metavar="NAME",
        help="Encoding of the rubric and value-set files given (e.g. utf-8, cp1252, utf-16). "
        "Default: detected (UTF-8 with or without BOM, UTF-16, Windows-1252; a note says when it was assumed).",
    )(f)


def _command() -> str:
    return "socialvalue " + " ".join(sys.argv[1:])


@click.group(
    cls=SocialValueGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=ALL_CODES,
)
@click.version_option(__version__, prog_name="socialvalue")
def main() -> None:
    """Score supplier bids on social value, Excel in and Excel out.

    \b
    A tender, start to finish:
      socialvalue rubric list                              pick a rubric
      socialvalue template --rubric local-measures -o response.xlsx
                                                           issue this to suppliers
      socialvalue panel prepare bids/ --rubric local-measures --evaluators "A. Shah,B. Jones" -o panel/
                                                           one workbook per evaluator
      socialvalue panel collect panel/ --rubric local-measures -o moderation.xlsx
                                                           scores side by side; agree a consensus
      socialvalue score bids/ --rubric local-measures --evaluations moderation.xlsx -o results.xlsx --json results.json
      socialvalue summaries results.json -o letters/ --tender tender-details.yaml   assessment summaries

    \b
    No panel workbooks? `socialvalue template --consensus-for bids/ ...` makes a single consensus sheet.

    \b
    Try it on example data:  socialvalue example demo/  (then follow what it prints)
    No command replaces a file holding people's entries (answers, scores, reasons) unless given --overwrite.
    """


# --- rubric ----------------------------------------------------------------------------


@main.group(epilog=codes(0, 2))
def rubric() -> None:
    """List, show and check rubrics (the published evaluation method)."""


@rubric.command("list", epilog=codes(0))
def rubric_list() -> None:
    """List the built-in rubrics."""
    from socialvalue.rubric import builtin_rubrics, load_rubric

    for name in builtin_rubrics():
        source, _ = load_rubric(name)
        if source is None:
            say(f"{name:28} (does not load: run `socialvalue rubric check {name}`)")
            continue
        r = source.rubric
        weights = ", ".join(f"{c.name} {c.weight:g}%" for c in r.criteria)
        say(f"{name:28} {r.title}")
        say(f"{'':28} {weights}; policy {r.policy.value}")


@rubric.command("show", epilog=codes(0, 2))
@click.argument("name")
@click.option("--values", help="Value set (built-in id, YAML or CSV) instead of the rubric's own.")
@encoding_option
@click.option("--json", "as_json", is_flag=True, help="Print the rubric as JSON instead.")
def rubric_show(name: str, values: str | None, encoding: str | None, as_json: bool) -> None:
    """Show a rubric: criteria, weights (questions both as % and as points), methods, themes, measures, gates."""
    from socialvalue.rubric.show import show_json, show_lines

    source = _load(name, values, encoding)
    if as_json:
        import json

        click.echo(json.dumps(show_json(source), indent=2, ensure_ascii=False))
        return
    for line in show_lines(source):
        say(line)


@rubric.command("check", epilog=codes(0, 2))
@click.argument("files", nargs=-1, required=True)
@click.option("--values", help="Check against this value set instead of the rubric's own.")
@encoding_option
@click.option(
    "--json", "as_json", is_flag=True, help="Print the outcome as JSON: one entry per file, with its problems."
)
def rubric_check(files: tuple[str, ...], values: str | None, encoding: str | None, as_json: bool) -> int:
    """Check rubric files; every problem at once, with file, line and field path.

    Exits 2 when any file has a problem.
    """
    from socialvalue.problems import Severity
    from socialvalue.rubric import load_rubric

    bad = 0
    if as_json:
        import json

        report = []
        for f in files:
            source, problems = load_rubric(f, values, encoding)
            bad += source is None
            report.append({"file": f, "ok": source is not None,
                           "fingerprint": source.rubric.fingerprint() if source else None,
                           "problems": [p.model_dump(mode="json") for p in problems]})  # fmt: skip
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
        return ExitCode.USAGE if bad else ExitCode.OK
    for f in files:
        source, problems = load_rubric(f, values, encoding)
        if source is None:
            bad += 1
            say(f"{f}: {len(problems)} problem(s)", fg="red")
            for p in problems:
                say(f"  {p}")
        else:
            say(
                f"{f}: OK ({source.rubric.id} v{source.rubric.version}, fingerprint {source.rubric.fingerprint()[:12]})",
                fg="green",
            )
            for p in problems:
                if p.severity is Severity.INFO:
                    say(f"  note: {p}")
    return ExitCode.USAGE if bad else ExitCode.OK


@rubric.command("schema", epilog=codes(0, 2, 3))
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file (default: print)."
)
def rubric_schema(output: Path | None) -> None:
    """Print the JSON Schema of the rubric format (for editor autocompletion)."""
    from socialvalue.rubric.schema import rubric_schema_json

    text = rubric_schema_json()
    if output:
        from socialvalue.output.atomic import atomic_path

        with atomic_path(output) as tmp:
            tmp.write_text(text, encoding="utf-8")
        say(f"wrote {output}")
    else:
        click.echo(text)


# --- issue 12: option checks that tell a bids folder from a consensus workbook ----------------------


def _folder_of_bids(value: Path | None) -> Path | None:
    if value is not None and not value.is_dir():
        raise click.BadParameter(
            f"{value} is a file: --consensus-for takes the folder of returned bids. To score with a consensus "
            f"workbook, use `socialvalue score BIDS_DIR --evaluations {value}`."
        )
    return value


def _consensus_workbook(value: Path) -> Path:
    if value.is_dir():
        raise click.BadParameter(
            f"{value} is a folder: --evaluations takes the panel's consensus workbook (.xlsx). To make one for a "
            f"folder of bids, use `socialvalue template --consensus-for {value} --rubric R -o consensus.xlsx`."
        )
    return value


# --- template --------------------------------------------------------------------------


@main.command(epilog=codes(0, 1, 2, 3))
@click.option("--rubric", "rubric_name", required=True, help="Built-in rubric id or rubric YAML file.")
@click.option("--values", help="Value set (built-in id, YAML or CSV) instead of the rubric's own.")
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
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@overwrite_option
@encoding_option
def template(
    rubric_name: str, values: str | None, bids_dir: Path | None, output: Path, overwrite: bool, encoding: str | None
) -> int:
    """Make the supplier response workbook for a rubric (or, with --consensus-for, the consensus score workbook).

    A filled response or consensus workbook is never replaced without --overwrite. With --consensus-for,
    exits 1 when some files in the folder are not readable bids (they are left out and listed).
    """
    from socialvalue.output.atomic import check_targets, together

    source = _load(rubric_name, values, encoding)
    if bids_dir is None:
        from socialvalue.output.template import write_response_template

        check_targets([output], [source.path], overwrite=overwrite)
        with together(overwrite=overwrite):
            write_response_template(source.rubric, source.value_set, output)
        say(f"Supplier response workbook: {output}")
        return ExitCode.OK
    from socialvalue.batch import read_bids
    from socialvalue.output.consensus import write_consensus_template

    files, notes = _input_files(bids_dir, "bid files", "put the returned bid workbooks in it")
    check_targets([output], [*files, source.path], overwrite=overwrite)
    readings = read_bids(files, source.rubric)
    bids = [r.bid for r in readings if r.bid is not None]
    if not bids:
        _fail([*notes, *(p for r in readings for p in r.problems)], f"No readable bids in {bids_dir}")
    with together(overwrite=overwrite):
        write_consensus_template(source.rubric, bids, output, inputs=files)
    say(f"Consensus score workbook for {len(bids)} bid(s): {output}")
    skipped = [r.file for r in readings if r.bid is None]
    if skipped:
        say(f"Not readable as bids (left out): {', '.join(skipped)}", err=True, fg="yellow")
    return ExitCode.INPUT_PROBLEMS if skipped else ExitCode.OK


# --- score -----------------------------------------------------------------------------


@main.command(epilog=codes(0, 1, 2, 3))
@click.argument("bids_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--rubric", "rubric_name", required=True, help="Built-in rubric id or rubric YAML file.")
@click.option("--values", help="Value set (built-in id, YAML or CSV) instead of the rubric's own.")
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
    from socialvalue.batch import score_files
    from socialvalue.output.atomic import check_targets, together
    from socialvalue.output.export import STDOUT, write_csv, write_json
    from socialvalue.output.results import AuditInfo, write_results

    source = _load(rubric_name, values, encoding)
    files, notes = _input_files(bids_dir, "bid files", "put the returned bid workbooks in it")
    inputs = [*files, *evaluations, source.path]
    files_out = [t for t in (json_out, csv_out) if t is not None and str(t) != STDOUT]  # '-': standard output
    check_targets([output, *files_out], inputs, overwrite=overwrite)
    with click.progressbar(length=len(files), label="Reading bids", file=sys.stderr) as bar:
        batch = score_files(files, source, evaluations, jobs or _cores(), bar.update, notes)
    audit = AuditInfo(
        rubric_file=str(source.path),
        inputs=[(r.file, r.sha256, batch.outcome(r.file)) for r in batch.readings],
        evaluations=batch.evaluations,
        command=_command(),
    )
    with together(overwrite=overwrite):
        write_results(batch.result, source.rubric, source.value_set, output, batch.problems, audit, inputs)
        if json_out:
            write_json(batch.result, json_out, inputs)
        if csv_out:
            write_csv(batch.result, csv_out, inputs)
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


# --- panel -----------------------------------------------------------------------------


@main.group(epilog=codes(0, 1, 2, 3))
def panel() -> None:
    """The evaluation panel: evaluator workbooks out, moderation workbook back.

    \b
      socialvalue panel prepare bids/ --rubric R --evaluators "A. Shah,B. Jones,C. Lee" -o panel/ [--blind]
      socialvalue panel collect returned/ --rubric R -o moderation.xlsx [--key panel-key.xlsx] [--gap 1]
      socialvalue score bids/ --rubric R --evaluations moderation.xlsx -o results.xlsx --json results.json
    """


@panel.command("prepare", epilog=codes(0, 1, 2, 3))
@click.argument("bids_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--rubric", "rubric_name", required=True, help="Built-in rubric id or rubric YAML file.")
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
    from socialvalue.panel import parse_evaluators, prepare_panel

    names, errors = parse_evaluators(evaluators)
    if errors:
        raise click.UsageError("; ".join(errors))
    if key_path is not None and not blind:
        raise click.UsageError("--key is for blind marking: add --blind, or leave --key out")
    source = _load(rubric_name, None, encoding)
    if not source.rubric.all_questions():
        raise click.UsageError(
            f"rubric {source.rubric.id} has no written questions: there is nothing for a panel to score"
        )
    files, notes = _input_files(bids_dir, "bid files", "put the returned bid workbooks in it")
    readings = read_bids(files, source.rubric)
    bids = [r.bid for r in readings if r.bid is not None]
    if not bids:
        _fail([p for r in readings for p in r.problems] + notes, f"No readable bids in {bids_dir}")
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
@click.option("--rubric", "rubric_name", required=True, help="Built-in rubric id or rubric YAML file.")
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

    source = _load(rubric_name, None, encoding)
    files, notes = _input_files(returned_dir, "evaluator workbooks", "put the evaluators' returned workbooks in it")
    inputs = [*files, *([key_path] if key_path else []), source.path]
    check_targets([output], inputs, overwrite=True)  # entries are carried forward, not refused
    mod = collect_panel(files, source.rubric, key_path, gap, notes)
    if not mod.usable:
        _fail([p for p in mod.problems if p.severity.value != "info"], "Nothing to moderate")
    written = write_moderation(mod, output, inputs, command=_command(), overwrite=overwrite)
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


# --- summaries -------------------------------------------------------------------------


@main.command(epilog=codes(0, 1, 2, 3))
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
    (no single most advantageous tender, or bids not fully scored).
    """
    from socialvalue.output.summaries import assessed, read_results_json, write_summaries
    from socialvalue.rubric import builtin_rubrics
    from socialvalue.scoring.before_award import before_award_checks

    loaded, problems = read_results_json(results_json)
    if loaded is None:
        _fail(problems, f"{results_json} cannot be used")
    result = loaded.result
    if rubric_name is None:
        if result.rubric_id not in builtin_rubrics():
            raise click.UsageError(
                f"the results were scored with rubric {result.rubric_id!r}, which is not built in: give it with --rubric"
            )
        rubric_name = result.rubric_id
    source = _load(rubric_name, None, encoding)
    if source.rubric.fingerprint() != result.rubric_fingerprint:
        raise click.UsageError(
            f"{rubric_name} (fingerprint {source.rubric.fingerprint()[:12]}) is not the rubric these results were scored "
            f"with ({result.rubric_id} v{result.rubric_version}, {result.rubric_fingerprint[:12]}): give that rubric with --rubric"
        )
    record = None
    if moderation is not None:
        from socialvalue.panel import read_panel_record

        record, panel_problems = read_panel_record(moderation, source.rubric)
        if record is None:
            _fail(panel_problems, f"{moderation} cannot be used")
    checks = before_award_checks(source.rubric, result)
    details = None
    if tender_file is not None:
        from socialvalue.details import load_details

        details, detail_problems = load_details(tender_file)
        if details is None:
            _fail(detail_problems, f"{tender_file} cannot be used")
    written = write_summaries(
        result,
        source.rubric,
        output,
        checks,
        record,
        loaded,
        inputs=[results_json, *([moderation] if moderation else []), *([tender_file] if tender_file else [])],
        details=details,
    )
    for file, (docx, _html) in written.summaries.items():
        say(f"  {file:32} {docx.name} (+ .html)")
    if written.report:
        say(f"  {'evaluation report':32} {written.report[0].name} (+ .html)")
    say(
        f"{len(written.summaries)} assessment summar{'y' if len(written.summaries) == 1 else 'ies'} and the evaluation report: {output}"
    )
    for p in checks:
        say(f"  warning {p}", err=True, fg="yellow")
    not_ready = [b for b in assessed(result) if b.status.value == "incomplete"]
    if result.winner is None or not_ready:
        why = (
            "no single most advantageous tender"
            if result.winner is None
            else f"{len(not_ready)} bid(s) not fully scored"
        )
        say(f"Not ready to send: {why}; the documents are drafts", err=True, fg="red")
        return ExitCode.INPUT_PROBLEMS
    return ExitCode.OK


# --- example ---------------------------------------------------------------------------


@main.command(epilog=codes(0, 2, 3))
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def example(folder: Path) -> None:
    """Make an example tender in FOLDER: filled supplier bids (one with mistakes) and the panel's scores.

    FOLDER must be new or empty: the example is never written into a real tender's folder.
    """
    from socialvalue.example import build_example

    made = build_example(folder)
    say(f"Example tender ({made.rubric}) in {folder}:")
    say(f"  {len(made.bids)} supplier bids in {made.bids_dir}")
    say(f"  panel consensus scores in {made.consensus}")
    say("Score it:")
    say(
        f"  socialvalue score {made.bids_dir} --rubric {made.rubric} "
        f"--evaluations {made.consensus} -o {folder / 'results.xlsx'}"
    )


main.add_command(footprint)
main.add_command(award)
main.add_command(returns)
main.add_command(localspend)
main.add_command(report)

if __name__ == "__main__":
    main()
