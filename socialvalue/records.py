"""Small per-row records (a commitment, a valued measure line): slotted dataclasses that pickle compactly.

A batch holds one record per bid per measure (60,000 for 1,000 bids of 60 measures) and ``--jobs``
sends them between processes, so they are kept small: ``__slots__`` (no per-instance dict) and a
pickle of the class plus a tuple of field values (about half the bytes and time of a dataclass's default).
Pydantic models that hold them still validate, dump and load them.
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable
from typing import Any, TypeVar, dataclass_transform

T = TypeVar("T")


@dataclass_transform()
def record(cls: type[T]) -> type[T]:
    """``@dataclass(slots=True)``, pickled as ``(cls, (field values...))``."""
    made: Any = dataclasses.dataclass(slots=True)(cls)
    values: Callable[[Any], tuple[Any, ...]] = operator.attrgetter(*(f.name for f in dataclasses.fields(made)))

    def __reduce__(self: Any) -> tuple[Any, tuple[Any, ...]]:
        return made, values(self)

    made.__reduce__ = __reduce__
    return made  # type: ignore[no-any-return]
