"""Checking a footprint: its own consistency, and its codes against the public registers (ODS, ONS)."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

from socialvalue.problems import Problem, Severity, define

from .models import Footprint, Organisation, OrgKind, Scheme
from .successions import rollup_map

CLOSED_NO_SUCCESSOR = define(
    "closed-no-successor", Severity.WARNING, "{code} {name} closed on {closed} but names no successor: its records roll up under nobody"
)  # fmt: skip
SUCCESSOR_OUTSIDE = define(
    "successor-outside", Severity.WARNING, "{code}'s successor {successor} is not an organisation of this footprint: add it, or its records stop at {code}"
)  # fmt: skip
SUCCESSOR_CLOSED_FIRST = define(
    "successor-closed-first", Severity.WARNING, "{code}'s successor {successor} had closed ({closed}) before it took over ({start})"
)  # fmt: skip
NO_PLACE = define(
    "organisation-no-place", Severity.INFO, "{code} {name} has no place: it counts towards the footprint only"
)
EMPTY_PLACE = define("place-empty", Severity.INFO, "place {gss} {name} has no organisations yet")
REGISTER_MISSING = define("register-missing", Severity.WARNING, "{code} ({name}) is not in the register {register}")
REGISTER_DIFFERS = define("register-differs", Severity.WARNING, "{code}: the {what} here is {ours!r}, the register {register} says {theirs!r}")  # fmt: skip


def check_footprint(footprint: Footprint, ods: Sequence[Path] = (), ons: Sequence[Path] = ()) -> list[Problem]:
    """What a footprint lead should look at: closures without successors, successors outside, empty places;
    with ODS extracts or ONS code lists, codes, names and dates against those registers."""
    problems = _consistency(footprint)
    if ods:
        problems += check_against_ods(footprint, ods)
    if ons:
        problems += check_against_ons(footprint, ons)
    return problems


def _consistency(footprint: Footprint) -> list[Problem]:
    problems: list[Problem] = []
    by_key = {o.key: o for o in footprint.organisations}
    for o in footprint.organisations:
        field = f"organisation {o.scheme.value}:{o.code}"
        if o.closed and not o.successor:
            problems.append(CLOSED_NO_SUCCESSOR(field=field, code=o.code, name=o.name, closed=o.closed))
        nxt = by_key.get(o.successor_key) if o.successor_key else None
        if o.successor and nxt is None:
            problems.append(SUCCESSOR_OUTSIDE(field=field, code=o.code, successor=o.successor))
        elif nxt is not None and nxt.closed and o.successor_from and nxt.closed < o.successor_from:
            problems.append(SUCCESSOR_CLOSED_FIRST(field=field, code=o.code, successor=nxt.code, closed=nxt.closed, start=o.successor_from))  # fmt: skip
        if o.place is None and o.kind is not OrgKind.ICB:
            problems.append(NO_PLACE(field=field, code=o.code, name=o.name))
    used = {o.place for o in footprint.organisations}
    problems += [
        EMPTY_PLACE(field=f"place {p.gss}", gss=p.gss, name=p.name) for p in footprint.places if p.gss not in used
    ]
    return problems


def rollup_codes(footprint: Footprint) -> dict[str, str]:
    """``scheme:code`` → ``scheme:code`` it rolls up under (for display and tests)."""
    return {f"{a[0].value}:{a[1]}": f"{b[0].value}:{b[1]}" for a, b in rollup_map(footprint.organisations).items()}


# --- the public registers ----------------------------------------------------------------------


def _name_key(name: str) -> str:
    """Names compared without case, punctuation or 'the' (registers write capitals and drop apostrophes)."""
    words = re.sub(r"[^a-z0-9 ]", "", name.lower().replace("&", " and ").replace(".", " ")).split()
    return " ".join(w for w in words if w != "the")


def _register_date(text: str) -> date | None:
    text = text.strip()
    return date(int(text[:4]), int(text[4:6]), int(text[6:8])) if re.fullmatch(r"\d{8}", text) else None


def read_ods_register(paths: Iterable[Path]) -> dict[str, list[str]]:
    """ODS extract rows (no header: code, name, region, parent/ICB code, address × 5, postcode, opened, closed, ...) by code."""
    rows: dict[str, list[str]] = {}
    for path in paths:
        with path.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
            for row in csv.reader(fh):
                if len(row) >= 12 and row[0].strip():
                    rows[row[0].strip().upper()] = [c.strip() for c in row]
    return rows


def check_against_ods(footprint: Footprint, registers: Sequence[Path]) -> list[Problem]:
    """Each NHS organisation of the footprint against ODS extracts (trusts ``etr``, CCGs ``eccg``, ...).

    An organisation in none of the extracts given is a warning (give every extract that should hold it).

    A CCG closed on 30 June 2022 is still in the register as a sub-ICB location of its ICB, open and
    renamed (``NHS CHESHIRE AND MERSEYSIDE ICB - 01F``): its parent must then be the ICB it rolls up under.
    """
    register = ", ".join(p.name for p in registers)
    rows = read_ods_register(registers)
    rollup = rollup_map(footprint.organisations)
    problems: list[Problem] = []
    for o in footprint.organisations:
        if o.scheme is not Scheme.ODS or o.kind is OrgKind.ICB:
            continue
        row = rows.get(o.code)
        field = f"organisation ods:{o.code}"
        if row is None:
            problems.append(REGISTER_MISSING(field=field, code=o.code, name=o.name, register=register))
            continue
        sub_icb = o.kind is OrgKind.CCG and row[11] == "" and " ICB - " in row[1].upper()
        differs = problems.append
        if sub_icb:
            icb = rollup[o.key][1]
            if row[3].upper() != icb:
                differs(REGISTER_DIFFERS(field=field, code=o.code, what="ICB it became part of", ours=icb, theirs=row[3], register=register))  # fmt: skip
        else:
            if _name_key(row[1]) not in {_name_key(o.name), _name_key(o.former_name)}:
                differs(REGISTER_DIFFERS(field=field, code=o.code, what="name", ours=o.name, theirs=row[1], register=register))  # fmt: skip
            if _register_date(row[11]) != o.closed:
                differs(REGISTER_DIFFERS(field=field, code=o.code, what="closing date", ours=str(o.closed or "open"), theirs=row[11] or "open", register=register))  # fmt: skip
            if row[3].upper() != footprint.code:
                differs(REGISTER_DIFFERS(field=field, code=o.code, what="ICB", ours=footprint.code, theirs=row[3], register=register))  # fmt: skip
        if o.opened is not None and _register_date(row[10]) != o.opened:
            differs(REGISTER_DIFFERS(field=field, code=o.code, what="opening date", ours=str(o.opened), theirs=row[10], register=register))  # fmt: skip
        if o.postcode is not None and row[9].upper() != o.postcode.upper():
            differs(REGISTER_DIFFERS(field=field, code=o.code, what="postcode", ours=o.postcode, theirs=row[9], register=register))  # fmt: skip
    return problems


def read_ons_codes(path: Path) -> dict[str, dict[str, str]]:
    """An ONS names-and-codes CSV (``LAD23CD, LAD23NM`` or ``ICB24CD, ICB24CDH, ICB24NM``) as code → {code, name, ods}."""
    out: dict[str, dict[str, str]] = {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = reader.fieldnames or []
        code = next((f for f in fields if re.fullmatch(r"[A-Z]+\d{2}CD", f)), None)
        name = next((f for f in fields if re.fullmatch(r"[A-Z]+\d{2}NM", f)), None)
        ods = next((f for f in fields if re.fullmatch(r"[A-Z]+\d{2}CDH", f)), None)
        if code is None or name is None:
            return out
        for row in reader:
            out[row[code].strip()] = {"name": row[name].strip(), "ods": row[ods].strip() if ods else ""}
    return out


def check_against_ons(footprint: Footprint, code_lists: Sequence[Path]) -> list[Problem]:
    """The footprint's own code (ICB) and its places (local authority districts) against ONS code lists."""
    register = ", ".join(p.name for p in code_lists)
    codes: dict[str, dict[str, str]] = {}
    for path in code_lists:
        codes.update(read_ons_codes(path))
    types = {c[:3] for c in codes}
    # GSS codes start with their entity type (E54 ICBs, E06/E08 districts): only types a list holds are checked
    problems: list[Problem] = []
    if footprint.gss and footprint.gss[:3] in types:
        found = codes.get(footprint.gss)
        if found is None:
            problems.append(REGISTER_MISSING(field="gss", code=footprint.gss, name=footprint.name, register=register))
        elif found["ods"] and found["ods"] != footprint.code:
            problems.append(REGISTER_DIFFERS(field="code", code=footprint.gss, what="ODS code", ours=footprint.code, theirs=found["ods"], register=register))  # fmt: skip
    for p in footprint.places:
        if p.gss[:3] not in types:
            continue
        found = codes.get(p.gss)
        if found is None:
            problems.append(REGISTER_MISSING(field=f"place {p.gss}", code=p.gss, name=p.name, register=register))
        elif _name_key(found["name"]) != _name_key(p.name):
            problems.append(REGISTER_DIFFERS(field=f"place {p.gss}", code=p.gss, what="name", ours=p.name, theirs=found["name"], register=register))  # fmt: skip
    return problems


def organisation_label(o: Organisation) -> str:
    return f"{o.code} {o.name}" + (f" (closed {o.closed})" if o.closed else "")
