"""Reading footprints (YAML) and organisation lists (CSV), with every problem located (file, line, field)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from socialvalue.problems import Problem, Severity, define
from socialvalue.rubric.load import _read_yaml, _validation_problems

from .models import SCHEME_OF_KIND, Footprint, Organisation, OrgKind, Place, Scheme, normalise_code
from .successions import successor_cycles

FOOTPRINT_INVALID = define("footprint-invalid", Severity.ERROR, "{why}")
ORG_INVALID = define("organisation-invalid", Severity.ERROR, "{why}")
ORG_DUPLICATE = define("organisation-duplicate", Severity.ERROR, "{code} is listed more than once ({where})")
PLACE_UNKNOWN = define(
    "place-unknown", Severity.ERROR, "{place!r} is not a place of footprint {footprint} (its places: {known})"
)
SUCCESSION_CYCLE = define("succession-cycle", Severity.ERROR, "successions go round in a circle: {cycle}")

ORGANISATION_COLUMNS = (
    "scheme", "code", "name", "kind", "place", "postcode", "opened", "closed",
    "successor", "successor_scheme", "succeeded_on", "former_name", "note",
)  # fmt: skip
"""Columns of an organisations CSV; ``code``, ``name`` and ``kind`` are required (``scheme`` where the kind does not say)."""

_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def footprint_from_yaml(text: str, file: str) -> tuple[Footprint | None, list[Problem]]:
    loaded, problems = _read_yaml(text, file)
    if loaded is None:
        return None, problems
    if not isinstance(loaded.data, dict):
        return None, [FOOTPRINT_INVALID(file=file, line=1, why="a footprint file must be a YAML mapping")]
    try:
        footprint = Footprint.model_validate(loaded.data)
    except ValidationError as exc:
        return None, [
            p.model_copy(update={"code": FOOTPRINT_INVALID.code}) for p in _validation_problems(exc, file, loaded.lines)
        ]
    problems = structure_problems(footprint, file)
    return (None, problems) if problems else (footprint, [])


def _invalid(exc: ValidationError) -> list[Problem]:
    return [FOOTPRINT_INVALID(why=e["msg"].removeprefix("Value error, ")) for e in exc.errors()]


def new_footprint(
    code: str, name: str, gss: str | None = None, places: Sequence[str] = ()
) -> tuple[Footprint | None, list[Problem]]:
    """An empty footprint from its code (the ICB's ODS code), name, ONS code and places written ``GSS=Name``."""
    try:
        footprint = Footprint(
            code=code.upper(), name=name, gss=gss,
            places=[Place(gss=p.partition("=")[0].strip().upper(), name=p.partition("=")[2].strip()) for p in places],
        )  # fmt: skip
    except ValidationError as exc:
        return None, _invalid(exc)
    problems = structure_problems(footprint)
    return (None, problems) if problems else (footprint, [])


def with_rules(
    footprint: Footprint, green: float | None = None, amber: float | None = None, due_days: int | None = None
) -> tuple[Footprint | None, list[Problem]]:
    """``footprint`` with new RAG thresholds (% of the phased commitment to date) or days a return is due."""
    changes = {
        k: v
        for k, v in (("rag_green_pct", green), ("rag_amber_pct", amber), ("return_due_days", due_days))
        if v is not None
    }
    try:
        return Footprint.model_validate({**footprint.model_dump(), **changes}), []
    except ValidationError as exc:
        return None, _invalid(exc)


def structure_problems(footprint: Footprint, file: str = "") -> list[Problem]:
    """Duplicated places or organisations, places not in the footprint, and circular successions."""
    problems: list[Problem] = []
    places = {p.gss for p in footprint.places}
    seen_places: set[str] = set()
    for i, p in enumerate(footprint.places):
        if p.gss in seen_places:
            problems.append(FOOTPRINT_INVALID(file=file, field=f"places.{i}", why=f"place {p.gss} is listed twice"))
        seen_places.add(p.gss)
    seen: dict[tuple[Scheme, str], int] = {}
    for i, o in enumerate(footprint.organisations):
        if o.key in seen:
            problems.append(ORG_DUPLICATE(file=file, field=f"organisations.{i}", code=o.code, where=f"first at organisations.{seen[o.key]}"))  # fmt: skip
        seen.setdefault(o.key, i)
        if o.place is not None and o.place not in places:
            problems.append(
                PLACE_UNKNOWN(file=file, field=f"organisations.{i}.place", raw=o.place, place=o.place,
                              footprint=footprint.code, known=", ".join(sorted(places)) or "none")
            )  # fmt: skip
    for cycle in successor_cycles(footprint.organisations):
        problems.append(SUCCESSION_CYCLE(file=file, cycle=" → ".join(cycle)))
    return problems


def read_organisations_csv(path: Path, footprint: Footprint) -> tuple[list[Organisation], list[Problem]]:
    """Organisations from a CSV (columns :data:`ORGANISATION_COLUMNS`); every problem with its line and column.

    ``place`` is the GSS code of one of the footprint's places or its exact name. Dates are
    ``2022-06-30`` or ``30/06/2022`` (day first, as in the UK). Nothing is returned when any row has a problem.
    """
    file = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [ORG_INVALID(file=file, why=f"the file could not be read as UTF-8 text ({exc})")]
    reader = csv.DictReader(io.StringIO(text))
    header = [(h or "").strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in ("code", "name", "kind") if c not in header]
    if missing:
        return [], [ORG_INVALID(file=file, line=1, why=f"the CSV lacks the column(s) {', '.join(missing)}")]
    unknown = [h for h in header if h and h not in ORGANISATION_COLUMNS]
    problems: list[Problem] = []
    if unknown:
        problems.append(ORG_INVALID(file=file, line=1, why=f"unknown column(s) {', '.join(unknown)} (known: {', '.join(ORGANISATION_COLUMNS)})"))  # fmt: skip
    place_by_name = {p.name.casefold(): p.gss for p in footprint.places} | {p.gss: p.gss for p in footprint.places}
    orgs: list[Organisation] = []
    for line, row in enumerate(reader, start=2):
        clean = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k is not None}
        if not any(clean.values()):
            continue
        org = _organisation(clean, place_by_name, footprint, file, line, problems)
        if org is not None:
            orgs.append(org)
    merged = footprint.model_copy(update={"organisations": _merge(footprint.organisations, orgs)})
    problems += [
        p.model_copy(update={"file": file}) for p in structure_problems(merged) if p.code != PLACE_UNKNOWN.code
    ]
    keys: dict[tuple[Scheme, str], int] = {}
    for o in orgs:
        if o.key in keys:
            problems.append(ORG_DUPLICATE(file=file, code=o.code, where="twice in this file"))
        keys[o.key] = 1
    return ([], problems) if any(p.severity is Severity.ERROR for p in problems) else (orgs, problems)


def _merge(existing: list[Organisation], new: list[Organisation]) -> list[Organisation]:
    """The footprint's organisations with ``new`` ones added or replacing those with the same code."""
    replaced = {o.key for o in new}
    return [o for o in existing if o.key not in replaced] + new


def merge_organisations(footprint: Footprint, new: list[Organisation]) -> Footprint:
    return footprint.model_copy(update={"organisations": _merge(footprint.organisations, new)})


def _organisation(
    row: dict[str, str],
    places: dict[str, str],
    footprint: Footprint,
    file: str,
    line: int,
    problems: list[Problem],
) -> Organisation | None:
    data: dict[str, Any] = {}
    before = len(problems)
    for col in ORGANISATION_COLUMNS:
        value = row.get(col, "")
        if not value:
            continue
        if col in ("code", "successor"):
            value = normalise_code(value)
        elif col in ("scheme", "kind", "successor_scheme"):
            value = value.lower()
        elif col == "place":
            gss = places.get(value.casefold()) or places.get(normalise_code(value))
            if gss is None:
                problems.append(
                    PLACE_UNKNOWN(file=file, line=line, field=col, raw=value, place=value, footprint=footprint.code,
                                  known=", ".join(f"{p.gss} {p.name}" for p in footprint.places) or "none")
                )  # fmt: skip
                continue
            value = gss
        elif col in ("opened", "closed", "succeeded_on"):
            day = _date(value)
            if day is None:
                problems.append(ORG_INVALID(file=file, line=line, field=col, raw=value, why=f"{value!r} is not a date: write 2022-06-30 or 30/06/2022"))  # fmt: skip
                continue
            data[col] = day
            continue
        data[col] = value
    if "scheme" not in data and data.get("kind") in {k.value for k in SCHEME_OF_KIND}:
        data["scheme"] = SCHEME_OF_KIND[OrgKind(data["kind"])].value
    if "scheme" not in data:
        problems.append(ORG_INVALID(file=file, line=line, field="scheme", why="say which register the code is from: ods, gss, charity or company"))  # fmt: skip
    if len(problems) > before:
        return None
    try:
        return Organisation.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"])
            why = err["msg"].removeprefix("Value error, ")
            problems.append(ORG_INVALID(file=file, line=line, field=field, raw=str(err.get("input", ""))[:80] if field else "", why=why))  # fmt: skip
        return None


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    found = _UK_DATE.fullmatch(text)
    if found:
        try:
            return datetime(int(found[3]), int(found[2]), int(found[1])).date()
        except ValueError:
            return None
    return None
