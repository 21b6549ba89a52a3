"""How figures are written in words, the same in every output: money, points, quantities, percentages.

Workbooks show numbers with number formats (:data:`MONEY_FORMAT` …); text (flags, letters, the evaluation
report, the Decision's sentences, HTML reports) uses these functions.
"""

from __future__ import annotations

NONE = "—"
"""What is shown where there is no figure."""

MONEY_FORMAT = "£#,##0.00"
"""Excel number formats of the results and other generated workbooks."""
QUANTITY_FORMAT = "#,##0.##"
POINTS_FORMAT = "0.00"


def money(value: float | None, pence: bool = False) -> str:
    """``£1,234`` (``£1,234.50`` with ``pence``); ``-£1,234`` below zero; :data:`NONE` for none."""
    if value is None:
        return NONE
    amount = f"{abs(value):,.2f}" if pence else f"{abs(value):,.0f}"
    return f"-£{amount}" if value < 0 and amount.strip("0.,") else f"£{amount}"


def points(value: float | None) -> str:
    """Points to two decimals: ``32.00``; :data:`NONE` for none."""
    return NONE if value is None else f"{value:.2f}"


def quantity(value: float | None) -> str:
    """A quantity with thousands separators and at most two decimals, no trailing zeros: ``1,234.5``."""
    if value is None:
        return NONE
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")
