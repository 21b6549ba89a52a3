"""The exit codes every ``socialvalue`` command uses, so scripts can rely on them.

A command ends with 0 or 1 by returning (``return ExitCode.INPUT_PROBLEMS``); the others come from
what it raises, mapped once in :mod:`socialvalue.cli`: ``click.UsageError`` (2),
:class:`~socialvalue.output.atomic.OutputRefused` (2), :class:`~socialvalue.output.atomic.OutputError`
(3), any other exception (70, a bug), Ctrl-C (130).
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    INPUT_PROBLEMS = 1
    USAGE = 2
    OUTPUT = 3
    BUG = 70
    INTERRUPTED = 130


MEANING: dict[ExitCode, str] = {
    ExitCode.OK: "done; every input read",
    ExitCode.INPUT_PROBLEMS: "done, but some inputs had problems (outputs written, every problem listed)",
    ExitCode.USAGE: "usage or configuration error, or an output refused (nothing written)",
    ExitCode.OUTPUT: "an output could not be written: locked, read-only, disk full (nothing half-written)",
    ExitCode.BUG: "an unexpected internal error: a bug (the message names a log file to report)",
    ExitCode.INTERRUPTED: "interrupted by Ctrl-C (nothing half-written)",
}
