"""LM3, the New Economics Foundation's Local Multiplier 3: how much of the money spent goes round the local area.

Round 1 is the money the organisation spends: its payments to suppliers (and its staff pay, when a staff
file gives pay or an assumed pay per FTE is stated). Round 2 is the part spent locally: payments to local
suppliers and the pay of staff who live locally. Round 3 is what those local suppliers and staff spend locally
in turn: from a survey of suppliers, or from stated assumptions. LM3 = (R1 + R2 + R3) ÷ R1, from 1 to 3.
Every assumption is returned with the figures, to be printed beside them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from socialvalue.intake.names import name_key
from socialvalue.intake.values import read_percent
from socialvalue.problems import Problem, Severity, define

from .directory import Located
from .employment import ALL_ORGANISATIONS as ALL
from .employment import LOCAL_CATEGORIES, Staff
from .models import Category, Kind, Lm3, LocalPayment, Round, SpendCell
from .places import LocalArea
from .tables import Field, read_tables

SURVEY_FIELDS = (
    Field("supplier", ("supplier", "supplier name", "name"), required=True, describe="the supplier"),
    Field("local_share", ("local re-spend", "local respend", "local spend %", "spent locally", "local share", "local %"), required=True, describe="the share of its income the supplier spends locally"),
)  # fmt: skip

SURVEY_VALUE = define("survey-value", Severity.WARNING, "{why}: this supplier's survey answer is not used")


@dataclass
class Lm3Options:
    """Round 3's inputs: survey results and/or stated assumptions (percentages from 0 to 100)."""

    respend_suppliers: float | None = None
    """Share of a local supplier's income it spends locally (suppliers with no survey answer)."""
    respend_staff: float | None = None
    """Share of local staff's pay they spend locally."""
    survey: Path | None = None


def read_survey(path: Path, problems: list[Problem]) -> dict[str, float]:
    """Supplier name key → the share (0-100) of its income it says it spends locally."""
    out: dict[str, float] = {}
    source = read_tables(path, SURVEY_FIELDS, problems)
    for table in source.tables:
        si, li = table.columns["supplier"], table.columns["local_share"]
        for rownum, values in table.rows:
            name = str(values[si]).strip() if si < len(values) else ""
            if not name:
                continue
            got = read_percent(values[li] if li < len(values) else "")
            if got.value is None:
                why = got.issue.reason if got.issue else "no share given"
                problems.append(
                    table.problem_at(
                        SURVEY_VALUE, rownum, "local_share", raw=values[li] if li < len(values) else "", why=why
                    )
                )
                continue
            out[name_key(name)] = got.value
    return out


def local_multiplier(
    spend: Sequence[SpendCell],
    local_payments: Sequence[LocalPayment],
    staff: Staff,
    located: Mapping[str, Located],
    area: LocalArea,
    options: Lm3Options,
    problems: list[Problem],
    districts: Mapping[str, Mapping[str, int]] | None = None,
) -> list[Lm3]:
    """LM3 for all organisations together and for each one, with every assumption stated."""
    survey = read_survey(options.survey, problems) if options.survey else {}
    months = sorted({c.month for c in spend if c.month and c.kind is Kind.PAYMENT})
    span = _span(months)
    pay: dict[tuple[str, bool], float] = {}
    pay_basis = ""
    unpaid = 0
    for g in staff.groups:
        _, category = staff.place(g, located, districts or {}, area)
        local = category in LOCAL_CATEGORIES
        annual = (
            g.pay
            if g.pay is not None
            else (staff.pay_per_fte * g.fte if staff.pay_per_fte is not None and g.fte is not None else None)
        )
        if annual is None:
            unpaid += g.headcount
            continue
        pay[(g.organisation, local)] = pay.get((g.organisation, local), 0.0) + annual * span / 12
    if staff.groups:
        pay_basis = (
            f"annual pay from the staff file{' or ' if staff.pay_per_fte is not None else ''}"
            + (f"£{staff.pay_per_fte:,.0f} per FTE (stated)" if staff.pay_per_fte is not None else "")
            + f", for the {span} month(s) the payments cover ({months[0] if months else '-'} to {months[-1] if months else '-'})"
        )
    orgs = sorted({c.organisation for c in spend if c.kind is Kind.PAYMENT})
    local_lines: dict[str, list[LocalPayment]] = {}
    for ln in local_payments:
        local_lines.setdefault(ln.organisation, []).append(ln)
    every = list(local_payments)
    out = [_scope(ALL, None, spend, every, pay, survey, options, pay_basis, unpaid, bool(staff.groups))]
    staff_orgs = {o for o, _ in pay}
    for org in orgs:
        mine = {k: v for k, v in pay.items() if k[0] == org}
        out.append(
            _scope(org, org, spend, local_lines.get(org, []), mine, survey, options, pay_basis, 0, org in staff_orgs)
        )
    return out


def _span(months: Sequence[str]) -> int:
    if not months:
        return 0
    y0, m0 = map(int, months[0].split("-"))
    y1, m1 = map(int, months[-1].split("-"))
    return (y1 - y0) * 12 + m1 - m0 + 1


def _scope(
    scope: str,
    org: str | None,
    spend: Sequence[SpendCell],
    local_lines: Sequence[LocalPayment],
    pay: Mapping[tuple[str, bool], float],
    survey: Mapping[str, float],
    options: Lm3Options,
    pay_basis: str,
    unpaid: int,
    has_staff: bool,
) -> Lm3:
    mine = [c for c in spend if c.kind is Kind.PAYMENT and (org is None or c.organisation == org)]
    payments = sum(c.amount_gbp for c in mine)
    local = sum(c.amount_gbp for c in mine if c.category is Category.LOCAL)
    unplaced = sum(c.amount_gbp for c in mine if c.category not in (Category.LOCAL, Category.NOT_LOCAL))
    staff_pay = sum(pay.values())
    local_pay = sum(v for (_, is_local), v in pay.items() if is_local)
    assumptions = [
        "Round 1 is the payments to suppliers (credits not netted)" + (" plus staff pay" if staff_pay else "") + ".",
        f"Payments whose supplier could not be placed (£{unplaced:,.2f}) count in round 1 but not as local in round 2.",
    ]
    if pay_basis:
        assumptions.append(f"Staff pay: {pay_basis}.")
    if unpaid:
        assumptions.append(
            f"{unpaid:,} staff have no pay in the staff file and no pay per FTE was stated: their pay is left out."
        )
    if not has_staff:
        assumptions.append("No staff pay for this scope: rounds 1 and 2 are payments to suppliers only.")
    parts = [
        Round(round=1, part="Payments to suppliers", amount_gbp=round(payments, 2), basis="all payments above zero"),
        Round(round=1, part="Staff pay", amount_gbp=round(staff_pay, 2), basis=pay_basis or "no staff file"),
        Round(
            round=2,
            part="Payments to local suppliers",
            amount_gbp=round(local, 2),
            basis="suppliers trading in a local district",
        ),
        Round(
            round=2,
            part="Pay of staff living locally",
            amount_gbp=round(local_pay, 2),
            basis="home postcode in a local district",
        ),
    ]
    r1 = payments + staff_pay
    r2 = local + local_pay
    supplier_r3, missing = 0.0, 0.0
    surveyed = 0
    for ln in local_lines:
        share = survey.get(name_key(ln.register_name or ln.supplier))
        if share is not None:
            surveyed += 1
        elif options.respend_suppliers is not None:
            share = options.respend_suppliers
        if share is None:
            missing += ln.amount_gbp
            continue
        supplier_r3 += ln.amount_gbp * share / 100
    staff_r3 = local_pay * options.respend_staff / 100 if options.respend_staff is not None else None
    r3: float | None = supplier_r3 + (staff_r3 or 0.0)
    if survey:
        assumptions.append(
            f"Local suppliers' local re-spend: survey answers where given ({len(survey):,} suppliers answered)."
        )
    if options.respend_suppliers is not None:
        assumptions.append(
            f"Local suppliers with no survey answer spend {options.respend_suppliers:g}% of their income locally (stated)."
        )
    if options.respend_staff is not None:
        assumptions.append(f"Staff living locally spend {options.respend_staff:g}% of their pay locally (stated).")
    if missing:
        r3 = None
        assumptions.append(
            f"Round 3 is not worked out: £{missing:,.2f} paid to local suppliers has no survey answer and no stated "
            "share (give --respend-suppliers PCT or --lm3-survey FILE)."
        )
    if local_pay and staff_r3 is None:
        r3 = None
        assumptions.append(
            "Round 3 is not worked out: staff pay is in round 2 but no share spent locally is stated (give --respend-staff PCT)."
        )
    parts += [
        Round(
            round=3,
            part="Local suppliers' local re-spend",
            amount_gbp=round(supplier_r3, 2),
            basis="survey answers or stated share",
        ),
        Round(
            round=3,
            part="Local staff's local spending",
            amount_gbp=round(staff_r3 or 0.0, 2),
            basis="stated share" if staff_r3 is not None else "not stated",
        ),
    ]
    lm3 = (r1 + r2 + r3) / r1 if r3 is not None and r1 > 0 else None
    return Lm3(
        scope=scope,
        parts=parts,
        r1=round(r1, 2),
        r2=round(r2, 2),
        r3=None if r3 is None else round(r3, 2),
        lm3=lm3,
        assumptions=assumptions,
    )
