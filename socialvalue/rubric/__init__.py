"""Rubrics, scales, value sets and policy checks: the published evaluation method."""

from .load import RubricSource, builtin_rubrics, builtin_value_sets, data_dir, load_rubric, load_value_set
from .models import (
    AgainstTarget,
    AwardCriterion,
    CriterionKind,
    Gate,
    LinearDeduction,
    LowestOverBid,
    Measure,
    Policy,
    PricePerQualityPoint,
    Question,
    RelativeToBest,
    RelativeToMean,
    Rubric,
    Theme,
    TieBreak,
    TieFallback,
)
from .policy import policy_problems
from .scales import PRESETS, Scale, ScalePoint
from .valueset import ProxyValue, ValueSet

__all__ = [
    "PRESETS",
    "AgainstTarget",
    "AwardCriterion",
    "CriterionKind",
    "Gate",
    "LinearDeduction",
    "LowestOverBid",
    "Measure",
    "Policy",
    "PricePerQualityPoint",
    "ProxyValue",
    "Question",
    "RelativeToBest",
    "RelativeToMean",
    "Rubric",
    "RubricSource",
    "Scale",
    "ScalePoint",
    "Theme",
    "TieBreak",
    "TieFallback",
    "ValueSet",
    "builtin_rubrics",
    "builtin_value_sets",
    "data_dir",
    "load_rubric",
    "load_value_set",
    "policy_problems",
]
