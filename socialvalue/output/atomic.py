"""Atomic writes: a crash mid-write leaves the old file or the new one, never a broken one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path


class OutputError(Exception):
    """The output cannot be written where asked (e.g. it would overwrite an input)."""


def check_target(target: Path, inputs: Iterable[Path] = ()) -> None:
    """Refuse a target that is one of the inputs (or a folder)."""
    resolved = target.resolve()
    for item in inputs:
        if item.resolve() == resolved:
            raise OutputError(f"refusing to write {target}: it is one of the input files")
    if resolved.is_dir():
        raise OutputError(f"refusing to write {target}: it is a folder")


@contextlib.contextmanager
def atomic_path(target: Path, inputs: Iterable[Path] = ()) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it into place only if the block succeeds."""
    check_target(target, inputs)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; outputs get the usual permissions
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
