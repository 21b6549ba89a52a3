"""The footprint report's local-economy part: local spend, LM3 and local employment, laid out with the report kit.

From :class:`~.local.LocalEconomy` (totalled in the database): two headline figures, and a section with local spend
by organisation and by place (each with the honest denominator: payments whose supplier could not be placed are
shown, by reason, and in the coverage), LM3 with its assumptions, staff living locally by place and by
organisation (small counts suppressed as the local-spend run suppressed them), and the runs the figures come from
with their inputs' SHA-256. Local spend is money paid to suppliers, never social value: it is never added to the
social value £.
"""

from __future__ import annotations

import datetime as dt

from socialvalue.localspend.employment import ALL_STAFF, LIVING_LOCALLY, NOT_PLACED
from socialvalue.localspend.models import CATEGORY_MEANING, Category
from socialvalue.localspend.queries import EmploymentFigures, SpendFigures
from socialvalue.localspend.report import SHARE_COLUMNS
from socialvalue.output.reportkit import Cell, Chart, Column, DataTable, Figure, Headline, Note, Section, Series

from .local import LocalEconomy

HEADING = "Local economy"
NO_PLACE = "No single place (e.g. the ICB)"
APART = (
    "Local spend is money paid to suppliers, not social value: it is shown beside the social value £ and never "
    "added to it."
)
SHARE_MEANS = (
    "Local share = payments to suppliers whose trading or delivery postcode is in the footprint ÷ payments whose "
    "supplier could be placed at all. Payments that could not be placed (name withheld, supplier not in the "
    "register, bad or missing postcode, head office only) are counted in 'Not placed £' and in the coverage, never "
    "dropped; credits are shown apart, not netted."
)


def _month(month: str | None) -> str:
    return dt.date(int(month[:4]), int(month[5:7]), 1).strftime("%b %Y") if month else "date not known"


def payments_period(le: LocalEconomy) -> str:
    """``Jul 2026 to Aug 2026``: the months of the payments the figures count."""
    firsts = [r.first_month for r in le.runs if r.first_month]
    lasts = [r.last_month for r in le.runs if r.last_month]
    if not firsts:
        return "no dated payments"
    first, last = _month(min(firsts)), _month(max(lasts))
    return first if first == last else f"{first} to {last}"


def shown(e: EmploymentFigures | None, threshold: int) -> Cell:
    """A staff count as the local-spend outputs show it: the count, or ``<5`` when suppressed."""
    if e is None:
        return 0
    return f"<{threshold}" if e.suppressed or e.headcount is None else e.headcount


def local_headlines(le: LocalEconomy) -> list[Headline]:
    if not le.recorded:
        return [Headline("local-share", "Local share of spend", "no local-spend run recorded", "text", note=APART)]
    out = []
    t = le.total
    if t is not None:
        placed = t.local_gbp + t.not_local_gbp
        coverage = f"{t.coverage:.0%}" if t.coverage is not None else "none"
        out.append(Headline(
            "local-share", "Local share of spend", t.local_share, "percent",
            note=f"£{t.local_gbp:,.0f} of £{placed:,.0f} placed payments, {payments_period(le)}; £{t.unplaced_gbp:,.0f} "
            f"could not be placed (coverage {coverage}). Spend, not social value: never added to it.",
        ))  # fmt: skip
    living, every = le.staff(LIVING_LOCALLY), le.staff(ALL_STAFF)
    if every is not None:
        share = (
            f" ({living.headcount / every.headcount:.0%})"
            if living is not None and living.headcount is not None and every.headcount
            else ""
        )
        out.append(Headline(
            "staff-local", "Staff living locally", shown(living, le.suppress_under), "count",
            note=f"of {shown(every, le.suppress_under)} staff{share} with a home postcode in the footprint; "
            f"counts under {le.suppress_under} suppressed",
        ))  # fmt: skip
    return out


def _spend_row(key: str, name: str, f: SpendFigures) -> dict[str, Cell]:
    return {"key": key, "name": name, "local": f.local_gbp, "placed": round(f.local_gbp + f.not_local_gbp, 2),
            "share": f.local_share, "not_placed": f.unplaced_gbp, "paid": f.payments_gbp, "coverage": f.coverage,
            "credits": f.credits_gbp}  # fmt: skip


def _spend_figure(key: str, title: str, heading: str, rows: list[dict[str, Cell]]) -> Figure:
    table = DataTable(
        key, title, [Column("key", "Code", code=True), Column("name", heading), *SHARE_COLUMNS], rows,
        total="Total", note=SHARE_MEANS,
    )  # fmt: skip
    return Figure(table, Chart("barh", f"{title}: local share of placed payments", "name",
                               [Series("share", "Local share")], "Local share"))  # fmt: skip


def _not_placed(le: LocalEconomy, by_category: list[SpendFigures]) -> Figure:
    meaning = {c.value: m for c, m in CATEGORY_MEANING.items()}
    placed = {Category.LOCAL.value, Category.NOT_LOCAL.value}
    rows: list[dict[str, Cell]] = [
        {"category": str(f.keys["category"]), "meaning": meaning.get(str(f.keys["category"]), ""), "paid": f.payments_gbp}
        for f in by_category
        if f.keys["category"] not in placed and f.payments_gbp
    ]  # fmt: skip
    table = DataTable(
        "Local spend not placed", "Payments whose supplier could not be placed, by reason",
        [Column("category", "Reason", code=True), Column("meaning", "What it means"), Column("paid", "Payments £", "gbp")],
        rows, total="All not placed",
        note="Counted in every 'All payments £' and 'Not placed £' figure; each row is listed, with its file and row, in "
        "the local-spend run's set-aside listing.",
    )  # fmt: skip
    return Figure(table, Chart("barh", "Payments not placed, by reason", "category", [Series("paid", "Payments £")], "£") if rows else None)  # fmt: skip


def _lm3(le: LocalEconomy) -> Figure | None:
    if not le.lm3:
        return None
    names = {str(f.keys["organisation"]): str(f.keys.get("organisation_name") or "") for f in le.by_organisation}
    rows: list[dict[str, Cell]] = [
        {"key": m.organisation or "All", "name": names.get(m.organisation, m.organisation) if m.organisation else "All the run's organisations",
         "months": f"{_month(m.first_month)} to {_month(m.last_month)}", "r1": m.r1_gbp, "r2": m.r2_gbp, "r3": m.r3_gbp,
         "lm3": m.lm3 if m.lm3 is not None else "not worked out"}
        for m in le.lm3
    ]  # fmt: skip
    together = next((m for m in le.lm3 if m.organisation is None), le.lm3[0])  # each organisation's differ only in £
    assumptions = [a.strip().rstrip(".") for a in together.assumptions if a.strip()]
    table = DataTable(
        "LM3", "Local multiplier (LM3, New Economics Foundation): (round 1 + round 2 + round 3) ÷ round 1",
        [Column("key", "Code", code=True), Column("name", "Organisation"), Column("months", "Payments"),
         Column("r1", "Round 1 £", "gbp"), Column("r2", "Round 2 £", "gbp"), Column("r3", "Round 3 £", "gbp"),
         Column("lm3", "LM3", "number")],
        rows,
        note=f"Assumptions ({together.organisation or 'all the organisations'}): " + "; ".join(assumptions) + "."
        if assumptions else "No assumptions were recorded with the runs.",
    )  # fmt: skip
    return Figure(table)


def _staff_by_place(le: LocalEconomy) -> Figure:
    t = le.suppress_under
    together = le.staff_together
    local = {e.district: e for e in together if e.category == "local" and e.district}
    rows: list[dict[str, Cell]] = [
        {"key": gss, "name": name, "headcount": shown(local.get(gss), t), "fte": _fte(local.get(gss))}
        for gss, name in sorted(le.place_names.items(), key=lambda p: p[1])
    ]
    rows += [
        {"key": e.district or "", "name": e.district, "headcount": shown(e, t), "fte": _fte(e)}
        for d, e in sorted(local.items())
        if d not in le.place_names
    ]
    table = DataTable(
        "Staff by place", "Staff living in each place of the footprint (all organisations with a staff file)",
        [Column("key", "Code", code=True), Column("name", "Place"), Column("headcount", "Headcount", "count"),
         Column("fte", "FTE", "number")],
        rows,
        note=f"From home postcodes. '<{t}': fewer than {t} staff, or a count hidden so that one cannot be worked out "
        "from the totals (as NHS statistics suppress small counts); drawn as no bar in the chart. Staff living outside "
        "the footprint or whose home could not be placed are on the next table.",
    )  # fmt: skip
    return Figure(table, Chart("barh", "Staff living in each place (headcount)", "name", [Series("headcount", "Headcount")], "staff"))  # fmt: skip


def _fte(e: EmploymentFigures | None) -> Cell:
    if e is None:
        return 0
    return "suppressed" if e.suppressed else e.fte


def _staff_by_organisation(le: LocalEconomy) -> Figure:
    t = le.suppress_under
    names = {str(f.keys["organisation"]): str(f.keys.get("organisation_name") or "") for f in le.by_organisation}
    orgs = sorted({e.organisation for e in le.employment if e.organisation is not None})
    rows = [_staff_row(le, org, names.get(org, org), t) for org in orgs]
    if len(orgs) > 1:
        together = _staff_row(le, None, "All organisations", t)
        for key in ("local", "elsewhere", "unplaced", "all"):  # else a hidden count = the total less the others shown
            if any(isinstance(r[key], str) for r in rows):
                together[key] = "suppressed"
        rows.append(together)
    table = DataTable(
        "Staff by organisation", "Staff living locally, by organisation",
        [Column("key", "Code", code=True), Column("name", "Organisation"), Column("local", "Living locally", "count"),
         Column("elsewhere", "Living outside the footprint", "count"), Column("unplaced", "Home not placed", "count"),
         Column("all", "All staff", "count"), Column("share", "Share living locally", "percent")],
        rows,
        note=f"Headcount. '<{t}' and 'suppressed': small counts hidden as the local-spend run hid them; an all-"
        "organisations count is hidden where one organisation's is, so that none can be worked out by subtraction. "
        "'Home not placed': no postcode, a bad one, or one the postcode directory does not hold.",
    )  # fmt: skip
    return Figure(table, Chart("barh", "Share of staff living locally", "name", [Series("share", "Share living locally")], "Share"))  # fmt: skip


def _staff_row(le: LocalEconomy, org: str | None, name: str, t: int) -> dict[str, Cell]:
    lines = le.staff_together if org is None else [e for e in le.employment if e.organisation == org]
    by = {e.category: e for e in lines if not e.district}
    local, every = by.get(LIVING_LOCALLY), by.get(ALL_STAFF)
    unplaced = [e for e in lines if e.category in NOT_PLACED]
    hidden = any(e.suppressed for e in unplaced)
    share = (
        local.headcount / every.headcount
        if local is not None and every is not None and local.headcount is not None and every.headcount
        else None
    )
    return {
        "key": org or "All", "name": name, "local": shown(local, t), "elsewhere": shown(by.get("not-local"), t),
        "unplaced": "suppressed" if hidden else sum(e.headcount or 0 for e in unplaced),
        "all": shown(every, t), "share": share,
    }  # fmt: skip


def _runs(le: LocalEconomy) -> Figure:
    rows: list[dict[str, Cell]] = [
        {"run": r.id, "role": role, "file": name, "sha256": sha} for r in le.runs for role, name, sha in r.inputs
    ]
    runs = "; ".join(
        f"run {r.id} recorded {r.recorded_at:%d %B %Y %H:%M} UTC, payments {_month(r.first_month)} to "
        f"{_month(r.last_month)}, {r.rows_read:,} spend rows read" for r in le.runs
    )  # fmt: skip
    table = DataTable(
        "Local spend runs", "The local-spend runs these figures come from, and the files each read",
        [Column("run", "Run", "count", 6), Column("role", "Input", width=16), Column("file", "File", width=30),
         Column("sha256", "SHA-256 of the file", width=66)],
        rows,
        note=f"{runs[0].upper()}{runs[1:]}. Each organisation's month counts from the newest run of this footprint that "
        "reports it; staff from each organisation's newest run with a staff file. Re-running with a corrected file "
        "replaces, never adds.",
    )  # fmt: skip
    return Figure(table)


def local_section(le: LocalEconomy, footprint_code: str) -> Section:
    if not le.recorded:
        return Section(HEADING, [Note(
            f"No local-spend run is recorded for this footprint: record one with socialvalue localspend SPEND... "
            f"--footprint {footprint_code} --store (see docs/localspend.md).", "note")])  # fmt: skip
    runs = f"run {le.runs[0].id}" if len(le.runs) == 1 else "runs " + ", ".join(str(r.id) for r in le.runs)
    notes = [Note(APART, "note"), Note(
        f"Payments made {payments_period(le)}: the months the local-spend {runs} recorded (listed at the end of this "
        "part), whatever the quarters of the social value figures above.")]  # fmt: skip
    figures = [
        _spend_figure("Local spend by org", "Local spend by organisation", "Organisation",
                      [_spend_row(str(f.keys["organisation"]), str(f.keys.get("organisation_name") or f.keys["organisation"]), f)
                       for f in le.by_organisation]),
        _spend_figure("Local spend by place", "Local spend by place (the paying organisation's)", "Place",
                      [_spend_row(str(f.keys["place"] or ""), le.place_names.get(str(f.keys["place"]), str(f.keys["place"] or NO_PLACE)), f)
                       for f in le.by_place]),
        _not_placed(le, le.by_category),
    ]  # fmt: skip
    lm3 = _lm3(le)
    if lm3 is not None:
        figures.append(lm3)
    if le.employment:
        figures += [_staff_by_place(le), _staff_by_organisation(le)]
    else:
        notes.append(Note("No staff file was given with these runs: local employment is not reported.", "note"))
    figures.append(_runs(le))
    return Section(HEADING, notes, figures)


def local_basis(le: LocalEconomy) -> list[Note]:
    if not le.recorded:
        return []
    runs = "; ".join(
        f"run {r.id} recorded {r.recorded_at:%d %B %Y}, payments {_month(r.first_month)} to {_month(r.last_month)}, "
        f"local area {r.local_area}"
        for r in le.runs
    )
    return [Note(f"{runs}. {SHARE_MEANS} {APART}", label="Local economy:")]
