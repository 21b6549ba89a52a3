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

The modules, by job: :mod:`.common` (issue codes, :class:`Read`, cleaning and quoting a raw value),
:mod:`.units` (the words a number may carry: units, currencies, multipliers), :mod:`.numbers` (the number
grammar; quantities, money, percentages), :mod:`.text` (answers, Yes/No, company numbers, postcodes, codes)
and :mod:`.spend` (signed amounts and payment dates of spend files).
"""

from socialvalue.bid import LARGEST

from .common import (
    AMBIGUOUS_NUMBER,
    AMBIGUOUS_PERCENT,
    BOOLEAN_NOT_NUMBER,
    DATE_NOT_NUMBER,
    ERROR_CELL,
    FORMULA_NO_VALUE,
    ISSUE_CODES,
    ISSUE_KINDS,
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
    Read,
    ValueIssue,
    is_blank,
)
from .numbers import read_money, read_percent, read_quantity
from .spend import read_amount, read_date
from .text import count_words, read_code, read_company_number, read_postcode, read_text, read_yes_no

__all__ = [
    "AMBIGUOUS_NUMBER",
    "AMBIGUOUS_PERCENT",
    "BOOLEAN_NOT_NUMBER",
    "DATE_NOT_NUMBER",
    "ERROR_CELL",
    "FORMULA_NO_VALUE",
    "ISSUE_CODES",
    "ISSUE_KINDS",
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
