"""Numbers as suppliers type them: the grammar (signs, currency, separators, units, multipliers) and the
quantity, money and percent readers. Nothing that could be read two ways is guessed (docs/values.md)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal
from fractions import Fraction

from socialvalue.bid import LARGEST
from socialvalue.problems import shorten

from .common import (
    _ERROR_LITERALS,
    _INF,
    _MAX_NUMBER_TEXT,
    AMBIGUOUS_NUMBER,
    AMBIGUOUS_PERCENT,
    BOOLEAN_NOT_NUMBER,
    DATE_NOT_NUMBER,
    FORMULA_NO_VALUE,
    NEGATIVE,
    NOT_A_NUMBER,
    NOT_FINITE,
    PERCENT_NOT_QUANTITY,
    PERCENT_OUT_OF_RANGE,
    RANGE_NOT_NUMBER,
    WRONG_UNIT,
    ZERO_AMOUNT,
    Read,
    ValueIssue,
    _clean,
    _error_cell,
    _fmt,
    _fmt_when,
    _show,
)
from .units import (
    _FOREIGN_CURRENCY,
    _GBP_WORDS,
    _MONEY,
    _MULTIPLIER,
    _PERCENT,
    _PERCENT_WORDS,
    _POWERS,
    _UNIT_VOCABULARY,
    _norm_words,
    _quantity_spec,
    _Spec,
)

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
