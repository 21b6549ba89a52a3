"""Delivery returns in the store: each file recorded whole or not at all, with the history of resubmissions.

A return for a contract and quarter is recorded once: the same file again changes nothing; a
corrected file supersedes the current one (which is kept, marked superseded) and only the KPIs it
corrects change in ``kpi_period``. Writers of the same contract queue on its row (PostgreSQL
``SELECT ... FOR UPDATE``; SQLite takes its write lock when the transaction begins).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from socialvalue.contracts.models import ReturnKpi, ReturnLine, ReturnReading, ReturnSpec
from socialvalue.periods import Period
from socialvalue.problems import Problem, Severity, define

from . import schema as S
from .contracts import contract_periods, find_contract
from .engine import Store, inserted_id
from .summary import refresh

OUTSIDE_CONTRACT = define(
    "period-outside-contract", Severity.ERROR, "{period} is not a quarter of contract {contract} ({first} to {last})"
)  # fmt: skip
NO_RETURN = define("no-current-return", Severity.ERROR, "no return is recorded for contract {contract} in {period}")
BAD_GRADE = define("bad-grade", Severity.ERROR, "{grade!r} is not an evidence grade: use {grades}")
NO_SUCH_KPI = define("no-such-kpi", Severity.ERROR, "contract {contract} has no KPI {code}")

SUPERSEDED, CURRENT = "superseded", "current"


def return_spec(store: Store, contract: str, period: str) -> tuple[ReturnSpec | None, list[Problem]]:
    """What the return of ``contract`` for ``period`` asks for, with the figures the store holds today."""
    with store.read() as conn:
        return _spec(conn, contract, period)


def _spec(conn: sa.Connection, contract: str, period_key: str) -> tuple[ReturnSpec | None, list[Problem]]:
    row, problems = find_contract(conn, contract)
    if row is None:
        return None, problems
    periods = contract_periods(row)
    period = Period.parse(period_key)
    if period is None or period not in periods:
        return None, [OUTSIDE_CONTRACT(contract=contract, period=period_key, first=periods[0], last=periods[-1])]
    kp = S.kpi_period
    to_date = (
        sa.select(
            kp.c.kpi_id,
            sa.func.sum(sa.case((kp.c.period_index == period.index, kp.c.committed_quantity), else_=0)).label("now"),
            sa.func.sum(kp.c.committed_quantity).label("to_date"),
            sa.func.sum(sa.case((kp.c.period_index < period.index, sa.func.coalesce(kp.c.delivered_quantity, 0)), else_=0)).label("before"),
        )
        .where(kp.c.contract_id == row.id, kp.c.period_index <= period.index)
        .group_by(kp.c.kpi_id)
        .subquery()
    )  # fmt: skip
    kpis = conn.execute(
        sa.select(S.kpi, S.theme.c.name.label("theme"), S.measure.c.description, to_date.c.now, to_date.c.to_date, to_date.c.before)
        .join(S.theme, S.theme.c.id == S.kpi.c.theme_id)
        .join(S.measure, S.measure.c.id == S.kpi.c.measure_id)
        .join(to_date, to_date.c.kpi_id == S.kpi.c.id)
        .where(S.kpi.c.contract_id == row.id)
        .order_by(S.kpi.c.id)
    )  # fmt: skip
    org = conn.execute(sa.select(S.organisation.c.code, S.organisation.c.name).where(S.organisation.c.id == row.organisation_id)).one()  # fmt: skip
    supplier = conn.execute(sa.select(S.supplier.c.name).where(S.supplier.c.id == row.supplier_id)).scalar_one()
    spec = ReturnSpec(
        contract=row.code, title=row.title, organisation=f"{org.code} {org.name}", supplier=supplier, period=period.key,
        first_period=periods[0].key, last_period=periods[-1].key,
        kpis=[
            ReturnKpi(code=k.code, theme=k.theme, description=k.description, unit=k.unit, committed=k.now,
                      commitment_to_date=k.to_date, delivered_before=k.before, unit_value_gbp=k.unit_value_gbp,
                      value_code=k.value_code, net_factor=k.net_factor)
            for k in kpis
        ],
    )  # fmt: skip
    return spec, []


@dataclass
class Outcome:
    """What recording one return did."""

    status: str
    """``recorded`` (first return for the quarter), ``superseded`` (replaced an earlier one), ``duplicate``
    (this very file is already recorded) or ``unchanged`` (another file with the same figures)."""
    submission_id: int
    file: str
    earlier_file: str = ""
    changes: list[str] = field(default_factory=list)

    @property
    def changed_store(self) -> bool:
        return self.status in ("recorded", "superseded")


def _line_changes(code: str, unit: str, old: Any, new: ReturnLine) -> list[str]:
    out = []
    if old.delivered_quantity != new.delivered:
        out.append(f"{code}: delivered {old.delivered_quantity:,g} → {new.delivered:,g} {unit}")
    if old.evidence_description != new.evidence:
        out.append(f"{code}: evidence description changed")
    if old.evidence_ref != new.reference:
        out.append(f"{code}: evidence reference {old.evidence_ref!r} → {new.reference!r}")
    return out


def record_return(store: Store, reading: ReturnReading, received_at: datetime | None = None) -> Outcome:
    """Record an accepted return in one transaction (the caller checked ``reading.accepted``)."""
    if not reading.accepted:
        raise ValueError("a return with errors is never recorded")
    period = Period.parse(reading.period)
    assert period is not None
    now = received_at or datetime.now(UTC)
    sub = S.return_submission
    with store.write() as conn:
        found = conn.execute(
            sa.select(S.contract.c.id, S.contract.c.organisation_id).where(S.contract.c.code == reading.contract).with_for_update()
        ).one()  # fmt: skip
        contract = found.id
        where = (sub.c.contract_id == contract, sub.c.period_index == period.index)
        same = conn.execute(sa.select(sub.c.id, sub.c.file_name).where(*where, sub.c.sha256 == reading.sha256)).one_or_none()  # fmt: skip
        if same is not None:
            return Outcome("duplicate", same.id, reading.file, same.file_name)
        current = conn.execute(
            sa.select(sub.c.id, sub.c.file_name).where(*where, sub.c.status == CURRENT)
        ).one_or_none()
        kpis = {r.code: r for r in conn.execute(sa.select(S.kpi).where(S.kpi.c.contract_id == contract))}
        old = {}
        if current is not None:
            rows = conn.execute(
                sa.select(S.return_line, S.kpi.c.code).join(S.kpi, S.kpi.c.id == S.return_line.c.kpi_id)
                .where(S.return_line.c.submission_id == current.id)
            )  # fmt: skip
            old = {r.code: r for r in rows}
        changed = {
            line.code: _line_changes(line.code, kpis[line.code].unit, old[line.code], line)
            if line.code in old
            else ["new"]
            for line in reading.lines
        }
        changes = [c for line in reading.lines for c in changed[line.code] if c != "new"]
        if current is not None and not changes:
            return Outcome("unchanged", current.id, reading.file, current.file_name)
        if current is not None:
            conn.execute(sa.update(sub).where(sub.c.id == current.id).values(status=SUPERSEDED, superseded_at=now))
        made = conn.execute(
            sa.insert(sub).values(contract_id=contract, period=period.key, period_index=period.index, file_name=reading.file,
                                  sha256=reading.sha256, received_at=now, status=CURRENT,
                                  supersedes_id=current.id if current else None, changes="\n".join(changes))
        )  # fmt: skip
        submission = inserted_id(made)
        lines = []
        for line in reading.lines:
            kept = old.get(line.code) if not changed[line.code] else None
            lines.append(
                dict(submission_id=submission, kpi_id=kpis[line.code].id, delivered_quantity=line.delivered,
                     evidence_description=line.evidence, evidence_ref=line.reference, cell=line.cell, note=line.note,
                     grade=kept.grade if kept else "self-reported", graded_by=kept.graded_by if kept else "",
                     graded_at=kept.graded_at if kept else None)
            )  # fmt: skip
        conn.execute(sa.insert(S.return_line), lines)
        kp = S.kpi_period
        conn.execute(sa.update(kp).where(kp.c.contract_id == contract, kp.c.period_index == period.index).values(return_id=submission))  # fmt: skip
        for line in reading.lines:
            if not changed[line.code]:
                continue
            k = kpis[line.code]
            gross = line.delivered * k.unit_value_gbp if k.unit_value_gbp is not None else None
            conn.execute(
                sa.update(kp)
                .where(kp.c.kpi_id == k.id, kp.c.period_index == period.index)
                .values(delivered_quantity=line.delivered, delivered_gross_gbp=gross,
                        delivered_net_gbp=gross * k.net_factor if gross is not None else None,
                        evidence_grade="self-reported", evidence_ref=line.reference or None)
            )  # fmt: skip
        refresh(conn, found.organisation_id, period.index, period.index)
    status = "superseded" if current is not None else "recorded"
    return Outcome(status, submission, reading.file, current.file_name if current else "", changes)


def grade_evidence(
    store: Store, contract: str, period: str, grade: str, codes: list[str] | None = None, by: str = ""
) -> tuple[int, list[Problem]]:
    """Grade the evidence of the current return's KPIs (all, or ``codes``); returns how many were graded."""
    if grade not in S.GRADES:
        return 0, [BAD_GRADE(raw=grade, grade=grade, grades=", ".join(S.GRADES))]
    p = Period.parse(period)
    sub, line, kp = S.return_submission, S.return_line, S.kpi_period
    with store.write() as conn:
        row, problems = find_contract(conn, contract)
        if row is None or p is None:
            return 0, problems or [NO_RETURN(contract=contract, period=period)]
        conn.execute(sa.select(S.contract.c.id).where(S.contract.c.id == row.id).with_for_update())
        current = conn.execute(
            sa.select(sub.c.id).where(sub.c.contract_id == row.id, sub.c.period_index == p.index, sub.c.status == CURRENT)
        ).scalar_one_or_none()  # fmt: skip
        if current is None:
            return 0, [NO_RETURN(contract=contract, period=p.key)]
        kpis = {r.code: r.id for r in conn.execute(sa.select(S.kpi.c.id, S.kpi.c.code).where(S.kpi.c.contract_id == row.id))}  # fmt: skip
        missing = [c for c in codes or [] if c not in kpis]
        if missing:
            return 0, [NO_SUCH_KPI(contract=contract, code=c) for c in missing]
        ids = [kpis[c] for c in codes] if codes else list(kpis.values())
        now = datetime.now(UTC)
        done = conn.execute(
            sa.update(line).where(line.c.submission_id == current, line.c.kpi_id.in_(ids)).values(grade=grade, graded_by=by, graded_at=now)
        ).rowcount  # fmt: skip
        conn.execute(sa.update(kp).where(kp.c.kpi_id.in_(ids), kp.c.period_index == p.index, kp.c.return_id == current).values(evidence_grade=grade))  # fmt: skip
        refresh(conn, row.organisation_id, p.index, p.index)
    return int(done), []


def history(store: Store, contract: str) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Every return recorded for ``contract``, oldest first: quarter, file, SHA-256, when, status, what changed."""
    sub = S.return_submission
    with store.read() as conn:
        row, problems = find_contract(conn, contract)
        if row is None:
            return [], problems
        rows = conn.execute(
            sa.select(sub.c.period, sub.c.file_name, sub.c.sha256, sub.c.received_at, sub.c.status, sub.c.changes)
            .where(sub.c.contract_id == row.id)
            .order_by(sub.c.period_index, sub.c.id)
        )  # fmt: skip
        return [dict(r._mapping) for r in rows], []


def due_date(period: Period, due_days: int) -> datetime:
    """When a quarter's return is due: ``due_days`` after the quarter's last day (end of that day, UTC)."""
    day = period.end + timedelta(days=due_days)
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=UTC)
