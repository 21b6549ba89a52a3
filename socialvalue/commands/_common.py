"""What the tender commands share: the common options, loading the rubric, the input folder, stopping on problems.

Each command parses its options, makes one library call and prints what came back; these helpers only turn
problems into words and exit codes (the mapping itself is :class:`socialvalue.exitcodes.SocialValueGroup`'s).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from socialvalue.exitcodes import ExitCode
from socialvalue.terminal import print_notes, print_problems, say

if TYPE_CHECKING:
    from socialvalue.problems import Problem
    from socialvalue.rubric import RubricSource

F = TypeVar("F", bound=Callable[..., Any])


def fail(problems: Sequence[Problem], what: str) -> NoReturn:
    """Stop with exit 2 (nothing written): ``what``, then every problem with its severity (notes too: they may
    say why), on stderr. The one way every command stops on problems in what it was given."""
    say(f"{what}:", err=True, fg="red")
    print_problems(problems, limit=None)
    print_notes(problems)
    raise SystemExit(ExitCode.USAGE)


def rubric_or_fail(rubric: str, values: str | None = None, encoding: str | None = None) -> RubricSource:
    """The rubric (and value set) named, its notes printed; exit 2 with its problems when it cannot be used."""
    from socialvalue.rubric import load_rubric

    source, problems = load_rubric(rubric, values, encoding)
    if source is None:
        fail(problems, f"The rubric {rubric} cannot be used ({len(problems)} problem(s))")
    print_notes(problems)
    return source


def input_files(folder: Path, what: str, hint: str) -> tuple[list[Path], list[Problem]]:
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


def bid_files(folder: Path) -> tuple[list[Path], list[Problem]]:
    """The returned bid workbooks in ``folder`` (:func:`input_files`)."""
    return input_files(folder, "bid files", "put the returned bid workbooks in it")


def cores() -> int:
    """CPU cores this process may run on (fewer than the machine's when a scheduler limits it)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def command_line() -> str:
    """The command as typed, for audit sheets."""
    return "socialvalue " + " ".join(sys.argv[1:])


def rubric_option(f: F) -> F:
    return click.option("--rubric", "rubric_name", required=True, help="Built-in rubric id or rubric YAML file.")(f)


def values_option(f: F) -> F:
    return click.option("--values", help="Value set (built-in id, YAML or CSV) instead of the rubric's own.")(f)


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
