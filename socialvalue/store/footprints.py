"""Footprints in the store: saved whole (places, organisations, successions, roll-up), read back as models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from socialvalue.footprint.models import Footprint, Organisation, Place, Scheme
from socialvalue.problems import Problem, Severity, define

from . import schema as S
from .engine import Store, inserted_id

ORG_ELSEWHERE = define(
    "organisation-in-other-footprint", Severity.ERROR, "{code} {name} already belongs to footprint {other}: an organisation is in one footprint"
)  # fmt: skip
ORG_NOT_FOUND = define("organisation-not-found", Severity.ERROR, "no organisation {code} in the store{hint}")
ORG_AMBIGUOUS = define(
    "organisation-ambiguous", Severity.ERROR, "{code} is a code in more than one register ({schemes}): write it as scheme:code, e.g. {example}"
)  # fmt: skip
FOOTPRINT_MISSING = define(
    "footprint-missing", Severity.ERROR, "no footprint {code} in the store (footprints: {known})"
)


@dataclass
class Saved:
    footprint_id: int
    created: bool
    organisations_added: int
    organisations_updated: int


def save_footprint(store: Store, footprint: Footprint) -> tuple[Saved | None, list[Problem]]:
    """Record ``footprint`` (new, or replacing what the store holds for its code) in one transaction."""
    with store.write() as conn:
        found = conn.execute(
            sa.select(S.footprint.c.id).where(S.footprint.c.code == footprint.code).with_for_update()
        ).scalar_one_or_none()
        existing = {
            (Scheme(r.scheme), r.code): r
            for r in conn.execute(sa.select(S.organisation.c.id, S.organisation.c.scheme, S.organisation.c.code,
                                            S.organisation.c.footprint_id))
        }  # fmt: skip
        problems = _elsewhere(conn, found, footprint.organisations, existing)
        if problems:
            return None, problems  # nothing written yet
        fp_id, created = _upsert_footprint(conn, footprint, found)
        place_ids = _upsert_places(conn, fp_id, footprint.places)
        added = updated = 0
        for o in footprint.organisations:
            values = _org_values(o, fp_id, place_ids)
            row = existing.get(o.key)
            if row is None:
                conn.execute(sa.insert(S.organisation).values(**values))
                added += 1
            else:
                conn.execute(sa.update(S.organisation).where(S.organisation.c.id == row.id).values(**values))
                updated += 1
        _link_successors(conn, footprint.organisations)
        refresh_rollup(conn)
    return Saved(fp_id, created, added, updated), []


def _upsert_footprint(conn: sa.Connection, fp: Footprint, found: int | None) -> tuple[int, bool]:
    values = dict(name=fp.name, gss=fp.gss, rag_green_pct=fp.rag_green_pct, rag_amber_pct=fp.rag_amber_pct,
                  return_due_days=fp.return_due_days)  # fmt: skip
    if found is not None:
        conn.execute(sa.update(S.footprint).where(S.footprint.c.id == found).values(**values))
        return found, False
    made = conn.execute(sa.insert(S.footprint).values(code=fp.code, created_at=datetime.now(UTC), **values))
    return inserted_id(made), True


def _upsert_places(conn: sa.Connection, fp_id: int, places: list[Place]) -> dict[str, int]:
    ids = {r.gss: r.id for r in conn.execute(sa.select(S.place.c.id, S.place.c.gss).where(S.place.c.footprint_id == fp_id))}  # fmt: skip
    for p in places:
        if p.gss in ids:
            conn.execute(sa.update(S.place).where(S.place.c.id == ids[p.gss]).values(name=p.name))
        else:
            made = conn.execute(sa.insert(S.place).values(footprint_id=fp_id, gss=p.gss, name=p.name))
            ids[p.gss] = inserted_id(made)
    return ids


def _elsewhere(
    conn: sa.Connection, fp_id: int | None, orgs: list[Organisation], existing: dict[Any, Any]
) -> list[Problem]:
    codes = {r.id: r.code for r in conn.execute(sa.select(S.footprint.c.id, S.footprint.c.code))}
    problems = []
    for o in orgs:
        row = existing.get(o.key)
        if row is not None and row.footprint_id not in (None, fp_id):
            problems.append(ORG_ELSEWHERE(code=o.code, name=o.name, other=codes.get(row.footprint_id, "?")))
    return problems


def _org_values(o: Organisation, fp_id: int, place_ids: dict[str, int]) -> dict[str, Any]:
    return dict(
        scheme=o.scheme.value, code=o.code, name=o.name, kind=o.kind.value, footprint_id=fp_id,
        place_id=place_ids.get(o.place) if o.place else None, postcode=o.postcode, opened=o.opened, closed=o.closed,
        succeeded_on=o.successor_from, former_name=o.former_name, note=o.note,
    )  # fmt: skip


def _link_successors(conn: sa.Connection, orgs: list[Organisation]) -> None:
    ids = {(Scheme(r.scheme), r.code): r.id for r in conn.execute(sa.select(S.organisation.c.id, S.organisation.c.scheme, S.organisation.c.code))}  # fmt: skip
    for o in orgs:
        successor = ids.get(o.successor_key) if o.successor_key else None
        conn.execute(sa.update(S.organisation).where(S.organisation.c.id == ids[o.key]).values(successor_id=successor))


def refresh_rollup(conn: sa.Connection) -> int:
    """Recompute every organisation's ``rollup_id`` from the successions; returns how many changed."""
    rows = list(conn.execute(sa.select(S.organisation.c.id, S.organisation.c.successor_id, S.organisation.c.rollup_id)))
    successor = {r.id: r.successor_id for r in rows}
    changed = 0
    for r in rows:
        current, seen = r.id, {r.id}
        while (nxt := successor.get(current)) is not None and nxt not in seen:
            seen.add(nxt)
            current = nxt
        if r.rollup_id != current:
            conn.execute(sa.update(S.organisation).where(S.organisation.c.id == r.id).values(rollup_id=current))
            changed += 1
    return changed


def read_footprint(store: Store, code: str) -> tuple[Footprint | None, list[Problem]]:
    """The footprint recorded under ``code``, as a model (for show, check and adding organisations)."""
    with store.read() as conn:
        fp = conn.execute(sa.select(S.footprint).where(S.footprint.c.code == code.upper())).one_or_none()
        if fp is None:
            known = (
                ", ".join(conn.execute(sa.select(S.footprint.c.code).order_by(S.footprint.c.code)).scalars()) or "none"
            )
            return None, [FOOTPRINT_MISSING(code=code, known=known)]
        places = list(conn.execute(sa.select(S.place).where(S.place.c.footprint_id == fp.id).order_by(S.place.c.gss)))
        gss_of = {p.id: p.gss for p in places}
        succ = S.organisation.alias("succ")
        rows = conn.execute(
            sa.select(S.organisation, succ.c.scheme.label("s_scheme"), succ.c.code.label("s_code"))
            .outerjoin(succ, succ.c.id == S.organisation.c.successor_id)
            .where(S.organisation.c.footprint_id == fp.id)
            .order_by(S.organisation.c.id)
        )
        orgs = [_organisation(r, gss_of) for r in rows]
    footprint = Footprint(
        code=fp.code, gss=fp.gss, name=fp.name, rag_green_pct=fp.rag_green_pct, rag_amber_pct=fp.rag_amber_pct,
        return_due_days=fp.return_due_days, places=[Place(gss=p.gss, name=p.name) for p in places], organisations=orgs,
    )  # fmt: skip
    return footprint, []


def _organisation(r: sa.Row[Any], gss_of: dict[int, str]) -> Organisation:
    """A stored organisation as its model, written as a footprint file would write it (defaults left out)."""
    other_scheme = r.s_scheme if r.s_code and r.s_scheme != r.scheme else None
    default_start = r.closed + timedelta(days=1) if r.closed else None
    return Organisation(
        scheme=Scheme(r.scheme), code=r.code, name=r.name, kind=r.kind,
        place=gss_of.get(r.place_id) if r.place_id else None, postcode=r.postcode, opened=r.opened, closed=r.closed,
        successor=r.s_code, successor_scheme=Scheme(other_scheme) if other_scheme else None,
        succeeded_on=r.succeeded_on if r.s_code and r.succeeded_on != default_start else None,
        former_name=r.former_name, note=r.note,
    )  # fmt: skip


def footprint_codes(store: Store) -> list[str]:
    with store.read() as conn:
        return list(conn.execute(sa.select(S.footprint.c.code).order_by(S.footprint.c.code)).scalars())


def find_organisation(conn: sa.Connection, code: str) -> tuple[int | None, list[Problem]]:
    """An organisation's id from ``RBQ`` or ``ods:RBQ`` (the scheme is needed only when a code is in two registers)."""
    scheme, _, bare = code.rpartition(":")
    bare = "".join(bare.upper().split())
    query = sa.select(S.organisation.c.id, S.organisation.c.scheme).where(S.organisation.c.code == bare)
    if scheme:
        query = query.where(S.organisation.c.scheme == scheme.lower())
    rows = list(conn.execute(query))
    if not rows:
        return None, [ORG_NOT_FOUND(code=code, hint=": load the footprint's organisations first (socialvalue footprint create / load)")]  # fmt: skip
    if len(rows) > 1:
        schemes = ", ".join(sorted(r.scheme for r in rows))
        return None, [ORG_AMBIGUOUS(code=code, schemes=schemes, example=f"{rows[0].scheme}:{bare}")]
    return int(rows[0].id), []


def load_organisations(store: Store, footprint: Footprint, csv_file: Path) -> tuple[int | None, list[Problem]]:
    """Add or update ``footprint``'s organisations from an organisations CSV, whole or not at all: how many
    were loaded (None when nothing was), with every problem."""
    from socialvalue.footprint.load import merge_organisations, read_organisations_csv

    orgs, problems = read_organisations_csv(csv_file, footprint)
    if not orgs and problems:
        return None, problems
    saved, save_problems = save_footprint(store, merge_organisations(footprint, orgs))
    if saved is None:
        return None, save_problems
    return len(orgs), problems
