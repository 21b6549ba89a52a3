"""The rows set aside (every row not counted as a placed payment), kept as columns.

A big run sets aside hundreds of thousands of rows (credits, withheld and unknown suppliers, unreadable
amounts). Nothing is built row by row unless asked: :meth:`SetAsideRows.write_csv` writes the listing from the
columns (the workbook names the file), and iterating gives :class:`SetAside` tuples.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from socialvalue.output.safe import csv_text

if TYPE_CHECKING:
    import numpy.typing as npt


class SetAside(NamedTuple):
    """One row not counted as a local or not-local payment, as found."""

    file: str
    sheet: str
    row: int
    organisation: str
    date: str
    supplier: str
    amount: float | None
    raw_amount: str
    kind: str
    category: str


HEADINGS = (
    "File", "Sheet", "Row or line", "Organisation", "Date", "Supplier", "Amount £", "Amount as written", "Kind",
    "Category",
)  # fmt: skip
"""Column headings of the listing, in :class:`SetAside` order."""


@dataclass
class Coded:
    """A text column as codes into its distinct values (the same few thousand names repeat down the rows)."""

    codes: npt.NDArray[Any]
    values: Sequence[str]

    def column(self, clean: bool = False) -> list[Any]:
        import numpy as np

        values = [csv_text(v) for v in self.values] if clean else list(self.values)
        return list(np.array(values, dtype=object)[self.codes]) if len(self.codes) else []


def _safe(values: list[str]) -> list[str]:
    """:func:`csv_text` of each value, worked out once per distinct value (dates and amounts repeat)."""
    done: dict[str, str] = {}
    return [done[v] if v in done else done.setdefault(v, csv_text(v)) for v in values]


@dataclass
class SetAsideRows:
    """The set-aside rows as columns, in file order: :class:`Coded` text, and arrays of rows and amounts."""

    file: Coded | None = None
    sheet: Coded | None = None
    row: npt.NDArray[Any] | None = None
    organisation: Coded | None = None
    date: list[str] = field(default_factory=list)
    supplier: Coded | None = None
    amount: npt.NDArray[Any] | None = None
    """NaN where there is no amount (blank rows, unreadable amounts)."""
    raw_amount: list[str] = field(default_factory=list)
    kind: Coded | None = None
    category: Coded | None = None

    def __len__(self) -> int:
        return 0 if self.row is None else len(self.row)

    def _columns(self, clean: bool) -> list[list[Any]]:
        import math

        if self.row is None:
            return [[] for _ in HEADINGS]
        coded = [self.file, self.sheet, self.organisation, self.supplier, self.kind, self.category]
        assert all(c is not None for c in coded) and self.amount is not None
        file, sheet, org, supplier, kind, category = (c.column(clean) for c in coded if c is not None)
        amount = [None if math.isnan(a) else a for a in self.amount.tolist()]
        dates = _safe(self.date) if clean else self.date
        raw = _safe(self.raw_amount) if clean else self.raw_amount
        return [file, sheet, self.row.tolist(), org, dates, supplier, amount, raw, kind, category]

    def __iter__(self) -> Iterator[SetAside]:
        return (SetAside(*values) for values in zip(*self._columns(False), strict=True))

    def counts(self) -> Counter[tuple[str, str]]:
        """Rows per (kind, category)."""
        if self.kind is None or self.category is None:
            return Counter()
        pairs = zip(self.kind.column(), self.category.column(), strict=True)
        return Counter(pairs)

    def write_csv(self, path: Path) -> None:
        """Write the listing as CSV (UTF-8 with a BOM, so Excel shows £ and accents), text made formula-safe."""
        with path.open("w", newline="", encoding="utf-8-sig") as fh:
            writer = csv.writer(fh)
            writer.writerow(HEADINGS)
            writer.writerows(zip(*self._columns(True), strict=True))
