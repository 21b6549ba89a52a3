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
caller names an area for are cut to it (:mod:`..extent`), with the cells cut listed.

Nothing is extracted to disk and nothing raises for bad input: every finding is a
:class:`~socialvalue.problems.Problem`. The guard inflates with :mod:`zlib` directly rather than
through ``ZipFile.open``, because ``ZipExtFile`` hides a lying header: it returns only the declared
number of bytes (accepting them if their checksum matches), and ``read()`` first inflates the whole
stream (a 300 MB stream declared as 2,000 bytes: 1.6 s and +600 MB in ``zipfile`` and openpyxl).

The modules, by job: :mod:`.sniff` (what a file that is not a zip really is), :mod:`.zipdir` (the central
directory, checked before anything is inflated), :mod:`.inflate` (one entry, bounded and checksummed),
:mod:`.xmlscan` (DTDs and encodings in the XML as it streams out), :mod:`.common` (kinds, limits, the
codes); this module puts them together and cuts the sheets to the areas read.
"""

from __future__ import annotations

import hashlib
import io
import stat
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from socialvalue.problems import CellRef, Problem, Severity, shorten

from ..extent import SMALL_SHEET_CELLS, Area, SharedStrings, fit, outside_problem, sheet_extent, within_z9999
from ..package import stored_zip
from ..structure import BookIndex, SheetFacts, read_book, scan_sheet, sheet_xml
from .common import (
    _NEW_COPY,
    CHUNK,
    DEFAULT_LIMITS,
    EMPTY_FILE,
    FILE_TOO_LARGE,
    MACRO_ENABLED,
    SHEET_OVERSIZED,
    UNREADABLE_FILE,
    ZIP_COMPRESSION,
    FileKind,
    GuardLimits,
    MiB,
    _problem,
    _Reject,
    _truncated,
)
from .inflate import _Budget, _inflate
from .sniff import _OLE_MAGIC, _not_zip, _ole
from .xmlscan import _XmlScan
from .zipdir import (
    _BAD_ZIP,
    _CENTRAL,
    _PART_FOLDERS,
    _PARTS,
    _ZIP_STARTS,
    _central_directory,
    _structure,
    _too_many,
    _zip_kind,
)

__all__ = ["DEFAULT_LIMITS", "FileKind", "GuardLimits", "GuardResult", "MiB", "guard_bytes", "guard_file"]


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


def _result(kind: FileKind, digest: str, problems: list[Problem], macro: bool = False) -> GuardResult:
    readable = kind in (FileKind.XLSX, FileKind.XLSM) and not any(p.severity is Severity.ERROR for p in problems)
    return GuardResult(kind=kind, readable=readable, macro_enabled=macro, problems=problems, sha256=digest)


def _unreadable(name: str, why: str) -> GuardResult:
    reason = f"the file could not be opened ({why}): check it was uploaded completely and try again"
    return _result(FileKind.UNKNOWN, "", [_problem(UNREADABLE_FILE, name, reason)])


def _too_large(name: str, size: int, limits: GuardLimits) -> Problem:
    reason = (
        f"the file is {size / MiB:,.1f} MB, over the {limits.max_file_bytes / MiB:,.0f} MB limit for a response "
        "workbook: remove pictures or other embedded content, save it and resubmit"
    )
    return _problem(FILE_TOO_LARGE, name, reason, f"{size} bytes")


def _guard(
    data: bytes, name: str, limits: GuardLimits, digest: str, areas: Mapping[str, Area] | None = None
) -> GuardResult:
    if len(data) > limits.max_file_bytes:
        return _result(FileKind.UNKNOWN, digest, [_too_large(name, len(data), limits)])
    if not data:
        reason = "the file is empty (0 bytes), usually a failed upload: upload the file again"
        return _result(FileKind.EMPTY, digest, [_problem(EMPTY_FILE, name, reason)])
    if data.startswith(_OLE_MAGIC):
        kind, problem = _ole(data, name)
        return _result(kind, digest, [problem])
    if data.startswith(_ZIP_STARTS):
        return _zip(data, name, limits, digest, areas)
    kind, problem = _not_zip(data, name)
    return _result(kind, digest, [problem])


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
        problems.append(_problem(MACRO_ENABLED, name, reason, severity=Severity.INFO))
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
            raise _Reject(_problem(SHEET_OVERSIZED, name, reason, info.filename))
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
            raise _Reject(_problem(SHEET_OVERSIZED, name, reason, info.filename))
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
            raise _Reject(_problem(ZIP_COMPRESSION, name, reason, info.filename))
        scan = _XmlScan(info.filename, name)
        content = kept[folded[index]] = _inflate(data, info, name, limits, budget, scan)
        if not is_other:
            macro = "macroenabled" in content.decode(scan.codec, "replace").casefold()
    return macro
