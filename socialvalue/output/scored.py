"""A scored tender read back from ``socialvalue score --json``, and the rubric it was scored with.

The assessment summaries and the contract award both start here: :func:`read_results_json` reads the file
(guarding nothing: it is our own JSON, checked field by field), :func:`results_rubric` decides which rubric
goes with it, the one given or the built-in one the results name, and refuses one with another fingerprint.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from socialvalue.intake.guard.common import UNREADABLE_FILE
from socialvalue.problems import READ_BACK, Problem, Severity, define, shorten
from socialvalue.rubric import Rubric, RubricSource
from socialvalue.scoring.results import TenderResult

NOT_JSON = define("not-json", Severity.ERROR, "not the JSON written by `socialvalue score --json`: {why}")
NOT_RESULTS = define("not-results", Severity.ERROR, "not the JSON written by `socialvalue score --json`")
RUBRIC_NOT_BUILT_IN = define(
    "results-rubric-not-built-in",
    Severity.ERROR,
    "the results were scored with rubric {rubric!r}, which is not built in: give it with --rubric",
)
RUBRIC_MISMATCH = define(
    "rubric-mismatch", Severity.ERROR, "the rubric given ({given}) is not the one the tender was scored with ({scored})"
)


@dataclass
class LoadedResults:
    result: TenderResult
    tool: str
    file: str
    sha256: str


def read_results_json(path: Path) -> tuple[LoadedResults | None, list[Problem]]:
    """The scored tender written by ``socialvalue score --json`` (None, with the reasons, when it is not one)."""
    name = path.name
    try:
        data = path.read_bytes()
        payload = json.loads(data.decode("utf-8"))
    except OSError as exc:
        return None, [UNREADABLE_FILE(file=name, reason=f"could not open the file: {exc.strerror}")]
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, [NOT_JSON(file=name, why=shorten(exc))]
    if not isinstance(payload, dict):
        return None, [NOT_RESULTS(file=name)]
    tool = str(payload.pop("tool", ""))
    try:
        result = TenderResult.model_validate(payload, context=READ_BACK)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return None, [
            NOT_RESULTS(file=name, field=where,
                        reason=f"not the results JSON of this version of socialvalue ({exc.error_count()} problem(s), first: {first['msg']})")
        ]  # fmt: skip
    return LoadedResults(result, tool, name, hashlib.sha256(data).hexdigest()), []


def rubric_mismatch(loaded: LoadedResults, rubric: Rubric) -> Problem | None:
    """A problem when ``rubric`` is not the one the results were scored with (its fingerprint differs)."""
    result = loaded.result
    if rubric.fingerprint() == result.rubric_fingerprint:
        return None
    given = f"{rubric.id} v{rubric.version} {rubric.fingerprint()[:12]}"
    scored = f"{result.rubric_id} v{result.rubric_version} {result.rubric_fingerprint[:12]}"
    return RUBRIC_MISMATCH(file=loaded.file, given=given, scored=scored)


def results_rubric(
    loaded: LoadedResults, rubric_name: str | None = None, encoding: str | None = None
) -> tuple[RubricSource | None, list[Problem]]:
    """The rubric the results were scored with: ``rubric_name`` when given, else the built-in one they name;
    None with the problems when it cannot be loaded or is not the one they were scored with (notes kept)."""
    from socialvalue.rubric import builtin_rubrics, load_rubric

    name = rubric_name or loaded.result.rubric_id
    if rubric_name is None and name not in builtin_rubrics():
        return None, [RUBRIC_NOT_BUILT_IN(file=loaded.file, rubric=name)]
    source, problems = load_rubric(name, None, encoding)
    if source is None:
        return None, problems
    mismatch = rubric_mismatch(loaded, source.rubric)
    if mismatch is not None:
        return None, [*problems, mismatch]
    return source, problems
