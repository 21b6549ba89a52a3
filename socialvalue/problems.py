"""Problems are data: one typed record per thing that went wrong, with where and why.

Every step of the pipeline returns what it could do plus a list of :class:`Problem`;
nothing is swallowed and nothing raises for bad *input* (only programming errors raise).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Severity(StrEnum):
    """How much a problem matters to the result."""

    ERROR = "error"  # the input could not be used as given; the result is affected
    WARNING = "warning"  # read, but someone should look (e.g. a changed locked cell)
    INFO = "info"  # worth recording (e.g. a macro-enabled workbook read as values only)


class Problem(BaseModel):
    """One problem, located as precisely as the input allows."""

    model_config = ConfigDict(frozen=True)

    code: str
    """Stable machine-readable code, e.g. ``not-a-number`` or ``zip-bomb``."""
    reason: str
    """Plain-English explanation an officer can act on."""
    severity: Severity = Severity.ERROR
    file: str = ""
    sheet: str = ""
    cell: str = ""
    line: int | None = None
    field: str = ""
    raw: str = ""
    """The raw value as found (already shortened for display)."""

    @property
    def location(self) -> str:
        """``acme.xlsx Commitments!D14`` or ``rubric.yaml:12 (criteria.0.weight)``."""
        where = self.file
        if self.sheet or self.cell:
            where += f" {self.sheet}!{self.cell}" if self.cell else f" {self.sheet}"
        if self.line is not None:
            where += f":{self.line}"
        if self.field:
            where += f" ({self.field})"
        return where.strip()

    def __str__(self) -> str:
        loc = self.location
        return f"{loc}: {self.reason}" if loc else self.reason


def shorten(value: object, limit: int = 80) -> str:
    """A raw value as a short single-line string for messages."""
    text = str(value).replace("\r", " ").replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Problems:
    """An ordered collection of problems with helpers to add and summarise."""

    def __init__(self, items: Iterable[Problem] = ()) -> None:
        self._items: list[Problem] = list(items)

    def add(self, problem: Problem) -> None:
        self._items.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        self._items.extend(problems)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self._items if p.severity is Severity.ERROR]

    @property
    def has_errors(self) -> bool:
        return any(p.severity is Severity.ERROR for p in self._items)

    def by_file(self) -> dict[str, list[Problem]]:
        grouped: dict[str, list[Problem]] = {}
        for p in self._items:
            grouped.setdefault(p.file, []).append(p)
        return grouped

    def summary(self) -> str:
        """``3 errors, 1 warning`` (empty string when there are none)."""
        counts = Counter(p.severity for p in self._items)
        parts = []
        for sev in Severity:
            n = counts.get(sev, 0)
            if n:
                parts.append(f"{n} {sev.value}{'s' if n != 1 else ''}")
        return ", ".join(parts)

    def as_list(self) -> list[Problem]:
        return list(self._items)
