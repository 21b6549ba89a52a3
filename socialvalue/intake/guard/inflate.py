"""Inflating one zip entry from its local header, never past its declared size (plus a margin) or the file's
budget, each piece scanned as it comes out and the whole checked against its CRC-32.

The guard inflates with :mod:`zlib` directly rather than through ``ZipFile.open``, because ``ZipExtFile``
hides a lying header: it returns only the declared number of bytes (accepting them if their checksum
matches), and ``read()`` first inflates the whole stream.
"""

from __future__ import annotations

import struct
import zipfile
import zlib

from socialvalue.problems import Problem, shorten

from .common import (
    _NEW_COPY,
    CHUNK,
    INFLATE_MARGIN,
    ZIP_BOMB,
    ZIP_CORRUPT,
    GuardLimits,
    _mb,
    _problem,
    _Reject,
    _truncated,
)
from .xmlscan import _XmlScan

_LOCAL = b"PK\x03\x04"
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # signature, version, flags, method, time, date, crc, sizes, name/extra len


def _raw_name(info: zipfile.ZipInfo) -> bytes:
    """The entry's name as stored in the central directory."""
    name = info.orig_filename
    try:
        return name.encode("utf-8" if info.flag_bits & 0x800 or name.isascii() else "cp437")
    except UnicodeEncodeError:  # not reachable for names zipfile decoded itself
        return info.orig_filename.encode("utf-8", "surrogateescape")


class _Budget:
    """Bytes that may still be inflated for this file."""

    __slots__ = ("left",)

    def __init__(self, left: int) -> None:
        self.left = left


def _corrupt(name: str, part: str, what: str) -> Problem:
    reason = (
        f"the file is damaged: its part '{shorten(part, 60)}' {what}. It may have been corrupted in upload: "
        "upload it again, or open it in Excel, save a new copy as .xlsx and resubmit"
    )
    return _problem(ZIP_CORRUPT, name, reason, part)


def _false_size(name: str, part: str, declared: int, produced: int) -> Problem:
    reason = (
        f"the file's part '{shorten(part, 60)}' declares {declared:,} bytes but expands to more (a 'zip bomb' with a "
        f"false size): it was stopped after {produced:,} bytes and not opened; {_NEW_COPY}"
    )
    return _problem(ZIP_BOMB, name, reason, part)


def _over_budget(name: str, part: str, limits: GuardLimits) -> Problem:
    reason = (
        f"the file's parts expand to more than {_mb(limits.max_inflated_bytes)} (a 'zip bomb'): checking was stopped "
        f"at '{shorten(part, 60)}' and the file was not opened; {_NEW_COPY}"
    )
    return _problem(ZIP_BOMB, name, reason, part)


def _inflate(
    data: bytes,
    info: zipfile.ZipInfo,
    name: str,
    limits: GuardLimits,
    budget: _Budget,
    scan: _XmlScan | None,
) -> bytes:
    """Inflate one entry from its local header, never more than its declared size + margin or the budget.

    Each piece is scanned as it comes out; the content is returned once its checksum matches (the
    reader is handed these bytes repacked, so nothing else checks it: a damaged part could otherwise
    be read with a changed digit). Raises :class:`_Reject`.
    """
    part = info.filename
    offset = info.header_offset
    if offset < 0 or offset + _LOCAL_HEADER.size > len(data):
        raise _Reject(_truncated(name, part))
    sig, _, flags, _, _, _, _, _, _, name_len, extra_len = _LOCAL_HEADER.unpack_from(data, offset)
    if sig != _LOCAL:
        raise _Reject(_corrupt(name, part, "has no valid header"))
    start = offset + _LOCAL_HEADER.size
    if data[start : start + name_len] != _raw_name(info):
        raise _Reject(_corrupt(name, part, "is named differently in the file's index and in its header"))
    if flags & 0x1:
        raise _Reject(_corrupt(name, part, "is zip-encrypted"))
    start += name_len + extra_len
    end = start + info.compress_size
    if end > len(data):
        raise _Reject(_truncated(name, part))
    declared = info.file_size
    ceiling = declared + INFLATE_MARGIN
    produced = 0
    kept: list[bytes] = []
    source = memoryview(data)[start:end]
    if info.compress_type == zipfile.ZIP_STORED:
        if info.compress_size != declared:
            raise _Reject(_corrupt(name, part, "has inconsistent sizes"))
        for i in range(0, declared, CHUNK):
            out = bytes(source[i : i + CHUNK])
            budget.left -= len(out)
            if budget.left < 0:
                raise _Reject(_over_budget(name, part, limits))
            if scan is not None:
                scan.feed(out, final=i + CHUNK >= declared)
            kept.append(out)
        produced = declared
    else:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        try:
            # Input goes in slices, so a capped call never copies the rest of a big part into unconsumed_tail.
            for i in range(0, len(source), CHUNK):
                pending: bytes | memoryview = source[i : i + CHUNK]
                while not inflater.eof:
                    # one byte past a limit is enough to know it was passed
                    out = inflater.decompress(pending, min(CHUNK, ceiling + 1 - produced, budget.left + 1))
                    pending = inflater.unconsumed_tail
                    if not out and not pending:
                        break  # this slice is used up: on to the next
                    produced += len(out)
                    budget.left -= len(out)
                    if produced > ceiling:
                        raise _Reject(_false_size(name, part, declared, produced))
                    if budget.left < 0:
                        raise _Reject(_over_budget(name, part, limits))
                    if scan is not None:
                        scan.feed(out, inflater.eof)
                    kept.append(out)
                if inflater.eof:
                    break
        except zlib.error as exc:
            raise _Reject(_corrupt(name, part, f"cannot be decompressed ({exc})")) from None
        if not inflater.eof:
            raise _Reject(_corrupt(name, part, "is cut short (its compressed data ends too soon)"))
    if scan is not None:
        scan.close()
    if produced != declared:
        raise _Reject(_corrupt(name, part, f"holds {produced:,} bytes but declares {declared:,}"))
    content = b"".join(kept)
    if zlib.crc32(content) != info.CRC:
        raise _Reject(_corrupt(name, part, "does not match its checksum (its content was changed or damaged)"))
    return content
