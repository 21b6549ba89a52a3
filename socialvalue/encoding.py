"""Reading a text file people saved from Windows tools: detect the usual encodings, or refuse with a hint.

Rubric YAML, value-set CSV and other text inputs arrive as UTF-8 (with or without the byte-order
mark Excel and Notepad add), as UTF-16 (Excel's "Unicode text"), or as Windows-1252 (what Notepad and
Excel call "ANSI"). A byte-order mark settles it; otherwise text that is valid UTF-8 is UTF-8, and
text that is not is read as Windows-1252, the one 8-bit encoding UK Windows uses, *with a note saying
so* (a file in another 8-bit encoding would read wrongly, so the note asks to check £ signs and
accented letters). Bytes that fit none of these are refused with the hint to give ``--encoding``.
Nothing raises ``UnicodeDecodeError``.
"""

from __future__ import annotations

import codecs
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from socialvalue.problems import Problem, Severity, define

UNREADABLE_TEXT = define("text-encoding", Severity.ERROR, "{why}: save it as UTF-8{hint}")
ENCODING_ASSUMED = define(
    "encoding-assumed",
    Severity.INFO,
    "read as {name}, as it is not UTF-8: check that £ signs and accented letters came out right{hint}",
)
OPTION = "--encoding"
"""The option that names a file's encoding, for the hints; commands without one pass ``option=None``."""
FILE_UNREADABLE = define("file-unreadable", Severity.ERROR, "could not be read: {why}")

_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 with a byte-order mark"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16 (Excel's 'Unicode text')"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16 (Excel's 'Unicode text')"),
)
WINDOWS_1252 = "Windows-1252 (what Notepad and Excel save as 'ANSI')"


CHUNK = 1 << 20


@dataclass(frozen=True)
class Detected:
    """How a text file is to be decoded."""

    encoding: str
    """The Python codec, e.g. ``utf-8``, ``utf-8-sig``, ``utf-16``, ``cp1252``."""
    name: str
    """The encoding in words, for messages."""
    note: Problem | None = None
    """Set when the encoding was assumed rather than certain (Windows-1252)."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    """The Python codec used, e.g. ``utf-8``, ``utf-8-sig``, ``utf-16``, ``cp1252``."""
    name: str
    """The encoding in words, for messages."""
    note: Problem | None = None
    """Set when the encoding was assumed rather than certain (Windows-1252)."""


def _utf16_without_mark(sample: bytes, size: int) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when the bytes look like mostly-ASCII UTF-16 with no byte-order mark."""
    sample = sample[:4096]
    if len(sample) < 4 or size % 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd > half * 0.6 and even < half * 0.1:
        return "utf-16-le"
    if even > half * 0.6 and odd < half * 0.1:
        return "utf-16-be"
    return None


def _scan(chunks: Iterable[bytes], codec: str) -> tuple[str | None, bool]:
    """Decode ``chunks`` with ``codec`` without keeping the text: where it first fails (``byte 0x81 on line 6 is not
    valid``) or None, and whether a NUL byte is anywhere in them."""
    decoder = codecs.getincrementaldecoder(codec)()
    lines, nul, bad = 0, False, None
    for chunk in chunks:
        nul = nul or b"\x00" in chunk
        if bad is not None:
            continue  # only looking for a NUL byte now
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as exc:  # exc.object: the bytes held back from the last chunk, then this one
            line = lines + exc.object[: exc.start].count(b"\n") + 1
            bad = f"byte {exc.object[exc.start]:#04x} on line {line} is not valid"
        except UnicodeError as exc:  # a stream-level refusal, e.g. UTF-32 that is not
            bad = str(exc)
        lines += chunk.count(b"\n")
    if bad is None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            bad = f"byte {exc.object[exc.start]:#04x} on line {lines + 1} is not valid"
    return bad, nul


def _hints(option: str | None) -> tuple[str, str]:
    """The end of the refusal and of the note: how to say what the encoding is."""
    if option is None:
        return " (in Excel: Save As, 'CSV UTF-8')", ", or save it as UTF-8 (in Excel: Save As, 'CSV UTF-8')"
    return f", or give its encoding with {option}", f", or give its encoding with {option} (e.g. {option} utf-8)"


def _detect(
    head: bytes, size: int, chunks: Callable[[], Iterable[bytes]], file: str, encoding: str | None, option: str | None
) -> tuple[Detected | None, Problem | None]:
    """The rules, once, for text in memory and for a file read in chunks (see the module's docstring)."""
    refuse, assume = _hints(option)
    if encoding:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            why = f"{encoding!r} is not an encoding Python knows"
            return None, UNREADABLE_TEXT(file=file, raw=encoding, why=why, hint=refuse)
        if codec == "utf-8" and head.startswith(codecs.BOM_UTF8):
            codec = "utf-8-sig"
        elif codec in ("utf-16", "utf-32") and not any(head.startswith(m) for m, c, _ in _BOMS if c == codec):
            codec += "-le" if sys.byteorder == "little" else "-be"  # no mark: the machine's order, as bytes.decode
        bad, _ = _scan(chunks(), codec)
        if bad:
            return None, UNREADABLE_TEXT(file=file, why=f"not {encoding}: {bad}", hint=refuse)
        return Detected(codec, encoding), None
    for mark, codec, name in _BOMS:
        if head.startswith(mark):
            bad, _ = _scan(chunks(), codec)
            if bad:
                return None, UNREADABLE_TEXT(file=file, why=f"it starts as {name} but {bad}", hint=refuse)
            return Detected(codec, name), None
    wide = _utf16_without_mark(head, size)
    if wide is not None and _scan(chunks(), wide)[0] is None:
        return Detected(wide, "UTF-16 without a byte-order mark"), None
    bad, nul = _scan(chunks(), "utf-8")
    if nul:
        why = "it holds NUL bytes: it is not a text file in a known encoding"
        return None, UNREADABLE_TEXT(file=file, why=why, hint=refuse)
    if bad is None:
        return Detected("utf-8", "UTF-8"), None
    bad, _ = _scan(chunks(), "cp1252")
    if bad:
        return None, UNREADABLE_TEXT(file=file, why=f"neither UTF-8 nor Windows-1252: {bad}", hint=refuse)
    return Detected("cp1252", WINDOWS_1252, ENCODING_ASSUMED(file=file, name=WINDOWS_1252, hint=assume)), None


def decode_text(
    data: bytes, file: str, encoding: str | None = None, option: str | None = OPTION
) -> tuple[Decoded | None, Problem | None]:
    """The text of ``data`` (from ``file``), in the given ``encoding`` or the one detected; or the problem.
    ``option`` is the command's option that names an encoding (None: it has none), for the hints."""
    found, problem = _detect(data[:4096], len(data), lambda: (data,), file, encoding, option)
    if found is None:
        return None, problem
    return Decoded(data.decode(found.encoding), found.encoding, found.name, found.note), None


def detect_encoding(
    path: Path, file: str | None = None, encoding: str | None = None, option: str | None = OPTION
) -> tuple[Detected | None, Problem | None]:
    """How to decode the text file ``path``, by the same rules as :func:`decode_text`, reading it in chunks (a spend
    file may be hundreds of megabytes): to open it with ``path.open(encoding=found.encoding)``."""
    name = file if file is not None else str(path)

    def chunks() -> Iterator[bytes]:
        with path.open("rb") as fh:
            yield from iter(lambda: fh.read(CHUNK), b"")

    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
        return _detect(head, path.stat().st_size, chunks, name, encoding, option)
    except OSError as exc:
        return None, FILE_UNREADABLE(file=name, why=exc.strerror or str(exc))


def read_text_file(
    path: Path, encoding: str | None = None, file: str | None = None
) -> tuple[Decoded | None, Problem | None]:
    """Read and decode a text file (see :func:`decode_text`); an unreadable file is a problem, not an exception."""
    name = file if file is not None else str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, FILE_UNREADABLE(file=name, why=exc.strerror or str(exc))
    return decode_text(data, name, encoding)
