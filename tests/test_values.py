"""Every reading rule in docs/values.md, by example, plus properties: never raise, round trips, scaling.

The rules are documented in docs/values.md; a change here should change that table too.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialvalue.intake.values import (
    ISSUE_CODES,
    ISSUE_KINDS,
    LARGEST,
    NEGATIVE,
    NOT_A_DATE,
    Read,
    ValueIssue,
    count_words,
    is_blank,
    read_amount,
    read_company_number,
    read_date,
    read_money,
    read_percent,
    read_postcode,
    read_quantity,
    read_text,
    read_yes_no,
)

UNITS = ("FTE-year", "week", "hour", "tCO2e", "mile", "tonne", "GBP")


def issue(code: str, reason: str) -> ValueIssue:
    """The issue a reader gives, by its code."""
    return ValueIssue(next(k for k in ISSUE_KINDS if k.code == code), reason)


def code(read: Read[Any]) -> str:
    assert read.value is None, f"expected an issue, got the value {read.value!r}"
    assert read.issue is not None
    return read.issue.code


def ok(read: Read[Any]) -> Any:
    assert read.issue is None, read.issue
    return read.value


# --- types ---------------------------------------------------------------------------------------


def test_read_and_issue_are_frozen() -> None:
    r = Read(1.0)
    with pytest.raises(AttributeError):
        r.value = 2.0  # type: ignore[misc]
    with pytest.raises(AttributeError):
        ValueIssue(NEGATIVE, "y").reason = "z"  # type: ignore[misc]
    assert Read(None, ValueIssue(NEGATIVE, "r")) == Read(None, ValueIssue(NEGATIVE, "r"))


# --- blank -----------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [None, "", " ", "\t\n", "\u00a0", "\u202f", "\u200b", " \ufeff "])
def test_blank_is_none_without_issue(raw: object) -> None:
    assert is_blank(raw)
    for read in (
        read_quantity(raw, "hour"),
        read_money(raw),
        read_percent(raw),
        read_yes_no(raw),
        read_text(raw),
        read_company_number(raw),
        read_postcode(raw),
    ):
        assert read == Read(None)


@pytest.mark.parametrize("raw", [0, 0.0, False, "0", "x", dt.date(2024, 1, 1)])
def test_not_blank(raw: object) -> None:
    assert not is_blank(raw)


# --- plain numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "value"), [(12.5, 12.5), (12.0, 12.0), (7, 7.0), (0.0, 0.0), (-0.0, 0.0)])
def test_plain_numbers_pass_through_without_note(raw: object, value: float) -> None:
    read = read_quantity(raw, "FTE-year")
    assert read == Read(value)
    assert type(read.value) is float
    assert math.copysign(1, ok(read)) == 1  # -0.0 is read as 0.0


@pytest.mark.parametrize(("raw", "value"), [("12.5", 12.5), (" 12 ", 12.0), ("0", 0.0), ("007", 7.0)])
def test_numbers_typed_as_text_without_note(raw: str, value: float) -> None:
    assert read_quantity(raw, "hour") == Read(value)


@pytest.mark.parametrize(
    ("raw", "value", "note"),
    [
        ("+12", 12.0, "read '+12' as 12"),
        (".5", 0.5, "read '.5' as 0.5"),
        ("12.", 12.0, "read '12.' as 12"),
        ("1.5e+3", 1500.0, "read '1.5e+3' as 1500 (scientific notation)"),
        ("1E-05", 1e-05, "read '1E-05' as 1e-05 (scientific notation)"),
    ],
)
def test_other_number_forms_are_noted(raw: str, value: float, note: str) -> None:
    assert read_quantity(raw, "hour") == Read(value, None, note)


# --- currency and units --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value", "note"),
    [
        ("£1,200", 1200.0, "read '£1,200' as 1200 (removed £; commas between thousands)"),
        ("£ 1200", 1200.0, "read '£ 1200' as 1200 (removed £)"),
        ("GBP 1200", 1200.0, "read 'GBP 1200' as 1200 (removed GBP)"),
        ("1200 GBP", 1200.0, "read '1200 GBP' as 1200 (removed the currency)"),
        ("1200 pounds", 1200.0, "read '1200 pounds' as 1200 (removed the currency)"),
        ("£1,200.00", 1200.0, "read '£1,200.00' as 1200 (removed £; commas between thousands)"),
    ],
)
def test_money_currency_removed(raw: str, value: float, note: str) -> None:
    assert read_money(raw) == Read(value, None, note)
    assert read_quantity(raw, "GBP") == Read(value, None, note)


@pytest.mark.parametrize(
    ("unit", "raw"),
    [
        ("FTE-year", "12 FTE"),
        ("FTE-year", "12 FTEs"),
        ("FTE-year", "12 FTE years"),
        ("FTE-year", "12 FTE-years"),
        ("FTE-year", "12 fte-year"),
        ("FTE-year", "12 full-time equivalent"),
        ("FTE-year", "12 full time equivalents"),
        ("FTE-year", "12 WTE"),
        ("week", "12 weeks"),
        ("week", "12 week"),
        ("week", "12 wks"),
        ("week", "12wk"),
        ("hour", "12 hours"),
        ("hour", "12 hrs"),
        ("hour", "12 hr"),
        ("hour", "12 hrs."),
        ("tCO2e", "12 tCO2e"),
        ("tCO2e", "12 tCO₂e"),
        ("tCO2e", "12 tonnes CO2e"),
        ("tCO2e", "12 t"),
        ("mile", "12 miles"),
        ("mile", "12 mile"),
        ("tonne", "12 tonnes"),
        ("tonne", "12 t"),
        ("tonne", "12 Tonne"),
        ("apprentice-day", "12 apprentice days"),
        ("points", "12 points"),
        ("points", "12 Points"),
    ],
)
def test_matching_unit_word_removed(unit: str, raw: str) -> None:
    read = read_quantity(raw, unit)
    assert ok(read) == 12.0
    assert read.note.startswith(f"read '{raw}' as 12 (removed the unit ")


@pytest.mark.parametrize(
    ("unit", "raw"),
    [
        ("hour", "12 weeks"),
        ("week", "12 days"),
        ("week", "3 months"),
        ("FTE-year", "12 people"),
        ("FTE-year", "12 hours"),
        ("mile", "12 km"),
        ("tonne", "7 tons"),
        ("tonne", "700 kg"),
        ("tCO2e", "5 kg CO2e"),
        ("tCO2e", "5 tCO2"),
        ("hour", "£12"),
        ("hour", "12 GBP"),
        ("GBP", "€1,200"),
        ("GBP", "$1200"),
        ("GBP", "1200 USD"),
        ("GBP", "1200p"),
        ("GBP", "12 hours"),
    ],
)
def test_different_unit_is_wrong_unit_never_converted(unit: str, raw: str) -> None:
    assert code(read_quantity(raw, unit)) == "wrong-unit"


def test_unit_named_in_the_plural() -> None:
    assert ok(read_quantity("1 point", "points")) == 1.0
    assert code(read_quantity("1 pint", "points")) == "not-a-number"


def test_wrong_unit_reason() -> None:
    assert read_quantity("12 weeks", "hour").issue == issue(
        "wrong-unit",
        '"12 weeks" is in weeks, but this measure is counted in hours: '
        "type the number of hours only (units are never converted for you)",
    )
    assert read_money("€1,200").issue == issue(
        "wrong-unit",
        '"€1,200" is in a currency other than pounds (€), but this answer is in pounds (£): type the amount in £ only',
    )


# --- separators --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value", "rule"),
    [
        ("1,200", 1200.0, "commas between thousands"),
        ("1,200,000.50", 1200000.5, "commas between thousands"),
        ("12,5", 12.5, "decimal comma"),
        ("0,25", 0.25, "decimal comma"),
        ("12,3456", 12.3456, "decimal comma"),
        ("1.234,5", 1234.5, "full stops between thousands and a decimal comma"),
        ("1.234.567", 1234567.0, "full stops between thousands"),
        ("1 200", 1200.0, "spaces between thousands"),
        ("1\u00a0200", 1200.0, "spaces between thousands"),
        ("1\u202f200\u202f000", 1200000.0, "spaces between thousands"),
        ("1 234,5", 1234.5, "spaces between thousands, decimal comma"),
        ("1 234.5", 1234.5, "spaces between thousands"),
    ],
)
def test_separators(raw: str, value: float, rule: str) -> None:
    shown = str(int(value)) if value.is_integer() else repr(value)
    assert read_quantity(raw, "hour") == Read(value, None, f"read '{raw}' as {shown} ({rule})")


def test_single_full_stop_is_always_a_decimal_point() -> None:
    assert read_quantity("1.234", "tonne") == Read(1.234)


@pytest.mark.parametrize(
    "raw", ["1,23,4", "1,23,456", "0,500", "1234,567", "12,34.5", "1.2.3", "12 5", "1'234", "1 234,567"]
)
def test_ambiguous_grouping(raw: str) -> None:
    assert code(read_quantity(raw, "hour")) == "ambiguous-number"


def test_ambiguous_reason() -> None:
    assert read_quantity("1,23,4", "hour").issue == issue(
        "ambiguous-number",
        '"1,23,4" could be read more than one way: type the number with no separators except a full stop '
        "before any decimals, such as 12.5",
    )


# --- money shorthands -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value", "note"),
    [
        ("£1.2m", 1_200_000.0, "read '£1.2m' as 1200000 (removed £; 'm' = ×1,000,000)"),
        ("£1.2 million", 1_200_000.0, "read '£1.2 million' as 1200000 (removed £; 'million' = ×1,000,000)"),
        ("£250k", 250_000.0, "read '£250k' as 250000 (removed £; 'k' = ×1,000)"),
        ("250K", 250_000.0, "read '250K' as 250000 ('k' = ×1,000)"),
        ("1.1m", 1_100_000.0, "read '1.1m' as 1100000 ('m' = ×1,000,000)"),
        ("£1.2bn", 1_200_000_000.0, "read '£1.2bn' as 1200000000 (removed £; 'bn' = ×1,000,000,000)"),
        ("1.2m GBP", 1_200_000.0, "read '1.2m GBP' as 1200000 ('m' = ×1,000,000; removed the currency)"),
    ],
)
def test_money_shorthands(raw: str, value: float, note: str) -> None:
    assert read_money(raw) == Read(value, None, note)
    assert ok(read_quantity(raw, "GBP")) == value


@pytest.mark.parametrize(("raw", "unit"), [("1.2k", "hour"), ("12m", "mile"), ("2 million", "week")])
def test_shorthands_only_for_money(raw: str, unit: str) -> None:
    assert code(read_quantity(raw, unit)) == "not-a-number"
    assert read_quantity("1.2k", "hour").issue == issue(
        "not-a-number", '"1.2k" uses a shorthand (k): type the whole number, such as 1200'
    )


# --- percentages -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value", "note"),
    [
        (15.0, 15.0, ""),
        (100.0, 100.0, ""),
        (0.0, 0.0, ""),
        ("15", 15.0, ""),
        ("15%", 15.0, "read '15%' as 15% (removed the % sign)"),
        ("15 %", 15.0, "read '15 %' as 15% (removed the % sign)"),
        ("0.5%", 0.5, "read '0.5%' as 0.5% (removed the % sign)"),
        ("15 per cent", 15.0, "read '15 per cent' as 15% (removed 'per cent')"),
        ("15 percent", 15.0, "read '15 percent' as 15% (removed 'percent')"),
        ("12,5%", 12.5, "read '12,5%' as 12.5% (removed the % sign; decimal comma)"),
        (
            0.15,
            15.0,
            "read 0.15 as 15% (a cell formatted as a percentage stores 15% as 0.15; "
            "numbers from 0 to 1 are read as fractions)",
        ),
        (
            1.0,
            100.0,
            "read 1 as 100% (a cell formatted as a percentage stores 100% as 1; "
            "numbers from 0 to 1 are read as fractions)",
        ),
        (0.07, 7.0, None),
        (1, 100.0, None),
    ],
)
def test_percent(raw: object, value: float, note: str | None) -> None:
    read = read_percent(raw)
    assert ok(read) == value  # exactly: 0.07 is 7, not 7.000000000000001
    if note is not None:
        assert read.note == note


@pytest.mark.parametrize("raw", ["0.15", "1", "0,5"])
def test_percent_text_between_0_and_1_without_sign_is_ambiguous(raw: str) -> None:
    assert code(read_percent(raw)) == "ambiguous-percent"
    assert read_percent("0.15").issue == issue(
        "ambiguous-percent", '"0.15" could mean 15% or 0.15%: type it with a % sign, such as 15% or 0.15%'
    )


@pytest.mark.parametrize(
    ("raw", "issue"),
    [
        (150.0, "percent-out-of-range"),
        ("101%", "percent-out-of-range"),
        ("-5%", "negative"),
        (-0.1, "negative"),
        ("£15", "wrong-unit"),
        ("10-15%", "range-not-number"),
        ("about 15%", "not-a-number"),
        ("15% approx", "not-a-number"),
        (True, "boolean-not-number"),
        (dt.date(2024, 1, 1), "date-not-number"),
        ("#N/A", "error-cell"),
    ],
)
def test_percent_issues(raw: object, issue: str) -> None:
    assert code(read_percent(raw)) == issue


@pytest.mark.parametrize("raw", ["15%", "15 %", "15 per cent", "15percent"])
def test_percent_sign_in_a_quantity(raw: str) -> None:
    assert code(read_quantity(raw, "hour")) == "percent-not-quantity"
    assert code(read_money(raw)) == "percent-not-quantity"


# --- wrong kinds of value ---------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [True, False])
def test_booleans_in_number_cells(raw: bool) -> None:
    assert code(read_quantity(raw, "hour")) == "boolean-not-number"
    assert code(read_money(raw)) == "boolean-not-number"
    assert read_quantity(True, "hour").issue == issue(
        "boolean-not-number", "TRUE is a yes/no value, not a number: type a plain number such as 12"
    )


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (dt.datetime(2024, 1, 2), "a date (2024-01-02)"),
        (dt.datetime(2024, 1, 2, 13, 45), "a date and time (2024-01-02 13:45)"),
        (dt.date(2024, 1, 2), "a date (2024-01-02)"),
        (dt.time(12, 30), "a time (12:30)"),
        (dt.timedelta(days=1, hours=12), "a duration (36:00:00)"),
    ],
)
def test_dates_in_number_cells(raw: object, shown: str) -> None:
    assert read_quantity(raw, "hour").issue == issue(
        "date-not-number",
        f"Excel shows this as {shown}; type a plain number such as 12 "
        "(if Excel changes it again, format the cell as Number first)",
    )
    assert code(read_money(raw)) == "date-not-number"


@pytest.mark.parametrize("raw", ["12/03/2024", "2024-03-12"])
def test_date_text_in_number_cells(raw: str) -> None:
    assert code(read_quantity(raw, "hour")) == "date-not-number"


@pytest.mark.parametrize("raw", [math.nan, math.inf, -math.inf, Decimal("NaN"), Decimal("sNaN"), 10**400])
def test_not_finite(raw: object) -> None:
    assert code(read_quantity(raw, "hour")) == "not-finite"
    assert code(read_money(raw)) == "not-finite"
    assert code(read_percent(raw)) == "not-finite"


@pytest.mark.parametrize(
    "raw",
    ["#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA", "#n/a "],
)
def test_error_text(raw: str) -> None:
    for read in (
        read_quantity(raw, "hour"),
        read_money(raw),
        read_percent(raw),
        read_yes_no(raw),
        read_text(raw),
        read_company_number(raw),
        read_postcode(raw),
    ):
        assert code(read) == "error-cell"
    assert read_quantity("#DIV/0!", "hour").issue == issue(
        "error-cell", "this cell shows the Excel error #DIV/0!: correct the formula, or type a plain number such as 12"
    )


@pytest.mark.parametrize("raw", ["=1/0", "=SUM(A1:A3)", "=A1*52"])
def test_formula_stored_as_text(raw: str) -> None:
    assert code(read_quantity(raw, "hour")) == "formula-no-value"
    assert code(read_money(raw)) == "formula-no-value"


# --- signs, words, ranges --------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [-5.0, -5, "-5", "−5", "–5", "-£5", "£-5", "(1,200)", "(£1,200)", "-1,200"])
def test_negative(raw: object) -> None:
    assert code(read_quantity(raw, "GBP")) == "negative"
    assert code(read_money(raw)) == "negative"
    assert read_quantity("-5", "hour").issue == issue(
        "negative", '"-5" is negative: type a plain number such as 12, not below 0'
    )


def test_zero_is_a_quantity_but_not_a_price() -> None:
    assert read_quantity("0", "hour") == Read(0.0)
    assert read_quantity("-0", "hour") == Read(0.0, None, "read '-0' as 0")
    assert code(read_money(0.0)) == "zero-amount"
    assert code(read_money("£0")) == "zero-amount"
    assert read_money(0.0).issue == issue(
        "zero-amount", '"0" is zero: type the amount in £ as a plain number such as 1200, above 0'
    )


@pytest.mark.parametrize(
    ("raw", "example"),
    [
        ("twelve", "12"),
        ("TBC", "12"),
        ("about 10", "10"),
        ("approx. 10", "10"),
        ("up to 5", "5"),
        ("N/A", "12"),
        ("n/a", "12"),
        ("nil", "12"),
        ("10+", "10"),
        (">10", "10"),
        ("~10", "10"),
        ("12 (estimated)", "12"),
        ("at least 1,200", "1200"),
        ("nan", "12"),
        ("inf", "12"),
        ("--5", "5"),
    ],
)
def test_words_are_not_numbers(raw: str, example: str) -> None:
    assert read_quantity(raw, "hour").issue == issue(
        "not-a-number", f'"{raw}" is not a number: type a plain number such as {example}'
    )


def test_not_a_number_reason_from_the_brief() -> None:
    assert read_quantity("twelve", "FTE-year").issue == issue(
        "not-a-number", '"twelve" is not a number: type a plain number such as 12'
    )


@pytest.mark.parametrize(
    "raw", ["10-12", "10 - 12", "10–12", "10 — 12", "10 to 12", "between 10 and 12", "10 or 12", "£10k-£12k", "10~12"]
)
def test_ranges(raw: str) -> None:
    assert read_quantity(raw, "GBP").issue == issue(
        "range-not-number", f'"{raw}" is a range: give one number: the commitment you will be held to'
    )


def test_long_text_is_not_scanned() -> None:
    assert code(read_quantity("1" * 101, "hour")) == "not-a-number"
    assert code(read_quantity("we will employ 12 people " * 500, "hour")) == "not-a-number"


def test_reasons_quote_the_raw_value_shortened() -> None:
    raw = "x" * 200
    issue = read_quantity(raw, "hour").issue
    assert issue is not None
    assert '"' + "x" * 79 + '…"' in issue.reason


def test_unknown_types_are_issues() -> None:
    assert code(read_quantity(object(), "hour")) == "not-a-number"
    assert code(read_quantity([1], "hour")) == "not-a-number"
    assert ok(read_quantity(Decimal("12.5"), "hour")) == 12.5


# --- yes / no ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value", "note"),
    [
        ("Yes", True, ""),
        ("No", False, ""),
        (True, True, ""),
        (False, False, ""),
        ("y", True, "read 'y' as Yes"),
        ("YES ", True, "read 'YES' as Yes"),
        ("True", True, "read 'True' as Yes"),
        ("TRUE", True, "read 'TRUE' as Yes"),
        (1, True, "read 1 as Yes"),
        (1.0, True, "read 1 as Yes"),
        ("1", True, "read '1' as Yes"),
        ("n", False, "read 'n' as No"),
        ("NO", False, "read 'NO' as No"),
        ("false", False, "read 'false' as No"),
        (0, False, "read 0 as No"),
        (0.0, False, "read 0 as No"),
    ],
)
def test_yes_no(raw: object, value: bool, note: str) -> None:
    assert read_yes_no(raw) == Read(value, None, note)


@pytest.mark.parametrize("raw", ["maybe", "Yes - see policy", "Y/N", 2.0, -1, 0.5, dt.date(2024, 1, 1), math.nan])
def test_not_yes_no(raw: object) -> None:
    assert code(read_yes_no(raw)) == "not-yes-no"
    assert read_yes_no("maybe").issue == issue("not-yes-no", '"maybe" is not Yes or No: type Yes or No')


# --- text ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value", "note"),
    [
        ("  Acme Ltd  ", "Acme Ltd", ""),
        ("line one\nline two", "line one\nline two", ""),
        (12.0, "12", "read the number 12 as the text '12'"),
        (12.5, "12.5", "read the number 12.5 as the text '12.5'"),
        (7, "7", "read the number 7 as the text '7'"),
        (True, "TRUE", "read the yes/no value TRUE as the text 'TRUE'"),
        (dt.datetime(2024, 1, 2), "2024-01-02", "read a date as the text '2024-01-02'"),
        (dt.datetime(2024, 1, 2, 9, 5), "2024-01-02 09:05", "read a date and time as the text '2024-01-02 09:05'"),
        (dt.date(2024, 1, 2), "2024-01-02", "read a date as the text '2024-01-02'"),
        (dt.time(9, 5, 30), "09:05:30", "read a time as the text '09:05:30'"),
    ],
)
def test_text(raw: object, value: str, note: str) -> None:
    assert read_text(raw) == Read(value, None, note)


def test_text_issues() -> None:
    assert read_text("#VALUE!").issue == issue(
        "error-cell", "this cell shows the Excel error #VALUE!: correct the formula, or type your answer"
    )
    assert code(read_text(math.nan)) == "not-finite"


# --- company numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value", "note"),
    [
        ("01234567", "01234567", ""),
        ("SC123456", "SC123456", ""),
        ("NI123456", "NI123456", ""),
        ("OC123456", "OC123456", ""),
        ("sc 123456", "SC123456", "read 'sc 123456' as 'SC123456'"),
        ("0123 4567", "01234567", "read '0123 4567' as '01234567'"),
        ("1123456", "1123456", ""),  # text: kept as typed (a charity number in England and Wales)
        ("NIC100002", "NIC100002", ""),
        (
            1234567.0,
            "01234567",
            "read the number 1234567 as the company number '01234567' "
            "(Excel drops leading zeros; if this is a charity number, type it as text)",
        ),
        (102498, "00102498", None),
        (12345678.0, "12345678", "read the number 12345678 as the company number '12345678'"),
    ],
)
def test_company_number(raw: object, value: str, note: str | None) -> None:
    read = read_company_number(raw)
    assert ok(read) == value
    if note is not None:
        assert read.note == note


@pytest.mark.parametrize(
    "raw", ["ABC", "SC12345", "XX123456", "123456789", "1234567.0", 1234567.5, -5.0, 0.0, 123456789.0, True, math.inf]
)
def test_not_company_number(raw: object) -> None:
    assert code(read_company_number(raw)) == "not-company-number"


# --- postcodes -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value", "note"),
    [
        ("L3 8EN", "L3 8EN", ""),
        ("l38en", "L3 8EN", "read 'l38en' as 'L3 8EN'"),
        ("  sw1a  1aa ", "SW1A 1AA", "read 'sw1a  1aa' as 'SW1A 1AA'"),
        ("EC1A 1BB", "EC1A 1BB", ""),
        ("W1A 0AX", "W1A 0AX", ""),
        ("M1 1AE", "M1 1AE", ""),
        ("B33 8TH", "B33 8TH", ""),
        ("CR2 6XH", "CR2 6XH", ""),
        ("DN55 1PT", "DN55 1PT", ""),
        ("GIR 0AA", "GIR 0AA", ""),
        ("BT1 5GS", "BT1 5GS", ""),
    ],
)
def test_postcode(raw: str, value: str, note: str) -> None:
    assert read_postcode(raw) == Read(value, None, note)


@pytest.mark.parametrize("raw", ["XYZ", "L3", "Q1 1AA", "L3 8CI", "LL3 8EN9", "12345", 12.0, True, "L3-8EN"])
def test_not_postcode(raw: object) -> None:
    assert code(read_postcode(raw)) == "not-postcode"
    assert read_postcode("XYZ").issue == issue(
        "not-postcode", '"XYZ" is not a UK postcode: type a postcode such as L3 8EN'
    )


# --- words -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "n"),
    [("", 0), ("   ", 0), ("one", 1), ("well-being matters", 2), ("one\ntwo\n\nthree", 3), ("a  b\tc\u00a0d", 4)],
)
def test_count_words(text: str, n: int) -> None:
    assert count_words(text) == n


# --- properties ------------------------------------------------------------------------------------------

READERS: list[tuple[str, Callable[[object], Read[Any]]]] = [
    *[(f"quantity[{u}]", lambda raw, u=u: read_quantity(raw, u)) for u in (*UNITS, "apprentice-day", "")],
    ("money", read_money),
    ("percent", read_percent),
    ("yes_no", read_yes_no),
    ("text", read_text),
    ("company_number", read_company_number),
    ("postcode", read_postcode),
]

numberish = st.text(alphabet="0123456789,. £$€%-−–+()eEkKmM/\u00a0\u202f\u200bweksFTEhoursGBPtCO2₂y", max_size=24)
anything = st.one_of(
    st.none(),
    st.text(),
    numberish,
    st.floats(),
    st.integers(),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
    st.decimals(),
    st.fractions(),
)


@settings(max_examples=400)
@given(raw=anything)
def test_never_raises_and_value_is_none_exactly_when_issue_or_blank(raw: object) -> None:
    for name, reader in READERS:
        read = reader(raw)
        assert isinstance(read, Read), name
        assert (read.value is None) == (read.issue is not None or is_blank(raw)), (name, raw, read)
        if read.issue is not None:
            assert read.issue.code in ISSUE_CODES, (name, read.issue)
            assert read.issue.reason, name
            assert not read.note
        if read.value is not None and not isinstance(read.value, (bool, str)):
            assert type(read.value) is float and math.isfinite(read.value), (name, raw, read)
    q = read_quantity(raw, "hour").value
    assert q is None or q >= 0
    m = read_money(raw).value
    assert m is None or m > 0
    p = read_percent(raw).value
    assert p is None or 0 <= p <= 100
    assert read_yes_no(raw).value in (None, True, False)


finite = st.floats(min_value=0, max_value=LARGEST, exclude_max=True, allow_nan=False, allow_infinity=False)


@given(x=st.floats(min_value=LARGEST, allow_infinity=False), as_text=st.booleans())
def test_numbers_of_16_digits_and_more_are_refused(x: float, as_text: bool) -> None:
    raw: object = f"{x:,}" if as_text else x
    assert code(read_quantity(raw, "hour")) == "not-finite"
    assert code(read_money(raw)) == "not-finite"


@given(x=finite)
def test_round_trip_with_thousands_separators(x: float) -> None:
    assert read_quantity(f"{x:,}", "hour").value == x


@given(x=finite.filter(lambda v: v > 0))
def test_round_trip_with_pound_sign(x: float) -> None:
    assert read_money(f"£{x:,}").value == x
    assert read_quantity(f"£{x:,}", "GBP").value == x
    assert read_money(f"{x:,} GBP").value == x


@given(
    x=finite,
    unit_word=st.sampled_from(
        [
            ("hour", "hours"),
            ("week", "weeks"),
            ("FTE-year", "FTE"),
            ("tCO2e", "tCO2e"),
            ("mile", "miles"),
            ("tonne", "t"),
        ]
    ),
)
def test_round_trip_with_unit_word(x: float, unit_word: tuple[str, str]) -> None:
    unit, word = unit_word
    assert read_quantity(f"{x:,} {word}", unit).value == x


@given(x=st.floats(min_value=0, max_value=1e12, allow_nan=False))
def test_round_trip_european_and_spaced_formats(x: float) -> None:
    uk = f"{x:,.2f}"
    expected = float(uk.replace(",", ""))
    european = uk.replace(",", "_").replace(".", ",").replace("_", ".")
    assert read_quantity(european, "hour").value == expected
    assert read_quantity(uk.replace(",", "\u202f"), "hour").value == expected


@given(x=st.floats(min_value=0, max_value=1e11, allow_nan=False), k=st.floats(min_value=1e-3, max_value=1e3))
def test_scaling(x: float, k: float) -> None:
    base = read_quantity(str(x), "hour").value
    scaled = read_quantity(str(k * x), "hour").value
    assert base is not None
    assert scaled is not None
    assert scaled == pytest.approx(k * base, rel=1e-12, abs=1e-300)


@given(n=st.integers(min_value=1, max_value=10**7), power=st.sampled_from([("k", 3), ("m", 6), ("bn", 9)]))
def test_money_shorthand_scales_exactly(n: int, power: tuple[str, int]) -> None:
    word, exp = power
    assert read_money(f"£{n / 100}{word}").value == pytest.approx(n / 100 * 10**exp, rel=1e-15)


# --- what python-calamine gives us (canaries: if these fail, calamine changed and the docs must too) -------


def _calamine_column(path: Path) -> list[object]:
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(path).get_sheet_by_name("S").to_python(skip_empty_area=False)
    return [row[0] if row else "" for row in rows]


def test_calamine_values_through_the_readers(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "values.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("S")
    ws.write_number(0, 0, 12.5)
    ws.write_number(1, 0, 1234567)
    ws.write_number(2, 0, 0.15, wb.add_format({"num_format": "0%"}))
    ws.write_boolean(3, 0, True)
    ws.write_datetime(4, 0, dt.datetime(2024, 1, 2), wb.add_format({"num_format": "dd/mm/yyyy"}))
    ws.write_string(5, 0, "£1,200")
    ws.write_string(6, 0, "#N/A")  # typed as text
    ws.write_formula(7, 0, "=X()", None, "#SPILL!")  # newer errors are stored as text results
    ws.write_formula(8, 0, "=1+1", None, 2)
    wb.close()
    col = _calamine_column(path)
    assert col[0] == 12.5
    assert read_company_number(col[1]).value == "01234567"
    assert read_percent(col[2]).value == 15.0
    assert code(read_quantity(col[3], "hour")) == "boolean-not-number"
    assert code(read_quantity(col[4], "hour")) == "date-not-number"
    assert read_money(col[5]).value == 1200.0
    assert code(read_quantity(col[6], "hour")) == "error-cell"
    assert code(read_quantity(col[7], "hour")) == "error-cell"
    assert read_quantity(col[8], "hour").value == 2.0


def test_calamine_reads_error_cells_as_blank(tmp_path: Path) -> None:
    """LIMITATION: #DIV/0!, #N/A, #VALUE!, #REF!, #NAME?, #NUM! and #NULL! results reach us as "".

    Only the workbook reader can tell them from blank cells (by the cell's type in the sheet XML);
    see docs/values.md. python-calamine issue #105 asks for error names instead of "".
    """
    import xlsxwriter

    path = tmp_path / "errors.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("S")
    for row, err in enumerate(["#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!"]):
        ws.write_formula(row, 0, "=1/0", None, err)
    ws.write_number(7, 0, 1)
    wb.close()
    col = _calamine_column(path)
    assert col[:7] == [""] * 7
    assert all(read_quantity(raw, "hour") == Read(None) for raw in col[:7])


def test_calamine_formulas_without_a_stored_value(tmp_path: Path) -> None:
    """LIMITATION: a formula saved without its result is "" (openpyxl) or 0.0 (XlsxWriter's default)."""
    import openpyxl
    import xlsxwriter

    path = tmp_path / "xw.xlsx"
    wb = xlsxwriter.Workbook(path)
    wb.add_worksheet("S").write_formula(0, 0, "=1/0")
    wb.close()
    assert _calamine_column(path) == [0.0]

    path = tmp_path / "opx.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "S"
    sheet["A1"] = "=1/0"
    sheet["A2"] = 5
    book.save(path)
    assert _calamine_column(path) == ["", 5.0]


# --- spend files: signed amounts and dates (docs/values.md, "Amounts in spend files" and "Dates") ---------


@pytest.mark.parametrize(
    ("raw", "value", "note"),
    [
        (1200.5, 1200.5, ""),
        (-75.0, -75.0, ""),
        ("1234.56", 1234.56, ""),
        ("-12.50", -12.5, ""),
        ("£1,200.00", 1200.0, "read '£1,200.00' as 1200 (removed £; commas between thousands)"),
        ("(1,200)", -1200.0, "read '(1,200)' as -1200 (commas between thousands; brackets mean minus: a credit)"),
        (
            "(£1,200.50)",
            -1200.5,
            "read '(£1,200.50)' as -1200.5 (removed £; commas between thousands; brackets mean minus: a credit)",
        ),
        ("-£5", -5.0, "read '-£5' as -5 (removed £)"),
        ("£-5", -5.0, "read '£-5' as -5 (removed £)"),
        ("1241,32", 1241.32, "read '1241,32' as 1241.32 (decimal comma)"),
        (0.0, 0.0, ""),
        ("0", 0.0, ""),
    ],
)
def test_read_amount(raw: object, value: float, note: str) -> None:
    got = read_amount(raw)
    assert (got.value, got.issue, got.note) == (value, None, note)


@pytest.mark.parametrize(
    ("raw", "code"),
    [("TBC", "not-a-number"), ("(abc)", "not-a-number"), ("1,200 CR", "not-a-number"), ("15%", "percent-not-quantity")],
)
def test_read_amount_issues(raw: str, code: str) -> None:
    got = read_amount(raw)
    assert got.value is None and got.issue is not None and got.issue.code == code


@pytest.mark.parametrize(
    ("raw", "value", "note"),
    [
        (dt.date(2024, 7, 31), dt.date(2024, 7, 31), ""),
        (dt.datetime(2024, 7, 31), dt.date(2024, 7, 31), ""),
        (
            dt.datetime(2024, 7, 31, 10, 5),
            dt.date(2024, 7, 31),
            "read 2024-07-31 10:05 as 2024-07-31 (time of day dropped)",
        ),
        (45504.0, dt.date(2024, 7, 31), "read the Excel date serial 45504 as 2024-07-31"),
        ("45504", dt.date(2024, 7, 31), "read the Excel date serial typed as text 45504 as 2024-07-31"),
        ("2024-07-31", dt.date(2024, 7, 31), ""),
        ("2024-07-31 00:00:00", dt.date(2024, 7, 31), "read '2024-07-31 00:00:00' as 2024-07-31"),
        ("31/07/2024", dt.date(2024, 7, 31), "read '31/07/2024' as 2024-07-31 (day first)"),
        ("31-07-2024", dt.date(2024, 7, 31), "read '31-07-2024' as 2024-07-31 (day first)"),
        ("31.07.2024", dt.date(2024, 7, 31), "read '31.07.2024' as 2024-07-31 (day first)"),
        ("31/07/24", dt.date(2024, 7, 31), "read '31/07/24' as 2024-07-31 (day first; two-digit year 24 read as 2024)"),
        ("31 Jul 2024", dt.date(2024, 7, 31), "read '31 Jul 2024' as 2024-07-31"),
        ("31-JUL-24", dt.date(2024, 7, 31), "read '31-JUL-24' as 2024-07-31 (two-digit year 24 read as 2024)"),
        ("1st March 2023", dt.date(2023, 3, 1), "read '1st March 2023' as 2023-03-01"),
        ("", None, ""),
    ],
)
def test_read_date(raw: object, value: dt.date | None, note: str) -> None:
    got = read_date(raw)
    assert (got.value, got.issue, got.note) == (value, None, note)


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("07/31/2024", "there is no month 31: dates are read day first"),
        ("31/02/2024", "there is no such day"),
        (5.0, "outside 1950 to 2099"),
        ("12345", "outside 1950 to 2099"),
        (True, "yes/no"),
        ("hello", "is not a date"),
        ("31 Foo 2024", "'Foo' is not a month"),
    ],
)
def test_read_date_refuses(raw: object, why: str) -> None:
    got = read_date(raw)
    assert got.value is None and got.issue is not None and got.issue.kind is NOT_A_DATE
    assert why in got.issue.reason


@given(st.one_of(st.none(), st.text(max_size=30), st.floats(allow_nan=True), st.integers(), st.booleans(), st.dates()))
@settings(deadline=None)
def test_spend_readers_never_raise(raw: object) -> None:
    for reader in (read_amount, read_date):
        got = reader(raw)
        assert (got.value is None) or got.issue is None


def test_the_format_characters_removed_are_those_of_this_pythons_unicode_tables() -> None:
    """values._FORMAT_CHARACTERS lists the Cf characters (a regex, for speed): a newer Unicode that adds one fails here."""
    import sys
    import unicodedata

    from socialvalue.intake.values.common import _FORMAT_CHARACTERS

    for cp in range(sys.maxunicode + 1):
        c = chr(cp)
        if unicodedata.category(c) == "Cf":
            assert _FORMAT_CHARACTERS.fullmatch(c), f"U+{cp:04X} is a format character: add it"
        elif _FORMAT_CHARACTERS.fullmatch(c):
            assert unicodedata.category(c) == "Cn", f"U+{cp:04X} is not a format character"  # unassigned yet
