"""Every problem code of every part, for ``docs/problem-codes.md``.

Each part declares its codes where it reports them (:func:`socialvalue.problems.define`), so the
registry holds only the codes of the modules imported so far. :func:`every_code` imports every module
of the package first; :func:`markdown` writes the page, which a test holds to the registry::

    python -m socialvalue.catalogue > docs/problem-codes.md
"""

from __future__ import annotations

import importlib
import pkgutil

import socialvalue
from socialvalue.problems import ProblemCode, all_codes

_SKIP = ("socialvalue.store.migrations", "socialvalue.__main__")
"""Not parts: Alembic's migration scripts, and the entry point that runs the CLI."""


def every_code() -> list[ProblemCode]:
    """Every code the package declares, sorted by code (each module imported first)."""
    for module in pkgutil.walk_packages(socialvalue.__path__, "socialvalue."):
        if not module.name.startswith(_SKIP):
            importlib.import_module(module.name)
    return [c for c in all_codes() if c.part.startswith("socialvalue.")]


def _part(module: str) -> str:
    return module.removeprefix("socialvalue.")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown() -> str:
    """The page: one table per part (the package that reports the codes), every code with its severity and template."""
    codes = every_code()
    areas: dict[str, list[ProblemCode]] = {}
    for c in codes:
        area = _part(c.part).split(".")[0]
        areas.setdefault(area, []).append(c)
    lines = [
        "# Problem codes",
        "",
        "Every problem socialvalue lists (on the Errors sheet, in `--json`, on screen) has a stable code: other tools "
        "and saved results may match on it, never on the wording. Each code is declared once, in the module that "
        "reports it (`socialvalue.problems.define`), with its usual severity and a message template; `{name}` is "
        "filled in for each problem, and some parts give a fuller reason outright. This page is generated from that "
        "registry (`python -m socialvalue.catalogue > docs/problem-codes.md`) and a test holds it current.",
        "",
        "Severity: **error**, the input could not be used as given (the result is affected); **warning**, read, but "
        "someone should look; **info**, worth recording.",
        "",
        f"{len(codes)} codes.",
    ]
    for area in sorted(areas):
        lines += ["", f"## {area}", "", "| code | severity | message | reported by |", "|---|---|---|---|"]
        for c in areas[area]:
            lines.append(f"| `{c.code}` | {c.severity.value} | {_cell(c.template)} | `{_part(c.part)}` |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
