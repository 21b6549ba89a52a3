"""Read one raw cell value by the documented rules: a checked value, or an issue saying exactly why not.

Raw values are what python-calamine returns for a cell: ``float`` (whole numbers too), ``int``, ``str``,
``bool``, ``datetime.datetime``/``date``/``time``/``timedelta``, and ``""`` for an empty cell. Every reader
returns a :class:`Read` and never raises, whatever it is given. A number is never guessed: anything that
could be read more than one way is an issue, and every rule that changed how a value was written is
recorded in :attr:`Read.note`. The rules, with examples, are in ``docs/values.md``.

What this layer cannot see (python-calamine 0.9): a cell holding an Excel error (#DIV/0!, #N/A, ...) and a
formula saved without a result both reach us as ``""`` and so look blank; a formula written by XlsxWriter
without a result reaches us as ``0.0``. Only error text that arrives as a string (typed, pasted, or
written by another tool) is reported here as ``error-cell``. See docs/values.md.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Generic, TypeVar

from socialvalue.bid import LARGEST
from socialvalue.problems import shorten

__all__ = [
    "AMBIGUOUS_NUMBER",
    "AMBIGUOUS_PERCENT",
    "BOOLEAN_NOT_NUMBER",
    "DATE_NOT_NUMBER",
    "ERROR_CELL",
    "FORMULA_NO_VALUE",
    "ISSUE_CODES",
    "LARGEST",
    "NEGATIVE",
    "NOT_A_DATE",
    "NOT_A_NUMBER",
    "NOT_COMPANY_NUMBER",
    "NOT_FINITE",
    "NOT_POSTCODE",
    "NOT_YES_NO",
    "PERCENT_NOT_QUANTITY",
    "PERCENT_OUT_OF_RANGE",
    "RANGE_NOT_NUMBER",
    "WRONG_UNIT",
    "ZERO_AMOUNT",
    "Read",
    "ValueIssue",
    "count_words",
    "is_blank",
    "read_amount",
    "read_code",
    "read_company_number",
    "read_date",
    "read_money",
    "read_percent",
    "read_postcode",
    "read_quantity",
    "read_text",
    "read_yes_no",
]

T = TypeVar("T")

# --- issue codes (stable: other tools and saved results refer to them) ---------------------------

AMBIGUOUS_NUMBER = "ambiguous-number"
AMBIGUOUS_PERCENT = "ambiguous-percent"
BOOLEAN_NOT_NUMBER = "boolean-not-number"
DATE_NOT_NUMBER = "date-not-number"
ERROR_CELL = "error-cell"
FORMULA_NO_VALUE = "formula-no-value"
NEGATIVE = "negative"
NOT_A_DATE = "not-a-date"
NOT_A_NUMBER = "not-a-number"
NOT_COMPANY_NUMBER = "not-company-number"
NOT_FINITE = "not-finite"
NOT_POSTCODE = "not-postcode"
NOT_YES_NO = "not-yes-no"
PERCENT_NOT_QUANTITY = "percent-not-quantity"
PERCENT_OUT_OF_RANGE = "percent-out-of-range"
RANGE_NOT_NUMBER = "range-not-number"
WRONG_UNIT = "wrong-unit"
ZERO_AMOUNT = "zero-amount"

ISSUE_CODES = frozenset(
    {
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
    }
)


@dataclass(frozen=True, slots=True)
class ValueIssue:
    """Why a raw value could not be used: a stable ``code`` and a plain-English ``reason``."""

    code: str
    reason: str
    """Says what was found (the raw value, shortened) and what to type instead."""


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


# --- numbers -----------------------------------------------------------------------------------

_PLAIN = re.compile(r"[0-9]+(?:\.[0-9]+)?")
"""Text that is already a clean number: read without a note."""
_SIGNED_PLAIN = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")

_SPACES = " \u00a0\u2007\u2009\u202f"
"""Space, non-breaking space, figure space, thin space, narrow non-breaking space."""

_MINUS = "\\-\u2010\u2011\u2012\u2013\u2212"
"""For a regex character class: hyphen-minus, hyphen, non-breaking hyphen, figure dash, en dash (Word's
autocorrected minus), minus sign."""

_NUMBER = re.compile(
    rf"""
    (?P<sign>[+{_MINUS}])?\s*
    (?P<cur>£|GBP|US\$|\$|€|USD|EUR)?\s*
    (?P<sign2>[+{_MINUS}])?\s*
    (?P<num>[0-9](?:[0-9,.'\u2019{_SPACES}]*[0-9])?[.,]?|[.,][0-9]+)
    (?P<exp>[eE][-+]?[0-9]+)?
    \s*
    (?P<rest>.*)
    """,
    re.VERBOSE | re.IGNORECASE | re.DOTALL,
)
"""An optional sign and currency, the number as written, then anything after it (unit words, %, k/m)."""

_DIGITS = re.compile(r"[0-9]+\.?[0-9]*|\.[0-9]+")
_UK_GROUPS = re.compile(r"[1-9][0-9]{0,2}(?:,[0-9]{3})+(?:\.[0-9]*)?")
_EU_GROUPS = re.compile(r"[1-9][0-9]{0,2}(?:\.[0-9]{3})+,[0-9]+|[1-9][0-9]{0,2}(?:\.[0-9]{3}){2,}")
_SPACE_GROUPS = re.compile(rf"[1-9][0-9]{{0,2}}(?:[{_SPACES}][0-9]{{3}})+(?:[.,][0-9]+)?")
_DECIMAL_COMMA = re.compile(r"[0-9]*,[0-9]+")
_SPACE_TABLE = dict.fromkeys(map(ord, _SPACES))

_RANGE_IN_REST = re.compile(r"[~\u2010-\u2015-]|\b(?:to|and|or|till|until)\b", re.IGNORECASE)
_RANGE_ANYWHERE = re.compile(
    r"[0-9][^0-9]{0,20}?(?:[~\u2010-\u2015-]|\b(?:to|and|or)\b)[^0-9]{0,20}?[0-9]", re.IGNORECASE
)
_DATE_TEXT = re.compile(r"[0-9]{1,4}[/-][0-9]{1,2}[/-][0-9]{1,4}")
_FIRST_NUMBER = re.compile(r"[0-9][0-9,.]*")
_CO2 = re.compile(r"co[2\u2082]", re.IGNORECASE)
"""CO2 in unit words (tCO2e) is not a second number."""

_WORD_TABLE = str.maketrans({"\u2082": "2", "-": " ", "_": " ", ".": " "})

_MULTIPLIER = re.compile(r"(k|thousand|m|mn|million|millions|bn|billion|billions)(?: (.*))?")
_POWERS = {
    "k": 3,
    "thousand": 3,
    "m": 6,
    "mn": 6,
    "million": 6,
    "millions": 6,
    "bn": 9,
    "billion": 9,
    "billions": 9,
}
_PERCENT_WORDS = frozenset({"%", "per cent", "percent", "pct"})
_GBP_WORDS = frozenset({"£", "gbp", "pound", "pounds", "sterling", "pounds sterling", "gbp £", "£ gbp"})
_FOREIGN_CURRENCY = frozenset({"$", "us$", "usd", "dollar", "dollars", "€", "eur", "euro", "euros"})
_UNIT_VOCABULARY = frozenset(
    {
        "second",
        "seconds",
        "sec",
        "secs",
        "minute",
        "minutes",
        "min",
        "mins",
        "hour",
        "hours",
        "hr",
        "hrs",
        "h",
        "day",
        "days",
        "week",
        "weeks",
        "wk",
        "wks",
        "month",
        "months",
        "mth",
        "mths",
        "year",
        "years",
        "yr",
        "yrs",
        "annum",
        "fte",
        "ftes",
        "wte",
        "wtes",
        "person",
        "persons",
        "people",
        "staff",
        "job",
        "jobs",
        "employee",
        "employees",
        "headcount",
        "apprentice",
        "apprentices",
        "apprenticeship",
        "apprenticeships",
        "placement",
        "placements",
        "mile",
        "miles",
        "mi",
        "km",
        "kms",
        "kilometre",
        "kilometres",
        "kilometer",
        "kilometers",
        "metre",
        "metres",
        "meter",
        "meters",
        "kg",
        "kgs",
        "kilo",
        "kilos",
        "kilogram",
        "kilograms",
        "g",
        "gram",
        "grams",
        "tonne",
        "tonnes",
        "ton",
        "tons",
        "t",
        "lb",
        "lbs",
        "co2",
        "co2e",
        "tco2",
        "tco2e",
        "kgco2e",
        "kgco2",
        "ktco2e",
        "mtco2e",
        "co2eq",
        "tco2eq",
        "kwh",
        "mwh",
        "gwh",
        "litre",
        "litres",
        "liter",
        "liters",
        "£",
        "gbp",
        "pound",
        "pounds",
        "sterling",
        "p",
        "pence",
        "penny",
        "$",
        "us$",
        "usd",
        "dollar",
        "dollars",
        "€",
        "eur",
        "euro",
        "euros",
    }
)


def _norm_words(text: str) -> str:
    """Unit words compared case-, hyphen- and spacing-insensitively (tCO₂e = tco2e, FTE-years = fte years)."""
    return " ".join(text.lower().translate(_WORD_TABLE).split())


@dataclass(frozen=True, slots=True)
class _Unit:
    label: str
    """How the unit is named in messages, e.g. ``hours``."""
    aliases: frozenset[str]
    """Unit words accepted after the number (normalised by :func:`_norm_words`)."""


_UNITS: dict[str, _Unit] = {
    "fte year": _Unit(
        "FTE-years",
        frozenset(
            {
                "fte",
                "ftes",
                "fte year",
                "fte years",
                "fte yr",
                "fte yrs",
                "full time equivalent",
                "full time equivalents",
                "full time equivalent year",
                "full time equivalent years",
                "wte",
                "wtes",
                "wte year",
                "wte years",
                "whole time equivalent",
                "whole time equivalents",
            }
        ),
    ),
    "week": _Unit("weeks", frozenset({"week", "weeks", "wk", "wks"})),
    "hour": _Unit("hours", frozenset({"hour", "hours", "hr", "hrs", "h"})),
    "mile": _Unit("miles", frozenset({"mile", "miles", "mi"})),
    "tonne": _Unit(
        "tonnes",
        frozenset({"tonne", "tonnes", "t", "metric tonne", "metric tonnes", "metric ton", "metric tons"}),
    ),
    "tco2e": _Unit(
        "tonnes of CO2e",
        frozenset(
            {
                "tco2e",
                "t co2e",
                "tco2eq",
                "t co2eq",
                "tonne co2e",
                "tonnes co2e",
                "tonne of co2e",
                "tonnes of co2e",
                "t",
                "tonne",
                "tonnes",
            }
        ),
    ),
    "gbp": _Unit("£", _GBP_WORDS),
}


@dataclass(frozen=True, slots=True)
class _Spec:
    """How one kind of number is read."""

    kind: str  # quantity | money | percent
    unit: _Unit
    money: bool
    """£, GBP and pounds, and the k/m/bn shorthands, are accepted."""
    ask: str
    """What to type, with ``{ex}`` for an example number: ``a plain number such as {ex}``."""
    example: str

    def type_this(self, ex: str = "") -> str:
        return self.ask.format(ex=ex or self.example)


@lru_cache(maxsize=256)
def _quantity_spec(unit: str) -> _Spec:
    key = _norm_words(unit)
    found = _UNITS.get(key)
    if found is None:
        found = next((u for u in _UNITS.values() if key in u.aliases), None)
    if found is None:
        label = unit.strip() or "the measure's unit"
        singular = key[:-1] if key.endswith("s") and len(key) > 1 else key
        found = _Unit(label, frozenset({singular, singular + "s"}) if key else frozenset())
    if found.label == "£":
        return _Spec("quantity", found, True, "a plain number of pounds such as {ex}", "1200")
    return _Spec("quantity", found, False, "a plain number such as {ex}", "12")


_MONEY = _Spec("money", _UNITS["gbp"], True, "the amount in £ as a plain number such as {ex}", "1200")
_PERCENT = _Spec("percent", _Unit("%", frozenset()), False, "a percentage such as {ex}%", "15")


@dataclass(slots=True)
class _Num:
    value: float
    shown: str = ""
    """The text as typed (shortened) when it was not a plain number; empty otherwise."""
    percent: bool = False
    """A % sign or the words "per cent" were given."""
    text: bool = False
    """The value was typed as text (not a number cell)."""
    rules: list[str] = field(default_factory=list)


def _example(text: str, power: int = 0) -> str:
    """The first number written in ``text``, cleaned (and scaled by 10**power), for "such as ..."; else ""."""
    found = _FIRST_NUMBER.search(text) if text else None
    grouped = _ungroup(found[0].rstrip(",.")) if found else None
    if grouped is None or not grouped[0]:
        return ""
    value = float(Decimal(grouped[0]).scaleb(power))
    return _fmt(value) if math.isfinite(value) else ""


def _not_a_number(shown: str, spec: _Spec, text: str = "") -> ValueIssue:
    return ValueIssue(NOT_A_NUMBER, f'"{shown}" is not a number: type {spec.type_this(_example(text))}')


def _range(shown: str) -> ValueIssue:
    return ValueIssue(RANGE_NOT_NUMBER, f'"{shown}" is a range: give one number: the commitment you will be held to')


def _ambiguous(shown: str, spec: _Spec) -> ValueIssue:
    return ValueIssue(
        AMBIGUOUS_NUMBER,
        f'"{shown}" could be read more than one way: type the number with no separators except a full stop '
        f"before any decimals, such as {spec.example}.5",
    )


def _too_large(shown: str, spec: _Spec) -> ValueIssue:
    return ValueIssue(
        NOT_FINITE,
        f'"{shown}" is too large to be read as a number (a spreadsheet holds 15 digits exactly; this needs '
        f"more): type {spec.type_this()}",
    )


_NOT_UK = frozenset(
    {
        "decimal comma",
        "full stops between thousands",
        "full stops between thousands and a decimal comma",
        "spaces between thousands, decimal comma",
    }
)
"""Separator rules a quantity (or a spend file's amount) may use but a bid price may not (see :func:`read_money`)."""


def _not_uk_price(shown: str) -> ValueIssue:
    return ValueIssue(
        AMBIGUOUS_NUMBER,
        f'"{shown}" could be read more than one way (a comma or full stop can separate thousands or mark '
        "decimals): a price is read only the UK way, never guessed: type the amount in £ as a plain number such "
        "as 1250000, with a full stop only before pence (1250000.50)",
    )


def _wrong_unit(shown: str, found: str, spec: _Spec) -> ValueIssue:
    if spec.kind == "percent":
        want = f"this answer is a percentage: type {spec.type_this()}"
    elif spec.money:
        want = "this answer is in pounds (£): type the amount in £ only"
    else:
        want = (
            f"this measure is counted in {spec.unit.label}: type the number of {spec.unit.label} only "
            "(units are never converted for you)"
        )
    return ValueIssue(WRONG_UNIT, f'"{shown}" is in {found}, but {want}')


def _parse(raw: object, spec: _Spec) -> _Num | ValueIssue | None:
    """The signed number in ``raw``, or the issue, or ``None`` when blank. Never raises."""
    if isinstance(raw, str):
        return _parse_text(raw, spec)
    if raw is None:
        return None
    if isinstance(raw, bool):
        return ValueIssue(BOOLEAN_NOT_NUMBER, f"{_show(raw)} is a yes/no value, not a number: type {spec.type_this()}")
    if isinstance(raw, (float, int, Decimal, Fraction)):
        try:
            value = float(raw)
        except (OverflowError, ValueError):
            value = _INF
        if not math.isfinite(value):
            return ValueIssue(NOT_FINITE, f'"{_show(raw)}" is not a finite number: type {spec.type_this()}')
        if abs(value) >= LARGEST:
            return _too_large(_show(raw), spec)
        return _Num(value + 0.0)  # + 0.0 turns -0.0 into 0.0
    if isinstance(raw, (date, time, timedelta)):
        what, shown = _fmt_when(raw)
        return ValueIssue(
            DATE_NOT_NUMBER,
            f"Excel shows this as {what} ({shown}); type {spec.type_this()} "
            "(if Excel changes it again, format the cell as Number first)",
        )
    return ValueIssue(NOT_A_NUMBER, f"{_show(raw)} is not a number: type {spec.type_this()}")


def _ungroup(num: str) -> tuple[str, str] | None:
    """The number as Python float text and the separator rule applied; None when it could be read two ways."""
    if _DIGITS.fullmatch(num):
        return num, ""
    if _UK_GROUPS.fullmatch(num):
        return num.replace(",", ""), "commas between thousands"
    if _EU_GROUPS.fullmatch(num):
        if "," in num:
            return num.replace(".", "").replace(",", "."), "full stops between thousands and a decimal comma"
        return num.replace(".", ""), "full stops between thousands"
    if _SPACE_GROUPS.fullmatch(num):
        joined = num.translate(_SPACE_TABLE)
        if "," in joined:
            if len(joined) - joined.index(",") - 1 == 3:
                return None  # "1 234,567": decimal comma, or a comma between thousands?
            return joined.replace(",", "."), "spaces between thousands, decimal comma"
        return joined, "spaces between thousands"
    if _DECIMAL_COMMA.fullmatch(num) and len(num) - num.index(",") - 1 != 3:
        return num.replace(",", "."), "decimal comma"
    return None


def _parse_text(raw: str, spec: _Spec) -> _Num | ValueIssue | None:
    s = _clean(raw)
    if not s:
        return None
    if len(s) <= _MAX_NUMBER_TEXT and _PLAIN.fullmatch(s):
        value = float(s)
        return _Num(value, text=True) if value < LARGEST else _too_large(shorten(s), spec)
    shown = shorten(s)
    upper = s.upper()
    if upper in _ERROR_LITERALS:
        return _error_cell(upper, spec.type_this())
    if s[0] == "=":
        return ValueIssue(
            FORMULA_NO_VALUE,
            f'this cell holds the formula "{shown}" as text, not its result: type {spec.type_this()} instead',
        )
    if len(s) > _MAX_NUMBER_TEXT:
        return _not_a_number(shown, spec)
    if len(s) > 2 and s[0] == "(" and s[-1] == ")":
        inner = _parse_text(s[1:-1], spec)
        if isinstance(inner, _Num) and inner.value > 0:
            return ValueIssue(
                NEGATIVE, f'"{shown}" is a negative number (brackets mean minus): type {spec.type_this()}, not below 0'
            )
        return inner if isinstance(inner, ValueIssue) else _not_a_number(shown, spec)
    if _DATE_TEXT.fullmatch(s):
        return ValueIssue(DATE_NOT_NUMBER, f'"{shown}" looks like a date: type {spec.type_this()}')
    m = _NUMBER.fullmatch(s)
    if m is None:
        if _RANGE_ANYWHERE.search(s):
            return _range(shown)
        return _not_a_number(shown, spec, s)

    signs = (m["sign"] or "") + (m["sign2"] or "")
    if len(signs) > 1:
        return _not_a_number(shown, spec, s)
    rules: list[str] = []
    gbp = False
    cur = m["cur"]
    if cur:
        if cur.upper() not in ("£", "GBP"):
            return _wrong_unit(shown, f"a currency other than pounds ({cur})", spec)
        gbp = True
        rules.append(f"removed {cur}")

    power = 0
    percent = False
    rest = m["rest"]
    if rest:
        if any(c.isdigit() for c in _CO2.sub("", rest)):
            return _range(shown) if _RANGE_IN_REST.search(rest) else _not_a_number(shown, spec, s)
        words = _norm_words(rest)
        if "%" in rest or words in _PERCENT_WORDS or words.startswith(("per cent", "percent")):
            if spec.kind != "percent":
                return ValueIssue(
                    PERCENT_NOT_QUANTITY,
                    f'"{shown}" is a percentage, but this answer is '
                    + ("an amount in £" if spec.money else f"a quantity in {spec.unit.label}")
                    + f": type {spec.type_this()}",
                )
            if words not in _PERCENT_WORDS:
                return _not_a_number(shown, spec, s)
            percent = True
            rules.append("removed the % sign" if "%" in rest else f"removed '{rest.strip()}'")
            words = ""
        mult = _MULTIPLIER.fullmatch(words)
        if mult:
            if not spec.money:
                return ValueIssue(
                    NOT_A_NUMBER,
                    f'"{shown}" uses a shorthand ({mult[1]}): type the whole number, '
                    f"such as {_example(m['num'], _POWERS[mult[1]]) or 12000}",
                )
            power = _POWERS[mult[1]]
            rules.append(f"'{mult[1]}' = ×{10**power:,}")
            words = mult[2] or ""
        if words:
            tokens = words.split()
            if spec.money and words in _GBP_WORDS:
                gbp = True
                rules.append("removed the currency")
            elif words in spec.unit.aliases:
                rules.append(f"removed the unit '{rest.strip()}'")
            elif any(t in _FOREIGN_CURRENCY for t in tokens):
                return _wrong_unit(shown, f"a currency other than pounds ({rest.strip()})", spec)
            elif words in _GBP_WORDS or any(t in _UNIT_VOCABULARY for t in tokens) or words in _UNIT_VOCABULARY:
                return _wrong_unit(shown, rest.strip(), spec)
            else:
                return _not_a_number(shown, spec, s)
    if gbp and not spec.money:
        return _wrong_unit(shown, "pounds (£)", spec)

    grouped = _ungroup(m["num"])
    if grouped is None:
        return _ambiguous(shown, spec)
    literal, rule = grouped
    if rule:
        rules.append(rule)
    if m["exp"]:
        if rule or power:
            return _ambiguous(shown, spec)
        literal += m["exp"]
        rules.append("scientific notation")
    value = float(Decimal(literal).scaleb(power)) if power else float(literal)
    if not math.isfinite(value) or value >= LARGEST:
        return _too_large(shown, spec)
    if signs and signs != "+" and value != 0:
        value = -value
    return _Num(value + 0.0, shown, percent, True, rules)


def _note(got: _Num, shown_value: str = "") -> str:
    """``read '£1,200' as 1200 (removed £; commas between thousands)`` for text that was not plain."""
    if not got.shown:
        return ""
    rules = f" ({'; '.join(got.rules)})" if got.rules else ""
    return f"read '{got.shown}' as {shown_value or _fmt(got.value)}{rules}"


# --- public readers ----------------------------------------------------------------------------


def read_quantity(raw: object, unit: str) -> Read[float]:
    """A committed quantity (zero or more) in ``unit``, e.g. ``FTE-year``, ``week``, ``hour``, ``tCO2e``, ``GBP``."""
    if type(raw) is float and 0.0 < raw < LARGEST:
        return Read(raw)
    if type(raw) is str and not raw:  # the commonest blank, without the spec lookup
        return Read(None)
    spec = _quantity_spec(unit)
    got = _parse(raw, spec)
    if got is None:
        return Read(None)
    if isinstance(got, ValueIssue):
        return Read(None, got)
    if got.value < 0:
        return Read(None, ValueIssue(NEGATIVE, f'"{_show(raw)}" is negative: type {spec.type_this()}, not below 0'))
    return Read(got.value, None, _note(got))


def read_money(raw: object) -> Read[float]:
    """An amount in £ (a bid price): more than zero, and written the UK way.

    A price decides 40-50% of a score, and a misread one moves every other bid's price points, so the
    separators a quantity may use the continental way (``1,25``, ``1.250.000``, ``1.234,5``) are an
    ``ambiguous-number`` here: only commas between thousands and one full stop before pence are read.
    """
    if type(raw) is float and 0.0 < raw < LARGEST:
        return Read(raw)
    if type(raw) is str and not raw:  # the commonest blank, without the spec lookup
        return Read(None)
    got = _parse(raw, _MONEY)
    if got is None:
        return Read(None)
    if isinstance(got, ValueIssue):
        return Read(None, got)
    if any(rule in _NOT_UK for rule in got.rules):
        return Read(None, _not_uk_price(got.shown))
    if got.value < 0:
        return Read(None, ValueIssue(NEGATIVE, f'"{_show(raw)}" is negative: type {_MONEY.type_this()}, above 0'))
    if got.value == 0:
        return Read(None, ValueIssue(ZERO_AMOUNT, f'"{_show(raw)}" is zero: type {_MONEY.type_this()}, above 0'))
    return Read(got.value, None, _note(got))


def read_percent(raw: object) -> Read[float]:
    """A percentage from 0 to 100.

    A number cell between 0 and 1 (inclusive) is a fraction, as Excel stores a cell formatted as a
    percentage (15% is stored as 0.15), so it is multiplied by 100 and noted. Text between 0 and 1 without
    a % sign ("0.15") could mean 15% or 0.15%, and is an issue.
    """
    if type(raw) is float and 1.0 < raw <= 100.0:
        return Read(raw)
    got = _parse(raw, _PERCENT)
    if got is None:
        return Read(None)
    if isinstance(got, ValueIssue):
        return Read(None, got)
    shown = _show(raw)
    value, note = got.value, ""
    if value < 0:
        return Read(None, ValueIssue(NEGATIVE, f'"{shown}" is negative: type {_PERCENT.type_this()}, from 0 to 100'))
    if 0 < value <= 1 and not got.percent:
        if got.text:
            pct = _fmt(float(Decimal(repr(value)).scaleb(2)))
            return Read(
                None,
                ValueIssue(
                    AMBIGUOUS_PERCENT,
                    f'"{shown}" could mean {pct}% or {shown}%: type it with a % sign, such as {pct}% or {shown}%',
                ),
            )
        value = float(Decimal(repr(value)).scaleb(2))
        note = (
            f"read {shown} as {_fmt(value)}% (a cell formatted as a percentage stores {_fmt(value)}% as {shown}; "
            f"numbers from 0 to 1 are read as fractions)"
        )
    if value > 100:
        return Read(
            None,
            ValueIssue(PERCENT_OUT_OF_RANGE, f'"{shown}" is more than 100%: type a percentage from 0 to 100'),
        )
    return Read(value, None, note or _note(got, _fmt(value) + "%"))


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
