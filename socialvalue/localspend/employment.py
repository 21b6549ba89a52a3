"""Local employment: how many staff live in each place, from home postcodes or counts by postcode district.

Small counts are suppressed in every output, as NHS statistics do: a count under the threshold (5 unless
told) is not shown, and where one count in a group is suppressed the next smallest is too, so it cannot be
worked out from the total.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from socialvalue.intake.values import is_blank, read_money, read_postcode, read_quantity
from socialvalue.problems import Problem, Severity, define

from .directory import Located, postcode_key
from .models import EmploymentCell
from .places import LocalArea, OrganisationMap
from .tables import Field, Table, read_tables

STAFF_FIELDS = (
    Field("postcode", ("home postcode", "postcode", "post code", "residence postcode", "employee postcode")),
    Field("district", ("postcode district", "district", "outward code", "postcode sector district")),
    Field("headcount", ("headcount", "head count", "staff", "count", "number of staff", "employees")),
    Field("fte", ("fte", "wte", "full time equivalent", "whole time equivalent", "contracted fte")),
    Field("organisation", ("organisation", "organisation name", "employer", "trust", "org code", "organisation code")),
    Field("pay", ("annual pay", "pay", "gross pay", "salary", "annual salary", "pay bill")),
)  # fmt: skip

STAFF_COLUMNS = define("staff-columns", Severity.ERROR, "{what}")
STAFF_ROW = define("staff-row", Severity.WARNING, "{why}; this row is counted as not placed")
STAFF_VALUE = define("staff-value", Severity.WARNING, "{why}")

_DISTRICT = re.compile(r"[A-Z]{1,2}[0-9][0-9A-Z]?")

NOT_PLACED = {
    "no-postcode": "no home postcode",
    "bad-postcode": "not the shape of a UK postcode or district",
    "postcode-not-found": "not in the postcode directory",
    "no-district": "the directory gives no district",
    "district-straddles": "the postcode district lies partly inside and partly outside the local area",
    "several-local-districts": "the postcode district lies in more than one local district (counted in the footprint, not a place)",
}


@dataclass
class StaffOptions:
    suppress_under: int = 5
    pay_per_fte: float | None = None
    """Assumed annual pay per FTE, for LM3, when the staff file has no pay column."""


@dataclass
class StaffGroup:
    """Staff of one organisation with one home postcode or district: headcount, FTE, pay."""

    organisation: str
    postcode: str
    """Normalised postcode, or a district (``L3``) when ``district`` is True; '' when missing."""
    district: bool
    headcount: int
    fte: float | None
    pay: float | None
    issue: str = ""
    """Category of a row that cannot be placed before the directory is asked (no-postcode, bad-postcode)."""


@dataclass
class Staff:
    groups: list[StaffGroup] = field(default_factory=list)
    files: list[tuple[Path, str]] = field(default_factory=list)
    by_district: bool = False
    suppress_under: int = 5
    pay_per_fte: float | None = None

    def postcodes(self) -> set[str]:
        return {g.postcode for g in self.groups if g.postcode and not g.district}

    def districts(self) -> set[str]:
        return {g.postcode for g in self.groups if g.postcode and g.district}

    def place(
        self,
        group: StaffGroup,
        located: Mapping[str, Located],
        districts: Mapping[str, Mapping[str, int]],
        area: LocalArea,
    ) -> tuple[str, str]:
        """(district code, category) of one group: category is 'local', 'not-local' or why it was not placed."""
        if group.issue:
            return "", group.issue
        if group.district:
            lads = {lad for lad, n in districts.get(postcode_key(group.postcode), {}).items() if n and lad}
            if not lads:
                return "", "postcode-not-found"
            if len(lads) == 1:
                lad = next(iter(lads))
                return lad, "local" if lad in area else "not-local"
            inside = {lad in area for lad in lads}
            if inside == {True}:
                return "", "several-local-districts"
            if inside == {False}:
                return "", "not-local"
            return "", "district-straddles"
        found = located.get(postcode_key(group.postcode))
        if found is None:
            return "", "postcode-not-found"
        if not found.lad:
            return "", "no-district"
        return found.lad, "local" if found.lad in area else "not-local"

    def count(
        self, located: Mapping[str, Located], districts: Mapping[str, Mapping[str, int]], area: LocalArea
    ) -> tuple[list[EmploymentCell], str]:
        """Headcount and FTE per organisation and home district (local districts one by one), with each
        organisation's staff living locally and in all, and the same for all organisations together; suppressed."""
        if not self.groups:
            return [], ""
        sums: dict[tuple[str, str, str], list[float]] = {}

        def add(key: tuple[str, str, str], g: StaffGroup) -> None:
            entry = sums.setdefault(key, [0, 0.0, 0])
            entry[0] += g.headcount
            entry[1] += g.fte or 0.0
            entry[2] += 0 if g.fte is not None else g.headcount

        several = len({g.organisation for g in self.groups}) > 1
        for g in self.groups:
            lad, category = self.place(g, located, districts, area)
            for org in (g.organisation, ALL_ORGANISATIONS) if several else (g.organisation,):
                add((org, lad if category == "local" else "", category), g)
                if category in LOCAL_CATEGORIES:
                    add((org, "", LIVING_LOCALLY), g)
                add((org, "", ALL_STAFF), g)
        cells = [
            EmploymentCell(
                organisation=o, district=d, local=c in LOCAL_CATEGORIES or c == LIVING_LOCALLY, category=c,
                headcount=int(n), fte=round(f, 2) if not missing else None, suppressed=False,
            )
            for (o, d, c), (n, f, missing) in sorted(sums.items(), key=lambda kv: (kv[0][0] == ALL_ORGANISATIONS, kv[0]))
        ]  # fmt: skip
        cells = suppress(cells, self.suppress_under)
        note = (
            f"Counts under {self.suppress_under} are suppressed (shown as '<{self.suppress_under}'); where a suppressed "
            "count could be worked out from the totals (within an organisation or across organisations), the next "
            "smallest count is suppressed too, until none can."
        )
        return cells, note


LIVING_LOCALLY = "living-locally"
ALL_STAFF = "all-staff"
LOCAL_CATEGORIES = ("local", "several-local-districts")
ALL_ORGANISATIONS = "All organisations"


def additive_groups(cells: Sequence[EmploymentCell]) -> list[tuple[int, list[int]]]:
    """The sums a reader can check between the counts: (the total's index, its parts' indexes). Each organisation's
    all staff = living locally + each way of not living locally; living locally = its local districts; and, per
    district and category, all organisations = each organisation (a count an organisation lacks is a known 0)."""
    at = {(c.organisation, c.district, c.category): i for i, c in enumerate(cells)}
    groups: list[tuple[int, list[int]]] = []
    for (org, district, category), i in at.items():
        if category == ALL_STAFF:
            parts = [j for (o, _, c), j in at.items() if o == org and c not in LOCAL_CATEGORIES and c != ALL_STAFF]
            groups.append((i, parts))
        elif category == LIVING_LOCALLY:
            groups.append((i, [j for (o, _, c), j in at.items() if o == org and c in LOCAL_CATEGORIES]))
        if org == ALL_ORGANISATIONS:
            parts = [j for (o, d, c), j in at.items() if o != ALL_ORGANISATIONS and (d, c) == (district, category)]
            groups.append((i, parts))
    return groups


def worked_out(cells: Sequence[EmploymentCell], hidden: set[int]) -> set[int]:
    """The ``hidden`` counts a reader could still work out exactly from the shown ones, combining any of the sums
    (:func:`additive_groups`): by linear algebra, a hidden count is determined when every solution of the sums
    over the hidden counts gives it the same value, i.e. it is zero in every vector of their null space."""
    import numpy as np

    order = sorted(hidden)
    if not order:
        return set()
    column = {i: k for k, i in enumerate(order)}
    rows = []
    for total, parts in additive_groups(cells):
        row = np.zeros(len(order))
        for i, sign in ((total, 1.0), *((p, -1.0) for p in parts)):
            if i in column:
                row[column[i]] += sign
        if row.any():
            rows.append(row)
    if not rows:
        return set()
    matrix = np.array(rows)
    _, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > 1e-9 * max(matrix.shape)).sum())
    null = vt[rank:]  # rows spanning the null space
    free = np.abs(null).max(axis=0) > 1e-9 if len(null) else np.zeros(len(order), dtype=bool)
    return {i for i, k in column.items() if not free[k]}


def suppress(cells: list[EmploymentCell], threshold: int) -> list[EmploymentCell]:
    """Primary suppression (headcount under ``threshold``) and secondary: while a hidden count could be worked out
    from the shown ones through the sums a reader can check (:func:`worked_out`), the smallest shown count in a
    sum it is part of is hidden too (a part before a total). Each round hides one more count, so it ends."""
    hidden = {i for i, c in enumerate(cells) if c.headcount is not None and c.headcount < threshold}
    groups = additive_groups(cells)
    while exposed := worked_out(cells, hidden):
        # the smallest shown count in a sum with an exposed one; failing that (every such sum is hidden whole, and the
        # count is found by combining sums), the smallest in any sum with a hidden count
        for reach in (exposed, hidden):
            candidates = [
                (i == total, cells[i].headcount or 0, i)
                for total, parts in groups
                if reach & {total, *parts}
                for i in (total, *parts)
                if i not in hidden
            ]
            if candidates:
                hidden.add(min(candidates)[2])
                break
        else:
            break  # nothing left to hide
    return [
        c.model_copy(update={"headcount": None, "fte": None, "suppressed": True}) if i in hidden else c
        for i, c in enumerate(cells)
    ]


def read_staff(
    paths: Sequence[Path],
    problems: list[Problem],
    options: StaffOptions,
    organisations: OrganisationMap | None,
    mapping: Mapping[str, str],
) -> Staff:
    """Read staff files: one row per person (home postcode, FTE) or counts by postcode district.

    Home postcodes are personal data: problems about a row give its line, never the postcode.
    """
    staff = Staff(suppress_under=options.suppress_under, pay_per_fte=options.pay_per_fte)
    for path in paths:
        source = read_tables(path, STAFF_FIELDS, problems, mapping)
        staff.files.append((path, source.sha256))
        for table in source.tables:
            cols = table.columns
            by_district = "postcode" not in cols and "district" in cols
            if "postcode" not in cols and not by_district:
                problems.append(
                    STAFF_COLUMNS(
                        file=table.file,
                        sheet=table.sheet,
                        what="the staff file has no home postcode column, nor a postcode district column with a "
                        'headcount: name one with --column staff.postcode="Header"',
                    )
                )
                continue
            staff.by_district = staff.by_district or by_district
            for rownum, values in table.rows:
                group = _group(table, rownum, values, by_district, path.stem, organisations, problems)
                if group is not None:
                    staff.groups.append(group)
    return staff


def _group(
    table: Table,
    rownum: int,
    values: Sequence[object],
    by_district: bool,
    default_org: str,
    organisations: OrganisationMap | None,
    problems: list[Problem],
) -> StaffGroup | None:
    cols = table.columns

    def cell(name: str) -> object:
        return table.get(values, name)

    if all(is_blank(v) for v in values):
        return None
    org_raw = cell("organisation")
    org = default_org if is_blank(org_raw) else " ".join(str(org_raw).split())
    mapped = organisations.resolve(org) if organisations is not None else None
    org = mapped.code if mapped is not None else org
    headcount = 1
    if by_district:
        got_n = read_quantity(cell("headcount"), "person") if "headcount" in cols else None
        if got_n is None or got_n.value is None or not float(got_n.value).is_integer():
            why = got_n.issue.reason if got_n is not None and got_n.issue else "no whole-number headcount"
            problems.append(table.problem_at(STAFF_VALUE, rownum, "headcount", why=f"{why}: this row is not counted"))
            return None
        headcount = int(got_n.value)
    fte: float | None = None
    if "fte" in cols:
        got = read_quantity(cell("fte"), "FTE")
        if got.issue is not None:
            problems.append(
                table.problem_at(
                    STAFF_VALUE, rownum, "fte", why=f"{got.issue.reason}: counted in headcount, not in FTE"
                )
            )
        fte = got.value
    pay: float | None = None
    if "pay" in cols:
        got_pay = read_money(cell("pay"))
        if got_pay.issue is not None:
            problems.append(
                table.problem_at(STAFF_VALUE, rownum, "pay", why=f"{got_pay.issue.reason}: left out of the pay bill")
            )
        pay = got_pay.value
    raw = cell("district" if by_district else "postcode")
    if is_blank(raw):
        return StaffGroup(org, "", by_district, headcount, fte, pay, "no-postcode")
    if by_district:
        text = "".join(str(raw).upper().split())
        if not _DISTRICT.fullmatch(text):
            problems.append(
                table.problem_at(
                    STAFF_ROW,
                    rownum,
                    "district",
                    why="the postcode district is not the shape of one (such as L3 or CH64)",
                )
            )
            return StaffGroup(org, "", True, headcount, fte, pay, "bad-postcode")
        return StaffGroup(org, text, True, headcount, fte, pay)
    got_pc = read_postcode(raw)
    if got_pc.value is None:
        problems.append(
            table.problem_at(STAFF_ROW, rownum, "postcode", why="the home postcode is not the shape of a UK postcode")
        )
        return StaffGroup(org, "", False, headcount, fte, pay, "bad-postcode")
    return StaffGroup(org, got_pc.value, False, headcount, fte, pay)
