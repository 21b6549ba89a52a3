"""What counts as local for a run, and who pays: a footprint (from the store, built in, or a file), or an ad-hoc
local area of LAD codes with an organisation map."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from socialvalue.footprint.models import Footprint
from socialvalue.problems import Problem, Severity, define
from socialvalue.store.engine import Store

from .places import (
    LocalArea,
    OrganisationMap,
    footprint_area,
    footprint_organisations,
    parse_local_area,
    read_organisation_map,
)
from .record import FOOTPRINT_NOT_STORED

FOOTPRINT_UNKNOWN = define(
    "footprint-unknown",
    Severity.ERROR,
    "'{name}' is not a built-in footprint ({builtin}), a footprint file, or a footprint in {where}",
)


@dataclass
class FoundFootprint:
    footprint: Footprint
    source: str
    """Where it came from, to show: ``footprint QYG as recorded in the store …``."""
    stored: bool
    """True when it is the store's footprint (a run can then be recorded against it)."""


def find_footprint(name: str, store: Store | None) -> tuple[FoundFootprint | None, list[Problem]]:
    """The footprint ``name`` means: a footprint in ``store`` by its code (``QYG``), or a built-in footprint (by id
    or code) or footprint YAML file. When ``store`` holds the built-in's or file's code, the store's is used:
    organisations added to it since are the footprint's too."""
    from socialvalue.footprint import builtin_footprints, load_footprint
    from socialvalue.store.footprints import read_footprint

    builtin = builtin_footprints()
    loaded = None
    if name in builtin or Path(name).is_file():
        loaded, problems = load_footprint(name)
        if loaded is None:
            return None, problems
    else:
        for path in builtin.values():
            candidate, _ = load_footprint(str(path))
            if candidate is not None and candidate.code == name.strip().upper():
                loaded = candidate
    code = loaded.code if loaded is not None else name.strip().upper()
    if store is not None:
        stored, _ = read_footprint(store, code)
        if stored is not None:
            return FoundFootprint(stored, f"footprint {code} as recorded in the store {store.label}", True), []
    if loaded is not None:
        return FoundFootprint(loaded, f"footprint {loaded.code} ({name})", False), []
    where = f"the store {store.label}" if store is not None else "a store (none was given or found)"
    return None, [FOOTPRINT_UNKNOWN(raw=name, name=name, builtin=", ".join(builtin) or "none", where=where)]


@dataclass
class Local:
    """The local area, the organisation map (a footprint's, or the CSV's), and where they came from."""

    area: LocalArea
    organisations: OrganisationMap | None
    source: str


def where_local(
    footprint: str | None,
    local_area: str | None,
    organisations: Path | None,
    record_in: Store | None = None,
    look_in: Store | None = None,
) -> tuple[Local | None, list[Problem]]:
    """What local means: ``footprint`` (looked up in ``record_in``, else ``look_in``, else built in or a file; a
    run to be recorded in ``record_in`` must use that store's footprint) or ``local_area`` codes; with the
    organisation map CSV ``organisations``. None, with the problems, when it cannot be used."""
    problems: list[Problem] = []
    names = read_organisation_map(organisations, problems) if organisations else None
    if footprint is not None:
        found, refused = find_footprint(footprint, record_in or look_in)
        if found is None:
            return None, refused
        if record_in is not None and not found.stored:
            return None, [FOOTPRINT_NOT_STORED(code=found.footprint.code, store=record_in.label)]
        area = footprint_area(found.footprint)
        mapped = footprint_organisations(found.footprint, names, problems)
        local = Local(area, mapped, found.source)
    else:
        area = parse_local_area(local_area or "", problems)
        local = Local(area, names, area.label)
    if any(p.severity is Severity.ERROR for p in problems):
        return None, problems
    return local, problems
