"""Scoring scales for written answers: the presets buyers use, and custom scales."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator


class ScalePoint(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    score: float = Field(ge=0)
    label: str
    descriptor: str = ""


class Scale(BaseModel):
    """An ordered set of allowed scores, each with a label and a descriptor."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str = ""
    points: list[ScalePoint] = Field(min_length=2)

    @model_validator(mode="after")
    def _ascending_unique(self) -> Scale:
        scores = [p.score for p in self.points]
        if scores != sorted(scores) or len(set(scores)) != len(scores):
            raise ValueError("scale points must be listed in ascending order of score, each score once")
        return self

    @property
    def max(self) -> float:
        return self.points[-1].score

    @property
    def scores(self) -> list[float]:
        return [p.score for p in self.points]

    def point(self, score: float) -> ScalePoint | None:
        for p in self.points:
            if p.score == score:
                return p
        return None

    def describe(self, score: float) -> str:
        p = self.point(score)
        return f"{p.label}: {p.descriptor}" if p and p.descriptor else (p.label if p else "")


_BANDS = [
    ("Unacceptable", "No answer, or the answer does not address the question."),
    (
        "Poor",
        "Addresses the question only in part; little detail, credibility or evidence.",
    ),
    (
        "Weak",
        "Addresses the question with gaps; some detail but limited evidence or timescales.",
    ),
    (
        "Acceptable",
        "Meets the requirement: a credible plan with some detail, timescales and measures.",
    ),
    (
        "Good",
        "Fully meets the requirement: detailed, credible, timed plan with clear measures.",
    ),
    (
        "Excellent",
        "Exceeds the requirement: detailed, credible, evidenced, timed plan with robust measures.",
    ),
]


def _preset(scale_id: str, name: str, scores: list[float], bands: list[tuple[str, str]]) -> Scale:
    return Scale(
        id=scale_id,
        name=name,
        points=[ScalePoint(score=s, label=b[0], descriptor=b[1]) for s, b in zip(scores, bands, strict=True)],
    )


PRESETS: dict[str, Scale] = {
    s.id: s
    for s in (
        _preset("0-5", "0 to 5 bands", [0, 1, 2, 3, 4, 5], _BANDS),
        _preset(
            "0-100-quarters",
            "0, 25, 50, 75, 100",
            [0, 25, 50, 75, 100],
            [_BANDS[0], _BANDS[1], _BANDS[3], _BANDS[4], _BANDS[5]],
        ),
        _preset("0-100-fifths", "0, 20, 40, 60, 80, 100", [0, 20, 40, 60, 80, 100], _BANDS),
        _preset(
            "0-10", "0 to 10", [float(i) for i in range(11)], [_BANDS[b] for b in (0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5)]
        ),
    )
}
