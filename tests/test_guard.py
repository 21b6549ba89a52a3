"""The guard, against a real generated template and hostile files derived from it.

Hostile zips are written byte by byte with :func:`build_zip` (no mocks): declared sizes, names,
attributes and compression methods can then lie exactly as an attacker's would.
"""

from __future__ import annotations

import hashlib
import io
import random
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialvalue.intake.guard import (
    DEFAULT_LIMITS,
    FileKind,
    GuardLimits,
    GuardResult,
    guard_bytes,
    guard_file,
)
from socialvalue.output.template import write_response_template
from socialvalue.problems import Problem, Severity
from socialvalue.rubric import load_rubric

SHEET = "xl/worksheets/sheet2.xml"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MiB = 1024 * 1024


# --------------------------------------------------------------------------------------------------
# building files


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real supplier response workbook, as suppliers receive it."""
    source, problems = load_rubric("hybrid-commitments-plan")
    assert source is not None and not problems
    return write_response_template(source.rubric, source.value_set, tmp_path_factory.mktemp("tpl") / "template.xlsx")


@pytest.fixture(scope="module")
def parts(template: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(template) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


@dataclass
class Entry:
    """One zip entry as written to disk, every field of which can lie."""

    name: str | bytes
    content: bytes = b""
    method: int = zipfile.ZIP_DEFLATED
    payload: bytes | None = None  # the stored bytes; default: ``content`` deflated or stored
    file_size: int | None = None  # declared uncompressed size; default: len(content)
    crc: int | None = None
    external_attr: int = 0o100644 << 16
    flags: int = 0
    local_name: str | bytes | None = None  # name in the local header; default: ``name``
    same_data_as: str | None = None  # a central-directory-only entry pointing at another entry's local header


def deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


def build_zip(entries: list[Entry]) -> bytes:
    """A zip written field by field: local headers and data, central directory, end record."""
    out = bytearray()
    central = bytearray()
    written: dict[bytes, tuple[int, int, int, int, int]] = {}  # name -> offset, crc, sizes, method
    for e in entries:
        name = e.name.encode() if isinstance(e.name, str) else e.name
        local_name = e.local_name.encode() if isinstance(e.local_name, str) else (e.local_name or name)
        flags = e.flags | (0 if name.isascii() else 0x800)
        if e.same_data_as is not None:
            offset, crc, csize, usize, method = written[e.same_data_as.encode()]
        else:
            payload = e.payload if e.payload is not None else deflate(e.content) if e.method == 8 else e.content
            crc = e.crc if e.crc is not None else zlib.crc32(e.content)
            usize = e.file_size if e.file_size is not None else len(e.content)
            csize, method, offset = len(payload), e.method, len(out)
            out += struct.pack(
                "<4s5H3L2H", b"PK\x03\x04", 20, flags, method, 0, 0x21, crc, csize, usize, len(local_name), 0
            )
            out += local_name + payload
            written[name] = (offset, crc, csize, usize, method)
        central += struct.pack(
            "<4s6H3L5H2L", b"PK\x01\x02", (3 << 8) | 20, 20, flags, method, 0, 0x21, crc, csize, usize, len(name), 0, 0, 0, 0,
            e.external_attr, offset,
        )  # fmt: skip
        central += name
    cd_offset = len(out)
    out += central
    out += struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(central), cd_offset, 0)
    return bytes(out)


def rebuild(
    parts: dict[str, bytes], changed: dict[str, bytes] | None = None, drop: tuple[str, ...] = ()
) -> list[Entry]:
    """The template's entries, in order, with some contents changed (by part name) or dropped."""
    changed = changed or {}
    return [Entry(name, changed.get(name, content)) for name, content in parts.items() if name not in drop]


def with_part(parts: dict[str, bytes], name: str, content: bytes) -> list[Entry]:
    return [Entry(n, content if n == name else c) for n, c in parts.items()]


def ole2(*streams: str, padding: bytes = b"") -> bytes:
    """A minimal compound file: header, one directory sector (Root Entry + ``streams``), padding."""
    header = bytearray(512)
    header[:8] = OLE_MAGIC
    struct.pack_into("<HHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9)  # versions, byte order, 512-byte sectors
    directory = bytearray(512)
    for index, stream in enumerate(("Root Entry", *streams)):
        encoded = stream.encode("utf-16-le") + b"\x00\x00"
        directory[index * 128 : index * 128 + len(encoded)] = encoded
        struct.pack_into("<HB", directory, index * 128 + 64, len(encoded), 5 if index == 0 else 2)
    return bytes(header + directory) + padding


def only(result: GuardResult, code: str, file: str, severity: Severity = Severity.ERROR) -> Problem:
    """The result's single problem, checked for code, file and severity."""
    assert [p.code for p in result.problems] == [code], result.problems
    problem = result.problems[0]
    assert problem.file == file
    assert problem.severity is severity
    if severity is Severity.ERROR:
        assert not result.readable
    return problem


def check(data: bytes, code: str, name: str = "acme.xlsx", limits: GuardLimits = DEFAULT_LIMITS) -> Problem:
    result = guard_bytes(data, name, limits)
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    return only(result, code, name)


# --------------------------------------------------------------------------------------------------
# good files


def test_template_passes(template: Path) -> None:
    result = guard_file(template)
    assert result == GuardResult(
        kind=FileKind.XLSX,
        readable=True,
        macro_enabled=False,
        problems=[],
        sha256=hashlib.sha256(template.read_bytes()).hexdigest(),
    )
    assert set(result.sheet_facts) >= {"Supplier", "Commitments"}
    assert not any(f.hidden_rows or f.error_cells for f in result.sheet_facts.values())
    assert guard_bytes(template.read_bytes(), template.name) == result


def test_rebuilt_template_passes(parts: dict[str, bytes]) -> None:
    """The hand-written zips below start from a clean bill of health: only the change made fails."""
    result = guard_bytes(build_zip(rebuild(parts)), "acme.xlsx")
    assert (result.kind, result.readable, result.problems) == (FileKind.XLSX, True, [])


def test_stored_parts_and_comments_and_cdata_pass(parts: dict[str, bytes]) -> None:
    sheet = parts[SHEET].replace(b"<sheetData>", b"<!-- a comment --><sheetData>", 1)
    strings = parts["xl/sharedStrings.xml"].replace(b"<t>", b"<t><![CDATA[x < y]]>", 1)
    entries = [replace(e, method=zipfile.ZIP_STORED) for e in rebuild(parts, {SHEET: sheet})]
    entries = [replace(e, content=strings) if e.name == "xl/sharedStrings.xml" else e for e in entries]
    assert b"<!--" in sheet and b"<![CDATA[" in strings
    result = guard_bytes(build_zip(entries), "acme.xlsx")
    assert (result.readable, result.problems) == (True, [])


def test_utf16_part_without_dtd_passes(parts: dict[str, bytes]) -> None:
    sheet = parts[SHEET].decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    result = guard_bytes(build_zip(with_part(parts, SHEET, sheet)), "acme.xlsx")
    assert (result.readable, result.problems) == (True, [])


def test_problems_name_the_file_not_its_path(tmp_path: Path) -> None:
    folder = tmp_path / "lot 1" / "bids"
    folder.mkdir(parents=True)
    path = folder / "acme.xlsx"
    path.write_bytes(b"")
    only(guard_file(path), "empty-file", "acme.xlsx")
    only(guard_file(path, display_name="Acme Ltd (lot 1)"), "empty-file", "Acme Ltd (lot 1)")


# --------------------------------------------------------------------------------------------------
# real format, from the bytes


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "acme.xlsx"
    path.write_bytes(b"")
    result = guard_file(path)
    assert result.kind is FileKind.EMPTY
    problem = only(result, "empty-file", "acme.xlsx")
    assert "empty (0 bytes)" in problem.reason and "upload" in problem.reason


def test_truncated_upload(template: Path, tmp_path: Path) -> None:
    data = template.read_bytes()
    path = tmp_path / "acme.xlsx"
    path.write_bytes(data[: len(data) // 2])
    result = guard_file(path)
    assert result.kind is FileKind.TRUNCATED
    problem = only(result, "truncated", "acme.xlsx")
    assert "incomplete" in problem.reason and "upload the original file again" in problem.reason


def test_legacy_xls_with_xlsx_name() -> None:
    data = ole2("Workbook", "\x05SummaryInformation", padding=b"\x09\x08" * 300)
    result = guard_bytes(data, "acme.xlsx")
    assert result.kind is FileKind.XLS
    problem = only(result, "legacy-xls", "acme.xlsx")
    assert problem.reason == (
        "this is a legacy Excel 97-2003 (.xls) file saved with an .xlsx name: open it in Excel and save as .xlsx "
        "(Excel Workbook), then resubmit"
    )
    named_xls = only(guard_bytes(data, "acme.xls"), "legacy-xls", "acme.xls")
    assert named_xls.reason.startswith("this is a legacy Excel 97-2003 (.xls) file: open it in Excel")


def test_legacy_xls_mentioning_encryption_in_a_cell_is_still_xls() -> None:
    """Stream names count only where a directory entry would be, not in cell text."""
    data = ole2("Workbook", padding=b"\x00" * 3 + "EncryptedPackage".encode("utf-16-le") + b"\x00\x00")
    only(guard_bytes(data, "acme.xlsx"), "legacy-xls", "acme.xlsx")


def test_password_protected_workbook() -> None:
    data = ole2("\x06DataSpaces", "EncryptionInfo", "EncryptedPackage", padding=bytes(2048))
    result = guard_bytes(data, "acme.xlsx")
    assert result.kind is FileKind.ENCRYPTED
    problem = only(result, "password-protected", "acme.xlsx")
    assert problem.reason.startswith(
        "the workbook is protected with a password to open: remove the password and resubmit"
    )
    assert "corrupt" not in problem.reason and "damaged" not in problem.reason


def test_other_ole2_file_is_not_a_workbook() -> None:
    result = guard_bytes(ole2("WordDocument", "1Table"), "acme.xlsx")
    assert result.kind is FileKind.UNKNOWN
    assert "Word 97-2003 document" in only(result, "not-a-workbook", "acme.xlsx").reason


@pytest.mark.parametrize("data", [b"Code,Quantity\r\nE1,12\r\nE2,3\r\n", b"PK,Quantity\nE1,12\n"])
def test_csv_with_xlsx_name(data: bytes) -> None:
    result = guard_bytes(data, "acme.xlsx")
    assert result.kind is FileKind.CSV
    problem = only(result, "csv-not-xlsx", "acme.xlsx")
    assert "CSV text file saved with an .xlsx name" in problem.reason and "save it as .xlsx" in problem.reason


@pytest.mark.parametrize(
    "data",
    [
        b"<html><head><meta charset='utf-8'></head><body><table><tr><td>1</td></tr></table></body></html>",
        b"\xef\xbb\xbf<!DOCTYPE html>\n<html><body><table></table></body></html>",
        "<html><body><table><tr><td>£1</td></tr></table></body></html>".encode("utf-16"),
    ],
)
def test_html_with_xlsx_name(data: bytes) -> None:
    result = guard_bytes(data, "acme.xlsx")
    assert result.kind is FileKind.HTML
    problem = only(result, "html-not-xlsx", "acme.xlsx")
    assert "web page (HTML) saved with an .xlsx name" in problem.reason and "save as .xlsx" in problem.reason


def test_excel_2003_xml_spreadsheet() -> None:
    data = b'<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>'
    result = guard_bytes(data, "acme.xlsx")
    assert result.kind is FileKind.UNKNOWN
    assert (
        "Excel 2003 XML Spreadsheet saved with an .xlsx name"
        in only(result, "xml-spreadsheet-not-xlsx", "acme.xlsx").reason
    )


def test_opendocument_spreadsheet() -> None:
    data = build_zip(
        [
            Entry("mimetype", b"application/vnd.oasis.opendocument.spreadsheet", method=zipfile.ZIP_STORED),
            Entry("content.xml", b"<office:document-content/>"),
            Entry("META-INF/manifest.xml", b"<manifest:manifest/>"),
        ]
    )
    result = guard_bytes(data, "acme.xlsx")
    assert result.kind is FileKind.ODS
    problem = only(result, "ods-not-xlsx", "acme.xlsx")
    assert "OpenDocument spreadsheet (.ods) saved with an .xlsx name" in problem.reason
    assert "save as .xlsx" in problem.reason


@pytest.mark.parametrize(
    ("entries", "code", "words"),
    [
        ([Entry("[Content_Types].xml", b"<Types/>"), Entry("word/document.xml", b"<w:document/>")], "not-a-workbook", "Word document"),
        ([Entry("bid/acme.xlsx", b"PK")], "not-a-workbook", "zip archive"),
        ([Entry("[Content_Types].xml", b"<Types/>"), Entry("xl/workbook.bin", b"\x83\x01")], "xlsb-not-xlsx", "Excel Binary Workbook (.xlsb)"),
    ],
)  # fmt: skip
def test_other_zips_are_not_workbooks(entries: list[Entry], code: str, words: str) -> None:
    result = guard_bytes(build_zip(entries), "acme.xlsx")
    assert result.kind is FileKind.ZIP_OTHER
    assert words in only(result, code, "acme.xlsx").reason


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF document saved with an .xlsx name"),
        (bytes(range(256)) * 4, "not an Excel workbook"),
        (b"Our social value commitments are set out below.\n", "plain text file"),
    ],
)
def test_anything_else_is_not_a_workbook(data: bytes, words: str) -> None:
    result = guard_bytes(data, "acme.xlsx")
    assert result.kind is FileKind.UNKNOWN
    assert words in only(result, "not-a-workbook", "acme.xlsx").reason


def test_file_too_large(template: Path) -> None:
    limits = GuardLimits(max_file_bytes=1000)
    data = template.read_bytes()
    result = guard_file(template, limits)
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    problem = only(result, "file-too-large", "template.xlsx")
    assert "over the" in problem.reason and "limit" in problem.reason
    assert only(guard_bytes(data, "template.xlsx", limits), "file-too-large", "template.xlsx") == problem


def test_unreadable_paths_are_problems(tmp_path: Path) -> None:
    missing = guard_file(tmp_path / "gone.xlsx")
    assert (missing.kind, missing.sha256) == (FileKind.UNKNOWN, "")
    assert "could not be opened" in only(missing, "unreadable-file", "gone.xlsx").reason
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    assert "not a regular file" in only(guard_file(folder), "unreadable-file", "folder.xlsx").reason


# --------------------------------------------------------------------------------------------------
# macros


def test_macro_enabled_workbook_is_read_as_values(parts: dict[str, bytes]) -> None:
    entries = [*rebuild(parts), Entry("xl/vbaProject.bin", OLE_MAGIC + bytes(1000))]
    result = guard_bytes(build_zip(entries), "acme.xlsm")
    assert (result.kind, result.readable, result.macro_enabled) == (FileKind.XLSM, True, True)
    problem = only(result, "macro-enabled", "acme.xlsm", Severity.INFO)
    assert problem.reason == "macro-enabled workbook: values were read; macros are never run or copied"


def test_macro_enabled_content_type_alone_counts(parts: dict[str, bytes]) -> None:
    types = parts["[Content_Types].xml"].replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    assert b"macroEnabled" in types
    result = guard_bytes(build_zip(rebuild(parts, {"[Content_Types].xml": types})), "acme.xlsx")
    assert (result.kind, result.readable, result.macro_enabled) == (FileKind.XLSM, True, True)
    only(result, "macro-enabled", "acme.xlsx", Severity.INFO)


# --------------------------------------------------------------------------------------------------
# zip structure


def test_duplicate_entry(parts: dict[str, bytes]) -> None:
    entries = [*rebuild(parts), Entry(SHEET, b"<worksheet/>")]
    problem = check(build_zip(entries), "zip-duplicate-entry")
    assert problem.raw == SHEET and "two parts named" in problem.reason


def test_duplicate_entry_differing_only_in_case(parts: dict[str, bytes]) -> None:
    """calamine finds parts ignoring case, so 'XL/Workbook.xml' would shadow or be shadowed."""
    entries = [*rebuild(parts), Entry("XL/Workbook.xml", parts["xl/workbook.xml"])]
    assert check(build_zip(entries), "zip-duplicate-entry").raw == "XL/Workbook.xml"


@pytest.mark.parametrize(
    "evil", ["../evil", "xl/../../evil.xml", "/etc/passwd", "xl\\..\\evil.xml", "C:/Windows/evil", "xl/a\x00.xml"]
)
def test_path_traversal(parts: dict[str, bytes], evil: str) -> None:
    problem = check(build_zip([*rebuild(parts), Entry(evil, b"x")]), "zip-path-traversal")
    assert problem.raw == evil and "points outside the workbook" in problem.reason


def test_symlink_entry(parts: dict[str, bytes]) -> None:
    link = Entry("xl/media/image1.png", b"/etc/passwd", external_attr=(0o120777 << 16))
    problem = check(build_zip([*rebuild(parts), link]), "zip-symlink")
    assert problem.raw == "xl/media/image1.png" and "link to another file" in problem.reason


def test_thousands_of_entries(parts: dict[str, bytes]) -> None:
    entries = rebuild(parts) + [Entry(f"xl/media/pad{i}.bin", b"", method=zipfile.ZIP_STORED) for i in range(3000)]
    problem = check(build_zip(entries), "zip-too-many-entries")
    assert "3,015 internal parts" in problem.reason and "2,000" in problem.reason


def test_entry_limit_is_configurable(template: Path) -> None:
    problem = check(template.read_bytes(), "zip-too-many-entries", limits=GuardLimits(max_entries=10))
    assert problem.raw == "15 entries"


def test_zip_encrypted_entry(parts: dict[str, bytes]) -> None:
    entries = [replace(e, flags=0x1) if e.name == SHEET else e for e in rebuild(parts)]
    assert check(build_zip(entries), "zip-encrypted").raw == SHEET


def test_overlapping_entries(parts: dict[str, bytes]) -> None:
    """Many central entries sharing one compressed stream: the 'overlapping' zip bomb."""
    entries = [*rebuild(parts), *(Entry(f"xl/worksheets/copy{i}.xml", same_data_as=SHEET) for i in range(3))]
    problem = check(build_zip(entries), "zip-overlapping-entries")
    assert "overlap" in problem.reason


def test_missing_workbook_relationships(parts: dict[str, bytes]) -> None:
    problem = check(build_zip(rebuild(parts, drop=("xl/_rels/workbook.xml.rels",))), "workbook-missing-part")
    assert problem.raw == "xl/_rels/workbook.xml.rels"


def test_names_differing_between_index_and_header(parts: dict[str, bytes]) -> None:
    entries = [replace(e, local_name="xl/worksheets/other.xml") if e.name == SHEET else e for e in rebuild(parts)]
    problem = check(build_zip(entries), "zip-corrupt")
    assert problem.raw == SHEET and "named differently" in problem.reason


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda e: replace(e, payload=b"\xff" * 40), "cannot be decompressed"),
        (lambda e: replace(e, payload=deflate(e.content)[:20]), "cut short"),
        (lambda e: replace(e, file_size=len(e.content) - 10), "but declares"),
        (lambda e: replace(e, file_size=len(e.content) + 10), "but declares"),
    ],
)
def test_damaged_parts(parts: dict[str, bytes], change: Callable[[Entry], Entry], words: str) -> None:
    entries = [change(e) if e.name == SHEET else e for e in rebuild(parts)]
    problem = check(build_zip(entries), "zip-corrupt")
    assert problem.raw == SHEET and words in problem.reason and "damaged" in problem.reason


def test_unsupported_compression(parts: dict[str, bytes]) -> None:
    import bz2

    entries = [
        replace(e, method=zipfile.ZIP_BZIP2, payload=bz2.compress(e.content)) if e.name == SHEET else e
        for e in rebuild(parts)
    ]
    problem = check(build_zip(entries), "zip-unsupported-compression")
    assert problem.raw == SHEET and "compression method" in problem.reason


# --------------------------------------------------------------------------------------------------
# zip bombs


def spaces_stream(mib: int) -> bytes:
    """A raw deflate stream of ``mib`` MiB of spaces, built from one compressed MiB (flushed, so repeatable)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = packer.compress(b" " * MiB) + packer.flush(zlib.Z_FULL_FLUSH)
    return block * mib + zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS).flush()


class _CountingInflater:
    """zlib's decompressor, counting the bytes it produces (what the guard really inflated)."""

    def __init__(self, inner: Any, counter: list[int]) -> None:
        self._inner, self._counter = inner, counter

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        out: bytes = self._inner.decompress(data, max_length)
        self._counter[0] += len(out)
        return out

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


@pytest.fixture
def inflated(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Bytes the guard inflates during the test: assert on the work done, not on the clock."""
    import socialvalue.intake.guard.inflate as guard_module

    counter = [0]
    real = zlib.decompressobj

    class Zlib:
        def __getattr__(self, name: str) -> Any:
            return getattr(zlib, name)

        @staticmethod
        def decompressobj(*args: Any) -> _CountingInflater:
            return _CountingInflater(real(*args), counter)

    monkeypatch.setattr(guard_module, "zlib", Zlib())
    return counter


def test_bomb_declared_size_rejected_before_inflating(parts: dict[str, bytes], inflated: list[int]) -> None:
    bomb = Entry("xl/worksheets/sheet9.xml", payload=deflate(bytes(MiB)), file_size=1024 * MiB, crc=0)
    problem = check(build_zip([*rebuild(parts), bomb]), "zip-bomb")
    assert inflated[0] == 0  # refused from the central directory, before inflating anything
    assert problem.raw == "xl/worksheets/sheet9.xml" and "1,024.0 MB" in problem.reason


def test_bomb_total_declared_size(template: Path) -> None:
    problem = check(template.read_bytes(), "zip-bomb", limits=GuardLimits(max_total_uncompressed=20_000))
    assert "would expand to" in problem.reason and problem.raw.endswith("bytes declared")


def test_bomb_lying_about_its_size(parts: dict[str, bytes], inflated: list[int]) -> None:
    """A 300 MB stream declared as 2,000 bytes: more compressed data than 2,000 bytes could ever need."""
    liar = Entry(SHEET, payload=spaces_stream(300), file_size=2000, crc=zlib.crc32(b" " * 2000))
    data = build_zip([liar if e.name == SHEET else e for e in rebuild(parts)])
    problem = check(data, "zip-bomb")
    assert inflated[0] < MiB  # refused on its sizes, not by inflating 300 MB
    assert problem.raw == SHEET and "declares 2,000 bytes but holds" in problem.reason


def test_bomb_lying_about_its_size_plausibly(parts: dict[str, bytes]) -> None:
    """2 MiB declared as 2,000 bytes, with a compressed size 2,000 bytes could have, and their checksum.

    Python's zipfile finds nothing wrong: it returns the declared 2,000 bytes (after ``read`` has
    inflated the whole stream). The guard counts what really comes out and stops just past the
    declared size.
    """
    stream = spaces_stream(2)
    assert len(stream) < 2000 + 1024
    liar = Entry(SHEET, payload=stream, file_size=2000, crc=zlib.crc32(b" " * 2000))
    data = build_zip([liar if e.name == SHEET else e for e in rebuild(parts)])
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.testzip() is None and len(zf.read(SHEET)) == 2000
    problem = check(data, "zip-bomb")
    assert problem.raw == SHEET and "declares 2,000 bytes but expands to more" in problem.reason
    assert "stopped after 3,025 bytes" in problem.reason


def test_bomb_stopped_by_the_inflated_bytes_cap(parts: dict[str, bytes], inflated: list[int]) -> None:
    """Declared honestly but huge: with the declared-size checks relaxed, the hard cap still stops it."""
    honest = Entry(SHEET, payload=spaces_stream(300), file_size=300 * MiB, crc=0)
    limits = GuardLimits(max_ratio=1e9, max_total_uncompressed=1024 * MiB, max_inflated_bytes=4 * MiB)
    data = build_zip([honest if e.name == SHEET else e for e in rebuild(parts)])
    problem = check(data, "zip-bomb", limits=limits)
    assert inflated[0] <= 4 * MiB + 2 * MiB  # stopped at the cap (plus at most the other parts), not at 300 MB
    assert problem.raw == SHEET and "more than 4.0 MB" in problem.reason


# --------------------------------------------------------------------------------------------------
# XML


def test_doctype_in_a_sheet(parts: dict[str, bytes]) -> None:
    sheet = parts[SHEET].replace(b"?>", b'?>\n<!DOCTYPE worksheet SYSTEM "http://evil.example/x.dtd">', 1)
    problem = check(build_zip(with_part(parts, SHEET, sheet)), "xml-dtd")
    assert problem.raw.startswith("<!DOCTYPE") and SHEET in problem.reason and "'<!DOCTYPE'" in problem.reason


def test_entity_declaration_in_shared_strings(parts: dict[str, bytes]) -> None:
    lol = b'?><!DOCTYPE sst [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
    strings = parts["xl/sharedStrings.xml"].replace(b"?>", lol, 1)
    assert check(build_zip(with_part(parts, "xl/sharedStrings.xml", strings)), "xml-dtd").raw.startswith("<!DOCTYPE")


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_doctype_in_utf16(parts: dict[str, bytes], codec: str) -> None:
    text = parts[SHEET].decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    sheet = text.replace("?>", '?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>', 1).encode(codec)
    assert check(build_zip(with_part(parts, SHEET, sheet)), "xml-dtd").raw.startswith("<!DOCTYPE")


def test_entity_split_across_inflated_pieces(parts: dict[str, bytes]) -> None:
    """'<' ends the first inflated MiB and '!ENTITY' starts the second (filler that does not compress 200:1)."""
    start = b'<?xml version="1.0" encoding="UTF-8"?><!--'
    letters = bytes(ord("a") + i % 26 for i in range(256))
    filler = random.Random(0).randbytes(MiB - 1 - len(start) - 3).translate(letters)
    sheet = start + filler + b'--><!ENTITY x "y"><worksheet/>'
    assert sheet.index(b"<!ENTITY") == MiB - 1
    assert check(build_zip(with_part(parts, SHEET, sheet)), "xml-dtd").raw.startswith("<!ENTITY")


@pytest.mark.parametrize(
    ("sheet", "raw"),
    [
        (b'<?xml version="1.0" encoding="UTF-7"?><worksheet/>', "UTF-7"),
        (b'<?xml version="1.0" encoding="cp037"?><worksheet/>', "cp037"),
        ("<worksheet/>".encode("utf-32"), "UTF-32"),
    ],
)
def test_encodings_a_byte_search_cannot_see_through(parts: dict[str, bytes], sheet: bytes, raw: str) -> None:
    problem = check(build_zip(with_part(parts, SHEET, sheet)), "xml-encoding")
    assert problem.raw == raw and SHEET in problem.reason


# --------------------------------------------------------------------------------------------------
# never raises


@st.composite
def mutated(draw: st.DrawFn, template_bytes: bytes, parts: dict[str, bytes]) -> bytes:
    """A valid workbook, some parts replaced by random bytes, then bytes flipped, inserted, deleted, cut."""
    data = template_bytes
    names = list(parts)
    replaced = draw(st.dictionaries(st.sampled_from(names), st.binary(max_size=300), max_size=3))
    if replaced:
        method = draw(st.sampled_from([zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED]))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", method) as zf:
            for name in names:
                zf.writestr(name, replaced.get(name, parts[name]))
        data = buffer.getvalue()
    edits = st.one_of(
        st.tuples(st.just("flip"), st.integers(0, 1 << 20), st.integers(1, 255)),
        st.tuples(st.just("flip-end"), st.integers(1, 2000), st.integers(1, 255)),  # the central directory
        st.tuples(st.just("insert"), st.integers(0, 1 << 20), st.binary(min_size=1, max_size=64)),
        st.tuples(st.just("delete"), st.integers(0, 1 << 20), st.integers(1, 300)),
        st.tuples(st.just("truncate"), st.integers(0, 1 << 20), st.just(0)),
    )
    out = bytearray(data)
    for op, where, arg in draw(st.lists(edits, max_size=6)):
        if not out:
            break
        at = len(out) - 1 - (where % len(out)) if op == "flip-end" else where % len(out)
        if op in ("flip", "flip-end"):
            assert isinstance(arg, int)
            out[at] ^= arg
        elif op == "insert":
            assert isinstance(arg, bytes)
            out[at:at] = arg
        elif op == "delete":
            assert isinstance(arg, int)
            del out[at : at + arg]
        else:
            del out[at:]
    return bytes(out)


@pytest.fixture(scope="module")
def template_bytes(template: Path) -> bytes:
    return template.read_bytes()


@given(data=st.data())
@settings(max_examples=200, deadline=None, database=None)
def test_guard_never_raises(data: st.DataObject, template_bytes: bytes, parts: dict[str, bytes]) -> None:
    blob = data.draw(
        st.one_of(
            mutated(template_bytes, parts),
            st.binary(max_size=600).map(lambda b: b"PK\x03\x04" + b),
            st.binary(max_size=600).map(lambda b: OLE_MAGIC + b),
            st.binary(max_size=600),
        )
    )
    result = guard_bytes(blob, "fuzz.xlsx")
    assert isinstance(result, GuardResult)
    assert isinstance(result.kind, FileKind)
    assert result.sha256 == hashlib.sha256(blob).hexdigest()
    assert all(isinstance(p, Problem) and p.file == "fuzz.xlsx" and p.code and p.reason for p in result.problems)
    errors = [p for p in result.problems if p.severity is Severity.ERROR]
    assert result.readable == (result.kind in (FileKind.XLSX, FileKind.XLSM) and not errors)
    assert result.readable or errors
