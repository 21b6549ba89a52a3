"""The guard: a first look at every supplier file, before any parser touches it.

Supplier files come from outside and are treated as hostile. The guard

- tells the real format from the bytes, never the name (legacy .xls, password-protected, CSV, HTML,
  OpenDocument, empty, truncated, some other zip), and says so in words an officer can act on;
- rejects zip bombs from the central directory *before* inflating anything (entry count, total
  declared size, compression ratio, more compressed data than the declared size could need,
  overlapping entries), then inflates only the parts the value reader parses, counting the bytes
  that really come out, so a part whose headers lie about its size is stopped a little past its
  declared size (and the whole file at ``max_inflated_bytes``);
- rejects duplicate part names (ignoring case, as calamine looks parts up), path traversal,
  symlink entries, zip-encrypted or unusually compressed parts, and XML carrying a DTD or entity
  declarations (``<!DOCTYPE``, ``<!ENTITY`` ...), in UTF-8 or UTF-16, or in any encoding a byte
  search could not see through.

The parts a reader parses are inflated here once, each checked against its checksum, and handed
on repacked uncompressed in memory (:attr:`GuardResult.package`): the reader never opens the original
zip, so it cannot read anything the guard did not check, and nothing is inflated twice. Sheets the
caller names an area for are cut to it (:mod:`.extent`), with the cells cut listed.

Nothing is extracted to disk and nothing raises for bad input: every finding is a
:class:`~socialvalue.problems.Problem`. The guard inflates with :mod:`zlib` directly rather than
through ``ZipFile.open``, because ``ZipExtFile`` hides a lying header: it returns only the declared
number of bytes (accepting them if their checksum matches), and ``read()`` first inflates the whole
stream (a 300 MB stream declared as 2,000 bytes: 1.6 s and +600 MB in ``zipfile`` and openpyxl).
"""

from __future__ import annotations

import hashlib
import io
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path, PurePosixPath

from socialvalue.problems import CellRef, Problem, Severity, shorten

from .extent import SMALL_SHEET_CELLS, Area, SharedStrings, fit, outside_problem, sheet_extent, within_z9999
from .package import stored_zip
from .structure import BookIndex, SheetFacts, read_book, scan_sheet, sheet_xml

MiB = 1024 * 1024

RATIO_MIN_DECLARED = 1 * MiB
"""The compression-ratio limit applies to entries declaring more than this (small parts compress well)."""
INFLATE_MARGIN = 1024
"""A part may inflate this far past its declared size before it is called a bomb (beyond: stopped)."""
CHUNK = 1 * MiB
"""Largest piece inflated at a time."""


class FileKind(StrEnum):
    """What a file really is, from its bytes."""

    XLSX = "xlsx"
    XLSM = "xlsm"
    XLS = "xls"  # legacy BIFF in an OLE2 container
    ODS = "ods"
    CSV = "csv"
    HTML = "html"
    ENCRYPTED = "encrypted"  # password-to-open OOXML: an OLE2 file holding an 'EncryptedPackage' stream
    EMPTY = "empty"
    TRUNCATED = "truncated"
    ZIP_OTHER = "zip"  # a zip that is not a workbook (or could not safely be looked into)
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class GuardLimits:
    """Limits for one file. The defaults are far above any genuine response workbook."""

    max_file_bytes: int = 50 * MiB
    max_entries: int = 2_000
    max_total_uncompressed: int = 200 * MiB
    max_ratio: float = 200
    """Largest declared compression ratio, for entries declaring more than ``RATIO_MIN_DECLARED``."""
    max_inflated_bytes: int = 200 * MiB
    max_sheet_cells: int = 2_000_000
    """Largest rectangle (rows × columns from A1) a sheet's cells may span."""
    max_sheet_xml_bytes: int = 16 * MiB
    """Largest worksheet XML read (and kept for the structure scan); data files such as spend files need more."""
    """Hard cap on the bytes actually inflated while checking one file."""


DEFAULT_LIMITS = GuardLimits()


@dataclass
class GuardResult:
    """What the guard found. Only ``readable`` files may be handed to a parser, and only as ``package``."""

    kind: FileKind
    readable: bool
    """True only for an XLSX or XLSM that passed every check."""
    macro_enabled: bool
    problems: list[Problem]
    sha256: str
    """SHA-256 of the file's bytes (empty when the file could not be read at all)."""
    package: bytes = field(default=b"", repr=False, compare=False)
    """The parts the guard checked, repacked uncompressed (:mod:`.package`): the only bytes a reader may
    parse. Sheets are cut to the areas the caller named (see :func:`guard_file`)."""
    sheet_xml: dict[str, bytes] = field(default_factory=dict, repr=False, compare=False)
    """Per sheet name, the sheet's XML exactly as in ``package``, for :meth:`facts`."""
    book: BookIndex = field(default_factory=BookIndex, repr=False, compare=False)
    plain: frozenset[str] = field(default=frozenset(), repr=False, compare=False)
    """Sheets the guard found written as the fast fact scan expects (:func:`~.extent.settled`)."""
    _facts: dict[str, SheetFacts] = field(default_factory=dict, repr=False, compare=False)

    def facts(self, sheet: str) -> SheetFacts:
        """Hidden rows, error cells and formulas of ``sheet`` (scanned when first asked)."""
        found = self._facts.get(sheet)
        if found is None:
            xml = self.sheet_xml.get(sheet)
            found = self._facts[sheet] = scan_sheet(xml, sheet in self.plain) if xml else SheetFacts()
        return found

    @property
    def sheet_facts(self) -> dict[str, SheetFacts]:
        return {name: self.facts(name) for name in self.sheet_xml}

    # what formulas.judge needs (FormulaBook)
    @property
    def sheet_order(self) -> tuple[str, ...]:
        return self.book.order

    def defined_name(self, name: str, sheet: str) -> str | None:
        found = self.book.names.get(name.casefold(), ())
        local_name = next((text for where, text in found if where == sheet), None)
        return local_name if local_name is not None else next((t for where, t in found if where is None), None)

    def formula_at(self, sheet: str, row: int, col: int) -> tuple[str, CellRef] | None:
        held = self.facts(sheet).formula_at(row, col)
        if held is None:
            return None
        anchor = CellRef.parse(held[1])
        return (held[0], CellRef(sheet, anchor.row, anchor.col)) if anchor else None

    def formula_cells(self, sheet: str) -> list[CellRef]:
        found = (CellRef.parse(ref) for ref in self.facts(sheet).formulas)
        return [CellRef(sheet, c.row, c.col) for c in found if c is not None]


def guard_file(
    path: Path,
    limits: GuardLimits = DEFAULT_LIMITS,
    display_name: str | None = None,
    areas: Mapping[str, Area] | None = None,
) -> GuardResult:
    """Guard the file at ``path``; problems name it ``display_name`` or the file's own name (never the full path).

    ``areas`` names, per sheet, the cells the caller reads (sheet names matched ignoring case and
    spaces at either end): cells outside are cut from ``package`` and listed in one warning per sheet.
    Sheets without an area are refused when their cells span more than ``limits.max_sheet_cells``.
    Reads at most ``limits.max_file_bytes + 1`` bytes into memory; a larger file is only hashed.
    """
    name = display_name if display_name is not None else path.name
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            return _unreadable(name, "it is not a regular file (a folder, device or pipe)")
        with path.open("rb") as fh:
            # read(n) allocates n bytes up front: ask for what the file holds, not for the limit
            data = fh.read(min(st.st_size, limits.max_file_bytes) + 1)
            if len(data) > st.st_size:  # it grew since stat()
                data += fh.read(limits.max_file_bytes + 1 - len(data))
            if len(data) <= limits.max_file_bytes:
                return _guard(data, name, limits, hashlib.sha256(data).hexdigest(), areas)
            digest = hashlib.sha256(data)
            size = len(data)
            del data
            while block := fh.read(CHUNK):
                digest.update(block)
                size += len(block)
    except OSError as exc:
        return _unreadable(name, exc.strerror or type(exc).__name__)
    return _result(FileKind.UNKNOWN, digest.hexdigest(), [_too_large(name, size, limits)])


def guard_bytes(
    data: bytes, name: str, limits: GuardLimits = DEFAULT_LIMITS, areas: Mapping[str, Area] | None = None
) -> GuardResult:
    """Guard a file held in memory. ``name`` is shown in problems: pass the file's name, not its full path."""
    return _guard(bytes(data), name, limits, hashlib.sha256(data).hexdigest(), areas)


# --------------------------------------------------------------------------------------------------
# shared pieces


class _Reject(Exception):
    """Internal: carries the problem that ends the guard's look at a file. Always caught here."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.code)
        self.problem = problem


def _problem(code: str, name: str, reason: str, raw: object = "", severity: Severity = Severity.ERROR) -> Problem:
    return Problem(code=code, file=name, reason=reason, raw=shorten(raw) if raw != "" else "", severity=severity)


def _result(kind: FileKind, digest: str, problems: list[Problem], macro: bool = False) -> GuardResult:
    readable = kind in (FileKind.XLSX, FileKind.XLSM) and not any(p.severity is Severity.ERROR for p in problems)
    return GuardResult(kind=kind, readable=readable, macro_enabled=macro, problems=problems, sha256=digest)


def _unreadable(name: str, why: str) -> GuardResult:
    reason = f"the file could not be opened ({why}): check it was uploaded completely and try again"
    return _result(FileKind.UNKNOWN, "", [_problem("unreadable-file", name, reason)])


def _too_large(name: str, size: int, limits: GuardLimits) -> Problem:
    reason = (
        f"the file is {size / MiB:,.1f} MB, over the {limits.max_file_bytes / MiB:,.0f} MB limit for a response "
        "workbook: remove pictures or other embedded content, save it and resubmit"
    )
    return _problem("file-too-large", name, reason, f"{size} bytes")


def _mb(n: int) -> str:
    return f"{n / MiB:,.1f} MB"


_VOWEL_SOUND = frozenset("aefhilmnorsx")  # letters whose spoken name starts with a vowel: "an .xlsx", "a .csv"


def _named(name: str, real_ext: str) -> str:
    """`` saved with an .xlsx name`` when the name's extension is not the real one, else empty."""
    ext = PurePosixPath(name.replace("\\", "/")).suffix.lower()
    if not ext or ext == real_ext:
        return ""
    article = "an" if ext[1:2] in _VOWEL_SOUND else "a"
    return f" saved with {article} {ext} name"


_SAVE_AS_XLSX = "open it in Excel and save as .xlsx (Excel Workbook), then resubmit"
_UPLOAD = "upload the response workbook (.xlsx)"
_NEW_COPY = "if it is a genuine response, open it in Excel, save a new copy as .xlsx and resubmit"


def _guard(
    data: bytes, name: str, limits: GuardLimits, digest: str, areas: Mapping[str, Area] | None = None
) -> GuardResult:
    if len(data) > limits.max_file_bytes:
        return _result(FileKind.UNKNOWN, digest, [_too_large(name, len(data), limits)])
    if not data:
        reason = "the file is empty (0 bytes), usually a failed upload: upload the file again"
        return _result(FileKind.EMPTY, digest, [_problem("empty-file", name, reason)])
    if data.startswith(_OLE_MAGIC):
        kind, problem = _ole(data, name)
        return _result(kind, digest, [problem])
    if data.startswith(_ZIP_STARTS):
        return _zip(data, name, limits, digest, areas)
    kind, problem = _not_zip(data, name)
    return _result(kind, digest, [problem])


# --------------------------------------------------------------------------------------------------
# OLE2 (compound file): legacy .xls, password-protected OOXML, other old Office files

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_DIR_ENTRY = 128
_OLE_MAX_CANDIDATES = 4096
_OLE_NAMES = ("encryptedpackage", "encryptioninfo", "workbook", "book", "worddocument", "powerpoint document")


def _ole_streams(data: bytes) -> set[str]:
    """Which of ``_OLE_NAMES`` the file holds as directory entries (lower case).

    A directory entry is 128 bytes, 128-aligned (sectors are 512 or 4096 bytes after a header of the
    same size): the UTF-16LE name, NUL-terminated, then at +64 the name's length in bytes including
    the NUL. Matching that shape avoids mistaking cell text for a stream name. A damaged container
    with none of that shape falls back to the names appearing anywhere.
    """
    low = data.lower()  # ASCII-only lowering: fine for UTF-16LE ASCII names
    aligned: set[str] = set()
    anywhere: set[str] = set()
    for stream in _OLE_NAMES:
        pattern = stream.encode("utf-16-le") + b"\x00\x00"
        size = len(pattern)
        pos = low.find(pattern, 512)
        for _ in range(_OLE_MAX_CANDIDATES):  # bounded: a hostile file could repeat a name millions of times
            if pos < 0:
                break
            anywhere.add(stream)
            if pos % _OLE_DIR_ENTRY == 0 and data[pos + 64 : pos + 66] == struct.pack("<H", size):
                aligned.add(stream)
                break
            pos = low.find(pattern, pos + 1)
    return aligned or anywhere


def _ole(data: bytes, name: str) -> tuple[FileKind, Problem]:
    streams = _ole_streams(data)
    if streams & {"encryptedpackage", "encryptioninfo"}:
        reason = (
            "the workbook is protected with a password to open: remove the password and resubmit "
            "(in Excel: File > Info > Protect Workbook > Encrypt with Password, delete the password, save)"
        )
        return FileKind.ENCRYPTED, _problem("password-protected", name, reason)
    if streams & {"workbook", "book"}:
        reason = f"this is a legacy Excel 97-2003 (.xls) file{_named(name, '.xls')}: {_SAVE_AS_XLSX}"
        return FileKind.XLS, _problem("legacy-xls", name, reason)
    if "worddocument" in streams:
        what, ext = "a Word 97-2003 document", ".doc"
    elif "powerpoint document" in streams:
        what, ext = "a PowerPoint 97-2003 presentation", ".ppt"
    else:
        what, ext = "an older Microsoft Office format file", ""
    reason = f"this is {what}{_named(name, ext)}, not an Excel workbook: {_UPLOAD}"
    return FileKind.UNKNOWN, _problem("not-a-workbook", name, reason)


# --------------------------------------------------------------------------------------------------
# not a zip, not OLE2: text formats and anything else

_TEXT_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")


def _sniff_text(data: bytes) -> str | None:
    """The start of the file as text, or None if it looks binary."""
    head = data[:8192]
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom) :].decode(codec, "replace")
    if len(_TEXT_CONTROL.findall(head)) > len(head) // 100:
        return None
    return head.decode("utf-8", "replace")


def _not_zip(data: bytes, name: str) -> tuple[FileKind, Problem]:
    if data.startswith(b"%PDF"):
        reason = f"this is a PDF document{_named(name, '.pdf')}, not an Excel workbook: {_UPLOAD}"
        return FileKind.UNKNOWN, _problem("not-a-workbook", name, reason)
    text = _sniff_text(data)
    if text is None:
        reason = f"this is not an Excel workbook (its contents are not in any spreadsheet format): {_UPLOAD}"
        return FileKind.UNKNOWN, _problem("not-a-workbook", name, reason)
    start = text.lstrip().lower()
    if start.startswith("<?xml") and "urn:schemas-microsoft-com:office:spreadsheet" in start:
        reason = f"this is an Excel 2003 XML Spreadsheet{_named(name, '.xml')}, not an .xlsx workbook: {_SAVE_AS_XLSX}"
        return FileKind.UNKNOWN, _problem("xml-spreadsheet-not-xlsx", name, reason)
    if start.startswith(("<!doctype html", "<html", "<table", "<head", "<body", "<meta", "mime-version:")) or (
        start.startswith("<") and re.search(r"<(html|table|body)\b", start[:4096]) is not None
    ):
        reason = (
            f"this is a web page (HTML){_named(name, '.html')}, not an Excel workbook "
            f"(some systems export tables this way): {_SAVE_AS_XLSX}"
        )
        return FileKind.HTML, _problem("html-not-xlsx", name, reason)
    if start.startswith("<"):
        reason = f"this is an XML or other markup file{_named(name, '.xml')}, not an Excel workbook: {_UPLOAD}"
        return FileKind.UNKNOWN, _problem("not-a-workbook", name, reason)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    if any(sep in first_line for sep in (",", ";", "\t", "|")):
        reason = (
            f"this is a CSV text file{_named(name, '.csv')}, not an Excel workbook: enter your response in the "
            "workbook you were sent, save it as .xlsx (Excel Workbook) and resubmit"
        )
        return FileKind.CSV, _problem("csv-not-xlsx", name, reason)
    reason = f"this is a plain text file{_named(name, '.txt')}, not an Excel workbook: {_UPLOAD}"
    return FileKind.UNKNOWN, _problem("not-a-workbook", name, reason)


# --------------------------------------------------------------------------------------------------
# zip: the central directory first, then the parts the reader parses

_EOCD = b"PK\x05\x06"
_ZIP_STARTS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")  # a local header, an empty zip, a spanning marker
_EOCD64_LOCATOR = b"PK\x06\x07"
_EOCD64 = b"PK\x06\x06"
_CENTRAL = b"PK\x01\x02"
_LOCAL = b"PK\x03\x04"
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # signature, version, flags, method, time, date, crc, sizes, name/extra len
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


def _raw_name(info: zipfile.ZipInfo) -> bytes:
    """The entry's name as stored in the central directory."""
    name = info.orig_filename
    try:
        return name.encode("utf-8" if info.flag_bits & 0x800 or name.isascii() else "cp437")
    except UnicodeEncodeError:  # not reachable for names zipfile decoded itself
        return info.orig_filename.encode("utf-8", "surrogateescape")


def _truncated(name: str, detail: object = "") -> Problem:
    reason = (
        "the file is incomplete or damaged (the end of its zip structure is missing or unreadable), usually an "
        "interrupted upload or download: upload the original file again"
    )
    return _problem("truncated", name, reason, detail)


def _too_many(name: str, count: int, limits: GuardLimits) -> Problem:
    reason = (
        f"the file has {count:,} internal parts, more than the {limits.max_entries:,} a response workbook can have: "
        f"it was not opened; {_NEW_COPY}"
    )
    return _problem("zip-too-many-entries", name, reason, f"{count} entries")


def _zip(data: bytes, name: str, limits: GuardLimits, digest: str, areas: Mapping[str, Area] | None) -> GuardResult:
    located = _central_directory(data)
    if located is None:
        return _result(FileKind.TRUNCATED, digest, [_truncated(name)])
    declared, cd_start, cd_end = located
    # Before zipfile builds one object per entry: the declared count, and the count of central headers
    # (an upper bound on what zipfile will parse, whatever the declared count says).
    count = max(declared, data.count(_CENTRAL, cd_start, cd_end))
    if count > limits.max_entries:
        return _result(FileKind.ZIP_OTHER, digest, [_too_many(name, count, limits)])
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except _BAD_ZIP as exc:
        return _result(FileKind.TRUNCATED, digest, [_truncated(name, exc)])
    if len(infos) > limits.max_entries:  # not reachable after the count above; the definitive check
        return _result(FileKind.ZIP_OTHER, digest, [_too_many(name, len(infos), limits)])
    folded = [info.orig_filename.casefold() for info in infos]
    kind, problem = _zip_kind(infos, folded, data, name, limits)
    if problem is not None:
        return _result(kind, digest, [problem])
    problems = _structure(infos, folded, name, limits, cd_start)
    macro = kind is FileKind.XLSM
    kept: dict[str, bytes] = {}
    checked: dict[str, bytes] = {}
    book = BookIndex()
    plain: set[str] = set()
    if not problems:
        try:
            macro = _inflate_parts(data, infos, folded, name, limits, kept) or macro
            book = read_book(kept.get("xl/workbook.xml", b""), kept.get("xl/_rels/workbook.xml.rels", b""))
            checked = dict(kept)  # as inflated, each checked against its CRC-32
            problems += _fit_sheets(infos, folded, kept, book, name, limits, areas or {}, plain)
        except _Reject as rejected:
            problems.append(rejected.problem)
    if macro and not any(p.severity is Severity.ERROR for p in problems):
        reason = "macro-enabled workbook: values were read; macros are never run or copied"
        problems.append(_problem("macro-enabled", name, reason, severity=Severity.INFO))
    result = _result(FileKind.XLSM if macro else kind, digest, problems, macro)
    if result.readable:
        result.book = book
        result.plain = frozenset(plain)
        result.sheet_xml = sheet_xml(kept, book.parts)
        result.package = stored_zip(
            (info.orig_filename, kept[key], info.CRC if kept[key] is checked.get(key) else None)
            for info, key in zip(infos, folded, strict=True)
            if key in kept
        )
    return result


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
        return FileKind.ODS, _problem("ods-not-xlsx", name, reason)
    if "xl/workbook.bin" in names:
        reason = f"this is an Excel Binary Workbook (.xlsb){_named(name, '.xlsb')}: {_SAVE_AS_XLSX}"
        return FileKind.ZIP_OTHER, _problem("xlsb-not-xlsx", name, reason)
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
        return FileKind.ZIP_OTHER, _problem("not-a-workbook", name, reason)
    reason = f"this is {what}{_named(name, ext)}, not an Excel workbook: {_UPLOAD}"
    return FileKind.ZIP_OTHER, _problem("not-a-workbook", name, reason)


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
        problems.append(_problem("zip-bomb", name, reason, f"{total} bytes declared"))
    overlap = _overlap(infos, cd_start)
    if overlap:
        reason = (
            "the file's internal parts overlap one another, a technique used in 'zip bombs' that Excel never "
            f"produces: it was not opened; {_NEW_COPY}"
        )
        problems.append(_problem("zip-overlapping-entries", name, reason, overlap))
    if not problems:
        missing = [part for part in _REQUIRED if part not in seen]
        if missing:
            reason = (
                f"this looks like an Excel workbook but has no '{missing[0]}' part, so it cannot be read: "
                "open it in Excel, save a new copy as .xlsx and resubmit"
            )
            problems.append(_problem("workbook-missing-part", name, reason, ", ".join(missing)))
    return problems


def _structure_problem(finding: str, entries: list[zipfile.ZipInfo], name: str, limits: GuardLimits) -> Problem:
    info = entries[0]
    first = shorten(info.orig_filename, 60)
    more = f" (and {len(entries) - 1:,} more)" if len(entries) > 1 else ""
    if finding == "duplicate":
        code, what = "zip-duplicate-entry", f"holds two parts named '{first}'{more}, so programs could read either"
    elif finding == "traversal":
        code = "zip-path-traversal"
        what = f"has a part named '{first}'{more} that points outside the workbook (a path-traversal attack)"
    elif finding == "symlink":
        code, what = "zip-symlink", f"has a part '{first}'{more} that is a link to another file"
    elif finding == "encrypted":
        code, what = "zip-encrypted", f"has zip-encrypted parts ('{first}'{more})"
    elif finding == "ratio":
        code = "zip-bomb"
        what = (
            f"has a part '{first}'{more} that would expand from {_mb(info.compress_size)} to {_mb(info.file_size)} "
            f"(over {limits.max_ratio:g} times: a 'zip bomb')"
        )
    else:  # false-size: more compressed data than the declared size could ever need
        code = "zip-bomb"
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


class _Budget:
    """Bytes that may still be inflated for this file."""

    __slots__ = ("left",)

    def __init__(self, left: int) -> None:
        self.left = left


def _area_key(sheet: str) -> str:
    return sheet.strip().casefold()


def _fit_sheets(
    infos: list[zipfile.ZipInfo],
    folded: list[str],
    kept: dict[str, bytes],
    book: BookIndex,
    name: str,
    limits: GuardLimits,
    areas: Mapping[str, Area],
    plain: set[str],
) -> list[Problem]:
    """Cut each sheet with an area to it (in ``kept``), and refuse a sheet whose cells span an area a
    reader would have to allocate cell by cell; the warnings for cells cut come back, and the sheets
    settled by the quick scan are added to ``plain``.

    A single cell at XFD1048576 makes calamine allocate the whole rectangle (hundreds of GB) and
    abort the process, which no exception handler can catch: so every worksheet is measured here.
    """
    sheet_names = {part.casefold(): sheet for sheet, part in book.parts.items()}
    wanted = {_area_key(sheet): area for sheet, area in areas.items()}
    strings = SharedStrings(kept.get("xl/sharedstrings.xml", b""))
    problems: list[Problem] = []
    for info, key in zip(infos, folded, strict=True):
        if not key.startswith("xl/worksheets/") or key.endswith(".rels") or key.endswith("/"):
            continue
        sheet = sheet_names.get(key)
        where = f"the sheet '{sheet}'" if sheet is not None else f"the sheet part '{shorten(info.filename, 60)}'"
        xml = kept[key]
        if len(xml) > limits.max_sheet_xml_bytes:
            reason = f"{where} holds {len(xml):,} bytes of XML, far more than a response sheet needs; {_NEW_COPY}"
            raise _Reject(_problem("sheet-oversized", name, reason, info.filename))
        area = wanted.get(_area_key(sheet)) if sheet is not None else None
        fitted = fit(xml, area, strings.get) if area is not None else None
        if fitted is not None and area is not None:
            kept[key] = xml = fitted.xml
            if fitted.outside or fitted.empty:
                problems.append(outside_problem(name, sheet or "", area, fitted))
            settled = fitted.plain and area.rows * area.columns <= limits.max_sheet_cells
        else:
            settled = limits.max_sheet_cells >= SMALL_SHEET_CELLS and within_z9999(xml)
        if settled:  # the usual case, settled by one scan
            if sheet is not None:
                plain.add(sheet)
            continue
        rows, columns = sheet_extent(xml)
        if rows * columns > limits.max_sheet_cells:
            reason = (
                f"{where} has cells spread over {rows:,} rows and {columns:,} columns, "
                f"more than the {limits.max_sheet_cells:,} cells a response sheet may span: delete anything far "
                "below or to the right of the response area and resubmit"
            )
            raise _Reject(_problem("sheet-oversized", name, reason, info.filename))
    return problems


def _inflate_parts(
    data: bytes,
    infos: list[zipfile.ZipInfo],
    folded: list[str],
    name: str,
    limits: GuardLimits,
    kept: dict[str, bytes],
) -> bool:
    """Inflate (in memory) every part the value reader parses, checking sizes and XML; True if macro-enabled.

    Every part is kept in ``kept`` (keyed by lower-case name) exactly as inflated: the reader is handed
    these bytes and no others, so nothing is inflated twice.
    """
    budget = _Budget(limits.max_inflated_bytes)
    macro = False
    # [Content_Types].xml first: it says whether the workbook is macro-enabled
    parts = sorted(
        (key != "[content_types].xml", index)
        for index, key in enumerate(folded)
        if (key in _PARTS or key.startswith(_PART_FOLDERS)) and not key.endswith("/")
    )
    for is_other, index in parts:
        info = infos[index]
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            reason = (
                f"the file's part '{shorten(info.filename, 60)}' uses a compression method Excel never writes "
                f"(method {info.compress_type}): open the file in Excel, save a new copy as .xlsx and resubmit"
            )
            raise _Reject(_problem("zip-unsupported-compression", name, reason, info.filename))
        scan = _XmlScan(info.filename, name)
        content = kept[folded[index]] = _inflate(data, info, name, limits, budget, scan)
        if not is_other:
            macro = "macroenabled" in content.decode(scan.codec, "replace").casefold()
    return macro


def _corrupt(name: str, part: str, what: str) -> Problem:
    reason = (
        f"the file is damaged: its part '{shorten(part, 60)}' {what}. It may have been corrupted in upload: "
        "upload it again, or open it in Excel, save a new copy as .xlsx and resubmit"
    )
    return _problem("zip-corrupt", name, reason, part)


def _false_size(name: str, part: str, declared: int, produced: int) -> Problem:
    reason = (
        f"the file's part '{shorten(part, 60)}' declares {declared:,} bytes but expands to more (a 'zip bomb' with a "
        f"false size): it was stopped after {produced:,} bytes and not opened; {_NEW_COPY}"
    )
    return _problem("zip-bomb", name, reason, part)


def _over_budget(name: str, part: str, limits: GuardLimits) -> Problem:
    reason = (
        f"the file's parts expand to more than {_mb(limits.max_inflated_bytes)} (a 'zip bomb'): checking was stopped "
        f"at '{shorten(part, 60)}' and the file was not opened; {_NEW_COPY}"
    )
    return _problem("zip-bomb", name, reason, part)


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


# --------------------------------------------------------------------------------------------------
# XML: no DTDs, no entity declarations, no encodings a byte search cannot see through

_DECLARATION = re.compile(r"<\?xml\b[^>]*?\bencoding\s*=\s*[\"']([^\"']*)[\"']")
_DECLARATION_BYTES = re.compile(_DECLARATION.pattern.encode())
_ALLOWED_ENCODINGS = frozenset(
    {"utf-8", "utf8", "utf-16", "utf-16le", "utf-16be", "us-ascii", "ascii", "iso-8859-1", "latin1", "latin-1"}
    | {"windows-1252", "cp1252"}
)
"""OPC allows UTF-8 and UTF-16; the ASCII-compatible single-byte ones are harmless to the byte search."""
_UTF32 = (b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00", b"<\x00\x00\x00", b"\x00\x00\x00<")
_HEAD = 512
"""Bytes held back at the start of a part to tell its encoding."""


class _XmlScan:
    """Streams one XML part looking for ``<!`` markup other than comments and CDATA (DOCTYPE, ENTITY, ...).

    In well-formed XML a literal ``<!`` only starts a comment, a CDATA section or a DTD declaration
    (text and attribute values must escape ``<``), so the search is exact; a ``<!DOCTYPE`` inside a
    comment or CDATA is refused too. It looks for the rare ``!`` (a memchr-fast search) and then at
    the character before it. The encoding comes from the byte-order mark or the first bytes (UTF-8
    or UTF-16); UTF-32, other NUL-led starts and any declared encoding outside a short ASCII-
    compatible list (e.g. UTF-7 or EBCDIC, which a byte search cannot see through) are refused.
    """

    __slots__ = ("bang", "codec", "done", "file", "head", "lt", "part", "pos", "tail", "width")

    def __init__(self, part: str, file: str) -> None:
        self.part = part
        self.file = file
        self.head: bytes | None = b""  # held back until the encoding is known; None once decided
        self.codec = "utf-8"
        self.width = 1
        self.lt = b"<"
        self.bang = b"!"
        self.tail = b""  # end of the previous piece that could begin a '<!' split across pieces
        self.pos = 0  # offset in the part of the first byte of ``tail``
        self.done = False

    def _reject(self, code: str, what: str, raw: str) -> _Reject:
        reason = (
            f"the file's part '{shorten(self.part, 60)}' {what}, which Excel never writes and which is used to attack "
            f"XML readers: it was not opened; {_NEW_COPY}"
        )
        return _Reject(_problem(code, self.file, reason, raw))

    def _decide(self, head: bytes) -> None:
        first = head[:4]
        if b"\x00" in first or first.startswith((b"\xff\xfe", b"\xfe\xff")):
            if first.startswith(_UTF32):
                raise self._reject("xml-encoding", "is encoded in UTF-32", "UTF-32")
            if first.startswith((b"\xff\xfe", b"<\x00")):
                self.codec = "utf-16-le"
            elif first.startswith((b"\xfe\xff", b"\x00<")):
                self.codec = "utf-16-be"
            else:
                raise self._reject("xml-encoding", "starts with bytes in no text encoding Excel uses", first.hex(" "))
            self.width, self.lt, self.bang = 2, "<".encode(self.codec), "!".encode(self.codec)
            match = _DECLARATION.match(head[: 2 * _HEAD].decode(self.codec, "replace").lstrip("\ufeff \t\r\n"))
            declared = match.group(1) if match else ""
        else:
            start = head[:_HEAD].removeprefix(b"\xef\xbb\xbf").lstrip()
            if not start.startswith(b"<?xml"):
                return
            match_bytes = _DECLARATION_BYTES.match(start)
            declared = match_bytes.group(1).decode("latin-1") if match_bytes else ""
        if declared and declared.strip().lower() not in _ALLOWED_ENCODINGS:
            raise self._reject("xml-encoding", f"declares the text encoding '{shorten(declared, 30)}'", declared)

    def feed(self, chunk: bytes, final: bool) -> None:
        if self.done:
            return
        if self.head is not None:
            if self.head:
                chunk = self.head + chunk
            if len(chunk) < _HEAD and not final:
                self.head = chunk
                return
            self.head = None
            self._decide(chunk)
        buf = self.tail + chunk if self.tail else chunk
        base, width, lt, bang = self.pos, self.width, self.lt, self.bang
        look = 9 * width  # '<!' and '[CDATA['
        start = 0
        while (i := buf.find(bang, start)) >= 0:
            start = i + 1
            j = i - width  # where the '<' would be
            if j < 0 or (base + j) % width or buf[j:i] != lt:
                continue
            if j + look > len(buf) and not final:
                self.tail, self.pos = buf[j:], base + j
                return
            after = buf[i + width : j + look].decode(self.codec, "replace")
            if after.startswith(("--", "[CDATA[")):
                continue
            word = re.match(r"[A-Za-z]*", after)
            declaration = word.group(0).upper() if word else ""
            raise self._reject("xml-dtd", f"contains a '<!{declaration}' declaration", f"<!{after}")
        keep = min(len(buf), 2 * width - 1)  # could hold the start of a '<!' the next piece completes
        self.tail, self.pos = buf[len(buf) - keep :], base + len(buf) - keep
        self.done = final

    def close(self) -> None:
        self.feed(b"", final=True)
