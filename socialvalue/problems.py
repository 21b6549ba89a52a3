"""Problems are data: one typed record per thing that went wrong, with where and why.

Every step of the pipeline returns what it could do plus a list of :class:`Problem`;
nothing is swallowed and nothing raises for bad *input* (only programming errors raise).

Each kind of problem is a registered :class:`ProblemCode`: a stable code, its usual severity and a
plain-English message template. Parts declare their codes once (``NOT_A_NUMBER = define(...)``) and
make problems from them (``NOT_A_NUMBER.at(cell, file=..., raw=..., shown="12 FTE")``), so other parts
match on the code, never on wording. A cell travels as a :class:`CellRef`, never as ``"Sheet!A1"``
text to be split again.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, PlainSerializer, PlainValidator, ValidationInfo, model_validator


class Severity(StrEnum):
    """How much a problem matters to the result."""

    ERROR = "error"  # the input could not be used as given; the result is affected
    WARNING = "warning"  # read, but someone should look (e.g. a changed locked cell)
    INFO = "info"  # worth recording (e.g. a macro-enabled workbook read as values only)


def column_letters(index: int) -> str:
    """Spreadsheet column letters for a 0-based index: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


_A1 = re.compile(r"^(?:(?P<sheet>.+)!)?\$?(?P<col>[A-Za-z]{1,3})\$?(?P<row>\d{1,7})$", re.S)


@dataclass(frozen=True, slots=True, order=True)
class CellRef:
    """One cell of one sheet: ``row`` 1-based as Excel shows it, ``col`` 0-based as the layout's columns."""

    sheet: str
    row: int
    col: int

    @property
    def a1(self) -> str:
        """``E14``."""
        return f"{column_letters(self.col)}{self.row}"

    def __str__(self) -> str:
        """``Commitments!E14`` (the sheet name quoted as Excel would where it has spaces or quotes)."""
        return f"{quote_sheet(self.sheet)}!{self.a1}" if self.sheet else self.a1

    @property
    def text(self) -> str:
        """``Method statements!E5``: how records, the JSON export and the Readings sheet write a reference
        (the sheet name never quoted; :meth:`parse` reads it back)."""
        return f"{self.sheet}!{self.a1}" if self.sheet else self.a1

    def __reduce__(self) -> tuple[type[CellRef], tuple[str, int, int]]:
        return CellRef, (self.sheet, self.row, self.col)

    @classmethod
    def parse(cls, text: str) -> CellRef | None:
        """``Commitments!E14`` or ``'Method statements'!E5`` back to a reference; None when it is not one."""
        found = _A1.match(text.strip())
        if not found:
            return None
        sheet = found["sheet"] or ""
        if len(sheet) >= 2 and sheet[0] == sheet[-1] == "'":
            sheet = sheet[1:-1].replace("''", "'")
        col = 0
        for ch in found["col"].upper():
            col = col * 26 + ord(ch) - 64
        return cls(sheet, int(found["row"]), col - 1)


def _cell_in(value: object) -> CellRef | None:
    if value is None or isinstance(value, CellRef):
        return value
    if isinstance(value, str):
        if not value:
            return None
        ref = CellRef.parse(value)
        if ref is not None:
            return ref
    raise ValueError(f"not a cell reference: {shorten(value)!r}")


def cell_text(ref: CellRef | None) -> str:
    """``Commitments!E14`` (:attr:`CellRef.text`), or ``""`` for no cell."""
    return ref.text if ref is not None else ""


Cell = Annotated[
    CellRef | None,
    PlainValidator(_cell_in, json_schema_input_type=str),
    PlainSerializer(cell_text, return_type=str),
]
"""A field holding the cell a value came from (None when it has none). Models and records hold the
:class:`CellRef`; their dumps and the JSON export hold its text (``Commitments!E14``, ``""`` for none), and
loading reads that text back."""


def quote_sheet(name: str) -> str:
    """A sheet name as a formula or reference writes it: ``Commitments`` or ``'Method statements'``."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", name):
        return name
    return "'" + name.replace("'", "''") + "'"


class UnregisteredCode(LookupError):
    """A problem was made with a code no part declared (:func:`define`): a programming error (raised as it is, not
    turned into a validation error)."""


_READ_BACK = "problems-read-back"
READ_BACK: dict[str, bool] = {_READ_BACK: True}
"""Validation context for records read back from a file (``TenderResult.model_validate(data, context=READ_BACK)``):
their problems are data, made by this or another version, and their codes are not refused."""


class Problem(BaseModel):
    """One problem, located as precisely as the input allows.

    Made from its :class:`ProblemCode` (``NOT_A_NUMBER.at(cell, ...)``); making one directly with a code no
    part declared raises :class:`UnregisteredCode`. Problems read back from a file (validated with
    ``context=READ_BACK``, e.g. a results JSON from another version) are data, and are not refused.
    """

    model_config = ConfigDict(frozen=True)

    code: str
    """Stable machine-readable code, e.g. ``not-a-number`` or ``zip-bomb`` (see :func:`registered`)."""
    reason: str
    """Plain-English explanation an officer can act on."""
    severity: Severity = Severity.ERROR
    file: str = ""
    sheet: str = ""
    cell: str = ""
    """A1-style cell (``E14``), a range (``A4:B6``) or rows (``14:14``) on ``sheet``."""
    line: int | None = None
    field: str = ""
    raw: str = ""
    """The raw value as found (already shortened for display)."""

    @model_validator(mode="after")
    def _registered(self, info: ValidationInfo) -> Problem:
        if self.code not in _REGISTRY and not (info.context or {}).get(_READ_BACK):
            raise UnregisteredCode(
                f"problem code {self.code!r} is not registered: declare it with define() where the part that "
                "reports it lives"
            )
        return self

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

    @property
    def kind(self) -> ProblemCode | None:
        """The registered definition of this problem's code (None only for one read back from a file)."""
        return _REGISTRY.get(self.code)

    def is_(self, kind: ProblemCode) -> bool:
        """True when this problem is of ``kind`` (match on the code, never on the wording)."""
        return self.code == kind.code

    @property
    def ref(self) -> CellRef | None:
        """The single cell this problem is about, when it is about one cell."""
        return CellRef.parse(f"{quote_sheet(self.sheet)}!{self.cell}") if self.sheet and self.cell else None

    def __str__(self) -> str:
        loc = self.location
        return f"{loc}: {self.reason}" if loc else self.reason


@dataclass(frozen=True, slots=True)
class ProblemCode:
    """A kind of problem: its stable code, usual severity and a plain-English template with ``{named}`` fields."""

    code: str
    severity: Severity
    template: str
    part: str = field(default="", compare=False)
    """The module that declared it (the part that reports it), for docs/problem-codes.md."""

    def __str__(self) -> str:
        return self.code

    def __call__(
        self,
        *,
        file: str = "",
        sheet: str = "",
        cell: str = "",
        line: int | None = None,
        field: str = "",
        raw: object = "",
        severity: Severity | None = None,
        reason: str | None = None,
        **fields: Any,
    ) -> Problem:
        """A problem of this kind; ``reason`` is the template filled with ``fields`` unless given outright."""
        return Problem(
            code=self.code,
            reason=reason if reason is not None else self.template.format(**fields),
            severity=severity or self.severity,
            file=file,
            sheet=sheet,
            cell=cell,
            line=line,
            field=field,
            raw=shorten(raw) if raw not in ("", None) else "",
        )

    def at(self, ref: CellRef | None, *, file: str = "", **kwargs: Any) -> Problem:
        """A problem of this kind about one cell (or, with ``ref`` None, about no particular cell)."""
        if ref is None:
            return self(file=file, **kwargs)
        return self(file=file, sheet=ref.sheet, cell=ref.a1, **kwargs)


_REGISTRY: dict[str, ProblemCode] = {}


def define(code: str, severity: Severity, template: str) -> ProblemCode:
    """Register a problem code once, where the part that reports it lives; a second, different definition is a bug."""
    made = ProblemCode(code, severity, template, sys._getframe(1).f_globals.get("__name__", ""))
    known = _REGISTRY.setdefault(code, made)
    if known != made:
        raise ValueError(f"problem code {code!r} is defined twice, differently")
    return made


def registered(code: str) -> ProblemCode | None:
    """The registered definition of ``code``, if any part defined it."""
    return _REGISTRY.get(code)


def all_codes() -> list[ProblemCode]:
    """Every code registered so far, sorted (import the parts first to see them all)."""
    return sorted(_REGISTRY.values(), key=lambda c: c.code)


def shorten(value: object, limit: int = 80) -> str:
    """A raw value as a short single-line string for messages."""
    text = str(value).replace("\r", " ").replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"
