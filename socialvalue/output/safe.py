"""Making untrusted text safe to put in front of an officer.

Supplier text is always written as a *string* cell (never a formula, whatever it starts with),
with control characters removed and over-long text cut visibly rather than silently.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

EXCEL_CELL_LIMIT = 32_767
"""Excel's maximum characters in one cell."""

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "|")
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
"""Text starting with one of these becomes a formula if someone edits the cell in Excel (unless quote-prefixed)."""

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_FORMATTING = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029")
"""Bidirectional overrides and line separators: they reorder or break what a terminal shows."""

WORKBOOK_OPTIONS: dict[str, Any] = {
    # never turn text into formulas, links or numbers behind the writer's back
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "nan_inf_to_errors": True,
}


def clean_text(value: object, limit: int = EXCEL_CELL_LIMIT) -> str:
    """Text with control characters removed, cut visibly to fit in one cell.

    XlsxWriter copies a string that starts with ``<r>`` and ends with ``</r>`` into the file as
    rich-text markup, unescaped: a supplier named ``<r>A & B</r>`` would make a workbook Excel must
    repair, or inject markup. Such text gets a trailing space, so it is always written as text.
    """
    text = _CONTROL.sub("", str(value))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > limit:
        marker = f" …[cut: {len(text):,} characters, first {{kept:,}} shown]"
        kept = limit - len(marker.format(kept=limit))
        text = text[:kept] + marker.format(kept=kept)
    if text.startswith("<r>") and text.endswith("</r>"):
        text = (text if len(text) < limit else text[: limit - 1]) + " "
    return text


def csv_text(value: object) -> str:
    """A value for a CSV cell that a spreadsheet will not run as a formula (OWASP CSV injection)."""
    text = clean_text(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def terminal_text(value: object) -> str:
    """Text for one line of terminal or log output: control characters shown as escapes, never acted on.

    A supplier name holding a newline, a carriage return or an ANSI escape cannot start a new line,
    overwrite one, or colour one: ``"Acme\\nERROR …"`` prints as ``Acme\\nERROR …`` on one line. A file
    name with bytes that are not text (a lone surrogate) is shown as an escape too, rather than failing to print.
    """
    text = str(value)
    if text.isprintable():
        return text
    out: list[str] = []
    for ch in text:
        if ch.isprintable() or (ch == " "):
            out.append(ch)
        elif ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") or ch in _FORMATTING:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)  # other invisible characters (joiners in names and emoji, no-break spaces) are harmless
    return "".join(out)
