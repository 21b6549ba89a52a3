"""Small per-row records (a commitment, a valued measure line): slotted dataclasses that pickle compactly.

A batch holds one record per bid per measure (60,000 for 1,000 bids of 60 measures) and ``--jobs``
sends them between processes, so they are kept small: ``__slots__`` (no per-instance dict) and a
pickle of the class plus a tuple of field values (about half the bytes and time of a dataclass's default).
Pydantic models that hold them still validate, dump and load them. Work that builds many of them runs
with fewer passes of the cyclic garbage collector (:func:`few_collections`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import operator
from collections.abc import Callable, Iterator
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


@contextlib.contextmanager
def few_collections() -> Iterator[None]:
    """Many small acyclic objects built at once (a batch, the Decision's what-ifs): run the cyclic garbage
    collector less often meanwhile (each of its passes walks every object alive, a whole batch's included)."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], 50_000), before[1], before[2])
    try:
        yield
    finally:
        gc.set_threshold(*before)
