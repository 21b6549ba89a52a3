"""Built-in footprints (``socialvalue/footprint/data/*.yaml``) and footprint files in the same format."""

from __future__ import annotations

from pathlib import Path

from socialvalue.problems import Problem, Severity, define

from .load import footprint_from_yaml
from .models import Footprint

FOOTPRINT_NOT_FOUND = define(
    "footprint-not-found", Severity.ERROR, "no such footprint file or built-in footprint (built-in: {known})"
)

_DATA = Path(__file__).resolve().parent / "data"


def builtin_footprints() -> dict[str, Path]:
    """Built-in footprint id → file (e.g. ``cheshire-and-merseyside``)."""
    return {p.stem: p for p in sorted(_DATA.glob("*.yaml"))}


def load_footprint(name_or_path: str) -> tuple[Footprint | None, list[Problem]]:
    """A built-in footprint by id, or a footprint YAML file; every problem at once."""
    path = Path(name_or_path)
    if not path.is_file():
        builtin = builtin_footprints().get(name_or_path)
        if builtin is None:
            return None, [FOOTPRINT_NOT_FOUND(file=name_or_path, known=", ".join(builtin_footprints()) or "none")]
        path = builtin
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [FOOTPRINT_NOT_FOUND(file=str(path), reason=f"the file could not be read ({exc})")]
    return footprint_from_yaml(text, str(path))
