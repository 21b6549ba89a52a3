"""The exit codes every ``socialvalue`` command uses, so scripts can rely on them, decided in one place.

A command ends with 0 or 1 by returning (``return ExitCode.INPUT_PROBLEMS``); the others come from
what it raises, mapped once by :class:`SocialValueGroup` (the class of the top-level group in
:mod:`socialvalue.cli`, so every command under it, wherever it is defined, gets the mapping):
``click.UsageError`` (2), :class:`~socialvalue.output.atomic.OutputRefused` (2),
:class:`~socialvalue.output.atomic.OutputError` (3), any other exception (70: one line on screen, the
traceback in a log file), Ctrl-C (130). Every command's ``--help`` ends with the codes it can give.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable, Sequence
from datetime import datetime
from enum import IntEnum
from pathlib import Path
from typing import Any

import click

from socialvalue import __version__
from socialvalue.output.safe import terminal_text
from socialvalue.terminal import say


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


LOG_DIR_VARIABLE = "SOCIALVALUE_LOG_DIR"
"""Where crash logs go, when set (otherwise the user's state folder, or the temporary folder)."""


def codes(*numbers: int) -> str:
    """A command's help epilog naming the exit codes it can end with (70 and 130 apply to every command)."""
    shown = [ExitCode(n) for n in (*numbers, ExitCode.BUG, ExitCode.INTERRUPTED)]
    return "\n".join(["\b", "Exit codes:", *(f"  {int(n):<4} {MEANING[n]}" for n in shown)])


ALL_CODES = codes(0, 1, 2, 3)


# --- the one place exit codes are decided ---------------------------------------------------------


def _log_dir() -> Path:
    if os.environ.get(LOG_DIR_VARIABLE):
        return Path(os.environ[LOG_DIR_VARIABLE])
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "socialvalue" / "logs"
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "socialvalue" / "logs"


def crash_log(exc: BaseException) -> Path | None:
    """Write what a maintainer needs (version, platform, command, traceback) to a new log file; its path."""
    import platform
    import tempfile

    text = "".join(
        [
            f"socialvalue {__version__}, Python {platform.python_version()}, {platform.platform()}\n",
            f"command: {' '.join(sys.argv)}\n",
            f"time: {datetime.now().isoformat(timespec='seconds')}\n\n",
            *traceback.format_exception(exc),
        ]
    )
    name = f"socialvalue-crash-{datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}.log"
    for folder in (_log_dir(), Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / name
            path.write_text(text, encoding="utf-8")
            return path
        except OSError:
            continue
    return None


def run_command(call: Callable[[], Any]) -> int:
    """Run a parsed command line and turn its outcome into the exit code (see :mod:`socialvalue.exitcodes`)."""
    from socialvalue.output.atomic import OutputError, OutputRefused, discard_temporaries

    try:
        result = call()
    except (KeyboardInterrupt, click.exceptions.Abort):
        discard_temporaries()
        say("Interrupted: no file was left half-written", err=True, fg="yellow")
        return ExitCode.INTERRUPTED
    except OutputRefused as exc:
        discard_temporaries()
        say(f"Error: {exc}", err=True, fg="red")
        return ExitCode.USAGE
    except OutputError as exc:
        discard_temporaries()
        _quiet_after_write_failure()
        say(f"Error: {exc}", err=True, fg="red")
        return ExitCode.OUTPUT
    except click.ClickException as exc:
        object.__setattr__(exc, "message", terminal_text(exc.message))  # file names typed by anyone: escaped
        exc.show()
        return ExitCode.USAGE if exc.exit_code in (1, 2) else exc.exit_code
    except Exception as exc:  # anything else is a bug: one line here, the traceback in the log
        discard_temporaries()
        log = crash_log(exc)
        where = f"this file: {log}" if log else "the command you ran (no log file could be written)"
        say(
            f"socialvalue stopped on an unexpected error ({type(exc).__name__}). "
            f"This is a bug, please report it with {where}",
            err=True,
            fg="red",
        )
        return ExitCode.BUG
    return int(result) if isinstance(result, int) else ExitCode.OK


def _quiet_after_write_failure() -> None:
    """After a write failed (disk full), a library's half-closed file may fail again as it is collected: that
    failure was reported in one line already, so it is not printed a second time as a traceback."""
    default = sys.unraisablehook

    def hook(unraisable: Any) -> None:
        if not isinstance(unraisable.exc_value, OSError):
            default(unraisable)

    sys.unraisablehook = hook


def _document_codes(command: click.Command) -> None:
    """Every command's --help names its exit codes: those without their own list get the full one."""
    if command.epilog is None:
        command.epilog = ALL_CODES
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _document_codes(sub)


class SocialValueGroup(click.Group):
    """The top-level group: exit codes, messages and Ctrl-C handled once for every command under it."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        _document_codes(self)
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)

        def call() -> Any:
            return super(SocialValueGroup, self).main(args, prog_name, complete_var, standalone_mode=False, **extra)

        sys.exit(int(run_command(call)))
