"""What a file that is not a zip really is: legacy and password-protected Office files (OLE2), CSV, HTML,
XML spreadsheets, PDFs, plain text. Told from the bytes, never the name."""

from __future__ import annotations

import re
import struct

from socialvalue.problems import Problem

from .common import (
    _SAVE_AS_XLSX,
    _UPLOAD,
    CSV_NOT_XLSX,
    HTML_NOT_XLSX,
    LEGACY_XLS,
    NOT_A_WORKBOOK,
    PASSWORD_PROTECTED,
    XML_SPREADSHEET,
    FileKind,
    _named,
    _problem,
)

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
        return FileKind.ENCRYPTED, _problem(PASSWORD_PROTECTED, name, reason)
    if streams & {"workbook", "book"}:
        reason = f"this is a legacy Excel 97-2003 (.xls) file{_named(name, '.xls')}: {_SAVE_AS_XLSX}"
        return FileKind.XLS, _problem(LEGACY_XLS, name, reason)
    if "worddocument" in streams:
        what, ext = "a Word 97-2003 document", ".doc"
    elif "powerpoint document" in streams:
        what, ext = "a PowerPoint 97-2003 presentation", ".ppt"
    else:
        what, ext = "an older Microsoft Office format file", ""
    reason = f"this is {what}{_named(name, ext)}, not an Excel workbook: {_UPLOAD}"
    return FileKind.UNKNOWN, _problem(NOT_A_WORKBOOK, name, reason)


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
        return FileKind.UNKNOWN, _problem(NOT_A_WORKBOOK, name, reason)
    text = _sniff_text(data)
    if text is None:
        reason = f"this is not an Excel workbook (its contents are not in any spreadsheet format): {_UPLOAD}"
        return FileKind.UNKNOWN, _problem(NOT_A_WORKBOOK, name, reason)
    start = text.lstrip().lower()
    if start.startswith("<?xml") and "urn:schemas-microsoft-com:office:spreadsheet" in start:
        reason = f"this is an Excel 2003 XML Spreadsheet{_named(name, '.xml')}, not an .xlsx workbook: {_SAVE_AS_XLSX}"
        return FileKind.UNKNOWN, _problem(XML_SPREADSHEET, name, reason)
    if start.startswith(("<!doctype html", "<html", "<table", "<head", "<body", "<meta", "mime-version:")) or (
        start.startswith("<") and re.search(r"<(html|table|body)\b", start[:4096]) is not None
    ):
        reason = (
            f"this is a web page (HTML){_named(name, '.html')}, not an Excel workbook "
            f"(some systems export tables this way): {_SAVE_AS_XLSX}"
        )
        return FileKind.HTML, _problem(HTML_NOT_XLSX, name, reason)
    if start.startswith("<"):
        reason = f"this is an XML or other markup file{_named(name, '.xml')}, not an Excel workbook: {_UPLOAD}"
        return FileKind.UNKNOWN, _problem(NOT_A_WORKBOOK, name, reason)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    if any(sep in first_line for sep in (",", ";", "\t", "|")):
        reason = (
            f"this is a CSV text file{_named(name, '.csv')}, not an Excel workbook: enter your response in the "
            "workbook you were sent, save it as .xlsx (Excel Workbook) and resubmit"
        )
        return FileKind.CSV, _problem(CSV_NOT_XLSX, name, reason)
    reason = f"this is a plain text file{_named(name, '.txt')}, not an Excel workbook: {_UPLOAD}"
    return FileKind.UNKNOWN, _problem(NOT_A_WORKBOOK, name, reason)
