"""Rolling every payment row up, in DuckDB, into the tables a run reports and stores.

The rows stay as columns (numpy arrays over the payments read); each distinct supplier was placed once, and its
category, type and district are spread over its rows by index. DuckDB then groups the rows once per table: the
spend table (organisation, month, supplier type, kind, category), where placed money lands (organisation, month,
district), each supplier's totals, and each organisation's payments to local suppliers (for LM3). Nothing is
built row by row in Python except the rows set aside, which stay columns too (:mod:`.setaside`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from .classify import Placed
from .models import (
    PLACED,
    Category,
    Kind,
    LandingCell,
    LocalPayment,
    SpendCell,
    SupplierLine,
    Unmatched,
)
from .places import Organisation
from .register import SupplierType
from .setaside import Coded, SetAsideRows
from .spend import NO_DAY, STATUS_BLANK, STATUS_NO_AMOUNT, Payments

if TYPE_CHECKING:
    import duckdb
    import numpy.typing as npt

KINDS = list(Kind)
CATEGORIES = list(Category)
TYPES = list(SupplierType)


def month_label(month: int) -> str:
    """Months since January 1970 → ``2024-07``; -1 → ''."""
    return "" if month < 0 else f"{1970 + month // 12}-{month % 12 + 1:02d}"


@dataclass
class Tables:
    spend: list[SpendCell]
    landing: list[LandingCell]
    suppliers: list[SupplierLine]
    local_payments: list[LocalPayment]
    unmatched: list[Unmatched]
    set_aside: SetAsideRows
    rows_by_org: npt.NDArray[Any]
    """Rows read per organisation index (for the unmapped-organisation problems)."""
    paid_by_org: npt.NDArray[Any]
    """Payments above zero per organisation index."""


def _columns(payments: Payments, placed: Sequence[Placed], orgs: Sequence[Organisation]) -> dict[str, Any]:
    """The rows as columns of small integers (indices into ``KINDS``, ``CATEGORIES``, ...) and £."""
    import numpy as np

    status = np.frombuffer(payments.status, dtype=np.int8)
    amount = np.frombuffer(payments.amount, dtype=np.float64)
    supplier = np.frombuffer(payments.supplier, dtype=np.int32)
    days = np.frombuffer(payments.days, dtype=np.int32)
    districts = sorted({p.district for p in placed if p.district})
    district_index = {d: i for i, d in enumerate(districts)}
    # one more entry at the end for the blank supplier (index -1)
    cat_of = np.array([CATEGORIES.index(p.category) for p in placed] + [CATEGORIES.index(Category.NO_SUPPLIER)], np.int8)  # fmt: skip
    type_of = np.array([TYPES.index(p.supplier_type) for p in placed] + [TYPES.index(SupplierType.UNKNOWN)], np.int8)
    dist_of = np.array([district_index.get(p.district, -1) for p in placed] + [-1], np.int32)
    kind = np.full(len(status), KINDS.index(Kind.PAYMENT), dtype=np.int8)
    kind[amount < 0] = KINDS.index(Kind.CREDIT)
    kind[amount == 0] = KINDS.index(Kind.ZERO)
    kind[status == STATUS_NO_AMOUNT] = KINDS.index(Kind.NO_AMOUNT)
    kind[status == STATUS_BLANK] = KINDS.index(Kind.BLANK_ROW)
    category = cat_of[supplier]
    category[status != 0] = CATEGORIES.index(Category.NONE)
    stamp = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int32)
    codes = sorted({o.code for o in orgs})
    code_of = np.array([codes.index(o.code) for o in orgs], np.int32)
    org = np.frombuffer(payments.org, dtype=np.int32)
    return {
        "org": org,
        "orgcode": code_of[org],
        "sup": supplier,
        "month": np.where(days == NO_DAY, -1, stamp).astype(np.int32),
        "kind": kind,
        "cat": category,
        "type": type_of[supplier],
        "dist": dist_of[supplier],
        "amount": amount,
        "_districts": districts,
    }


def roll_up(
    con: duckdb.DuckDBPyConnection, payments: Payments, placed: Sequence[Placed], orgs: Sequence[Organisation]
) -> Tables:
    import numpy as np
    import pandas as pd

    cols = _columns(payments, placed, orgs)
    districts: list[str] = cols.pop("_districts")
    con.register("pay", pd.DataFrame(cols))
    con.register("orgs", pd.DataFrame({
        "idx": np.arange(len(orgs), dtype=np.int32), "code": [o.code for o in orgs], "name": [o.name for o in orgs],
        "paid_by": [o.paid_by or o.code for o in orgs], "place": [o.place for o in orgs],
    }))  # fmt: skip
    try:
        pay, local, not_local = KINDS.index(Kind.PAYMENT), CATEGORIES.index(Category.LOCAL), CATEGORIES.index(Category.NOT_LOCAL)  # fmt: skip
        credit = KINDS.index(Kind.CREDIT)
        by_org = "FROM pay JOIN orgs o ON o.idx = pay.org"
        # two spend-file names of one organisation (or a CCG and its ICB) fall together here, grouped by code
        spend_rows = con.execute(
            f"SELECT o.code, o.name, o.paid_by, o.place, month, type, kind, cat, count(*), sum(amount) {by_org} "
            "GROUP BY ALL ORDER BY ALL"
        ).fetchall()
        landing_rows = con.execute(
            f"SELECT o.code, o.paid_by, o.place, month, dist, kind, cat, count(*), sum(amount) {by_org} "
            f"WHERE cat IN ({local}, {not_local}) AND kind IN ({pay}, {credit}) GROUP BY ALL ORDER BY ALL"
        ).fetchall()
        supplier_rows = con.execute(
            f"SELECT sup, count(*), coalesce(sum(amount) FILTER (WHERE kind = {pay}), 0), count(DISTINCT orgcode) "
            "FROM pay GROUP BY sup ORDER BY sup"
        ).fetchall()
        local_rows = con.execute(
            f"SELECT o.code, sup, sum(amount) {by_org} WHERE kind = {pay} AND cat = {local} GROUP BY ALL ORDER BY ALL"
        ).fetchall()
    finally:
        con.unregister("pay")
        con.unregister("orgs")
    months = {m: month_label(m) for m in {r[4] for r in spend_rows}}
    kinds, categories = KINDS, CATEGORIES
    spend = [
        SpendCell.model_construct(
            organisation=code, organisation_name=name, paid_by=paid_by, place=place, month=months[m],
            supplier_type=TYPES[t].value, kind=kinds[k], category=categories[c], rows=n, amount_gbp=round(a, 2),
        )
        for code, name, paid_by, place, m, t, k, c, n, a in spend_rows
    ]  # fmt: skip
    months.update({m: month_label(m) for m in {r[3] for r in landing_rows} - months.keys()})
    landing = [
        LandingCell(code, paid_by, place, months[m], districts[d], c == local, kinds[k], n, round(a, 2))
        for code, paid_by, place, m, d, k, c, n, a in landing_rows
    ]  # fmt: skip
    suppliers = _suppliers(supplier_rows, payments, placed)
    unmatched = sorted(
        (
            Unmatched(supplier=s.supplier, rows=s.rows, amount_gbp=s.payments_gbp, organisations=s.organisations)
            for s in suppliers
            if s.category == Category.UNKNOWN_SUPPLIER
        ),
        key=lambda u: (-u.amount_gbp, u.supplier),
    )
    local_payments = [
        LocalPayment(code, payments.suppliers[s][0], placed[s].register_name, round(a, 2)) for code, s, a in local_rows
    ]
    counted = (cols["kind"] == pay) & np.isin(cols["cat"], [CATEGORIES.index(c) for c in PLACED])
    positive = np.where(cols["amount"] > 0, cols["amount"], 0.0)
    return Tables(
        spend=spend, landing=landing, suppliers=suppliers, local_payments=local_payments, unmatched=unmatched,
        set_aside=_set_aside(payments, cols, orgs, np.flatnonzero(~counted)),
        rows_by_org=np.bincount(cols["org"], minlength=len(orgs)),
        paid_by_org=np.bincount(cols["org"], weights=positive, minlength=len(orgs)),
    )  # fmt: skip


def _suppliers(rows: list[tuple[Any, ...]], payments: Payments, placed: Sequence[Placed]) -> list[SupplierLine]:
    blank = Placed(Category.NO_SUPPLIER, SupplierType.UNKNOWN)
    out = []
    for s, n, paid, orgs in rows:
        p = placed[s] if s >= 0 else blank
        name, supplier_id = payments.suppliers[s] if s >= 0 else ("", "")
        out.append(
            SupplierLine(
                name, supplier_id, p.register_name, p.matched_by, p.supplier_type.value, p.postcode, p.district,
                p.terminated, p.category.value, n, round(paid, 2), orgs,
            )
        )  # fmt: skip
    return sorted(out, key=lambda s: (-s.payments_gbp, s.supplier))


def _set_aside(
    payments: Payments, cols: dict[str, Any], orgs: Sequence[Organisation], idx: npt.NDArray[Any]
) -> SetAsideRows:
    """Every row not counted as a local or not-local payment, in file order, as columns."""
    import numpy as np

    files = sorted({f for f, _ in payments.places})
    sheets = sorted({s for _, s in payments.places})
    place = np.frombuffer(payments.place, dtype=np.int32)[idx]
    file_of = np.array([files.index(f) for f, _ in payments.places], np.int32)
    sheet_of = np.array([sheets.index(s) for _, s in payments.places], np.int32)
    codes = sorted({o.code for o in orgs})
    kinds = cols["kind"][idx]
    amount = np.frombuffer(payments.amount, dtype=np.float64)[idx].copy()
    amount[(kinds == KINDS.index(Kind.NO_AMOUNT)) | (kinds == KINDS.index(Kind.BLANK_ROW))] = np.nan
    days = np.frombuffer(payments.days, dtype=np.int32)[idx]
    rows = idx.tolist()
    raw = payments.raw
    iso = {d: (date(1970, 1, 1).toordinal() + d) for d in set(days.tolist()) if d != NO_DAY}
    shown = {d: date.fromordinal(o).isoformat() for d, o in iso.items()}
    dates = [shown[d] if d != NO_DAY else raw.get(i, ("", ""))[1] for d, i in zip(days.tolist(), rows, strict=True)]
    supplier = np.frombuffer(payments.supplier, dtype=np.int32)[idx]
    return SetAsideRows(
        file=Coded(file_of[place], files),
        sheet=Coded(sheet_of[place], sheets),
        row=np.frombuffer(payments.row, dtype=np.int32)[idx],
        organisation=Coded(cols["orgcode"][idx], codes),
        date=dates,
        supplier=Coded(np.where(supplier < 0, len(payments.suppliers), supplier), [n for n, _ in payments.suppliers] + [""]),
        amount=amount,
        raw_amount=[raw[i][0] if i in raw else "" for i in rows],
        kind=Coded(kinds, [k.value for k in KINDS]),
        category=Coded(cols["cat"][idx], [c.value for c in CATEGORIES]),
    )  # fmt: skip
