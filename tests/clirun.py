"""Running ``socialvalue`` as a user does (a separate process, real files), and checking no file lost a byte."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

EXE = Path(sys.executable).parent / "socialvalue"
COMMAND = [str(EXE)] if EXE.exists() else [sys.executable, "-m", "socialvalue.cli"]
HANG_GUARD_S = 600
"""Not a speed assertion: only so that a hung command fails the test instead of the whole run."""


def env_for(cwd: Path) -> dict[str, str]:
    return {**os.environ, "SOCIALVALUE_LOG_DIR": str(cwd / "logs"), "COLUMNS": "200", "PYTHONWARNINGS": "ignore"}


def sv(*args: str | Path, cwd: Path, preexec_fn: Callable[[], None] | None = None) -> subprocess.CompletedProcess[str]:
    """``socialvalue ARGS`` in ``cwd``; crash logs go to ``cwd/logs``."""
    return subprocess.run(
        [*COMMAND, *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env_for(cwd),
        timeout=HANG_GUARD_S,
        preexec_fn=preexec_fn,
    )


def popen(*args: str | Path, cwd: Path) -> subprocess.Popen[str]:
    """``socialvalue ARGS`` started in a session of its own (so Ctrl-C can be sent to it and its workers)."""
    return subprocess.Popen(
        [*COMMAND, *map(str, args)],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env_for(cwd),
        start_new_session=True,
    )


def snapshot(folder: Path) -> dict[Path, str]:
    """SHA-256 of every file under ``folder``."""
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_kept(before: dict[Path, str], changed: Iterable[Path] = ()) -> None:
    """Every file of ``before`` still there, byte for byte (except those a command was meant to change)."""
    allowed = {p.resolve() for p in changed}
    for path, digest in before.items():
        if path.resolve() in allowed:
            continue
        assert path.exists(), f"{path} was removed"
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, f"{path} changed"


def temporaries(folder: Path) -> list[Path]:
    """Temporary files or folders of ours left under ``folder``."""
    return [p for p in folder.rglob("*") if p.name.endswith((".part", ".old"))]


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    """The error a failed command printed: one line, no traceback."""
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip() and not line.startswith("Reading bids")]
    assert len(lines) == 1, result.stderr
    return lines[0]
