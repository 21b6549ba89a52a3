"""What scoring produces: every number with the inputs and formula behind it."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from socialvalue.problems import Cell, Problem
from socialvalue.records import record

from .flags import Flag

if TYPE_CHECKING:
    from .frames import TenderFrames


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
    cell: Cell = None
    """The supplier's input cell (``Commitments!E14``; written as that text in the JSON export)."""
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
    cell: Cell = None


class BidResult(_Model):
    bid_id: str
    supplier: str
    file: str
    sha256: str = ""
    status: BidStatus
    status_reason: str = ""
    in_pool: bool = Field(default=False, description="Compared with the others for relative scoring.")
    price: float | None = None
    price_cell: Cell = None
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
    flags: list[Flag] = Field(
        default_factory=list, description="What to look at before award, each with its kind, data and words."
    )
    is_sme: bool | None = None
    is_vcse: bool | None = None
    postcode: str = ""


class PartGap(_Model):
    """How the winner and the runner-up compare on one award criterion (or one question of it)."""

    part: str
    """Criterion name, or a question code."""
    winner_points: float | None
    runner_up_points: float | None
    difference: float
    """Winner's points less the runner-up's (negative: the winner lost points here)."""
    detail: str = ""
    """What lies behind the difference, in words (scores, prices, £ committed)."""
    questions: list[PartGap] = Field(default_factory=list)


class DecisionChange(_Model):
    """One change to the inputs or the method that, re-scored by the engine, names another winner."""

    kind: str
    """``score-step``, ``price``, ``weight`` or ``price-method``."""
    summary: str
    """The change and its effect, in words."""
    bid_id: str = ""
    """Whose input changes (empty for the method)."""
    question: str = ""
    criterion: str = ""
    before: float | str | None = None
    after: float | str | None = None
    amount: float | None = None
    """Size of the change: scale steps, £ lower, or points of weight (signed)."""
    new_winner: str = ""
    """Bid id the engine then ranks first ('' when the change leaves a tie at the top)."""
    new_winner_supplier: str = ""


class Decision(_Model):
    """Why the winner won, and the smallest changes that would change the winner (re-scored by the engine)."""

    status: str
    """``decided`` (one winner, compared with a runner-up), ``uncontested`` (the only compared tender),
    ``tie`` (equal at the top after the published tie-breaks) or ``no-winner`` (nothing could be ranked)."""
    winner_id: str = ""
    winner: str = ""
    winner_total: float | None = None
    runner_up_id: str = ""
    runner_up: str = ""
    runner_up_total: float | None = None
    margin: float | None = None
    why: list[str] = Field(default_factory=list)
    """Why the winner won, sentence by sentence."""
    gaps: list[PartGap] = Field(default_factory=list)
    robustness: list[str] = Field(default_factory=list)
    """How safe the decision is, sentence by sentence: the nearest change of each kind, or that none was found."""
    changes: list[DecisionChange] = Field(default_factory=list)
    """Every winner-changing change found: all single one-step score moves, the runner-up's price, each
    criterion's weight, each other price method."""
    method: list[str] = Field(default_factory=list)
    """How the changes were looked for (for the record)."""


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
    decision: Decision | None = Field(default=None, description="Why the winner won and how robust that is.")

    @property
    def winner(self) -> BidResult | None:
        ranked = [b for b in self.bids if b.rank == 1]
        return ranked[0] if len(ranked) == 1 else None

    def to_pandas(self) -> TenderFrames:
        """Bids, commitments, questions and gates as tidy pandas DataFrames (:mod:`socialvalue.scoring.frames`)."""
        from .frames import tender_frames

        return tender_frames(self)
