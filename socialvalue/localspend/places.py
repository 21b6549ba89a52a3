"""What 'local' means (a set of local authority districts) and who the paying organisations are.

Until the footprint model (``socialvalue/footprint``) is on main, the local area is given as LAD codes (on the
command line or in a file) and the spend files' organisation names are mapped to an organisation code and
place by a small CSV. Both are replaced by ``--footprint NAME`` when the footprint model lands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from socialvalue.intake.names import name_key
from socialvalue.intake.values import is_blank
from socialvalue.problems import Problem, Severity, define

from .tables import Field, read_tables

GSS_CODE = re.compile(r"[EWSN][0-9]{8}")
"""An ONS (GSS) area code, such as E06000049."""

LOCAL_AREA = define("local-area", Severity.ERROR, "{what}")
ORGANISATION_MAP = define("organisation-map", Severity.WARNING, "{what}")
ORGANISATION_UNMAPPED = define(
    "organisation-unmapped",
    Severity.WARNING,
    "'{name}' is not in the organisation map ({rows:,} payment rows, £{amount:,.2f}): its payments are reported "
    "under that name with no place; add it to the map (an old CCG name maps to its successor ICB)",
)

AREA_FIELDS = (
    Field(
        "code", ("lad code", "code", "lad23cd", "lad24cd", "lad25cd", "ladcd", "gss code", "place code"), required=True
    ),
    Field("name", ("lad name", "name", "lad23nm", "lad24nm", "lad25nm", "place", "place name")),
)
ORG_FIELDS = (
    Field("name", ("name in spend file", "spend file name", "name", "organisation name", "council name", "icb"), required=True, describe="the organisation as the spend files name it"),
    Field("code", ("organisation", "organisation code", "code", "ods code", "gss code", "org code"), required=True, describe="its organisation code"),
    Field("title", ("organisation title", "title", "display name", "official name")),
    Field("place", ("place", "place code", "lad code", "lad"), describe="its place (a LAD code)"),
)  # fmt: skip


@dataclass
class LocalArea:
    """The local authority districts that count as local, with their names where known."""

    codes: dict[str, str] = field(default_factory=dict)
    """GSS code → name ('' when not given)."""
    label: str = ""

    def __contains__(self, lad: str) -> bool:
        return lad in self.codes

    def name(self, lad: str) -> str:
        return self.codes.get(lad, "")


def parse_local_area(spec: str, problems: list[Problem]) -> LocalArea:
    """``E06000049,E06000050`` or a file (CSV or xlsx with a code column, or one code a line)."""
    area = LocalArea(label=spec)
    path = Path(spec)
    if not GSS_CODE.fullmatch(spec.split(",")[0].strip()) and path.exists():
        area.label = path.name
        if path.suffix.lower() in (".csv", ".xlsx"):
            source = read_tables(path, AREA_FIELDS, problems)
            for table in source.tables:
                for rownum, values in table.rows:
                    code = str(values[table.columns["code"]]).strip() if table.columns["code"] < len(values) else ""
                    if not code:
                        continue
                    ni = table.columns.get("name")
                    name = str(values[ni]).strip() if ni is not None and ni < len(values) else ""
                    _add(area, code, name, problems, f"{path.name} row {rownum}")
        else:
            for i, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
                if line.strip() and not line.lstrip().startswith("#"):
                    _add(
                        area,
                        line.split(",")[0].strip(),
                        ",".join(line.split(",")[1:]).strip(),
                        problems,
                        f"{path.name} line {i}",
                    )
    else:
        for part in spec.split(","):
            if part.strip():
                _add(area, part.strip(), "", problems, "--local-area")
    if not area.codes:
        problems.append(
            LOCAL_AREA(what=f"the local area '{spec}' names no local authority district codes (such as E06000049)")
        )
    return area


def _add(area: LocalArea, code: str, name: str, problems: list[Problem], where: str) -> None:
    code = code.upper()
    if not GSS_CODE.fullmatch(code):
        problems.append(
            LOCAL_AREA(raw=code, what=f"{where}: '{code}' is not a local authority district code (such as E06000049)")
        )
        return
    area.codes[code] = name or area.codes.get(code, "")


@dataclass(frozen=True)
class Organisation:
    """A paying organisation: its code, name and place (a LAD code, '' when not known)."""

    code: str
    name: str
    place: str
    mapped_from: str = ""
    """The spend-file name it was mapped from, when that differs from its name (an old CCG name, say)."""


@dataclass
class OrganisationMap:
    """Spend-file organisation names (compared as :func:`name_key`) → organisations."""

    by_key: dict[str, Organisation] = field(default_factory=dict)
    file: str = ""

    def resolve(self, name: str) -> Organisation | None:
        return self.by_key.get(name_key(name)) if self.by_key else None


def _text(raw: object) -> str:
    return "" if is_blank(raw) else " ".join(str(raw).split())


def read_organisation_map(path: Path, problems: list[Problem]) -> OrganisationMap:
    """Read the organisation map: ``name`` (as in the spend files), ``organisation`` (code), ``place`` (LAD), ``title``."""
    source = read_tables(path, ORG_FIELDS, problems)
    out = OrganisationMap(file=source.name)
    for table in source.tables:
        for rownum, values in table.rows:
            name, code, place = (
                _text(table.get(values, "name")),
                _text(table.get(values, "code")),
                _text(table.get(values, "place")).upper(),
            )
            if not name:
                continue
            if not code:
                problems.append(
                    table.problem_at(
                        ORGANISATION_MAP,
                        rownum,
                        "code",
                        what=f"'{name}' has no organisation code: it is left out of the map",
                    )
                )
                continue
            if place and not GSS_CODE.fullmatch(place):
                problems.append(
                    table.problem_at(
                        ORGANISATION_MAP,
                        rownum,
                        "place",
                        raw=place,
                        what=f"'{place}' is not a LAD code (such as E06000049): {name}'s place is left blank",
                    )
                )
                place = ""
            title = _text(table.get(values, "title")) or name
            key = name_key(name)
            if key in out.by_key and out.by_key[key].code != code:
                problems.append(
                    table.problem_at(
                        ORGANISATION_MAP,
                        rownum,
                        "name",
                        raw=name,
                        what=f"'{name}' is mapped twice, to {out.by_key[key].code} and {code}: the first is used",
                    )
                )
                continue
            out.by_key.setdefault(key, Organisation(code, title, place, name if name != title else ""))
    return out
