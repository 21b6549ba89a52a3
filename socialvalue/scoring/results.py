"""What scoring produces: every number with the inputs and formula behind it."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from socialvalue.problems import Problem
from socialvalue.records import record


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BidStatus(StrEnum):
    RANKED = "ranked"  # complete and compliant: has a total and a rank
    INCOMPLETE = "incomplete"  # some question has no consensus score yet: no total, no rank
    EXCLUDED = "excluded"  # failed a gate or hurdle, or no usable price: not compared
    UNREADABLE = "unreadable"  # the file could not be read as a bid: see the problems


@record
class MeasureLine:
    """One bid's commitment on one measure, valued.

    The per-line records are plain slotted dataclasses, not validated models: a batch holds one per bid
    per measure (60,000 for 1,000 bids), every field is set by the engine from validated inputs, and a
    slotted record takes about a tenth of a model's memory. Pydantic still dumps and loads them in
    :class:`TenderResult`.
    """

    bid_id: str
    theme: str
    code: str
    description: str
    unit: str
    quantity: float | None
    """Quantity as committed (None when blank or unreadable)."""
    raw: str
    """What the supplier typed, when it was not a plain number."""
    counted_quantity: float
    """Quantity counted: 0 when blank or not counted; capped."""
    cap: float | None = None
    value_code: str = ""
    unit_value: float | None = None
    """£ per unit from the value set; None for counts."""
    value_source: str = ""
    gross: float | None = None
    deadweight_pct: float = 0
    displacement_pct: float = 0
    attribution_pct: float = 0
    net: float | None = None
    cell: str = ""
    evidence: str = ""
    note: str = ""
    counted: bool = True
    """False when nothing was counted: left blank, row missing, unreadable, or refused (range, unit)."""


COUNT_ONLY_NOTE = "count only: no £ value"
"""The note on every line of a measure with no £ value (and nothing else to say)."""


@record
class QuestionLine:
    """One bid's answer to one question, with the panel's consensus score and the points it earns."""

    bid_id: str
    code: str
    part: str
    """Criterion id the question belongs to."""
    theme: str
    text: str
    weight_pct: float
    max_points: float
    scale_id: str
    scale_max: float
    score: float | None
    descriptor: str = ""
    reason: str = ""
    score_source: str = ""
    points: float | None = None
    minimum_score: float | None = None
    below_minimum: bool = False
    words: int = 0
    word_limit: int | None = None


@record
class GateLine:
    """One bid's answer to one pass/fail requirement."""

    bid_id: str
    code: str
    text: str
    answer: str
    passed: bool | None
    evidence: str = ""
    cell: str = ""


class BidResult(_Model):
    bid_id: str
    supplier: str
    file: str
    sha256: str = ""
    status: BidStatus
    status_reason: str = ""
    in_pool: bool = Field(default=False, description="Compared with the others for relative scoring.")
    price: float | None = None
    price_cell: str = ""
    price_raw: str = Field(default="", description="The price as typed, when it was not a plain number.")
    price_note: str = Field(default="", description="How a price typed as text was read.")
    price_below_mean_pct: float | None = Field(
        default=None,
        description="Set when the price is abnormally low: how far (%) it is below the mean of the compared bids.",
    )
    missing_sheets: list[str] = Field(
        default_factory=list, description="Required sheets missing or unreadable: never compared or ranked."
    )
    price_points: float | None = None
    quality_points: float | None = None
    sv_gross: float = 0
    sv_net: float = 0
    sv_scored: float = 0
    sv_percent_of_price: float | None = None
    sv_quant_points: float | None = None
    sv_qual_points: float | None = None
    price_per_point: float | None = None
    total: float | None = None
    rank: int | None = None
    flags: list[str] = Field(default_factory=list)
    is_sme: bool | None = None
    is_vcse: bool | None = None
    postcode: str = ""


class TenderResult(_Model):
    """The scored tender: everything the results workbook, CSV and JSON show."""

    rubric_id: str
    rubric_version: str
    rubric_title: str
    rubric_fingerprint: str
    value_set: str = ""
    value_set_illustrative: bool = False
    bids: list[BidResult]
    measures: list[MeasureLine]
    questions: list[QuestionLine]
    gates: list[GateLine]
    problems: list[Problem] = Field(default_factory=list)
    explanations: dict[str, str] = Field(default_factory=dict, description="Formula of each column, in words.")

    @property
    def winner(self) -> BidResult | None:
        ranked = [b for b in self.bids if b.rank == 1]
        return ranked[0] if len(ranked) == 1 else None
