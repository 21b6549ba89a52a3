"""Writing outputs so that nothing is lost: whole files or none, one run's files together, people's work kept.

- :func:`atomic_path` yields a temporary path beside the target and renames it into place only when
  the block succeeds: a crash, a full disk or Ctrl-C leaves the previous file or the new one, never a
  broken one, and no ``.part`` file behind (a stale one from a killed run is removed by the next run).
- :func:`together` groups the files of one run (``results.xlsx`` with its ``.json`` and ``.csv``): each
  is written to its temporary file, and only when all are written are they renamed into place, with
  Ctrl-C held back for those few renames; if one rename fails the others are put back.
- :func:`atomic_dir` replaces a whole folder (a run's letters): the folder holds exactly one run's files.
- Before anything is written the target is checked (:func:`check_target`): never an input, never a
  folder, never a file open in Excel or marked read-only, and never a file that holds people's
  entries (scores, reasons, returns: :mod:`socialvalue.output.entries` decides) unless the user said
  ``--overwrite``.

:class:`OutputRefused` (the command asked for something refused: exit 2) and :class:`OutputError`
(the output could not be written: exit 3) carry one plain-English line naming the file and what to do.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import signal
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType


class OutputError(Exception):
    """An output could not be written (locked, read-only, disk full); nothing was changed. Exit code 3."""


class OutputRefused(OutputError):
    """An output was refused before anything was written: it is an input, a folder, or holds people's work. Exit code 2."""


PART = ".part"
OLD = ".old"
STALE_AFTER_S = 24 * 3600
"""Where a temporary file's process cannot be asked after (Windows), it is stale after this long."""


# --- checking a target before writing ---------------------------------------------------------


def lock_file_of(target: Path) -> Path | None:
    """The lock file Excel, Word or LibreOffice keeps beside ``target`` while it is open, if there is one."""
    names = [f"~${target.name}", f".~lock.{target.name}#"]
    if target.suffix.lower() in (".docx", ".doc") and len(target.stem) > 7:
        names.append(f"~${target.name[2:]}")  # Word shortens its lock file's name for longer names
    for name in names:
        lock = target.with_name(name)
        if lock.exists():
            return lock
    return None


def _read_only(path: Path) -> bool:
    """True when ``path`` is marked read-only (no write permission bits: the Windows read-only attribute)."""
    try:
        return not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    except OSError:
        return False


def _writable_folder(target: Path, folder: Path) -> None:
    """Refuse a folder marked read-only (on Windows that mark on a folder means nothing, so it is not read)."""
    if os.name != "nt" and folder.is_dir() and _read_only(folder):
        raise OutputError(
            f"cannot write {target}: the folder {folder} is read-only; choose another folder or make it writable"
        )


def check_target(
    target: Path, inputs: Iterable[Path] = (), *, overwrite: bool = False, keeps_entries: bool = False
) -> None:
    """Refuse (before any work) a target that must not or cannot be replaced.

    ``keeps_entries`` is for a writer that has carried the entries of the file it replaces into the new
    one (``panel collect`` re-run into the same moderation workbook).
    """
    resolved = target.resolve()
    for item in inputs:
        if item.resolve() == resolved:
            raise OutputRefused(f"refusing to write {target}: it is one of the input files; choose another name")
    if resolved.is_dir():
        raise OutputRefused(f"refusing to write {target}: it is a folder; give a file name")
    folder = resolved.parent
    if folder.exists() and not folder.is_dir():
        raise OutputRefused(f"cannot write {target}: {folder} is a file, not a folder")
    _writable_folder(target, folder)
    if not target.exists():
        return
    lock = lock_file_of(target)
    if lock is not None:
        raise OutputError(
            f"cannot replace {target}: it is open in Excel or another program (its lock file {lock.name} is beside it); "
            "close it and run again (if it is not open, delete the lock file)"
        )
    if _read_only(target):
        raise OutputError(
            f"cannot replace {target}: the file is read-only; make it writable or choose another name, and run again"
        )
    if overwrite or keeps_entries:
        return
    from .entries import entries_in

    held = entries_in(target)
    if held is not None:
        raise OutputRefused(
            f"refusing to replace {target}: {held}; write to another file, or add --overwrite to replace it"
        )


# --- turning an OS error into one line --------------------------------------------------------


def _os_error(exc: BaseException) -> OSError | None:
    """The OS error behind ``exc`` (libraries such as XlsxWriter wrap it in their own exception)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError):
            return current
        wrapped = current.args[0] if current.args and isinstance(current.args[0], OSError) else None
        current = wrapped or current.__cause__  # wrapped on purpose only: never an error met while handling another
    return None


def output_error(target: Path, err: OSError) -> OutputError:
    """One line naming the file, what went wrong and what to do."""
    code = err.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1), errno.EFBIG):
        why = "the disk is full (or the file is larger than that disk or your quota allows); free some space or write elsewhere"
    elif code in (errno.EACCES, errno.EPERM):
        why = (
            "permission denied: if the file is open in Excel or another program close it; otherwise check that "
            "you may write to that folder"
        )
    elif code == errno.EROFS:
        why = "that disk is read-only; write to another folder"
    elif code == errno.ENOENT:
        why = "the folder does not exist or was removed while writing"
    else:
        why = f"{err.strerror or err}; nothing was changed"
    return OutputError(f"cannot write {target}: {why}")


# --- Ctrl-C held back for the moments that must not be cut short ----------------------------


@contextlib.contextmanager
def interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) until the block ends, then deliver it: for creating a temporary file and renaming."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        caught.append(signum)

    previous = signal.signal(signal.SIGINT, hold)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if caught and callable(previous):
            previous(signal.SIGINT, None)


# --- temporary files: named by process, so a stale one can be told from a live one ----------


_live: set[Path] = set()
"""Temporary files and folders of this process not yet renamed into place or removed."""


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    _live.discard(path)


def discard_temporaries() -> None:
    """Remove every temporary file this process still has (called when a command is interrupted)."""
    for path in list(_live):
        _remove(path)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stale(path: Path, prefix: str) -> bool:
    pid_text = path.name[len(prefix) :].split(".", 1)[0]
    if not pid_text.isdigit():
        return False
    if int(pid_text) == os.getpid():
        return path not in _live
    if os.name == "nt":  # os.kill cannot ask after a process there
        with contextlib.suppress(OSError):
            return time.time() - path.lstat().st_mtime > STALE_AFTER_S
        return False
    return not _alive(int(pid_text))


def remove_stale(target: Path) -> None:
    """Remove temporary files a killed run left beside ``target``; put back a folder a killed commit moved away."""
    prefix = f".{target.name}."
    try:
        found = [p for p in target.parent.iterdir() if p.name.startswith(prefix) and p.name.endswith((PART, OLD))]
    except OSError:
        return
    for path in found:
        if not _stale(path, prefix):
            continue
        if path.name.endswith(OLD) and path.is_dir() and not target.exists():
            with contextlib.suppress(OSError):
                os.replace(path, target)  # the commit was cut between its two renames: the old folder goes back
            continue
        _remove(path)


def _prefix(target: Path) -> str:
    """Temporary names beside ``target`` carry the process id, so a stale one can be told from a live one."""
    return f".{target.name}.{os.getpid()}."


def _new_temp(target: Path, directory: bool = False) -> Path:
    with interrupts_held():
        if directory:
            path = Path(tempfile.mkdtemp(prefix=_prefix(target), suffix=PART, dir=target.parent))
        else:
            fd, name = tempfile.mkstemp(prefix=_prefix(target), suffix=PART, dir=target.parent)
            os.close(fd)
            path = Path(name)
        _live.add(path)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, (0o777 if directory else 0o666) & ~umask)  # mkstemp makes 0600; outputs get the usual permissions
    return path


# --- committing: renames, all or none ---------------------------------------------------------


@dataclass
class _Pending:
    tmp: Path
    target: Path


@dataclass
class WriteSet:
    """The outputs of one run, renamed into place together when :func:`together` ends."""

    overwrite: bool = False
    pending: list[_Pending] = field(default_factory=list)

    def discard(self) -> None:
        for item in self.pending:
            _remove(item.tmp)
        self.pending.clear()


_current: ContextVar[WriteSet | None] = ContextVar("socialvalue_write_set", default=None)
_private: ContextVar[tuple[Path, ...]] = ContextVar("socialvalue_private_dirs", default=())
"""Temporary folders being filled by :func:`atomic_dir`: files in them are written directly."""


def _set_aside(target: Path) -> Path | None:
    """Keep the current ``target`` under a temporary name until the commit is done (None if there is none)."""
    if not target.exists():
        return None
    with interrupts_held():
        backup = target.with_name(f"{_prefix(target)}{secrets.token_hex(4)}{OLD}")
        if target.is_dir():
            os.replace(target, backup)
        else:
            try:
                os.link(target, backup)  # the target stays in place until the new file replaces it
            except OSError:
                shutil.copy2(target, backup)  # a disk without hard links (FAT, some network shares)
        _live.add(backup)
    return backup


def _commit(items: list[_Pending]) -> None:
    """Rename every temporary into place, or (if one cannot be) put every target back as it was."""
    done: list[tuple[_Pending, Path | None]] = []
    with interrupts_held():
        for item in items:
            try:
                backup = _set_aside(item.target)
            except OSError as exc:
                _undo(done)
                for rest in items:
                    _remove(rest.tmp)
                raise output_error(item.target, exc) from exc
            try:
                os.replace(item.tmp, item.target)
            except OSError as exc:
                if backup is not None:
                    if backup.is_dir():
                        os.replace(backup, item.target)
                    _live.discard(backup)
                    _remove(backup)
                _undo(done)
                for rest in items:
                    _remove(rest.tmp)
                raise output_error(item.target, exc) from exc
            _live.discard(item.tmp)
            done.append((item, backup))
        for _, backup in done:
            if backup is not None:
                _remove(backup)


def _undo(done: list[tuple[_Pending, Path | None]]) -> None:
    for item, backup in reversed(done):
        with contextlib.suppress(OSError):
            if backup is None:
                _remove(item.target)
            else:
                if item.target.is_dir():
                    shutil.rmtree(item.target)
                os.replace(backup, item.target)
                _live.discard(backup)


@contextlib.contextmanager
def together(overwrite: bool = False) -> Iterator[WriteSet]:
    """The outputs written inside the block (through :func:`atomic_path` / :func:`atomic_dir`) replace their
    targets together when the block ends: all of them, or none if the block fails or is interrupted.

    ``overwrite`` is the user's ``--overwrite``: replace files that hold people's entries.
    """
    write_set = WriteSet(overwrite=overwrite)
    token = _current.set(write_set)
    try:
        yield write_set
    except BaseException:
        write_set.discard()
        raise
    finally:
        _current.reset(token)
    _commit(write_set.pending)


def _finish(tmp: Path, target: Path) -> None:
    write_set = _current.get()
    if write_set is not None:
        write_set.pending.append(_Pending(tmp, target))
    else:
        _commit([_Pending(tmp, target)])


def _abandon(target: Path, tmp: Path, exc: BaseException) -> BaseException:
    """Remove a temporary after ``exc``; what to raise: an OS error as one :class:`OutputError` line naming
    ``target``, anything else (a bug, Ctrl-C) as it is."""
    _remove(tmp)
    err = _os_error(exc) if isinstance(exc, Exception) and not isinstance(exc, OutputError) else None
    return output_error(target, err) if err is not None else exc


def _in_private(target: Path) -> bool:
    return any(target.parent == folder for folder in _private.get())


def _prepare(target: Path, inputs: Iterable[Path], overwrite: bool | None, keeps_entries: bool) -> None:
    write_set = _current.get()
    wanted = overwrite if overwrite is not None else (write_set.overwrite if write_set else False)
    check_target(target, inputs, overwrite=wanted, keeps_entries=keeps_entries)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise output_error(target, exc) from exc
    remove_stale(target)


@contextlib.contextmanager
def atomic_path(
    target: Path, inputs: Iterable[Path] = (), *, overwrite: bool | None = None, keeps_entries: bool = False
) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; it replaces ``target`` only if the block succeeds.

    Checked first (:func:`check_target`); ``overwrite`` defaults to that of the enclosing
    :func:`together`. Inside :func:`together` the rename waits for the others. An OS error while
    writing (disk full, permission) becomes an :class:`OutputError` naming ``target``.
    """
    if _in_private(target):
        yield target  # the whole folder is temporary until atomic_dir renames it
        return
    _prepare(target, inputs, overwrite, keeps_entries)
    try:
        tmp = _new_temp(target)
    except OSError as exc:
        raise output_error(target, exc) from exc
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
    except BaseException as exc:
        failure = _abandon(target, tmp, exc)
        if failure is exc:
            raise
        raise failure from exc
    _finish(tmp, target)


SYSTEM_FILES = frozenset({"thumbs.db", "ehthumbs.db", "ehthumbs_vista.db", "desktop.ini", ".ds_store", "icon\r"})
"""Files operating systems put in folders by themselves (compared in lower case)."""


def is_system_file(name: str) -> bool:
    """A file the operating system or an office program made by itself, not a person's file."""
    lower = name.lower()
    return lower in SYSTEM_FILES or lower.startswith(("._", ".~lock.")) or name.startswith("~$")


@contextlib.contextmanager
def atomic_dir(
    target: Path, inputs: Iterable[Path] = (), own: Callable[[str], bool] = lambda name: False
) -> Iterator[Path]:
    """Yield a new temporary folder beside ``target``; it replaces ``target`` whole when the block succeeds.

    ``target`` must be absent, empty, or hold only files this writer makes (``own(name)``) and system
    files, which all go: the folder then holds exactly one run's files. Anything else in it is refused.
    """
    inputs = list(inputs)
    if target.exists() and not target.is_dir():
        raise OutputRefused(f"refusing to write into {target}: it is a file, not a folder")
    resolved = target.resolve()
    for item in inputs:
        if resolved == item.resolve() or resolved in item.resolve().parents:
            raise OutputRefused(
                f"refusing to write into {target}: the input {item} is in it, and the folder is replaced whole; "
                "choose another folder"
            )
    if target.is_dir():
        foreign: list[str] = []
        for path in sorted(target.iterdir()):
            if (path.name.startswith("~$") and own(path.name[2:])) or lock_file_of(path) is not None:
                lock = path if path.name.startswith("~$") else lock_file_of(path)
                raise OutputError(
                    f"cannot replace {target}: a file in it is open in Word or another program (its lock file "
                    f"{lock.name if lock else path.name} is there); close it and run again (if it is not open, "
                    "delete the lock file)"
                )
            if path.is_dir() or not (own(path.name) or is_system_file(path.name)):
                foreign.append(path.name)
        if foreign:
            shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
            raise OutputRefused(
                f"refusing to write into {target}: it holds files this command did not make ({shown}), and the folder "
                "is replaced whole; choose a new or empty folder"
            )
        if os.name != "nt" and _read_only(target):
            raise OutputError(f"cannot replace {target}: the folder is read-only; make it writable or choose another")
    _writable_folder(target, resolved.parent)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale(target)
        tmp = _new_temp(target, directory=True)
    except OSError as exc:
        raise output_error(target, exc) from exc
    token = _private.set((*_private.get(), tmp))
    try:
        yield tmp
    except BaseException as exc:
        failure = _abandon(target, tmp, exc)
        if failure is exc:
            raise
        raise failure from exc
    finally:
        _private.reset(token)
    _finish(tmp, target)


def check_targets(targets: Iterable[Path | None], inputs: Iterable[Path] = (), *, overwrite: bool = False) -> None:
    """Check every output of a run before any work (:func:`check_target`); the same file twice is refused."""
    inputs = list(inputs)
    seen: dict[Path, Path] = {}
    for target in targets:
        if target is None:
            continue
        resolved = target.resolve()
        if resolved in seen:
            raise OutputRefused(f"{target} is given as two different outputs: give each output its own file name")
        seen[resolved] = target
        check_target(target, inputs, overwrite=overwrite)
