"""Policy checks: what a rubric that declares a procurement policy must contain."""

from __future__ import annotations

from socialvalue.problems import Problem

from .models import CriterionKind, ModelTheme, Policy, Rubric

MINIMUM_SV_WEIGHT_PCT = 10.0
"""PPN 06/20, PPN 002 and the NHS (from 1 April 2022) all require at least 10% for social value."""


def policy_problems(rubric: Rubric, file: str = "") -> list[Problem]:
    """Every way the rubric falls short of the policy it declares (empty when it complies)."""
    if rubric.policy is Policy.NONE:
        return []
    problems: list[Problem] = []
    sv = rubric.weight(CriterionKind.SOCIAL_VALUE)
    if sv < MINIMUM_SV_WEIGHT_PCT:
        problems.append(
            Problem(
                code="policy-sv-weight",
                file=file,
                field="criteria",
                raw=f"{sv:g}",
                reason=(
                    f"policy {rubric.policy.value} requires social value to carry at least "
                    f"{MINIMUM_SV_WEIGHT_PCT:g}% of the total score; this rubric gives it {sv:g}%"
                ),
            )
        )
    if rubric.policy is Policy.NHS_2022 and not any(t.model_theme is ModelTheme.CLIMATE for t in rubric.themes()):
        problems.append(
            Problem(
                code="policy-nhs-climate",
                file=file,
                field="social_value.themes",
                reason=(
                    "NHS policy (net zero and social value, from April 2022) requires the theme "
                    f"'Fighting climate change' in every tender: add a theme with model_theme: {ModelTheme.CLIMATE.value}"
                ),
            )
        )
    return problems
