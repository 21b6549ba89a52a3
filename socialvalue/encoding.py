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
from dataclasses import dataclass
from pathlib import Path

from socialvalue.problems import Problem, Severity, define

UNREADABLE_TEXT = define(
    "text-encoding", Severity.ERROR, "{why}: save it as UTF-8, or give its encoding with --encoding"
)
ENCODING_ASSUMED = define(
    "encoding-assumed",
    Severity.INFO,
    "read as {name}, as it is not UTF-8: check that £ signs and accented letters came out right, or give its "
    "encoding with --encoding (e.g. --encoding utf-8)",
)
FILE_UNREADABLE = define("file-unreadable", Severity.ERROR, "could not be read: {why}")

_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 with a byte-order mark"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16 (Excel's 'Unicode text')"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16 (Excel's 'Unicode text')"),
)
WINDOWS_1252 = "Windows-1252 (what Notepad and Excel save as 'ANSI')"


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    """The Python codec used, e.g. ``utf-8``, ``utf-8-sig``, ``utf-16``, ``cp1252``."""
    name: str
    """The encoding in words, for messages."""
    note: Problem | None = None
    """Set when the encoding was assumed rather than certain (Windows-1252)."""


def _utf16_without_mark(data: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when the bytes look like mostly-ASCII UTF-16 with no byte-order mark."""
    sample = data[:4096]
    if len(sample) < 4 or len(data) % 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd > half * 0.6 and even < half * 0.1:
        return "utf-16-le"
    if even > half * 0.6 and odd < half * 0.1:
        return "utf-16-be"
    return None


def _where(data: bytes, position: int) -> str:
    line = data[:position].count(b"\n") + 1
    return f"byte {data[position]:#04x} on line {line} is not valid"


def decode_text(data: bytes, file: str, encoding: str | None = None) -> tuple[Decoded | None, Problem | None]:
    """The text of ``data`` (from ``file``), in the given ``encoding`` or the one detected; or the problem."""
    if encoding:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            return None, UNREADABLE_TEXT(file=file, raw=encoding, why=f"{encoding!r} is not an encoding Python knows")
        if codec == "utf-8" and data.startswith(codecs.BOM_UTF8):
            codec = "utf-8-sig"
        try:
            return Decoded(data.decode(codec), codec, encoding), None
        except UnicodeDecodeError as exc:
            return None, UNREADABLE_TEXT(file=file, why=f"not {encoding}: {_where(data, exc.start)}")
    for mark, codec, name in _BOMS:
        if data.startswith(mark):
            try:
                return Decoded(data.decode(codec), codec, name), None
            except UnicodeDecodeError as exc:
                return None, UNREADABLE_TEXT(file=file, why=f"it starts as {name} but {_where(data, exc.start)}")
    wide = _utf16_without_mark(data)
    if wide is not None:
        try:
            return Decoded(data.decode(wide), wide, "UTF-16 without a byte-order mark"), None
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        return None, UNREADABLE_TEXT(file=file, why="it holds NUL bytes: it is not a text file in a known encoding")
    try:
        return Decoded(data.decode("utf-8"), "utf-8", "UTF-8"), None
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        return None, UNREADABLE_TEXT(file=file, why=f"neither UTF-8 nor Windows-1252: {_where(data, exc.start)}")
    return Decoded(text, "cp1252", WINDOWS_1252, ENCODING_ASSUMED(file=file, name=WINDOWS_1252)), None


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
