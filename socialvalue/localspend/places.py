"""What 'local' means (a set of local authority districts) and who the paying organisations are.

With a footprint (:mod:`socialvalue.footprint`, from the store or built in) the local area is the footprint's
places, and a spend file's organisation is one of the footprint's organisations: by its code, or by its name
through the organisation map CSV (or the footprint's own name for it), rolled up through successions so a
CCG-era name counts under its ICB. For an ad-hoc run the local area is LAD codes (on the command line or in a
file) and the organisation map CSV gives each name a code and place.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from socialvalue.footprint.models import Footprint, Scheme, normalise_code
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
    """A paying organisation as reported: its code, name and place (a LAD code, '' when it has none or is not known)."""

    code: str
    name: str
    place: str
    paid_by: str = ""
    """The organisation the spend file names, by code, before successions ('' = ``code``): a closed CCG's
    code when its payments are reported under its ICB."""


@dataclass
class OrganisationMap:
    """Spend-file organisations → organisations: by code (a footprint's), or by name (compared as :func:`name_key`)."""

    by_key: dict[str, Organisation] = field(default_factory=dict)
    file: str = ""
    by_code: dict[str, Organisation] = field(default_factory=dict)
    """Code (``RBQ``, or with its scheme ``ODS:RBQ``) → organisation; a footprint's organisations."""
    written: dict[str, str] = field(default_factory=dict)
    """Name key → the name as the map's file writes it."""
    sha256: str = ""
    """The map file's SHA-256 ('' when there is no file)."""
    footprint: str = ""
    footprint_sha256: str = ""
    """SHA-256 of the footprint as used (its places, organisations and successions), so a run records which."""

    def resolve(self, name: str) -> Organisation | None:
        if self.by_code:
            found = self.by_code.get(normalise_code(name))
            if found is not None:
                return found
        return self.by_key.get(name_key(name)) if self.by_key else None


def _text(raw: object) -> str:
    return "" if is_blank(raw) else " ".join(str(raw).split())


def read_organisation_map(path: Path, problems: list[Problem]) -> OrganisationMap:
    """Read the organisation map: ``name`` (as in the spend files), ``organisation`` (code), ``place`` (LAD), ``title``."""
    source = read_tables(path, ORG_FIELDS, problems)
    out = OrganisationMap(file=source.name, sha256=source.sha256)
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
            out.by_key.setdefault(key, Organisation(code, title, place, code))
            out.written.setdefault(key, name)
    return out


# --- a footprint as the local area --------------------------------------------------------------------

FOOTPRINT_MAP = define("organisation-map-footprint", Severity.WARNING, "{what}")


def footprint_area(footprint: Footprint) -> LocalArea:
    """The footprint's places as the local area."""
    return LocalArea({p.gss: p.name for p in footprint.places}, f"footprint {footprint.code} {footprint.name}")


def footprint_organisations(
    footprint: Footprint, names: OrganisationMap | None, problems: list[Problem]
) -> OrganisationMap:
    """The footprint's organisations, found in spend files by code (``RBQ``, ``E06000049``), by a name the
    organisation map CSV gives a code, or by their own name or former name in the footprint; each reported under
    the organisation it rolls up to (a CCG under its ICB), in the place of the organisation that paid."""
    from socialvalue.footprint import rollup_map

    by_key = {o.key: o for o in footprint.organisations}
    rollup = rollup_map(footprint.organisations)
    entries: dict[tuple[Scheme, str], Organisation] = {}
    codes: dict[str, list[Organisation]] = {}
    for o in footprint.organisations:
        top = by_key[rollup[o.key]]
        entry = entries[o.key] = Organisation(top.code, top.name, o.place or "", o.code)
        codes.setdefault(o.code, []).append(entry)
        codes.setdefault(f"{o.scheme.value.upper()}:{o.code}", []).append(entry)
    out = OrganisationMap(
        file=names.file if names else "", sha256=names.sha256 if names else "", footprint=footprint.code,
        footprint_sha256=hashlib.sha256(footprint.model_dump_json().encode()).hexdigest(),
    )  # fmt: skip
    out.by_code = {code: found[0] for code, found in codes.items() if len(found) == 1}
    keyed: dict[str, set[tuple[Scheme, str]]] = {}
    for o in footprint.organisations:
        for written in (o.name, o.former_name):
            if written:
                keyed.setdefault(name_key(written), set()).add(o.key)
    out.by_key = {key: entries[next(iter(found))] for key, found in keyed.items() if len(found) == 1}
    for key, mapped in (names.by_key if names else {}).items():
        written = names.written.get(key, mapped.name) if names else mapped.name
        target = out.by_code.get(normalise_code(mapped.code))
        if target is None:
            problems.append(
                FOOTPRINT_MAP(
                    file=out.file, raw=mapped.code,
                    what=f"the organisation map gives '{written}' the code {mapped.code}, which is not an organisation "
                    f"of footprint {footprint.code}: that name is not mapped",
                )
            )  # fmt: skip
            continue
        if mapped.place and target.place and mapped.place != target.place:
            problems.append(
                FOOTPRINT_MAP(
                    file=out.file, raw=mapped.place,
                    what=f"the organisation map puts '{written}' ({mapped.code}) in {mapped.place}, footprint "
                    f"{footprint.code} in {target.place}: the footprint's place is used",
                )
            )  # fmt: skip
        out.by_key[key] = target
        out.written[key] = written
    return out
