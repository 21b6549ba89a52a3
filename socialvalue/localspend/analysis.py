"""The local-spend run: spend files, register and postcode directory in; tidy tables out.

Rows are read in Python by the documented value rules (:mod:`.spend`); each distinct supplier is placed once
(:mod:`.classify`); the postcode directory is scanned once by DuckDB for just the postcodes needed; and the
rows are rolled up by DuckDB into the tables of :class:`~.models.LocalSpendResult`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from socialvalue.problems import Problem

from .classify import Placed, place_suppliers
from .directory import Directory, open_directory
from .employment import StaffOptions, read_staff
from .lm3 import Lm3Options, local_multiplier
from .models import (
    PLACED,
    Category,
    Input,
    Kind,
    LandingCell,
    Line,
    LocalSpendResult,
    SetAside,
    SpendCell,
    Unmatched,
)
from .places import ORGANISATION_UNMAPPED, LocalArea, Organisation, OrganisationMap
from .register import Register, SupplierType, read_register
from .spend import NO_DAY, STATUS_BLANK, STATUS_NO_AMOUNT, Payments, read_payments

if TYPE_CHECKING:
    import duckdb
    import numpy.typing as npt

KINDS = list(Kind)
CATEGORIES = list(Category)
TYPES = list(SupplierType)
_EPOCH = date(1970, 1, 1)


@dataclass
class Options:
    """How to run: the local area, organisation map, column names, staff files, LM3 inputs."""

    local_area: LocalArea
    organisations: OrganisationMap | None = None
    columns: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Per input ('spend', 'register', 'postcodes', 'staff'): field → header as written."""
    staff: Sequence[Path] = ()
    staff_options: StaffOptions = field(default_factory=StaffOptions)
    lm3: Lm3Options = field(default_factory=Lm3Options)


def month_label(month: int) -> str:
    """Months since January 1970 → ``2024-07``; -1 → ''."""
    return "" if month < 0 else f"{1970 + month // 12}-{month % 12 + 1:02d}"


def analyse(
    spend_paths: Sequence[Path],
    register_path: Path,
    directory_path: Path,
    options: Options,
    problems: list[Problem],
    progress: Callable[[int], None] | None = None,
) -> LocalSpendResult | None:
    """Run the whole analysis; None (with problems) when the register or directory cannot be used at all."""
    import duckdb

    payments = read_payments(spend_paths, problems, options.columns.get("spend", {}), progress)
    register = read_register(register_path, problems, options.columns.get("register", {}))
    directory = open_directory(directory_path, problems, dict(options.columns.get("postcodes", {})))
    if directory is None:
        return None
    con = duckdb.connect(config={"threads": 2})
    try:
        staff = read_staff(
            options.staff, problems, options.staff_options, options.organisations, options.columns.get("staff", {})
        )
        located = directory.lookup(con, register.postcodes() | staff.postcodes())
        placed = place_suppliers(payments.suppliers, register, located, options.local_area)
        orgs = _organisations(payments, options.organisations)
        tables = _roll_up(con, payments, placed, orgs, options.local_area, problems, options.organisations is not None)
        districts = directory.districts(con, staff.districts()) if staff.by_district else {}
    finally:
        con.close()
    employment, employment_note = staff.count(located, districts, options.local_area)
    lm3 = local_multiplier(
        tables["spend"], tables["lines"], staff, located, options.local_area, options.lm3, problems, districts
    )
    inputs = [Input(role="spend", file=s.name, sha256=s.sha256) for s in payments.sources]
    inputs.append(Input(role="supplier register", file=register.file, sha256=register.sha256))
    inputs.append(Input(role="postcode directory", file=directory.name, sha256=""))
    inputs += [Input(role="staff", file=f.name, sha256=sha) for f, sha in staff.files]
    return LocalSpendResult(
        local_area=dict(options.local_area.codes),
        local_area_label=options.local_area.label,
        inputs=inputs,
        spend=tables["spend"],
        landing=tables["landing"],
        lines=tables["lines"],
        set_aside=tables["set_aside"],
        unmatched=tables["unmatched"],
        lm3=lm3,
        employment=employment,
        employment_note=employment_note,
        suppression_threshold=options.staff_options.suppress_under,
        problems=problems,
        notes=_notes(directory, register),
        rows_read=len(payments),
    )


def _notes(directory: Directory, register: Register) -> list[str]:
    notes = [
        f"Suppliers were matched to the register ({register.file}, {register.rows:,} suppliers) by name, ignoring case, "
        "punctuation, accents and Ltd/Limited/plc (or by supplier id where both files have one).",
        f"Postcodes were looked up in {directory.name}, compared without spaces and in capitals.",
        "A supplier is local when the postcode where it trades or delivers is in a local district; a supplier known "
        "only by its head office postcode is not placed.",
        "Credits (amounts below zero) are shown apart and not netted into the payments.",
    ]
    if not directory.has_termination:
        notes.append("The postcode directory has no termination dates: terminated postcodes were used as they are.")
    return notes


def _organisations(payments: Payments, mapping: OrganisationMap | None) -> list[Organisation]:
    out = []
    names: dict[str, str] = {}
    for name in payments.orgs:
        found = mapping.resolve(name) if mapping is not None else None
        if found is None:
            found = Organisation(name, name, "")
        names.setdefault(found.code, found.name)
        out.append(Organisation(found.code, names[found.code], found.place, found.mapped_from))
    return out


def _arrays(payments: Payments, placed: Sequence[Placed]) -> dict[str, npt.NDArray[Any]]:
    import numpy as np

    status = np.frombuffer(payments.status, dtype=np.int8)
    amount = np.frombuffer(payments.amount, dtype=np.float64)
    supplier = np.frombuffer(payments.supplier, dtype=np.int32)
    days = np.frombuffer(payments.days, dtype=np.int32)
    cat_of = np.array(
        [CATEGORIES.index(p.category) for p in placed] + [CATEGORIES.index(Category.NO_SUPPLIER)], dtype=np.int8
    )
    type_of = np.array(
        [TYPES.index(p.supplier_type) for p in placed] + [TYPES.index(SupplierType.UNKNOWN)], dtype=np.int8
    )
    kind = np.full(len(status), KINDS.index(Kind.PAYMENT), dtype=np.int8)
    kind[amount < 0] = KINDS.index(Kind.CREDIT)
    kind[amount == 0] = KINDS.index(Kind.ZERO)
    kind[status == STATUS_NO_AMOUNT] = KINDS.index(Kind.NO_AMOUNT)
    kind[status == STATUS_BLANK] = KINDS.index(Kind.BLANK_ROW)
    category = cat_of[supplier]
    category[status != 0] = CATEGORIES.index(Category.NONE)
    stamp = (days.astype("datetime64[D]")).astype("datetime64[M]").astype(np.int32)
    month = np.where(days == NO_DAY, -1, stamp).astype(np.int32)
    return {
        "org": np.frombuffer(payments.org, dtype=np.int32),
        "sup": supplier,
        "month": month,
        "kind": kind,
        "cat": category,
        "type": type_of[supplier],
        "amount": amount,
    }


def _roll_up(
    con: duckdb.DuckDBPyConnection,
    payments: Payments,
    placed: Sequence[Placed],
    orgs: Sequence[Organisation],
    area: LocalArea,
    problems: list[Problem],
    mapped: bool,
) -> dict[str, Any]:
    import pandas as pd

    cols = _arrays(payments, placed)
    frame = pd.DataFrame(cols)
    con.register("pay", frame)
    spend_rows = con.execute(
        "SELECT org, month, type, kind, cat, count(*), sum(amount) FROM pay GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    spend = [
        SpendCell(
            organisation=orgs[o].code,
            organisation_name=orgs[o].name,
            place=orgs[o].place,
            month=month_label(m),
            supplier_type=TYPES[t].value,
            kind=KINDS[k],
            category=CATEGORIES[c],
            rows=n,
            amount_gbp=round(a, 2),
        )
        for o, m, t, k, c, n, a in spend_rows
    ]
    spend = _merge_spend(spend)
    line_rows = con.execute(
        "SELECT org, month, sup, kind, cat, type, count(*), sum(amount) FROM pay GROUP BY ALL ORDER BY org, sup, month, kind"
    ).fetchall()
    lines = []
    months: dict[int, str] = {}
    kinds, categories, types = [k.value for k in KINDS], [c.value for c in CATEGORIES], [t.value for t in TYPES]
    blank = Placed(Category.NO_SUPPLIER, SupplierType.UNKNOWN)
    for o, m, s, k, c, t, n, a in line_rows:
        p = placed[s] if s >= 0 else blank
        month = months.get(m)
        if month is None:
            month = months[m] = month_label(m)
        org = orgs[o]
        lines.append(
            Line(
                org.code, org.place, month, payments.suppliers[s][0] if s >= 0 else "", p.register_name, p.matched_by,
                types[t], p.postcode, p.district, p.terminated, kinds[k], categories[c], n, round(a, 2),
            )
        )  # fmt: skip
    landing = _landing(lines, area)
    unmatched = _unmatched(lines)
    set_aside = _set_aside(payments, cols, orgs)
    if mapped:
        _report_unmapped(payments, orgs, cols, problems)
    con.unregister("pay")
    return {"spend": spend, "lines": lines, "landing": landing, "unmatched": unmatched, "set_aside": set_aside}


def _merge_spend(cells: list[SpendCell]) -> list[SpendCell]:
    """Cells that fall together once organisation names are mapped to codes (an old CCG name and its ICB) are added."""
    merged: dict[tuple[Any, ...], SpendCell] = {}
    for c in cells:
        key = (c.organisation, c.month, c.supplier_type, c.kind, c.category)
        known = merged.get(key)
        if known is None:
            merged[key] = c
        else:
            merged[key] = known.model_copy(
                update={"rows": known.rows + c.rows, "amount_gbp": round(known.amount_gbp + c.amount_gbp, 2)}
            )
    return list(merged.values())


def _landing(lines: Sequence[Line], area: LocalArea) -> list[LandingCell]:
    sums: dict[tuple[str, str, str, str], list[float]] = {}
    for ln in lines:
        if ln.category in (Category.LOCAL, Category.NOT_LOCAL) and ln.kind in (Kind.PAYMENT, Kind.CREDIT):
            entry = sums.setdefault((ln.organisation, ln.place, ln.district, ln.kind), [0, 0.0])
            entry[0] += ln.rows
            entry[1] += ln.amount_gbp
    return [
        LandingCell(
            organisation=o,
            place=p,
            supplier_district=d,
            local=d in area,
            kind=Kind(k),
            rows=int(n),
            amount_gbp=round(a, 2),
        )
        for (o, p, d, k), (n, a) in sorted(sums.items())
    ]


def _unmatched(lines: Sequence[Line]) -> list[Unmatched]:
    sums: dict[str, list[Any]] = {}
    for ln in lines:
        if ln.category == Category.UNKNOWN_SUPPLIER:
            entry = sums.setdefault(ln.supplier, [0, 0.0, set()])
            entry[0] += ln.rows
            entry[1] += ln.amount_gbp if ln.kind == Kind.PAYMENT else 0.0
            entry[2].add(ln.organisation)
    out = [Unmatched(supplier=s, rows=n, amount_gbp=round(a, 2), organisations=len(o)) for s, (n, a, o) in sums.items()]
    return sorted(out, key=lambda u: (-u.amount_gbp, u.supplier))


def _set_aside(payments: Payments, cols: dict[str, npt.NDArray[Any]], orgs: Sequence[Organisation]) -> list[SetAside]:
    """Every row not counted as a local or not-local payment, in file order."""
    import numpy as np

    placed_codes = [CATEGORIES.index(c) for c in PLACED]
    counted = (cols["kind"] == KINDS.index(Kind.PAYMENT)) & np.isin(cols["cat"], placed_codes)
    out = []
    place, row, days = payments.place, payments.row, payments.days
    for i in np.flatnonzero(~counted).tolist():
        file, sheet = payments.places[place[i]]
        kind = KINDS[cols["kind"][i]]
        sup = payments.supplier[i]
        raw_amount, raw_date = payments.raw.get(i, ("", ""))
        day = days[i]
        out.append(
            SetAside(
                file, sheet, row[i], orgs[payments.org[i]].code,
                (_EPOCH + timedelta(days=day)).isoformat() if day != NO_DAY else raw_date,
                payments.suppliers[sup][0] if sup >= 0 else "",
                None if kind in (Kind.NO_AMOUNT, Kind.BLANK_ROW) else payments.amount[i],
                raw_amount, kind.value, CATEGORIES[cols["cat"][i]].value,
            )
        )  # fmt: skip
    return out


def _report_unmapped(
    payments: Payments, orgs: Sequence[Organisation], cols: dict[str, npt.NDArray[Any]], problems: list[Problem]
) -> None:
    """An organisation name the map does not know is a problem (once per name, with its rows and £)."""
    import numpy as np

    unmapped = [i for i, o in enumerate(orgs) if not o.place and not o.mapped_from and o.code == payments.orgs[i]]
    if not unmapped:
        return
    rows = np.bincount(cols["org"], minlength=len(orgs))
    positive = np.where(cols["amount"] > 0, cols["amount"], 0.0)
    amounts = np.bincount(cols["org"], weights=positive, minlength=len(orgs))
    for i in unmapped:
        name = payments.orgs[i]
        problems.append(
            ORGANISATION_UNMAPPED(raw=name, name=name or "(blank)", rows=int(rows[i]), amount=float(amounts[i]))
        )
