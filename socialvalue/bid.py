"""What a bid says, once read: the model that intake builds and scoring consumes.

Every value keeps the cell it came from, so a score can be traced back to the supplier's input.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from socialvalue.problems import Cell
from socialvalue.records import record

LARGEST = 1e15
"""No quantity or price from here up is read or counted: a spreadsheet holds only 15 significant digits, so
such a number was not typed as meant, and multiplied by £ per unit it is how a total becomes infinite.
The reader refuses it (``not-finite``, :mod:`socialvalue.intake.values`); the scoring guard
(:mod:`socialvalue.scoring.plausible`) never counts it, whoever built the bid."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


@record
class Commitment:
    """A quantity the bidder commits to for one measure (None when blank or unreadable).

    Commitments, answers and gate answers are slotted dataclasses that pydantic validates as part of
    their :class:`Bid` (one validation per bid); a batch holds one per bid per measure, so they are kept small.
    """

    code: str
    quantity: float | None
    raw: str = ""
    """What the supplier typed, when it was not already a plain number."""
    evidence: str = ""
    cell: Cell = None
    """The quantity's cell (``Commitments!E14``)."""
    counted: bool = True
    """False when a problem stops the commitment being counted."""
    note: str = ""
    """How a typed value was read, e.g. "read '£1.2m' as 1200000"."""


@record
class Answer:
    """A written answer to a question (its text is dropped in batch scoring: only the word count is kept)."""

    code: str
    text: str
    words: int
    cell: Cell = None
    digest: str = ""
    """A hash of the answer with case and spacing ignored (kept when the text is not): two bids giving the
    same answer word for word are flagged (see :mod:`socialvalue.intake.names`)."""


@record
class GateAnswer:
    """An answer to a pass/fail requirement (None when blank or unreadable)."""

    code: str
    passed: bool | None
    evidence: str = ""
    cell: Cell = None


class Bid(_Model):
    """One supplier's returned response workbook."""

    bid_id: str = Field(description="The bid's file name: the key that panel scores refer to.")
    file: str
    sha256: str = ""
    supplier_name: str = ""
    company_number: str = ""
    postcode: str = ""
    is_sme: bool | None = None
    is_vcse: bool | None = None
    contact_email: str = ""
    price: float | None = None
    price_cell: Cell = None
    price_raw: str = Field(default="", description="The price as typed, when it was not a plain number.")
    price_note: str = Field(default="", description="How a price typed as text was read, e.g. read '£1.2m' as 1200000.")
    commitments: dict[str, Commitment] = Field(default_factory=dict)
    answers: dict[str, Answer] = Field(default_factory=dict)
    gates: dict[str, GateAnswer] = Field(default_factory=dict)
    template_rubric: str = Field(default="", description="Rubric id, version and fingerprint the template recorded.")
    template_note: str = Field(
        default="",
        description="How the template this file was made from differs from the rubric it is scored against ('' when it does not).",
    )
    missing_sheets: list[str] = Field(
        default_factory=list,
        description="Required sheets missing or unreadable: the bid is listed as incomplete, never compared or ranked.",
    )
    macro_enabled: bool = False

    @property
    def label(self) -> str:
        return self.supplier_name or self.bid_id


class PanelScore(_Model):
    """The panel's consensus score for one question of one bid, with the recorded reason."""

    bid_id: str
    code: str
    score: float
    reason: str
    source: str = Field(default="", description="Where the score was read from, e.g. 'consensus.xlsx Consensus!E7'.")
