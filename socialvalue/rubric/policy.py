"""Policy checks: what a rubric that declares a procurement policy must contain."""

from __future__ import annotations

from socialvalue.problems import Problem, Severity, define

from .models import CriterionKind, ModelTheme, Policy, Rubric

MINIMUM_SV_WEIGHT_PCT = 10.0
"""PPN 06/20, PPN 002 and the NHS (from 1 April 2022) all require at least 10% for social value."""


POLICY_SV_WEIGHT = define(
    "policy-sv-weight",
    Severity.ERROR,
    "policy {policy} requires social value to carry at least {minimum:g}% of the total score; this rubric gives it "
    "{weight:g}%",
)
POLICY_NHS_CLIMATE = define(
    "policy-nhs-climate",
    Severity.ERROR,
    "NHS policy (net zero and social value, from April 2022) requires the theme 'Fighting climate change' in every "
    "tender: add a theme with model_theme: {theme}",
)


def policy_problems(rubric: Rubric, file: str = "") -> list[Problem]:
    """Every way the rubric falls short of the policy it declares (empty when it complies)."""
    if rubric.policy is Policy.NONE:
        return []
    problems: list[Problem] = []
    sv = rubric.weight(CriterionKind.SOCIAL_VALUE)
    if sv < MINIMUM_SV_WEIGHT_PCT:
        problems.append(
            POLICY_SV_WEIGHT(
                file=file,
                field="criteria",
                raw=f"{sv:g}",
                policy=rubric.policy.value,
                minimum=MINIMUM_SV_WEIGHT_PCT,
                weight=sv,
            )
        )
    if rubric.policy is Policy.NHS_2022 and not any(t.model_theme is ModelTheme.CLIMATE for t in rubric.themes()):
        problems.append(POLICY_NHS_CLIMATE(file=file, field="social_value.themes", theme=ModelTheme.CLIMATE.value))
    return problems
