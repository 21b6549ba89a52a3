"""The words a number may carry: units of measure and their aliases, currencies, percent signs, multipliers.

Data more than logic: which words name each unit a measure may be counted in (``FTE-years``, ``hours``,
``tCO2e`` ...), which are currencies, and the vocabulary that marks a unit as *some* unit (so that
``12 hours`` against a measure in weeks is a wrong unit, not a word). docs/values.md lists them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

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
