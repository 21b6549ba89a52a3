"""Printing to the terminal: one way, for every command.

Every line goes through :func:`say`, which shows control characters as escapes
(:func:`~socialvalue.output.safe.terminal_text`): a supplier name or file name holding a newline,
a carriage return or an ANSI escape cannot forge a console line, overwrite one or colour one.
A line that should be two is two calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

from socialvalue.output.safe import terminal_text

if TYPE_CHECKING:
    from socialvalue.problems import Problem


def say(message: object = "", *, err: bool = False, **style: Any) -> None:
    """Print one line (to stderr with ``err``), control characters escaped; ``style`` as :func:`click.style`."""
    click.secho(terminal_text(message), err=err, **style)


def print_problems(problems: Sequence[Problem], limit: int | None = 25, where: str = "the Errors sheet") -> None:
    """Errors and warnings, one line each (to stderr), at most ``limit`` of them (``None``: all, for commands
    whose problems are written nowhere else); notes (INFO) are left out."""
    from socialvalue.problems import Severity

    shown = [p for p in problems if p.severity is not Severity.INFO]
    for p in shown[:limit]:
        colour = "red" if p.severity is Severity.ERROR else "yellow"
        say(f"  {p.severity.value:7} {p}", err=True, fg=colour)
    if limit is not None and len(shown) > limit:
        say(f"  … and {len(shown) - limit} more: see {where}", err=True)


def print_notes(problems: Sequence[Problem]) -> None:
    """Notes (INFO) worth a line: e.g. the encoding a file was assumed to be in."""
    from socialvalue.problems import Severity

    for p in problems:
        if p.severity is Severity.INFO:
            say(f"  note    {p}", err=True)
