"""Problems are data: one typed record per thing that went wrong, with where and why.

Every step of the pipeline returns what it could do plus a list of :class:`Problem`;
nothing is swallowed and nothing raises for bad *input* (only programming errors raise).
"""

from __future__ import annotations

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
