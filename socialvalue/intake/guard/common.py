"""What the guard's parts share: the file kinds, the limits, the problem codes, and how a finding is worded."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePosixPath

from socialvalue.problems import Problem, ProblemCode, Severity, define

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

# --- the guard's problem codes ------------------------------------------------------------------

UNREADABLE_FILE = define(
    "unreadable-file", Severity.ERROR, "the file could not be opened: check it was uploaded completely and try again"
)
FILE_TOO_LARGE = define("file-too-large", Severity.ERROR, "the file is over the size limit for a response workbook")
EMPTY_FILE = define("empty-file", Severity.ERROR, "the file is empty (0 bytes), usually a failed upload")
PASSWORD_PROTECTED = define(
    "password-protected", Severity.ERROR, "the workbook is protected with a password to open: remove it and resubmit"
)
LEGACY_XLS = define("legacy-xls", Severity.ERROR, "a legacy Excel 97-2003 (.xls) file: save it as .xlsx")
NOT_A_WORKBOOK = define(
    "not-a-workbook", Severity.ERROR, "the file is not an Excel workbook (its bytes say what it is)"
)
XML_SPREADSHEET = define(
    "xml-spreadsheet-not-xlsx", Severity.ERROR, "an Excel 2003 XML Spreadsheet, not an .xlsx workbook: save it as .xlsx"
)
HTML_NOT_XLSX = define("html-not-xlsx", Severity.ERROR, "a web page (HTML), not an Excel workbook: save it as .xlsx")
CSV_NOT_XLSX = define("csv-not-xlsx", Severity.ERROR, "a CSV text file, not an Excel workbook")
ODS_NOT_XLSX = define("ods-not-xlsx", Severity.ERROR, "an OpenDocument spreadsheet (.ods): save it as .xlsx")
XLSB_NOT_XLSX = define("xlsb-not-xlsx", Severity.ERROR, "an Excel Binary Workbook (.xlsb): save it as .xlsx")
TRUNCATED = define(
    "truncated", Severity.ERROR, "the file is incomplete or damaged (the end of its zip structure is missing)"
)
ZIP_TOO_MANY = define(
    "zip-too-many-entries", Severity.ERROR, "the file has more internal parts than a workbook can have"
)
ZIP_DUPLICATE = define("zip-duplicate-entry", Severity.ERROR, "the file holds two parts of the same name")
ZIP_TRAVERSAL = define("zip-path-traversal", Severity.ERROR, "a part's name points outside the workbook")
ZIP_SYMLINK = define("zip-symlink", Severity.ERROR, "a part is a link to another file")
ZIP_ENCRYPTED = define("zip-encrypted", Severity.ERROR, "the file has zip-encrypted parts")
ZIP_BOMB = define(
    "zip-bomb", Severity.ERROR, "the file's parts expand (or claim to) far beyond what a workbook needs: not opened"
)
ZIP_OVERLAP = define("zip-overlapping-entries", Severity.ERROR, "the file's internal parts overlap one another")
ZIP_COMPRESSION = define(
    "zip-unsupported-compression", Severity.ERROR, "a part uses a compression method Excel never writes"
)
ZIP_CORRUPT = define("zip-corrupt", Severity.ERROR, "the file is damaged: one of its parts cannot be read as declared")
MISSING_PART = define("workbook-missing-part", Severity.ERROR, "the workbook lacks a part every workbook has")
SHEET_OVERSIZED = define(
    "sheet-oversized", Severity.ERROR, "a sheet's cells spread far wider, or its XML far larger, than a response needs"
)
XML_ENCODING = define("xml-encoding", Severity.ERROR, "a part's XML is in a text encoding Excel never uses")
XML_DTD = define(
    "xml-dtd", Severity.ERROR, "a part's XML carries a DTD or entity declaration (used to attack XML readers)"
)
MACRO_ENABLED = define(
    "macro-enabled", Severity.INFO, "macro-enabled workbook: values were read; macros are never run or copied"
)


class _Reject(Exception):
    """Internal: carries the problem that ends the guard's look at a file. Always caught here."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.code)
        self.problem = problem


def _problem(
    kind: ProblemCode, name: str, reason: str, raw: object = "", severity: Severity = Severity.ERROR
) -> Problem:
    return kind(file=name, reason=reason, raw=raw, severity=severity)


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


def _truncated(name: str, detail: object = "") -> Problem:
    reason = (
        "the file is incomplete or damaged (the end of its zip structure is missing or unreadable), usually an "
        "interrupted upload or download: upload the original file again"
    )
    return _problem(TRUNCATED, name, reason, detail)
