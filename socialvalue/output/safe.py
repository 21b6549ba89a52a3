"""Making untrusted text safe to put in front of an officer.

Supplier text is always written as a *string* cell (never a formula, whatever it starts with),
with control characters removed and over-long text cut visibly rather than silently.
"""

from __future__ import annotations

import re
from typing import Any

EXCEL_CELL_LIMIT = 32_767
"""Excel's maximum characters in one cell."""

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "|")

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
