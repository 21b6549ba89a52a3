"""Spend files and ledgers: signed amounts (credits in brackets) and payment dates, read day first."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta

from socialvalue.problems import shorten

from .common import (
    _ERROR_LITERALS,
    _MAX_NUMBER_TEXT,
    NOT_A_DATE,
    Read,
    ValueIssue,
    _clean,
    _error_cell,
    _fmt_when,
    _show,
)
from .numbers import _SIGNED_PLAIN, _note, _Num, _parse, _parse_text
from .units import _MONEY

# --- spend files: signed amounts and payment dates ----------------------------------------------------


def read_amount(raw: object) -> Read[float]:
    """An amount in £ as a spend file or ledger writes it: a credit (refund) is negative, zero is allowed.

    The same rules as :func:`read_money`, except the sign: a minus sign (``-£5``, ``£-5``) or accounting
    brackets (``(1,200)``, ``(£1,200.50)``) make the amount negative, with a note for the brackets.
    """
    if type(raw) is float and math.isfinite(raw):
        return Read(raw + 0.0)
    if type(raw) is str and not raw:
        return Read(None)
    if isinstance(raw, str):
        s = _clean(raw)
        if len(s) <= _MAX_NUMBER_TEXT and _SIGNED_PLAIN.fullmatch(s):
            return Read(float(s) + 0.0)  # a CSV's plain 1234.56 or -12.5: no rule applied, no note
        if len(s) > 2 and s[0] == "(" and s[-1] == ")":
            inner = _parse_text(s[1:-1], _MONEY)
            if isinstance(inner, _Num) and inner.value > 0 and not inner.percent:
                inner.shown = shorten(s)
                inner.rules.append("brackets mean minus: a credit")
                inner.value = -inner.value
                return Read(inner.value, None, _note(inner))
    got = _parse(raw, _MONEY)
    if got is None:
        return Read(None)
    if isinstance(got, ValueIssue):
        return Read(None, got)
    return Read(got.value, None, _note(got))


_SERIAL_FIRST = date(1950, 1, 1)
_SERIAL_LAST = date(2099, 12, 31)
_EXCEL_EPOCH = date(1899, 12, 30)
"""Day 0 of Excel's 1900 date system as the serials after 28 Feb 1900 count it (Excel's day 60 is a 29 Feb 1900
that never was, so every serial from 61 on is one more than a true count from 31 Dec 1899)."""
_SERIAL_RANGE = range((_SERIAL_FIRST - _EXCEL_EPOCH).days, (_SERIAL_LAST - _EXCEL_EPOCH).days + 1)

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[T ][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?")
_DMY_DATE = re.compile(r"([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]{4}|[0-9]{2})(?: [0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)?")
_NAMED_DATE = re.compile(r"([0-9]{1,2})(?:st|nd|rd|th)?[ -]([A-Za-z]{3,9})\.?,?[ -]([0-9]{4}|[0-9]{2})")
_SERIAL_TEXT = re.compile(r"[0-9]{5}(?:\.[0-9]+)?")


def _not_a_date(shown: str, why: str = "") -> ValueIssue:
    return ValueIssue(
        NOT_A_DATE,
        f'"{shown}" is not a date{": " + why if why else ""}: type the date as 31/07/2024 (day first) or 2024-07-31',
    )


def _from_serial(serial: float, shown: str, text: bool) -> Read[date]:
    whole = int(serial)
    if whole not in _SERIAL_RANGE:
        return Read(None, _not_a_date(shown, "as an Excel date serial it is outside 1950 to 2099"))
    day = _EXCEL_EPOCH + timedelta(days=whole)
    how = f"the Excel date serial {'typed as text ' if text else ''}{shown}"
    return Read(day, None, f"read {how} as {day.isoformat()}" + (" (time of day dropped)" if serial != whole else ""))


def _year(text: str, rules: list[str]) -> int:
    if len(text) == 2:
        rules.append(f"two-digit year {text} read as 20{text}")
        return 2000 + int(text)
    return int(text)


def _make_date(year: int, month: int, day: int, shown: str, rules: list[str], clean: bool) -> Read[date]:
    try:
        made = date(year, month, day)
    except ValueError:
        if 1 <= day <= 12 and 13 <= month <= 31:
            return Read(None, _not_a_date(shown, f"there is no month {month}: dates are read day first"))
        return Read(None, _not_a_date(shown, "there is no such day"))
    if clean and not rules:
        return Read(made)
    return Read(made, None, f"read '{shown}' as {made.isoformat()}" + (f" ({'; '.join(rules)})" if rules else ""))


def read_date(raw: object) -> Read[date]:
    """A calendar date (a payment date), as a spreadsheet or CSV export writes it.

    Date cells give their date (a time of day is dropped, noted); a number cell is an Excel date serial
    (1950 to 2099 only, noted); text is ``2024-07-31`` (ISO), ``31/07/2024``, ``31-07-2024`` or ``31.07.2024``
    (day first, as UK bodies publish), ``31 Jul 2024`` or ``31-JUL-24``, or a serial typed as text. A
    two-digit year is 20yy (noted). Text that can only be month first (``07/31/2024``) is an issue, never
    swapped. The rules, with examples, are in docs/values.md.
    """
    if type(raw) is date:
        return Read(raw)
    if isinstance(raw, datetime):
        if raw.time() == time(0):
            return Read(raw.date())
        return Read(raw.date(), None, f"read {_fmt_when(raw)[1]} as {raw.date().isoformat()} (time of day dropped)")
    if raw is None or (type(raw) is str and not raw):
        return Read(None)
    if isinstance(raw, bool):
        return Read(None, _not_a_date(_show(raw), "it is a yes/no value"))
    if isinstance(raw, (int, float)):
        if not math.isfinite(raw) or raw < 0:
            return Read(None, _not_a_date(_show(raw)))
        return _from_serial(float(raw), _show(raw), False)
    if not isinstance(raw, str):
        return Read(None, _not_a_date(_show(raw)))
    s = _clean(raw)
    if not s:
        return Read(None)
    shown = shorten(s)
    if s.upper() in _ERROR_LITERALS:
        return Read(None, _error_cell(s.upper(), "the date"))
    rules: list[str] = []
    if m := _ISO_DATE.fullmatch(s):
        return _make_date(int(m[1]), int(m[2]), int(m[3]), shown, rules, len(s) == 10)
    if m := _DMY_DATE.fullmatch(s):
        rules.append("day first")
        year = _year(m[4], rules)
        return _make_date(year, int(m[3]), int(m[1]), shown, rules, False)
    if m := _NAMED_DATE.fullmatch(s):
        month = _MONTHS.get(m[2].lower())
        if month is None:
            return Read(None, _not_a_date(shown, f"'{shorten(m[2], 20)}' is not a month"))
        year = _year(m[3], rules)
        return _make_date(year, month, int(m[1]), shown, rules, False)
    if _SERIAL_TEXT.fullmatch(s):
        return _from_serial(float(s), shown, True)
    return Read(None, _not_a_date(shown))
