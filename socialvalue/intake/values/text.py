"""Text cells: written answers, Yes/No, and identifiers (company and charity numbers, postcodes, codes and keys)."""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, time, timedelta

from socialvalue.bid import LARGEST
from socialvalue.problems import shorten

from .common import (
    _ERROR_LITERALS,
    _FORMAT_CHARACTERS,
    _FORMULA_START,
    NOT_COMPANY_NUMBER,
    NOT_FINITE,
    NOT_POSTCODE,
    NOT_YES_NO,
    Read,
    ValueIssue,
    _clean,
    _error_cell,
    _fmt_when,
    _show,
    _visible,
)

_YES = frozenset({"yes", "y", "true", "1"})
_NO = frozenset({"no", "n", "false", "0"})


def read_yes_no(raw: object) -> Read[bool]:
    """Yes or No: Yes, Y, True, TRUE (a yes/no cell) or 1 is Yes; No, N, False, FALSE or 0 is No (any case)."""
    if isinstance(raw, bool):
        return Read(raw)
    if isinstance(raw, str):
        s = _clean(raw)
        if not s:
            return Read(None)
        low = s.lower()
        answer = True if low in _YES else False if low in _NO else None
        if answer is None:
            if s.upper() in _ERROR_LITERALS:
                return Read(None, _error_cell(s.upper(), "Yes or No"))
            return Read(None, ValueIssue(NOT_YES_NO, f'"{shorten(s)}" is not Yes or No: type Yes or No'))
        word = "Yes" if answer else "No"
        return Read(answer, None, "" if s == word else f"read '{shorten(s)}' as {word}")
    if raw is None:
        return Read(None)
    if isinstance(raw, (int, float)) and raw in (0, 1):
        return Read(bool(raw), None, f"read {_show(raw)} as {'Yes' if raw else 'No'}")
    return Read(None, ValueIssue(NOT_YES_NO, f'"{_show(raw)}" is not Yes or No: type Yes or No'))


def read_text(raw: object) -> Read[str]:
    """A text answer, trimmed. Numbers, dates and TRUE/FALSE become their text (noted); error cells are issues."""
    if isinstance(raw, str):
        s = raw.strip()
        if s[:1] in _FORMULA_START and raw[:1] != s[:1]:
            s = raw.rstrip()  # the leading space, tab or line break is what keeps "=1+1" text: kept exact
        if not s or not _clean(s):
            return Read(None)
        if s.upper() in _ERROR_LITERALS:
            return Read(None, _error_cell(s.upper(), "your answer"))
        return Read(s)
    if raw is None:
        return Read(None)
    if isinstance(raw, bool):
        text = "TRUE" if raw else "FALSE"
        return Read(text, None, f"read the yes/no value {text} as the text '{text}'")
    if isinstance(raw, float) and not math.isfinite(raw):
        return Read(None, ValueIssue(NOT_FINITE, f'"{_show(raw)}" is not a finite number: type your answer'))
    if isinstance(raw, (float, int)):
        text = _show(raw)
        return Read(text, None, f"read the number {text} as the text '{text}'")
    if isinstance(raw, (date, time, timedelta)):
        what, text = _fmt_when(raw)
        return Read(text, None, f"read {what} as the text '{text}'")
    text = shorten(raw, 10_000)
    return Read(text, None, f"read {_show(raw)} as the text '{shorten(text)}'")


_COMPANY_PREFIXES = (
    "AC|CE|CS|FC|GE|GN|GS|IC|IP|LP|NA|NC|NF|NI|NL|NO|NP|NR|NV|NZ|OC|R0|RC|RS|SA|SC|SE|SF|SG|SI|SL|SO|SP|SR|SZ|ZC"
)
_COMPANY_NUMBER = re.compile(rf"[0-9]{{8}}|(?:{_COMPANY_PREFIXES})[0-9]{{6}}|NIC[0-9]{{6}}|[0-9]{{6,7}}")
"""8 digits; 2 letters and 6 digits (SC123456, NI123456, OC123456, ...); NIC and 6 digits or 6-7 digits
(charity numbers in Northern Ireland and in England and Wales)."""


def _not_company_number(shown: str) -> ValueIssue:
    return ValueIssue(
        NOT_COMPANY_NUMBER,
        f'"{shown}" is not a UK company or charity number: type it exactly as registered, '
        "such as 01234567 or SC123456, formatted as text so Excel keeps the leading zeros",
    )


def read_company_number(raw: object) -> Read[str]:
    """A UK company (or charity) number, kept as text.

    A number cell had its leading zeros dropped by Excel: 1234567.0 is read as "01234567" (noted).
    Text is kept as typed, in capitals and without spaces.
    """
    if isinstance(raw, str):
        s = _clean(raw)
        if not s:
            return Read(None)
        if s.upper() in _ERROR_LITERALS:
            return Read(None, _error_cell(s.upper(), "the company number as text"))
        text = "".join(s.upper().split())
        if not _COMPANY_NUMBER.fullmatch(text):
            return Read(None, _not_company_number(shorten(s)))
        return Read(text, None, "" if text == s else f"read '{shorten(s)}' as '{text}'")
    if raw is None:
        return Read(None)
    if isinstance(raw, (float, int)) and not isinstance(raw, bool):
        if isinstance(raw, float) and not (math.isfinite(raw) and raw.is_integer()):
            return Read(None, _not_company_number(_show(raw)))
        number = int(raw)
        if not 0 < number < 100_000_000:
            return Read(None, _not_company_number(_show(raw)))
        text = f"{number:08d}"
        if text == str(number):
            return Read(text, None, f"read the number {number} as the company number '{text}'")
        return Read(
            text,
            None,
            f"read the number {number} as the company number '{text}' (Excel drops leading zeros; "
            "if this is a charity number, type it as text)",
        )
    return Read(None, _not_company_number(_show(raw)))


_POSTCODE = re.compile(
    r"GIR0AA|[A-PR-UWYZ](?:[0-9][0-9A-HJKPSTUW]?|[A-HK-Y][0-9][0-9ABEHMNPRVWXY]?)[0-9][ABD-HJLNP-UW-Z]{2}"
)
"""The UK postcode shapes (A9 9AA, A99 9AA, A9A 9AA, AA9 9AA, AA99 9AA, AA9A 9AA) with the letters each
position may hold, and GIR 0AA. Checked on the postcode without spaces, in capitals."""


def read_postcode(raw: object) -> Read[str]:
    """A UK postcode, normalised to capitals with one space before the last three characters: ``L3 8EN``."""
    if raw is None:
        return Read(None)
    if not isinstance(raw, str):
        return Read(
            None, ValueIssue(NOT_POSTCODE, f'"{_show(raw)}" is not a UK postcode: type a postcode such as L3 8EN')
        )
    s = _clean(raw)
    if not s:
        return Read(None)
    if s.upper() in _ERROR_LITERALS:
        return Read(None, _error_cell(s.upper(), "the postcode"))
    joined = "".join(s.upper().split())
    if not _POSTCODE.fullmatch(joined):
        return Read(
            None, ValueIssue(NOT_POSTCODE, f'"{shorten(s)}" is not a UK postcode: type a postcode such as L3 8EN')
        )
    postcode = f"{joined[:-3]} {joined[-3:]}"
    return Read(postcode, None, "" if postcode == s else f"read '{shorten(s)}' as '{postcode}'")


def _char_name(c: str) -> str:
    return f"U+{ord(c):04X} {unicodedata.name(c, 'unnamed').lower()}"


def read_code(raw: object) -> Read[str]:
    """A code or key (measure code, field key, sheet name): Unicode NFKC, format characters and spaces around removed.

    A code that looks right can still differ from the rubric's by what cannot be seen: a zero-width space or
    a byte order mark pasted with it, a non-breaking space, fullwidth letters. Those are removed or made
    plain, and the note names each one, so ``SK01`` followed by a zero-width space is read as ``SK01``.
    A whole number is its digits (``12.0`` → ``12``).
    """
    if isinstance(raw, str):
        if raw.isascii():
            s = raw.strip()
            return Read(s or None)
        text = unicodedata.normalize("NFKC", _visible(raw)).strip()
        if not text:
            return Read(None)
        changed = []
        for c in dict.fromkeys(raw):
            if c.isascii():
                continue
            if _FORMAT_CHARACTERS.fullmatch(c):
                changed.append(f"removed {_char_name(c)}")
            elif unicodedata.normalize("NFKC", c) != c:
                changed.append(f"read {_char_name(c)} as '{unicodedata.normalize('NFKC', c)}'")
        if not changed:
            return Read(text)
        if len(changed) > 3:
            changed[3:] = [f"and {len(changed) - 3} more"]
        shown = "".join(c if c.isascii() and c.isprintable() else f"<U+{ord(c):04X}>" for c in raw.strip(" \t\r\n"))
        return Read(text, None, f"read '{shorten(shown)}' as '{text}' ({'; '.join(changed)})")
    if raw is None:
        return Read(None)
    if isinstance(raw, float) and raw.is_integer() and abs(raw) < LARGEST:
        return Read(str(int(raw)))
    return Read(_show(raw))


def count_words(text: str) -> int:
    """Words in a text answer: runs of characters between spaces, tabs or line breaks (``well-being`` is one)."""
    return len(text.split())
