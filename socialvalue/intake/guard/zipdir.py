"""A zip's central directory, checked before anything is inflated: what kind of zip it is (a workbook, an
OpenDocument file, a Word document ...), names, links, encryption, declared sizes and ratios, overlaps."""

from __future__ import annotations

import re
import struct
import zipfile

from socialvalue.problems import Problem, shorten

from .common import (
    _NEW_COPY,
    _SAVE_AS_XLSX,
    _UPLOAD,
    MISSING_PART,
    NOT_A_WORKBOOK,
    ODS_NOT_XLSX,
    RATIO_MIN_DECLARED,
    XLSB_NOT_XLSX,
    ZIP_BOMB,
    ZIP_DUPLICATE,
    ZIP_ENCRYPTED,
    ZIP_OVERLAP,
    ZIP_SYMLINK,
    ZIP_TOO_MANY,
    ZIP_TRAVERSAL,
    FileKind,
    GuardLimits,
    _mb,
    _named,
    _problem,
    _Reject,
)
from .inflate import _LOCAL_HEADER, _Budget, _inflate

_EOCD = b"PK\x05\x06"
_ZIP_STARTS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")  # a local header, an empty zip, a spanning marker
_EOCD64_LOCATOR = b"PK\x06\x07"
_EOCD64 = b"PK\x06\x06"
_CENTRAL = b"PK\x01\x02"
_LOCAL = b"PK\x03\x04"
_BAD_ZIP = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    NotImplementedError,  # e.g. a 'version needed to extract' zipfile does not know
    ValueError,  # includes UnicodeDecodeError for undecodable names
    struct.error,
    OSError,
    EOFError,
    OverflowError,
)
"""What :mod:`zipfile` raises while reading a malformed central directory."""

_PARTS = frozenset(
    {"[content_types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedstrings.xml"}
    | {"xl/styles.xml"}
)
"""With the sheet folders below: every part python-calamine parses (it reads '_rels/.rels' to know the format)."""
_PART_FOLDERS = ("xl/worksheets/", "xl/chartsheets/", "xl/dialogsheets/")
"""calamine resolves sheets to ``xl/<worksheets|chartsheets|dialogsheets>/...`` and finds parts ignoring case."""
_REQUIRED = ("[content_types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels")
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_UNSAFE_NAME = re.compile(r"^/|\\|(?:^|/)\.\.(?:/|$)|^[A-Za-z]:|\x00")
"""Absolute, backslash, '..' segment, drive letter, or a NUL (which :mod:`zipfile` would silently cut at)."""
_S_IFLNK = 0o120000
_MAX_PACKED_PER_BYTE = 2
_MAX_PACKED_OVERHEAD = 4096
"""No compressor needs more than ~1.01 bytes per byte (deflate falls back to stored blocks), so more
than 2 bytes per declared byte + 4 KB means the declared size is false. This bounds what a part the
guard does not inflate can really expand to (deflate tops out near 1,032:1) without inflating it."""


def _central_directory(data: bytes) -> tuple[int, int, int] | None:
    """(declared entries, start, end) of the central directory, located as :mod:`zipfile` does; None if absent."""
    n = len(data)
    if n >= 22 and data[n - 22 : n - 18] == _EOCD and data[n - 2 :] == b"\x00\x00":
        pos = n - 22
    else:
        pos = data.rfind(_EOCD, max(0, n - 65_536 - 22))
        if pos < 0 or pos + 22 > n:
            return None
    _, _, _, _, entries, cd_size, _, _ = struct.unpack_from("<4s4H2LH", data, pos)
    end = pos
    locator = pos - 20
    if (
        locator >= 56
        and data[locator : locator + 4] == _EOCD64_LOCATOR
        and data[locator - 56 : locator - 52] == _EOCD64
    ):
        _, _, _, _, _, _, _, entries, cd_size, _ = struct.unpack_from("<4sQ2H2L4Q", data, locator - 56)
        end = locator - 56
    start = end - cd_size
    return (entries, start, end) if start >= 0 else None


def _too_many(name: str, count: int, limits: GuardLimits) -> Problem:
    reason = (
        f"the file has {count:,} internal parts, more than the {limits.max_entries:,} a response workbook can have: "
        f"it was not opened; {_NEW_COPY}"
    )
    return _problem(ZIP_TOO_MANY, name, reason, f"{count} entries")


def _zip_kind(
    infos: list[zipfile.ZipInfo], folded: list[str], data: bytes, name: str, limits: GuardLimits
) -> tuple[FileKind, Problem | None]:
    """What kind of zip this is, from its part names (and an OpenDocument 'mimetype' entry)."""
    names = set(folded)
    if "xl/workbook.xml" in names:
        return (FileKind.XLSM if "xl/vbaproject.bin" in names else FileKind.XLSX), None
    mime = b""
    if "mimetype" in names:
        entry = infos[folded.index("mimetype")]
        if entry.file_size <= 256 and entry.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            try:
                mime = _inflate(data, entry, name, limits, _Budget(4096), None).strip()
            except _Reject:
                mime = b""
    if mime.startswith(_ODS_MIMETYPE) or (not mime and "content.xml" in names and "meta-inf/manifest.xml" in names):
        reason = (
            f"this is an OpenDocument spreadsheet (.ods){_named(name, '.ods')}, e.g. from LibreOffice: "
            "open it and save as .xlsx (Excel 2007-365), then resubmit"
        )
        return FileKind.ODS, _problem(ODS_NOT_XLSX, name, reason)
    if "xl/workbook.bin" in names:
        reason = f"this is an Excel Binary Workbook (.xlsb){_named(name, '.xlsb')}: {_SAVE_AS_XLSX}"
        return FileKind.ZIP_OTHER, _problem(XLSB_NOT_XLSX, name, reason)
    if "word/document.xml" in names:
        what, ext = "a Word document", ".docx"
    elif "ppt/presentation.xml" in names:
        what, ext = "a PowerPoint presentation", ".pptx"
    elif mime.startswith(b"application/vnd.oasis.opendocument"):
        what, ext = "an OpenDocument file that is not a spreadsheet", ""
    elif "[content_types].xml" in names:
        what, ext = "an Office file that is not an Excel workbook", ""
    else:
        reason = "this is a zip archive, not an Excel workbook: upload the response workbook (.xlsx) itself, not zipped"
        return FileKind.ZIP_OTHER, _problem(NOT_A_WORKBOOK, name, reason)
    reason = f"this is {what}{_named(name, ext)}, not an Excel workbook: {_UPLOAD}"
    return FileKind.ZIP_OTHER, _problem(NOT_A_WORKBOOK, name, reason)


def _structure(
    infos: list[zipfile.ZipInfo], folded: list[str], name: str, limits: GuardLimits, cd_start: int
) -> list[Problem]:
    """Checks needing only the central directory: names, links, encryption, declared sizes, overlaps, parts."""
    found: dict[str, list[zipfile.ZipInfo]] = {}
    seen: set[str] = set()
    total = 0
    for info, key in zip(infos, folded, strict=True):
        if key in seen:
            found.setdefault("duplicate", []).append(info)
        seen.add(key)
        if _UNSAFE_NAME.search(info.orig_filename):
            found.setdefault("traversal", []).append(info)
        if (info.external_attr >> 16) & 0o170000 == _S_IFLNK:
            found.setdefault("symlink", []).append(info)
        if info.flag_bits & 0x1:
            found.setdefault("encrypted", []).append(info)
        size, packed = info.file_size, info.compress_size
        total += size
        if size > RATIO_MIN_DECLARED and size > limits.max_ratio * max(packed, 1):
            found.setdefault("ratio", []).append(info)
        if packed > _MAX_PACKED_PER_BYTE * size + _MAX_PACKED_OVERHEAD:
            found.setdefault("false-size", []).append(info)
    problems = [_structure_problem(finding, entries, name, limits) for finding, entries in found.items()]
    if total > limits.max_total_uncompressed and "ratio" not in found:
        reason = (
            f"the file's parts would expand to {_mb(total)}, more than the {_mb(limits.max_total_uncompressed)} "
            f"allowed (a 'zip bomb'): it was not opened; {_NEW_COPY}"
        )
        problems.append(_problem(ZIP_BOMB, name, reason, f"{total} bytes declared"))
    overlap = _overlap(infos, cd_start)
    if overlap:
        reason = (
            "the file's internal parts overlap one another, a technique used in 'zip bombs' that Excel never "
            f"produces: it was not opened; {_NEW_COPY}"
        )
        problems.append(_problem(ZIP_OVERLAP, name, reason, overlap))
    if not problems:
        missing = [part for part in _REQUIRED if part not in seen]
        if missing:
            reason = (
                f"this looks like an Excel workbook but has no '{missing[0]}' part, so it cannot be read: "
                "open it in Excel, save a new copy as .xlsx and resubmit"
            )
            problems.append(_problem(MISSING_PART, name, reason, ", ".join(missing)))
    return problems


def _structure_problem(finding: str, entries: list[zipfile.ZipInfo], name: str, limits: GuardLimits) -> Problem:
    info = entries[0]
    first = shorten(info.orig_filename, 60)
    more = f" (and {len(entries) - 1:,} more)" if len(entries) > 1 else ""
    if finding == "duplicate":
        code, what = ZIP_DUPLICATE, f"holds two parts named '{first}'{more}, so programs could read either"
    elif finding == "traversal":
        code = ZIP_TRAVERSAL
        what = f"has a part named '{first}'{more} that points outside the workbook (a path-traversal attack)"
    elif finding == "symlink":
        code, what = ZIP_SYMLINK, f"has a part '{first}'{more} that is a link to another file"
    elif finding == "encrypted":
        code, what = ZIP_ENCRYPTED, f"has zip-encrypted parts ('{first}'{more})"
    elif finding == "ratio":
        code = ZIP_BOMB
        what = (
            f"has a part '{first}'{more} that would expand from {_mb(info.compress_size)} to {_mb(info.file_size)} "
            f"(over {limits.max_ratio:g} times: a 'zip bomb')"
        )
    else:  # false-size: more compressed data than the declared size could ever need
        code = ZIP_BOMB
        what = (
            f"has a part '{first}'{more} that declares {info.file_size:,} bytes but holds {info.compress_size:,} "
            "compressed bytes, more than that could ever need (a 'zip bomb' with a false size)"
        )
    if finding in ("symlink", "encrypted"):
        what += ", which Excel never produces"
    return _problem(code, name, f"the file {what}: it was not opened; {_NEW_COPY}", info.orig_filename)


def _overlap(infos: list[zipfile.ZipInfo], cd_start: int) -> str:
    """The first entry whose data runs into the next entry (or the central directory), else empty.

    Uses a lower bound of each entry's extent (the fixed local header and the data: the local name
    and extra field may differ from the central ones), which is enough to catch the overlapping-entry
    bombs that reuse one compressed stream for many entries.
    """
    ordered = sorted(infos, key=lambda i: i.header_offset)
    for info, after in zip(ordered, [*ordered[1:], None], strict=True):
        end = info.header_offset + _LOCAL_HEADER.size + info.compress_size
        limit = after.header_offset if after is not None else cd_start
        if info.header_offset < 0 or end > limit:
            return info.orig_filename
    return ""
