"""Each scoring method as one object: its points in Python, the Excel formula the results show, and its words.

A rubric chooses a method by its ``method`` literal (the rubric's discriminated unions stay the format people
write); :func:`price_rule` and :func:`sv_rule` give the object for it from a registry keyed by that literal.
The engine asks the object for points, the results workbook for its formula and named parameters, the Method
sheet and the letters for its words: none of them re-derives a method.

Adding a method: its model in ``socialvalue/rubric/models.py`` (added to the union there), one class here
subclassing :class:`PriceRule` or :class:`SvRule` (it registers itself), and its variants; tests/test_methods.py
then recalculates each variant's formula with the ``formulas`` package and with LibreOffice.
"""

from .base import Named, Rule, method_literal
from .price import PRICE_RULES, PriceCells, PriceRule, price_rule
from .social_value import SV_RULES, SvRule, sv_rule

__all__ = [
    "PRICE_RULES",
    "SV_RULES",
    "Named",
    "PriceCells",
    "PriceRule",
    "Rule",
    "SvRule",
    "method_literal",
    "price_rule",
    "sv_rule",
]
