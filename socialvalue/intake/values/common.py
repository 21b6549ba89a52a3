"""What every value reader shares: the issue codes, :class:`Read` and :class:`ValueIssue`, and how a raw
value is cleaned and quoted in messages."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Generic, TypeVar

from socialvalue.problems import ProblemCode, Severity, define, shorten

T = TypeVar("T")

# --- issue codes (stable: other tools and saved results refer to them; docs/values.md, "Issue codes") ----------

AMBIGUOUS_NUMBER = define("ambiguous-number", Severity.ERROR, "the separators could mean more than one number")
AMBIGUOUS_PERCENT = define(
    "ambiguous-percent", Severity.ERROR, "text from 0 to 1 with no % sign: a fraction or a percentage?"
)
BOOLEAN_NOT_NUMBER = define("boolean-not-number", Severity.ERROR, "TRUE or FALSE where a number is wanted")
DATE_NOT_NUMBER = define(
    "date-not-number", Severity.ERROR, "a date, time or duration (or date-like text) where a number is wanted"
)
ERROR_CELL = define("error-cell", Severity.ERROR, "Excel error text such as #DIV/0! or #N/A")
FORMULA_NO_VALUE = define("formula-no-value", Severity.ERROR, "a formula stored as text, so it has no result")
NEGATIVE = define("negative", Severity.ERROR, "below zero")
NOT_A_DATE = define("not-a-date", Severity.ERROR, "not a date by the rules of docs/values.md, or an impossible one")
NOT_A_NUMBER = define(
    "not-a-number", Severity.ERROR, "words, hedges (about, up to, +) or a shorthand where it is not allowed"
)
NOT_COMPANY_NUMBER = define("not-company-number", Severity.ERROR, "not the shape of a UK company or charity number")
NOT_FINITE = define("not-finite", Severity.ERROR, "not a number (NaN), infinite, or too large")
NOT_POSTCODE = define("not-postcode", Severity.ERROR, "not the shape of a UK postcode")
NOT_YES_NO = define("not-yes-no", Severity.ERROR, "not one of the Yes or No answers")
PERCENT_NOT_QUANTITY = define(
    "percent-not-quantity", Severity.ERROR, "a percentage where a quantity or an amount is wanted"
)
PERCENT_OUT_OF_RANGE = define("percent-out-of-range", Severity.ERROR, "a percentage above 100")
RANGE_NOT_NUMBER = define("range-not-number", Severity.ERROR, "two numbers given as a range")
WRONG_UNIT = define("wrong-unit", Severity.ERROR, "a unit or currency other than the measure's own (never converted)")
ZERO_AMOUNT = define("zero-amount", Severity.ERROR, "a price of zero")

ISSUE_KINDS: tuple[ProblemCode, ...] = (
    AMBIGUOUS_NUMBER,
    AMBIGUOUS_PERCENT,
    BOOLEAN_NOT_NUMBER,
    DATE_NOT_NUMBER,
    ERROR_CELL,
    FORMULA_NO_VALUE,
    NEGATIVE,
    NOT_A_DATE,
    NOT_A_NUMBER,
    NOT_COMPANY_NUMBER,
    NOT_FINITE,
    NOT_POSTCODE,
    NOT_YES_NO,
    PERCENT_NOT_QUANTITY,
    PERCENT_OUT_OF_RANGE,
    RANGE_NOT_NUMBER,
    WRONG_UNIT,
    ZERO_AMOUNT,
)
"""Every code a value reader gives."""
ISSUE_CODES = frozenset(kind.code for kind in ISSUE_KINDS)


@dataclass(frozen=True, slots=True)
class ValueIssue:
    """Why a raw value could not be used: its ``kind`` (a registered code) and a plain-English ``reason``."""

    kind: ProblemCode
    reason: str
    """Says what was found (the raw value, shortened) and what to type instead."""

    @property
    def code(self) -> str:
        return self.kind.code


@dataclass(frozen=True, slots=True)
class Read(Generic[T]):
    """The result of reading one raw value.

    ``value`` is ``None`` exactly when there is an ``issue`` or the raw value was blank.
    """

    value: T | None
    issue: ValueIssue | None = None
    note: str = ""
    """The rule applied when the raw value was not already clean, e.g. ``read '£1,200' as 1200 (...)``."""


# --- shared pieces ------------------------------------------------------------------------------

_INF = math.inf


_FORMAT_CHARACTERS = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)
"""Unicode format characters (category Cf, Unicode 15): zero-width spaces and joiners, the byte order mark, soft
hyphens, direction marks. A test holds this list to the Python's own Unicode tables."""


def _visible(text: str) -> str:
    """``text`` without format characters, which come with text pasted from web pages and documents."""
    return _FORMAT_CHARACTERS.sub("", text)


_ERROR_LITERALS = frozenset(
    {"#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA"}
)

_FORMULA_START = ("=", "+", "-", "@")
"""Text starting so is read by Excel as a formula when typed."""

_MAX_NUMBER_TEXT = 100
"""Text longer than this is never read as a number (and is not scanned further)."""


def _clean(text: str) -> str:
    return text.strip() if text.isascii() else _visible(text).strip()


def is_blank(raw: object) -> bool:
    """True for ``None``, ``""`` and text that is only spaces (including non-breaking and zero-width ones)."""
    if raw is None:
        return True
    return isinstance(raw, str) and (not raw or not _clean(raw))


def _fmt(value: float) -> str:
    """A float as Excel's General format would show it: ``12``, ``12.5``, ``1e+20``."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _fmt_when(raw: date | time | timedelta) -> tuple[str, str]:
    """(what it is, how it shows) for a date, time or duration."""
    if isinstance(raw, datetime):
        if raw.time() == time(0):
            return "a date", raw.date().isoformat()
        return "a date and time", raw.isoformat(sep=" ", timespec="seconds" if raw.second else "minutes")
    if isinstance(raw, date):
        return "a date", raw.isoformat()
    if isinstance(raw, time):
        return "a time", raw.isoformat(timespec="seconds" if raw.second else "minutes")
    seconds = int(raw.total_seconds())
    sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
    return "a duration", f"{sign}{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _show(raw: object) -> str:
    """The raw value as quoted in messages: shortened, and as Excel would show it."""
    if isinstance(raw, str):
        return shorten(_clean(raw))
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float):
        return _fmt(raw) if math.isfinite(raw) else repr(raw)
    if isinstance(raw, int):
        return shorten(raw) if abs(raw) < 10**80 else "a very long number"
    if isinstance(raw, (date, time, timedelta)):
        return _fmt_when(raw)[1]
    if isinstance(raw, (Decimal, Fraction)):
        return shorten(raw)
    return f"a {type(raw).__name__} value"


def _error_cell(shown: str, ask: str) -> ValueIssue:
    return ValueIssue(ERROR_CELL, f"this cell shows the Excel error {shown}: correct the formula, or type {ask}")
