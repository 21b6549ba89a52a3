"""The rubric: award criteria and weights, social value themes, measures, questions and gates.

A rubric is the published evaluation method of one tender. It holds no proxy values itself:
measures point at rows of a separate :class:`~socialvalue.rubric.valueset.ValueSet`.
Percentages are written as numbers from 0 to 100 throughout (``weight: 10`` is 10%).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from .scales import PRESETS, Scale

Percent = Annotated[float, Field(ge=0, le=100)]
Code = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Policy(StrEnum):
    NONE = "none"
    NHS_2022 = "nhs-2022"  # NHS net zero and social value, from 1 April 2022
    PPN_06_20 = "ppn-06-20"  # Cabinet Office, from January 2021
    PPN_002 = "ppn-002"  # Procurement Act 2023 successor to PPN 06/20


class ModelTheme(StrEnum):
    """Themes of the government Social Value Model (PPN 06/20)."""

    COVID_RECOVERY = "covid-19-recovery"
    ECONOMIC_INEQUALITY = "tackling-economic-inequality"
    CLIMATE = "fighting-climate-change"
    EQUAL_OPPORTUNITY = "equal-opportunity"
    WELLBEING = "wellbeing"


class CriterionKind(StrEnum):
    PRICE = "price"
    QUALITY = "quality"
    SOCIAL_VALUE = "social_value"


class AwardCriterion(_Model):
    id: Code
    name: str
    kind: CriterionKind
    weight: Annotated[float, Field(gt=0, le=100)] = Field(description="% of the total score")


# --- price methods -------------------------------------------------------------------------


class LowestOverBid(_Model):
    """points = weight × lowest price ÷ bid price."""

    method: Literal["lowest-over-bid"] = "lowest-over-bid"


class RelativeToMean(_Model):
    """points = weight × (1 − (bid − mean) ÷ mean), clipped to 0..weight."""

    method: Literal["relative-to-mean"]


class LinearDeduction(_Model):
    """points = weight × max(0, 1 − deduction × % above lowest ÷ 100)."""

    method: Literal["linear-deduction"]
    deduction_pct_per_pct: Annotated[float, Field(gt=0)] = Field(
        default=1.0,
        description="% of the price marks lost for each 1% a bid is above the lowest",
    )


class PricePerQualityPoint(_Model):
    """ratio = price ÷ (quality + social value points); points = weight × lowest ratio ÷ ratio."""

    method: Literal["price-per-quality-point"]


PriceMethod = Annotated[
    LowestOverBid | RelativeToMean | LinearDeduction | PricePerQualityPoint,
    Field(discriminator="method"),
]


# --- quantitative social value methods -----------------------------------------------------


class RelativeToBest(_Model):
    """points = weight × SV ÷ best SV among compliant bids (by £ or by % of bid price)."""

    method: Literal["relative-to-best"] = "relative-to-best"
    basis: Literal["gbp", "percent-of-price"] = "gbp"


class AgainstTarget(_Model):
    """points = weight × min(1, SV ÷ target); the target is in £ or in % of the bid price."""

    method: Literal["target"]
    target_gbp: Annotated[float, Field(gt=0)] | None = None
    target_percent_of_price: Annotated[float, Field(gt=0)] | None = None

    @model_validator(mode="after")
    def _one_target(self) -> AgainstTarget:
        if (self.target_gbp is None) == (self.target_percent_of_price is None):
            raise ValueError("give exactly one of target_gbp or target_percent_of_price")
        return self


SvMethod = Annotated[RelativeToBest | AgainstTarget, Field(discriminator="method")]


def method_literals(union: Any) -> frozenset[str]:
    """Every ``method`` literal of a discriminated union of methods (:data:`PriceMethod`, :data:`SvMethod`)."""
    members = get_args(get_args(union)[0])
    return frozenset(str(lit) for m in members for lit in get_args(m.model_fields["method"].annotation))


METHOD_TAGS = method_literals(PriceMethod) | method_literals(SvMethod)
"""Every ``method`` a rubric may name (the price and social value methods); pydantic puts the chosen one in the
path of an error inside it (``price_method.linear-deduction.deduction_pct_per_pct``)."""


# --- what bidders answer -------------------------------------------------------------------


class Measure(_Model):
    """A quantitative commitment: the bidder states a quantity in the measure's unit."""

    code: Code
    description: str
    unit: str
    value_ref: str | None = Field(
        default=None,
        description="Code in the value set; none means the measure is reported as a count only.",
    )
    guidance: str = ""
    min: float | None = Field(default=None, allow_inf_nan=False, description="Smallest quantity accepted (default 0).")
    max: float | None = Field(
        default=None,
        allow_inf_nan=False,
        description="Largest quantity accepted; above it is an error and is not counted.",
    )
    cap: float | None = Field(
        default=None, ge=0, allow_inf_nan=False, description="Largest quantity counted towards the score."
    )
    deadweight_pct: Percent = 0
    displacement_pct: Percent = 0
    attribution_pct: Percent = 0
    overlaps_with: list[str] = Field(
        default_factory=list,
        description="Codes of measures that may count the same people or spend.",
    )

    @property
    def additionality_factor(self) -> float:
        return (1 - self.deadweight_pct / 100) * (1 - self.displacement_pct / 100) * (1 - self.attribution_pct / 100)


class Question(_Model):
    """A written method statement, scored by the evaluation panel on a scale."""

    code: Code
    text: str
    guidance: str = ""
    word_limit: Annotated[int, Field(gt=0)] | None = None
    scale: str | None = Field(default=None, description="Scale id; the rubric's default_scale when absent.")
    weight: Annotated[float, Field(gt=0, le=100)] | None = Field(
        default=None, description="% of its part (quality, or social value questions); or give points instead."
    )
    points: Annotated[float, Field(gt=0, le=100)] | None = Field(
        default=None,
        description="Points of the total score (out of 100), as the buyer publishes them ('Q1 25 points'); "
        "instead of weight. The questions of a part all use the one form.",
    )
    minimum_score: float | None = Field(
        default=None,
        description="Hurdle: a consensus score below this excludes the bid.",
    )

    @model_validator(mode="after")
    def _weight_or_points(self) -> Question:
        if (self.weight is None) == (self.points is None):
            raise ValueError(
                "give the question's weight (% of its part) or its points (of the total score): one of the two"
            )
        return self


class Gate(_Model):
    """A pass/fail requirement; a bid that does not pass is excluded."""

    code: Code
    text: str
    guidance: str = ""


class Theme(_Model):
    id: Code
    name: str
    model_theme: ModelTheme | None = None
    measures: list[Measure] = Field(default_factory=list)
    questions: list[Question] = Field(default_factory=list)
    gates: list[Gate] = Field(default_factory=list)


class QualitySection(_Model):
    questions: list[Question] = Field(min_length=1)
    gates: list[Gate] = Field(default_factory=list)


class SocialValueSection(_Model):
    value_set: str | None = Field(
        default=None,
        description="Built-in value set id or path (relative to the rubric file).",
    )
    quantitative_share_pct: Percent = Field(
        default=100,
        description="Share of the social value weight scored on commitments; the rest on questions.",
    )
    quantitative_method: SvMethod = Field(default_factory=RelativeToBest)
    score_on: Literal["net", "gross"] = Field(default="net", description="Score the net (additional) or gross £.")
    themes: list[Theme] = Field(min_length=1)


class TieBreak(StrEnum):
    HIGHER_QUALITY = "higher-quality"
    HIGHER_SOCIAL_VALUE = "higher-social-value"
    LOWER_PRICE = "lower-price"


class TieFallback(StrEnum):
    """The final tie-break, published in advance, for a tie the tie_break rules leave."""

    RECORDED_DRAW = "recorded-draw"
    BEST_AND_FINAL_OFFERS = "best-and-final-offers"


TIE_FALLBACK_WORDS = {
    TieFallback.RECORDED_DRAW: "a draw between the tied tenders, witnessed and recorded",
    TieFallback.BEST_AND_FINAL_OFFERS: "best and final offers invited from the tied tenderers, scored by the same method",
}


@dataclass(frozen=True)
class _Navigation:
    themes: list[Theme]
    measures: list[tuple[Theme, Measure]]
    sv_questions: list[tuple[Theme, Question]]
    quality_questions: list[Question]
    all_questions: list[Question]
    gates: list[Gate]
    quality_codes: frozenset[str]


class Rubric(_Model):
    """One tender's published evaluation method."""

    id: Code
    version: str = "1"
    title: str
    description: str = ""
    policy: Policy = Policy.NONE
    criteria: list[AwardCriterion] = Field(min_length=1)
    price_method: PriceMethod = Field(default_factory=LowestOverBid)
    quality: QualitySection | None = None
    social_value: SocialValueSection | None = None
    scales: list[Scale] = Field(default_factory=list, description="Custom scales; presets need no entry.")
    default_scale: str = "0-5"
    tie_break: list[TieBreak] = Field(default_factory=lambda: [TieBreak.HIGHER_QUALITY, TieBreak.LOWER_PRICE])
    tie_break_final: TieFallback | None = Field(
        default=None,
        description="What decides a tie the tie_break rules leave (published in advance): recorded-draw or "
        "best-and-final-offers.",
    )
    abnormally_low_pct: Annotated[float, Field(gt=0, lt=100)] = Field(
        default=20,
        description="Flag a price more than this % below the mean of the other compliant bids.",
    )
    ceiling_pct_of_price: Annotated[float, Field(gt=0, allow_inf_nan=False)] = Field(
        default=100,
        description=(
            "Plausibility ceiling: a commitment whose gross £ value is more than this % of the bid's own price "
            "is not counted (and is listed with its cell); with each measure's max, it keeps an absurd "
            "quantity from taking every other bid's social value points."
        ),
    )

    # --- cross-field checks (structure.py; policy checks live in policy.py) -------------------

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> Rubric:
        if info.context and info.context.get("structure") is False:
            return self  # the loader runs the checks itself, and locates each problem in the file
        from .structure import structure_issues

        issues = structure_issues(self)
        if issues:
            raise ValueError("; ".join(str(i) for i in issues))
        return self

    # --- navigation ---------------------------------------------------------------------------

    def criterion(self, kind: CriterionKind) -> AwardCriterion | None:
        for c in self.criteria:
            if c.kind is kind:
                return c
        return None

    def weight(self, kind: CriterionKind) -> float:
        c = self.criterion(kind)
        return c.weight if c else 0.0

    # Navigation lists are worked out once per rubric (it is frozen); callers must not change them.

    @cached_property
    def _navigation(self) -> _Navigation:
        themes = list(self.social_value.themes) if self.social_value else []
        quality = list(self.quality.questions) if self.quality else []
        sv_questions = [(t, q) for t in themes for q in t.questions]
        return _Navigation(
            themes=themes,
            measures=[(t, m) for t in themes for m in t.measures],
            sv_questions=sv_questions,
            quality_questions=quality,
            all_questions=quality + [q for _, q in sv_questions],
            gates=(list(self.quality.gates) if self.quality else []) + [g for t in themes for g in t.gates],
            quality_codes=frozenset(q.code for q in quality),
        )

    @cached_property
    def _fingerprint(self) -> str:
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Rubric:
        """A copy; what was worked out from this rubric is worked out afresh for the copy."""
        copy = super().model_copy(update=update, deep=deep)
        copy.__dict__.pop("_navigation", None)
        copy.__dict__.pop("_fingerprint", None)
        return copy

    def themes(self) -> list[Theme]:
        return self._navigation.themes

    def measures(self) -> list[tuple[Theme, Measure]]:
        return self._navigation.measures

    def sv_questions(self) -> list[tuple[Theme, Question]]:
        return self._navigation.sv_questions

    def quality_questions(self) -> list[Question]:
        return self._navigation.quality_questions

    def all_questions(self) -> list[Question]:
        return self._navigation.all_questions

    def all_gates(self) -> list[Gate]:
        return self._navigation.gates

    def scale_for(self, question: Question) -> Scale:
        wanted = question.scale or self.default_scale
        for s in self.scales:
            if s.id == wanted:
                return s
        return PRESETS[wanted]

    def question_part(self, question: Question) -> CriterionKind:
        quality = question.code in self._navigation.quality_codes
        return CriterionKind.QUALITY if quality else CriterionKind.SOCIAL_VALUE

    def _part_weight(self, question: Question) -> float:
        if self.question_part(question) is CriterionKind.QUALITY:
            return self.weight(CriterionKind.QUALITY)
        return self.sv_qualitative_weight

    def question_max_points(self, question: Question) -> float:
        """Weighted points a top score on this question is worth, out of 100 overall (exactly the points published)."""
        if question.points is not None:
            return question.points
        return self._part_weight(question) * (question.weight or 0.0) / 100

    def question_weight_pct(self, question: Question) -> float:
        """The question's weight as % of its part (worked out from its points where it gives points)."""
        if question.weight is not None:
            return question.weight
        part = self._part_weight(question)
        return (question.points or 0.0) / part * 100 if part else 0.0

    @property
    def sv_quantitative_weight(self) -> float:
        sv = self.social_value
        return self.weight(CriterionKind.SOCIAL_VALUE) * sv.quantitative_share_pct / 100 if sv else 0.0

    @property
    def sv_qualitative_weight(self) -> float:
        return self.weight(CriterionKind.SOCIAL_VALUE) - self.sv_quantitative_weight

    def _all_codes(self) -> Iterator[tuple[str, str]]:
        for _, m in self.measures():
            yield m.code, "measure"
        for q in self.all_questions():
            yield q.code, "question"
        for g in self.all_gates():
            yield g.code, "gate"

    def _code_paths(self) -> Iterator[tuple[str, str]]:
        """(code, field path in the rubric file) for every measure, question and gate."""
        if self.quality:
            for i, q in enumerate(self.quality.questions):
                yield q.code, f"quality.questions.{i}"
            for i, g in enumerate(self.quality.gates):
                yield g.code, f"quality.gates.{i}"
        for t_i, t in enumerate(self.themes()):
            base = f"social_value.themes.{t_i}"
            yield from ((m.code, f"{base}.measures.{i}") for i, m in enumerate(t.measures))
            yield from ((q.code, f"{base}.questions.{i}") for i, q in enumerate(t.questions))
            yield from ((g.code, f"{base}.gates.{i}") for i, g in enumerate(t.gates))

    def fingerprint(self) -> str:
        """SHA-256 of the rubric's canonical JSON: any change to the method changes it."""
        return self._fingerprint

    def tie_break_fallback_words(self) -> str:
        """What decides a tie that the tie_break rules leave, in words."""
        if self.tie_break_final is None:
            return "The rubric publishes no final tie-break: record how the tie was resolved, and why, before award"
        return f"The published final tie-break decides it: {TIE_FALLBACK_WORDS[self.tie_break_final]}"

    def reweighted(self, criterion_id: str, weight: float) -> Rubric:
        """This rubric with one criterion's weight set to ``weight`` and the others re-normalised.

        The rule: every other criterion is scaled by the same factor, (100 − new) ÷ (100 − old), so they
        keep their proportions to one another and the weights still sum to 100. Within a criterion
        nothing changes: questions keep their % of it, social value keeps its commitments/questions share.
        """
        old = next(c.weight for c in self.criteria if c.id == criterion_id)
        factor = (100 - weight) / (100 - old)
        scale = {c.kind: weight / c.weight if c.id == criterion_id else factor for c in self.criteria}
        criteria = [c.model_copy(update={"weight": c.weight * scale[c.kind]}) for c in self.criteria]
        update: dict[str, Any] = {"criteria": criteria}

        def scaled(
            questions: list[Question], by: float
        ) -> list[Question]:  # questions given in points keep their share
            return [q if q.points is None else q.model_copy(update={"points": q.points * by}) for q in questions]

        if self.quality is not None:
            questions = scaled(self.quality.questions, scale.get(CriterionKind.QUALITY, 1.0))
            update["quality"] = self.quality.model_copy(update={"questions": questions})
        if self.social_value is not None:
            by = scale.get(CriterionKind.SOCIAL_VALUE, 1.0)
            themes = [t.model_copy(update={"questions": scaled(t.questions, by)}) for t in self.social_value.themes]
            update["social_value"] = self.social_value.model_copy(update={"themes": themes})
        return self.model_copy(update=update)
