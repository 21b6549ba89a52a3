"""Value sets: £ per unit proxy values, kept apart from rubrics so buyers can bring their own."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator


class ProxyValue(BaseModel):
    """One row of a value set: what one unit of a measure is worth, and where that figure came from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(min_length=1)
    unit: str = Field(min_length=1)
    value_gbp: float = Field(ge=0, allow_inf_nan=False, description="£ per unit")
    price_year: int | None = Field(default=None, ge=1990, le=2100)
    source: str = ""
    licence: str = ""
    description: str = ""


class ValueSet(BaseModel):
    """A named table of proxy values with its provenance and licence."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    title: str = ""
    version: str = "1"
    illustrative: bool = Field(
        default=False,
        description="True when the figures are examples only and must not decide an award.",
    )
    licence: str = ""
    source: str = ""
    values: list[ProxyValue] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_codes(self) -> ValueSet:
        seen: set[str] = set()
        dupes = [v.code for v in self.values if v.code in seen or seen.add(v.code)]  # type: ignore[func-returns-value]
        if dupes:
            raise ValueError(f"value codes must be unique; repeated: {', '.join(sorted(set(dupes)))}")
        return self

    def get(self, code: str) -> ProxyValue | None:
        for v in self.values:
            if v.code == code:
                return v
        return None

    @property
    def label(self) -> str:
        """How outputs name this set, with the illustrative warning where it applies."""
        text = f"{self.id} v{self.version}"
        return f"{text} (ILLUSTRATIVE VALUES - not for award decisions)" if self.illustrative else text
