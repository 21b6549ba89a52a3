"""Flags on a bid's row: typed values (a kind and its data), put into words here and nowhere else.

A flag marks something an officer must look at before award without changing a score: an abnormally low
price, a tie, input errors, look-alike suppliers, commitments the plausibility guard did not count, a
template that is not the one issued. Outputs choose flags by :class:`FlagKind`, never by their wording; the
words (:attr:`Flag.text`) are made from the data by each kind's :meth:`words`. The JSON export carries each
flag's kind, data and words, so a reader of the JSON (the evaluation report) has the kind too.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

from socialvalue.shown import money


class FlagKind(StrEnum):
    """What a flag is about, in the order a bid's flags are shown."""

    INPUT_ERRORS = "input-errors"
    NOT_COUNTED = "not-counted"
    TEMPLATE = "template-record"
    MACRO_ENABLED = "macro-enabled"
    LOOK_ALIKE = "look-alike"
    LOW_PRICE = "abnormally-low-price"
    TIE = "tie-not-broken"
    TIE_BROKEN = "tie-broken"

    @property
    def order(self) -> int:
        return _ORDER[self]


_ORDER = {kind: i for i, kind in enumerate(FlagKind)}
TIES = frozenset({FlagKind.TIE, FlagKind.TIE_BROKEN})


class _Flag(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: FlagKind

    @model_validator(mode="before")
    @classmethod
    def _words_are_made_not_read(cls, data: Any) -> Any:
        """A flag read back from JSON drops its words: they are made again from the data."""
        if isinstance(data, dict) and "text" in data:
            data = {k: v for k, v in data.items() if k != "text"}
        return data

    @computed_field  # type: ignore[prop-decorator]
    @property
    def text(self) -> str:
        """The flag in words, as every output shows it."""
        return self.words()

    def words(self) -> str:
        raise NotImplementedError

    def __str__(self) -> str:
        return self.words()


class InputErrors(_Flag):
    kind: Literal[FlagKind.INPUT_ERRORS] = FlagKind.INPUT_ERRORS
    count: int

    def words(self) -> str:
        return f"{self.count} input error(s) in this bid: see Errors (those entries were not counted)"


class NotCounted(_Flag):
    """Commitments the plausibility guard did not count (their measure codes)."""

    kind: Literal[FlagKind.NOT_COUNTED] = FlagKind.NOT_COUNTED
    codes: list[str]

    def words(self) -> str:
        return (
            f"{len(self.codes)} commitment(s) not counted by the plausibility guard ({', '.join(self.codes)}): "
            "see Readings and Errors"
        )


class TemplateRecord(_Flag):
    """The workbook's record of its template does not match the template issued (the reader's note)."""

    kind: Literal[FlagKind.TEMPLATE] = FlagKind.TEMPLATE
    note: str

    def words(self) -> str:
        return f"template: {self.note}"


class MacroEnabled(_Flag):
    kind: Literal[FlagKind.MACRO_ENABLED] = FlagKind.MACRO_ENABLED

    def words(self) -> str:
        return "macro-enabled workbook: values read only"


class LookAlike(_Flag):
    """Another bid that looks like the same supplier, the same file or the same answers (flagged, not excluded)."""

    kind: Literal[FlagKind.LOOK_ALIKE] = FlagKind.LOOK_ALIKE
    other: str
    """The other bid's file."""
    sign: str
    """What they share, in words."""

    def words(self) -> str:
        return f"looks like {self.other}: {self.sign} (see Errors; flagged, not excluded)"


class LowPrice(_Flag):
    """A price abnormally far below the mean of the compared bids: investigate, never reject outright."""

    kind: Literal[FlagKind.LOW_PRICE] = FlagKind.LOW_PRICE
    price: float
    mean: float
    """The mean it is measured against: the other compared bids', or all compared bids' for one outside."""
    below_pct: float
    threshold_pct: float
    outside: str = ""
    """The status of a bid outside the comparison (its price changed no score); '' for a compared bid."""

    def words(self) -> str:
        outside = (
            f" (outside the comparison: this bid is {self.outside}, so its price changes no score)"
            if self.outside
            else ""
        )
        others = "the compared bids" if self.outside else "the other compared bids"
        return (
            f"abnormally low price{outside}: {money(self.price, pence=True)} is {self.below_pct:.0f}% below the "
            f"mean of {others} ({money(self.mean, pence=True)}; threshold {self.threshold_pct:g}%): investigate "
            "before award, do not reject outright"
        )


class Tie(_Flag):
    """Equal totals the published tie-break rules did not separate."""

    kind: Literal[FlagKind.TIE] = FlagKind.TIE
    others: list[str]
    """The suppliers tied with this bid."""
    rules: list[str]
    fallback: str
    """What decides it then, in words (the rubric's published final tie-break, or that there is none)."""

    def words(self) -> str:
        return (
            f"tie with {', '.join(self.others)} not broken by the tie-break rules ({', then '.join(self.rules)}). "
            f"{self.fallback}"
        )


class TieBroken(_Flag):
    """Equal totals, placed by the published tie-break rules."""

    kind: Literal[FlagKind.TIE_BROKEN] = FlagKind.TIE_BROKEN
    others: list[str]
    rules: list[str]

    def words(self) -> str:
        return f"equal total with {', '.join(self.others)}: placed by the tie-break ({', then '.join(self.rules)})"


Flag = Annotated[
    InputErrors | NotCounted | TemplateRecord | MacroEnabled | LookAlike | LowPrice | Tie | TieBroken,
    Field(discriminator="kind"),
]


def in_order(flags: list[Flag]) -> list[Flag]:
    """``flags`` in the order they are shown (by kind; the same kind in the order raised)."""
    return sorted(flags, key=lambda f: f.kind.order)
