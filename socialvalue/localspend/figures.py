"""The local-spend figures, worked out once from the spend table, for both the workbook and the HTML page.

:func:`figures` adds up :attr:`.LocalSpendResult.spend` per kind and category, and per organisation, place,
supplier type and month. The workbook (:mod:`.writer`) writes each figure as a formula with the value worked out
here; the HTML page (:mod:`.report`) prints the same values, so the two never disagree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from .models import CATEGORY_MEANING, KIND_MEANING, Category, EmploymentCell, Kind, LocalSpendResult


@dataclass
class Sums:
    """What the spend table adds up to, per key: ("kc", kind, category), ("org", code, kind[, category]), ...,
    ("all", kind)."""

    rows: dict[tuple[str, ...], float]
    amount: dict[tuple[str, ...], float]

    def get(self, *key: str) -> tuple[float, float]:
        """(rows, £ rounded to the penny) for one key."""
        return self.rows.get(key, 0), round(self.amount.get(key, 0.0), 2)


def sums(result: LocalSpendResult) -> Sums:
    rows: dict[tuple[str, ...], float] = defaultdict(float)
    amount: dict[tuple[str, ...], float] = defaultdict(float)
    for ln in result.spend:
        for key in (
            ("kc", ln.kind, ln.category), ("org", ln.organisation, ln.kind, ln.category), ("org", ln.organisation, ln.kind),
            ("place", ln.place, ln.kind, ln.category), ("place", ln.place, ln.kind),
            ("type", ln.supplier_type, ln.kind, ln.category), ("type", ln.supplier_type, ln.kind),
            ("month", ln.month, ln.kind, ln.category), ("month", ln.month, ln.kind), ("all", ln.kind),
        ):  # fmt: skip
            rows[key] += ln.rows
            amount[key] += ln.amount_gbp
    return Sums(rows, amount)


def share(local: float, not_local: float) -> float | None:
    """Local ÷ (local + not local): the local share of placed payments (None when nothing was placed)."""
    return local / (local + not_local) if local + not_local else None


@dataclass(frozen=True)
class ShareRow:
    """One row of a breakdown: payments by where their supplier was placed, and credits apart."""

    key: str
    """The organisation code, place code, supplier type or month ('' when not known)."""
    name: str
    local: float
    not_local: float
    not_placed: float
    credits: float
    paid: float
    """All payments (local + not local + not placed)."""

    @property
    def share(self) -> float | None:
        return share(self.local, self.not_local)

    @property
    def coverage(self) -> float | None:
        """Placed ÷ all payments."""
        return (self.local + self.not_local) / self.paid if self.paid else None


@dataclass(frozen=True)
class Breakdown:
    """Local spend by one dimension: the workbook's sheet ``sheet`` and a section of the HTML page."""

    sheet: str
    key: str
    """The spend table's column (``org``, ``place``, ``type``, ``month``): the Lines sheet's named range L_<key>."""
    label: str
    blank: str
    """What an empty key is shown as."""
    rows: list[ShareRow]
    chart: bool = False
    """The workbook draws a chart of this one (the HTML page charts every breakdown)."""

    def totals(self) -> tuple[float, float, float, float]:
        """(local, not local, not placed, credits), each rounded to the penny."""
        return (
            round(sum(r.local for r in self.rows), 2),
            round(sum(r.not_local for r in self.rows), 2),
            round(sum(r.not_placed for r in self.rows), 2),
            round(sum(r.credits for r in self.rows), 2),
        )


def _breakdown(s: Sums, sheet: str, key: str, label: str, keys: list[str], name: Callable[[str], str],
               blank: str = "unknown", chart: bool = False) -> Breakdown:  # fmt: skip
    rows = []
    for k in keys:
        local = s.get(key, k, Kind.PAYMENT, Category.LOCAL)[1]
        not_local = s.get(key, k, Kind.PAYMENT, Category.NOT_LOCAL)[1]
        paid = s.get(key, k, Kind.PAYMENT)[1]
        credits = s.get(key, k, Kind.CREDIT)[1]
        rows.append(ShareRow(k, name(k), local, not_local, round(paid - local - not_local, 2), credits, paid))
    return Breakdown(sheet, key, label, blank, rows, chart)


@dataclass(frozen=True)
class Went:
    """Where some rows went: one (kind, category) pair of the Summary sheet's table."""

    kind: str
    category: str
    meaning: str
    rows: float
    amount: float
    share_of_paid: float | None
    """Of all payments' £ (payments only)."""


@dataclass
class Figures:
    """Every figure the workbook's Summary and breakdown sheets show, and the HTML page too."""

    sums: Sums
    total: ShareRow
    """All payments: local, not local, not placed, credits, the local share and the coverage."""
    went: list[Went]
    breakdowns: list[Breakdown]

    @property
    def rows_counted(self) -> float:
        return sum(w.rows for w in self.went)

    def breakdown(self, key: str) -> Breakdown:
        return next(b for b in self.breakdowns if b.key == key)


def figures(result: LocalSpendResult) -> Figures:
    s = sums(result)
    area = result.local_area
    paid = s.get("all", Kind.PAYMENT)[1]
    pairs = sorted(
        {(ln.kind.value, ln.category.value) for ln in result.spend},
        key=lambda kc: (list(Kind).index(Kind(kc[0])), list(Category).index(Category(kc[1]))),
    )
    went = []
    for kind, cat in pairs:
        n, amount = s.get("kc", kind, cat)
        meaning = (
            CATEGORY_MEANING[Category(cat)]
            if kind in (Kind.PAYMENT, Kind.CREDIT, Kind.ZERO)
            else KIND_MEANING[Kind(kind)]
        )
        went.append(
            Went(kind, cat, meaning, n, amount, (amount / paid if paid else None) if kind == Kind.PAYMENT else None)
        )
    orgs: dict[str, str] = {}
    for c in result.spend:
        orgs.setdefault(c.organisation, c.organisation_name)
    months = sorted({c.month for c in result.spend}, key=lambda m: (m == "", m))
    breakdowns = [
        _breakdown(s, "By organisation", "org", "organisation", sorted(orgs), lambda k: orgs.get(k, "")),
        _breakdown(s, "By place", "place", "place", sorted({c.place for c in result.spend}),
                   lambda k: area.get(k, "") if k else "footprint-wide, or not known", blank="(none)"),
        _breakdown(s, "By supplier type", "type", "supplier type", sorted({c.supplier_type for c in result.spend}),
                   lambda k: ""),
        _breakdown(s, "By month", "month", "month", months, lambda k: "", chart=True),
    ]  # fmt: skip
    local = s.get("kc", Kind.PAYMENT, Category.LOCAL)[1]
    not_local = s.get("kc", Kind.PAYMENT, Category.NOT_LOCAL)[1]
    credits = s.get("all", Kind.CREDIT)[1]
    total = ShareRow("", "all payments", local, not_local, round(paid - local - not_local, 2), credits, paid)
    return Figures(sums=s, total=total, went=went, breakdowns=breakdowns)


def headcount_shown(cell: EmploymentCell, threshold: int) -> int | str | None:
    """A staff count as every output shows it: the count, or ``<5`` (the threshold) when suppressed."""
    if cell.suppressed:
        return f"<{threshold}" if cell.headcount is None else cell.headcount
    return cell.headcount


def fte_shown(cell: EmploymentCell) -> float | str:
    """An FTE as every output shows it: the FTE, ``suppressed``, or ``no FTE given``."""
    if cell.suppressed:
        return "suppressed"
    return cell.fte if cell.fte is not None else "no FTE given"
