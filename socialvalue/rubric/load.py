"""Loading rubrics and value sets from files, with every problem located (file, line, field path)."""

from __future__ import annotations

import copy
import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from socialvalue.encoding import read_text_file
from socialvalue.problems import Problem, Severity, define

from .models import METHOD_TAGS, Rubric
from .policy import policy_problems
from .structure import structure_issues
from .valueset import ProxyValue, ValueSet

YAML_SYNTAX = define("yaml-syntax", Severity.ERROR, "not valid YAML: {why}")
RUBRIC_INVALID = define("rubric-invalid", Severity.ERROR, "{why}")
RUBRIC_NOT_FOUND = define(
    "rubric-not-found", Severity.ERROR, "no such rubric file or built-in rubric (built-in: {known})"
)
VALUE_MISSING = define(
    "value-missing", Severity.ERROR, "measure {code} refers to value {ref!r}, which value set {values!r} does not have"
)
VALUE_UNIT_MISMATCH = define(
    "value-unit-mismatch",
    Severity.ERROR,
    "measure {code} is in {unit!r} but value {ref!r} is £ per {per!r}: the units must match",
)
VALUES_NOT_FOUND = define(
    "values-not-found", Severity.ERROR, "no such value set file or built-in value set (built-in: {known})"
)
VALUES_INVALID = define("values-invalid", Severity.ERROR, "{why}")

_PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def data_dir(name: str) -> Path:
    """A folder of bundled data (``rubrics``, ``templates``), installed or in a source checkout."""
    installed = _PACKAGE_ROOT / "_data" / name
    return installed if installed.is_dir() else _PACKAGE_ROOT.parent / name


def builtin_rubrics() -> dict[str, Path]:
    """Built-in rubric id → file."""
    return {p.stem: p for p in sorted(data_dir("rubrics").glob("*.yaml"))}


def builtin_value_sets() -> dict[str, Path]:
    return {p.stem: p for p in sorted((data_dir("rubrics") / "values").glob("*.*"))}


# --- YAML with line numbers --------------------------------------------------------------


def _line_index(node: yaml.Node, path: str, index: dict[str, int]) -> None:
    index[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = f"{path}.{key.value}" if path else str(key.value)
            index[child] = key.start_mark.line + 1
            _line_index(value, child, index)
            index[child] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _line_index(item, f"{path}.{i}" if path else str(i), index)


def _line_for(path: str, index: dict[str, int]) -> int | None:
    """The line of the deepest part of ``path`` found in the file."""
    parts = path.split(".") if path else []
    while parts:
        key = ".".join(parts)
        if key in index:
            return index[key]
        parts.pop()
    return index.get("")


@dataclass
class Loaded:
    data: Any
    lines: dict[str, int]


def _read_yaml(text: str, file: str) -> tuple[Loaded | None, list[Problem]]:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return None, [
            YAML_SYNTAX(file=file, line=mark.line + 1 if mark else None, why=getattr(exc, "problem", None) or exc)
        ]
    lines: dict[str, int] = {}
    if node is not None:
        _line_index(node, "", lines)
    return Loaded(data, lines), []


def _validation_problems(exc: ValidationError, file: str, lines: dict[str, int]) -> list[Problem]:
    problems: list[Problem] = []
    for err in exc.errors():
        loc = [str(p) for p in err["loc"]]
        # drop discriminator tags pydantic adds to the path (e.g. 'relative-to-mean')
        loc = [p for p in loc if p not in METHOD_TAGS]
        path = ".".join(loc)
        message = err["msg"]
        if err["type"] == "value_error":  # a field's own rule (e.g. a question's weight or points)
            message = message.removeprefix("Value error, ")
        elif err["type"] == "extra_forbidden":
            message = f"unknown field {loc[-1]!r} (check the spelling; see the rubric schema)"
        raw = str(err.get("input", ""))[:80] if err["type"] not in ("missing", "value_error") else ""
        problems.append(RUBRIC_INVALID(file=file, line=_line_for(path, lines), field=path, raw=raw, why=message))
    return problems


# --- rubrics -----------------------------------------------------------------------------


@dataclass
class RubricSource:
    """A loaded rubric with where it came from and the value set it uses."""

    rubric: Rubric
    path: Path
    value_set: ValueSet | None


def resolve_rubric_path(name_or_path: str) -> Path | None:
    path = Path(name_or_path)
    if path.is_file():
        return path
    return builtin_rubrics().get(name_or_path)


def load_rubric(
    name_or_path: str, values: str | None = None, encoding: str | None = None
) -> tuple[RubricSource | None, list[Problem]]:
    """Load a built-in rubric by id, or a rubric file; with its value set (or the one given).

    Returns every problem found at once: syntax, schema, structure and policy. When the rubric loads,
    the list holds only notes (e.g. the encoding a file was assumed to be in). ``encoding`` applies to
    the files given (the rubric file and ``values``), never to built-in ones; without it the encoding
    is detected (:mod:`socialvalue.encoding`).
    """
    path = resolve_rubric_path(name_or_path)
    if path is None:
        known = ", ".join(builtin_rubrics()) or "none"
        return None, [RUBRIC_NOT_FOUND(file=name_or_path, known=known)]
    file = str(path)
    builtin = path.resolve().parent == data_dir("rubrics").resolve()
    decoded, unreadable = read_text_file(path, None if builtin else encoding)
    if decoded is None:
        return None, [unreadable] if unreadable else []
    notes = [decoded.note] if decoded.note else []
    loaded, problems = _read_yaml(decoded.text, file)
    if loaded is None:
        return None, [*notes, *problems]
    if not isinstance(loaded.data, dict):
        return None, [
            *notes,
            RUBRIC_INVALID(file=file, line=1, why="a rubric file must be a YAML mapping"),
        ]
    try:
        rubric = Rubric.model_validate(loaded.data, context={"structure": False})
    except ValidationError as exc:
        return None, [*notes, *_validation_problems(exc, file, loaded.lines), *_checks_on_what_parsed(loaded, file)]
    problems += _cross_field_problems(rubric, file, loaded.lines)

    value_set = None
    wanted = values or (rubric.social_value.value_set if rubric.social_value else None)
    if wanted:
        value_set, vs_problems = load_value_set(wanted, relative_to=path.parent, encoding=encoding)
        problems += vs_problems
        if value_set is not None:
            problems += value_set_gaps(rubric, value_set, file, loaded.lines)
    problems = [*notes, *problems]
    if any(p.severity is not Severity.INFO for p in problems):
        return None, problems
    return RubricSource(rubric=rubric, path=path, value_set=value_set), problems


_TAGS = ("lowest-over", "relative-to", "linear-", "price-per", "target")
"""Discriminator tags pydantic adds to an error's location (e.g. 'relative-to-mean'): not part of the file's path."""


def _drop(data: Any, loc: Sequence[str | int], missing: bool) -> str | None:
    """Remove what ``loc`` points at (its parent, for a missing field) from ``data``; the dotted path removed."""
    parts = [p for p in loc if not (isinstance(p, str) and p.startswith(_TAGS))]
    if missing or not parts:
        parts = parts[:-1]
    if not parts:
        return None
    node = data
    for part in parts[:-1]:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    last = parts[-1]
    if isinstance(node, dict) and last in node:
        del node[last]
    elif isinstance(node, list) and isinstance(last, int) and last < len(node):
        node[last] = None  # stays in place (so later items keep their index); the list is then left alone
    else:
        return None
    return ".".join(str(p) for p in parts)


def _checks_on_what_parsed(loaded: Loaded, file: str) -> list[Problem]:
    """The cross-field and policy checks of a rubric file that has field problems, run on the rest of it.

    The fields pydantic refused are taken out (a list item with one is taken out whole) until the rest parses;
    checks that read anything taken out are not reported (they would be about the gap, not the file).
    """
    data = copy.deepcopy(loaded.data)
    dropped: list[str] = []
    rubric = None
    for _ in range(8):
        try:
            rubric = Rubric.model_validate(data, context={"structure": False})
            break
        except ValidationError as exc:
            removed = [_drop(data, e["loc"], e["type"] == "missing") for e in exc.errors()]
            if not any(removed):
                return []
            dropped += [r for r in removed if r]
            for path in dropped:  # an item taken out of a list: the list's other checks would count wrongly
                head, _, tail = path.rpartition(".")
                if tail.isdigit():
                    _strip_nones(data, head)
    if rubric is None:
        return []
    gaps = [(path.rpartition(".")[0] if path.rpartition(".")[2].isdigit() else path) for path in dropped]

    def clear(path: str) -> bool:
        return not any(path.startswith(g) or g.startswith(path) for g in gaps)

    return [p for p in _cross_field_problems(rubric, file, loaded.lines) if clear(p.field)]


def _cross_field_problems(rubric: Rubric, file: str, lines: dict[str, int]) -> list[Problem]:
    """The structure checks (:mod:`.structure`) and the policy checks, each located at its line in the file."""
    found = [
        RUBRIC_INVALID(file=file, line=_line_for(i.path, lines), field=i.path, why=i.message)
        for i in structure_issues(rubric)
    ]
    return found + [p.model_copy(update={"line": _line_for(p.field, lines)}) for p in policy_problems(rubric, file)]


def _strip_nones(data: Any, path: str) -> None:
    node = data
    for part in path.split(".") if path else []:
        node = node[int(part)] if isinstance(node, list) else node.get(part) if isinstance(node, dict) else None
        if node is None:
            return
    if isinstance(node, list):
        node[:] = [item for item in node if item is not None]


def value_set_gaps(rubric: Rubric, value_set: ValueSet, file: str, lines: dict[str, int]) -> list[Problem]:
    """Measures whose value_ref is missing from the value set, or whose units disagree."""
    problems: list[Problem] = []
    paths = dict(rubric._code_paths())
    for _, m in rubric.measures():
        if not m.value_ref:
            continue
        field = paths[m.code] + ".value_ref"
        row = value_set.get(m.value_ref)
        if row is None:
            problems.append(
                VALUE_MISSING(
                    file=file,
                    line=_line_for(field, lines),
                    field=field,
                    raw=m.value_ref,
                    code=m.code,
                    ref=m.value_ref,
                    values=value_set.id,
                )
            )
        elif row.unit.strip().lower() != m.unit.strip().lower():
            problems.append(
                VALUE_UNIT_MISMATCH(
                    file=file,
                    line=_line_for(field, lines),
                    field=field,
                    raw=f"{m.unit} vs {row.unit}",
                    code=m.code,
                    unit=m.unit,
                    ref=m.value_ref,
                    per=row.unit,
                )
            )
    return problems


# --- value sets --------------------------------------------------------------------------

VALUE_SET_COLUMNS = ("code", "unit", "value_gbp", "price_year", "source", "licence", "description")


def load_value_set(
    name_or_path: str, relative_to: Path | None = None, encoding: str | None = None
) -> tuple[ValueSet | None, list[Problem]]:
    """A value set by built-in id, or from a YAML or CSV file (notes, such as the encoding assumed, in the list)."""
    path = Path(name_or_path)
    if not path.is_absolute() and relative_to is not None and (relative_to / path).is_file():
        path = relative_to / path
    builtin = False
    if not path.is_file():
        found = builtin_value_sets().get(name_or_path)
        if found is None:
            return None, [VALUES_NOT_FOUND(file=name_or_path, known=", ".join(builtin_value_sets()))]
        path, builtin = found, True
    file = str(path)
    decoded, unreadable = read_text_file(path, None if builtin else encoding)
    if decoded is None:
        return None, [unreadable] if unreadable else []
    notes = [decoded.note] if decoded.note else []
    text = decoded.text
    if path.suffix.lower() == ".csv":
        value_set, problems = _value_set_from_csv(text, path)
        return value_set, [*notes, *problems]
    loaded, problems = _read_yaml(text, file)
    if loaded is None:
        return None, [*notes, *problems]
    try:
        return ValueSet.model_validate(loaded.data), notes
    except ValidationError as exc:
        return None, [
            *notes,
            *(
                p.model_copy(update={"code": VALUES_INVALID.code})
                for p in _validation_problems(exc, file, loaded.lines)
            ),
        ]


def _delimiter(text: str) -> str:
    """Comma, tab (Excel's 'Unicode text' and 'Text (Tab delimited)') or semicolon (Excel in many European
    locales): whichever the header line holds most of."""
    header = text.split("\n", 1)[0]
    return max((",", "\t", ";"), key=header.count)


def _value_set_from_csv(text: str, path: Path) -> tuple[ValueSet | None, list[Problem]]:
    """CSV value sets: one row per value with the columns in VALUE_SET_COLUMNS (code, unit, value_gbp required)."""
    file = str(path)
    reader = csv.DictReader(io.StringIO(text), delimiter=_delimiter(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in ("code", "unit", "value_gbp") if c not in header]
    if missing:
        return None, [VALUES_INVALID(file=file, line=1, why=f"CSV value set lacks column(s): {', '.join(missing)}")]
    problems: list[Problem] = []
    values: list[ProxyValue] = []
    for line_no, row in enumerate(reader, start=2):
        clean = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        data: dict[str, Any] = {k: clean[k] for k in VALUE_SET_COLUMNS if clean.get(k)}
        try:
            values.append(ProxyValue.model_validate(data))
        except ValidationError as exc:
            for err in exc.errors():
                problems.append(
                    VALUES_INVALID(
                        file=file,
                        line=line_no,
                        field=".".join(str(p) for p in err["loc"]),
                        raw=str(err.get("input", ""))[:80],
                        why=err["msg"],
                    )
                )
    if problems:
        return None, problems
    try:
        return ValueSet(id=path.stem, title=path.stem, source=file, values=values), []
    except ValidationError as exc:
        return None, [VALUES_INVALID(file=file, why=e["msg"].removeprefix("Value error, ")) for e in exc.errors()]
