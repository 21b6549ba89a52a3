"""Recording a local-spend run in the store: one run whole or not at all; the same inputs twice, once.

A run is its inputs (each file's SHA-256) and settings (the local area or footprint, LM3 shares, suppression):
their fingerprint is the run's key, so recording the same run again changes nothing and says so. Its tidy
tables go in beside it (:mod:`socialvalue.store.schema`, ``localspend_*``), each paying organisation linked to the
store's organisation by code where the store knows it, so reports roll it up with ``organisation.rollup_id`` as
they do ``kpi_period``. Suppressed staff counts are stored as null, never as they were.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from socialvalue import __version__
from socialvalue.problems import Problem, Severity, define
from socialvalue.store import schema as S
from socialvalue.store.engine import Store, inserted_id

from .employment import ALL_ORGANISATIONS
from .models import LocalSpendResult

FOOTPRINT_NOT_STORED = define(
    "footprint-not-in-store",
    Severity.ERROR,
    "footprint {code} is not in the store {store}: record it first (socialvalue footprint create ...) so the run's "
    "figures belong to its organisations; nothing was recorded",
)


@dataclass
class Recorded:
    """What recording a run did."""

    run_id: int
    created: bool
    """False when the same inputs and settings were already recorded (nothing changed)."""
    recorded_at: datetime
    rows: dict[str, int]
    """Rows written per table (empty when nothing was)."""


def fingerprint(result: LocalSpendResult) -> str:
    """SHA-256 of what decided the run's figures: every input's role and SHA-256, and the settings."""
    inputs = sorted((i.role, i.sha256) for i in result.inputs)
    text = json.dumps({"inputs": inputs, "settings": result.settings}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def scope_of(result: LocalSpendResult) -> str:
    """What the run's figures are comparable with: ``footprint:QYG``, or ``lad:`` and the local LAD codes."""
    return f"footprint:{result.footprint}" if result.footprint else "lad:" + ",".join(sorted(result.local_area))


def period_index(month: str) -> int | None:
    """``2024-07`` → the index of its quarter (``year * 4 + quarter - 1``, as ``kpi_period``); '' → None."""
    return int(month[:4]) * 4 + (int(month[5:7]) - 1) // 3 if month else None


def record_run(store: Store, result: LocalSpendResult) -> tuple[Recorded | None, list[Problem]]:
    """Record ``result`` in one transaction; (None, problems) when it cannot be (its footprint is not stored)."""
    key = fingerprint(result)
    run = S.localspend_run
    try:
        with store.write() as conn:
            found = conn.execute(sa.select(run.c.id, run.c.recorded_at).where(run.c.fingerprint == key)).one_or_none()
            if found is not None:
                return Recorded(found.id, False, found.recorded_at, {}), []
            footprint_id = None
            if result.footprint:
                footprint_id = conn.execute(
                    sa.select(S.footprint.c.id).where(S.footprint.c.code == result.footprint)
                ).scalar_one_or_none()
                if footprint_id is None:
                    return None, [FOOTPRINT_NOT_STORED(code=result.footprint, store=store.label)]
            now = datetime.now(UTC)
            run_id = _insert_run(conn, result, key, footprint_id, now)
            rows = _insert_facts(conn, result, run_id, _organisation_ids(conn, result, footprint_id))
            return Recorded(run_id, True, now, rows), []
    except sa.exc.IntegrityError:
        # another recording of the same run committed first (PostgreSQL): it is there, once
        with store.read() as conn:
            again = conn.execute(sa.select(run.c.id, run.c.recorded_at).where(run.c.fingerprint == key)).one_or_none()
        if again is None:
            raise
        return Recorded(again.id, False, again.recorded_at, {}), []


def _insert_run(
    conn: sa.Connection, result: LocalSpendResult, key: str, footprint_id: int | None, now: datetime
) -> int:
    months = sorted({c.month for c in result.spend if c.month})
    made = conn.execute(
        sa.insert(S.localspend_run).values(
            fingerprint=key, scope=scope_of(result), footprint_id=footprint_id, local_area=result.local_area_label,
            local_area_codes=",".join(sorted(result.local_area)), options=json.dumps(result.settings, sort_keys=True),
            rows_read=result.rows_read, first_month=months[0] if months else None,
            last_month=months[-1] if months else None, suppress_under=result.suppression_threshold, recorded_at=now,
            tool=f"socialvalue {__version__}",
        )
    )  # fmt: skip
    run_id = inserted_id(made)
    conn.execute(
        sa.insert(S.localspend_input),
        [{"run_id": run_id, "role": i.role, "file_name": i.file, "sha256": i.sha256} for i in result.inputs],
    )
    return run_id


def _organisation_ids(conn: sa.Connection, result: LocalSpendResult, footprint_id: int | None) -> dict[str, int]:
    """Code → the store's organisation, for the codes the run reports (of its footprint's, when it has one);
    a code in two registers, or unknown to the store, is left unlinked."""
    codes: set[str] = {c.paid_by for c in result.spend} | {c.organisation for c in result.employment}
    codes |= {m.scope for m in result.lm3}
    org = S.organisation
    query = sa.select(org.c.id, org.c.code).where(org.c.code.in_(sorted(codes)))
    if footprint_id is not None:
        query = query.where(org.c.footprint_id == footprint_id)
    found: dict[str, list[int]] = {}
    for row in conn.execute(query):
        found.setdefault(row.code, []).append(row.id)
    return {code: ids[0] for code, ids in found.items() if len(ids) == 1}


def _insert_facts(conn: sa.Connection, result: LocalSpendResult, run_id: int, ids: dict[str, int]) -> dict[str, int]:
    quarter = {m: period_index(m) for m in {c.month for c in result.spend} | {c.month for c in result.landing}}

    def org(code: str) -> dict[str, Any]:
        every = code == ALL_ORGANISATIONS
        return {"organisation": None if every else code, "organisation_id": None if every else ids.get(code)}

    spend = [
        {
            "run_id": run_id, "organisation_id": ids.get(c.paid_by), "organisation": c.organisation,
            "paid_by": c.paid_by, "place_gss": c.place or None, "month": c.month or None,
            "period_index": quarter[c.month], "organisation_name": c.organisation_name,
            "supplier_type": c.supplier_type, "kind": c.kind.value, "category": c.category.value, "rows": c.rows,
            "amount_gbp": c.amount_gbp,
        }
        for c in result.spend
    ]  # fmt: skip
    landing = [
        {
            "run_id": run_id, "organisation_id": ids.get(c.paid_by), "organisation": c.organisation,
            "paid_by": c.paid_by, "place_gss": c.place or None, "month": c.month or None,
            "period_index": quarter[c.month], "district": c.supplier_district, "local": c.local,
            "kind": c.kind.value, "rows": c.rows, "amount_gbp": c.amount_gbp,
        }
        for c in result.landing
    ]  # fmt: skip
    lm3 = [
        {
            "run_id": run_id, **org(m.scope), **dict(zip(_LM3_PARTS, (p.amount_gbp for p in m.parts), strict=True)),
            "r1_gbp": m.r1, "r2_gbp": m.r2, "r3_gbp": m.r3, "lm3": m.lm3, "assumptions": "\n".join(m.assumptions),
        }
        for m in result.lm3
    ]  # fmt: skip
    employment = []
    for c in result.employment:
        if c.suppressed and c.headcount is not None:  # the model never carries one; the store never keeps one
            raise ValueError("a suppressed staff count must not be recorded")
        employment.append({
            "run_id": run_id, **org(c.organisation), "district": c.district or None, "local": c.local,
            "category": c.category, "headcount": c.headcount, "fte": c.fte, "suppressed": c.suppressed,
        })  # fmt: skip
    written = {}
    for table, rows in (
        (S.localspend_spend, spend), (S.localspend_landing, landing), (S.localspend_lm3, lm3),
        (S.localspend_employment, employment),
    ):  # fmt: skip
        for chunk in _chunks(rows, 20_000):
            conn.execute(sa.insert(table), chunk)
        written[table.name] = len(rows)
    return written


_LM3_PARTS = (
    "r1_payments_gbp", "r1_staff_pay_gbp", "r2_local_suppliers_gbp", "r2_local_staff_pay_gbp", "r3_suppliers_gbp",
    "r3_staff_gbp",
)  # fmt: skip
"""The columns of :attr:`Lm3.parts`, in its order (round 1 payments and pay, round 2, round 3)."""


def _chunks(rows: list[dict[str, Any]], size: int) -> Iterable[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
