"""What every scoring method object shares: the rubric spec it is made from, and the registry keyed by its literal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar, get_args

from pydantic import BaseModel

Spec = TypeVar("Spec", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class Named:
    """A rubric figure that formulas read by name: a defined name on the results workbook's Method sheet."""

    name: str
    value: float
    meaning: str


def method_literal(spec_type: type[BaseModel]) -> str:
    """The ``method`` literal a rubric writes to choose ``spec_type`` (``lowest-over-bid`` …)."""
    (literal,) = get_args(spec_type.model_fields["method"].annotation)
    return str(literal)


class Rule(Generic[Spec]):
    """One scoring method, made from the rubric's spec of it (its ``method`` literal and parameters)."""

    spec_type: ClassVar[type[BaseModel]]
    """The rubric model a rubric writes to choose this method."""
    variants: ClassVar[tuple[dict[str, Any], ...]] = ({},)
    """Parameters that give each variant of the method (its formula differs): every one is recalculated by the tests."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec

    @classmethod
    def method(cls) -> str:
        return method_literal(cls.spec_type)

    @classmethod
    def example(cls, variant: dict[str, Any] | None = None) -> Spec:
        """The rubric spec of this method with the variant's parameters (the method's defaults otherwise)."""
        return cls.spec_type.model_validate({"method": cls.method(), **(variant or {})})  # type: ignore[return-value]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.spec!r})"


def register(registry: dict[str, type[Any]], rule: type[Rule[Any]]) -> None:
    """Add ``rule`` under its rubric literal; a second class for the same literal is a bug."""
    key = rule.method()
    if key in registry and registry[key] is not rule:
        raise ValueError(f"scoring method {key!r} is defined twice")
    registry[key] = rule
