"""Quarters: the period every commitment is phased over and every return reports on.

A period is a calendar quarter written ``2026Q3`` (July to September 2026). Stored as that text
plus ``year``, ``quarter`` and ``index`` (``year * 4 + quarter - 1``), a sortable integer, so a
database can compare and group periods without parsing text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_PERIOD = re.compile(r"^\s*(\d{4})\s*-?\s*Q([1-4])\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """One calendar quarter; ordered by time."""

    index: int
    """``year * 4 + quarter - 1``: consecutive quarters differ by 1."""

    @classmethod
    def of(cls, year: int, quarter: int) -> Period:
        if not 1 <= quarter <= 4:
            raise ValueError(f"quarter {quarter} is not 1 to 4")
        return cls(year * 4 + quarter - 1)

    @classmethod
    def parse(cls, text: str) -> Period | None:
        """``2026Q3`` (also ``2026-Q3``, ``2026 q3``) to a period; None when it is not one."""
        found = _PERIOD.match(text)
        if not found or not 1990 <= int(found[1]) <= 2100:
            return None
        return cls.of(int(found[1]), int(found[2]))

    @classmethod
    def containing(cls, day: date) -> Period:
        return cls.of(day.year, (day.month - 1) // 3 + 1)

    @property
    def year(self) -> int:
        return self.index // 4

    @property
    def quarter(self) -> int:
        return self.index % 4 + 1

    @property
    def key(self) -> str:
        """``2026Q3``."""
        return f"{self.year}Q{self.quarter}"

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.quarter - 2, 1)

    @property
    def end(self) -> date:
        """The last day of the quarter."""
        return (self + 1).start - timedelta(days=1)

    @property
    def label(self) -> str:
        """``July to September 2026``."""
        months = ("January to March", "April to June", "July to September", "October to December")
        return f"{months[self.quarter - 1]} {self.year}"

    def __add__(self, quarters: int) -> Period:
        return Period(self.index + quarters)

    def __sub__(self, quarters: int) -> Period:
        return Period(self.index - quarters)

    def __str__(self) -> str:
        return self.key


def quarters_between(start: date, end: date) -> list[Period]:
    """Every quarter that ``start`` to ``end`` (inclusive) touches, in order; empty when end is before start."""
    if end < start:
        return []
    first, last = Period.containing(start), Period.containing(end)
    return [Period(i) for i in range(first.index, last.index + 1)]
