"""Footprints without a store: quarters, codes, successions, and the built-in Cheshire and Merseyside
checked against the public registers in ../shared/realdata."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialvalue.footprint import (
    Footprint,
    Organisation,
    OrgKind,
    Scheme,
    check_against_ods,
    check_against_ons,
    check_footprint,
    load_footprint,
    rollup_map,
)
from socialvalue.footprint.load import footprint_from_yaml, read_organisations_csv
from socialvalue.footprint.successions import successor_cycles
from socialvalue.periods import Period, quarters_between

REPO = Path(__file__).resolve().parents[1]
REALDATA = next(
    (p for p in (REPO.parent / "shared" / "realdata", REPO.parent.parent / "shared" / "realdata") if p.is_dir()),
    REPO.parent / "shared" / "realdata",
)
"""The team's shared/realdata beside the repository (or beside the folder of worktrees)."""
PLACES = {  # the nine Cheshire and Merseyside places (domain.md)
    "E06000049", "E06000050", "E06000006", "E06000007", "E08000011", "E08000012", "E08000013", "E08000014", "E08000015",
}  # fmt: skip


def realdata(name: str) -> Path:
    path = REALDATA / name
    if not path.exists():
        pytest.skip(f"{path} is absent: the real registers live in the team's shared/realdata folder")
    return path


@pytest.fixture(scope="module")
def cm() -> Footprint:
    footprint, problems = load_footprint("cheshire-and-merseyside")
    assert footprint is not None, problems
    return footprint


# --- quarters ---------------------------------------------------------------------------------


@settings(deadline=None)
@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 11, 26)), st.integers(0, 400))  # ends by 2100 (parse)
def test_quarters_cover_every_day_once_and_in_order(start: date, days: int) -> None:
    end = start + timedelta(days=days)
    quarters = quarters_between(start, end)
    assert quarters[0].start <= start <= quarters[0].end and quarters[-1].start <= end <= quarters[-1].end
    assert [q.index for q in quarters] == list(range(quarters[0].index, quarters[-1].index + 1))
    for q in quarters:
        assert Period.parse(q.key) == q and Period.of(q.year, q.quarter) == q
        assert (q + 1).start == q.end + timedelta(days=1)


def test_period_text() -> None:
    assert Period.parse("2026Q3") == Period.parse(" 2026-q3 ") == Period.of(2026, 3)
    assert Period.of(2026, 3).label == "July to September 2026" and str(Period.of(2026, 3)) == "2026Q3"
    assert [Period.parse(t) for t in ("2026Q5", "2026", "Q3 2026", "1899Q1")] == [None] * 4
    assert quarters_between(date(2026, 4, 1), date(2026, 3, 31)) == []


# --- codes and successions --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scheme", "code", "ok"),
    [
        ("ods", "RBQ", True), ("ods", "01F", True), ("ods", "123", False), ("gss", "E06000049", True),
        ("gss", "E0600004", False), ("charity", "1099999", True), ("charity", "SC012345", True),
        ("company", "01234567", True), ("company", "SC123456", True), ("company", "1234567", False),
    ],
)  # fmt: skip
def test_codes_are_checked_against_their_register(scheme: str, code: str, ok: bool) -> None:
    data = {"scheme": scheme, "code": code, "name": "X", "kind": "other"}
    if ok:
        assert Organisation.model_validate(data).code == code
    else:
        with pytest.raises(ValueError, match="is not a"):
            Organisation.model_validate(data)


def test_kinds_name_their_scheme_and_closed_ones_their_successor() -> None:
    with pytest.raises(ValueError, match="a council is coded in GSS"):
        Organisation(scheme=Scheme.ODS, code="RBQ", name="X", kind=OrgKind.COUNCIL)
    with pytest.raises(ValueError, match="no closing date"):
        Organisation(scheme=Scheme.ODS, code="RQ6", name="X", kind=OrgKind.TRUST, successor="REM")
    merged = Organisation(scheme=Scheme.ODS, code="RQ6", name="X", kind=OrgKind.TRUST, closed=date(2019, 9, 30), successor="REM")  # fmt: skip
    assert merged.successor_from == date(2019, 10, 1)


def test_successions_roll_up_through_chains_and_report_circles() -> None:
    def org(code: str, successor: str | None = None) -> Organisation:
        closed = date(2020, 3, 31) if successor else None
        return Organisation(
            scheme=Scheme.ODS, code=code, name=code, kind=OrgKind.OTHER, closed=closed, successor=successor
        )

    orgs = [org("AAA", "BBB"), org("BBB", "CCC"), org("CCC"), org("DDD", "ZZZ"), org("EEE", "FFF"), org("FFF", "EEE")]
    rollup = {a[1]: b[1] for a, b in rollup_map(orgs).items()}
    assert rollup["AAA"] == rollup["BBB"] == rollup["CCC"] == "CCC"
    assert rollup["DDD"] == "DDD"  # successor outside the list: stops at the last known
    assert successor_cycles(orgs) == [["EEE", "FFF", "EEE"]]
    text = "code: X1\nname: Loop\norganisations:\n" + "".join(
        f"  - {{scheme: ods, code: {a}, kind: other, name: {a}, closed: 2020-01-01, successor: {b}}}\n" for a, b in (("AAA", "BBB"), ("BBB", "AAA"))
    )  # fmt: skip
    footprint, problems = footprint_from_yaml(text, "loop.yaml")
    assert footprint is None and [p.code for p in problems] == ["succession-cycle"]


def test_built_in_cheshire_and_merseyside(cm: Footprint) -> None:
    assert (cm.code, cm.gss) == ("QYG", "E54000008")
    assert {p.gss for p in cm.places} == PLACES
    kinds = Counter(o.kind for o in cm.organisations)
    assert kinds[OrgKind.COUNCIL] == 9 and kinds[OrgKind.ICB] == 1 and kinds[OrgKind.TRUST] == 20
    rollup = {a[1]: b[1] for a, b in rollup_map(cm.organisations).items()}
    assert all(rollup[o.code] == "QYG" for o in cm.organisations if o.kind is OrgKind.CCG)
    assert (rollup["RQ6"], rollup["RVY"], rollup["RTV"], rollup["RY1"]) == ("REM", "RBN", "RW4", "RW4")
    assert all(o.closed is None or o.successor for o in cm.organisations)
    assert [p.code for p in check_footprint(cm)] == ["organisation-no-place"]  # NHS Cheshire CCG spanned two places


def test_organisations_csv(cm: Footprint, tmp_path: Path) -> None:
    path = tmp_path / "orgs.csv"
    path.write_text(
        "\ufeffcode,name,kind,place,postcode,closed,successor\n"
        "e06000049,Cheshire East Council (again),council,Cheshire East,,,\n"
        "RXX,Old Trust,trust,e08000015,CH1 1AA,30/06/2021,RBL\n"
        ",,,,,,\n",
        encoding="utf-8",
    )
    orgs, problems = read_organisations_csv(path, cm)
    assert not problems
    assert [(o.scheme, o.code, o.place) for o in orgs] == [(Scheme.GSS, "E06000049", "E06000049"), (Scheme.ODS, "RXX", "E08000015")]  # fmt: skip
    assert orgs[1].closed == date(2021, 6, 30) and orgs[1].successor_from == date(2021, 7, 1)
    path.write_text("code,name,kind,colour\n1099999,A Charity,vcse,blue\n1099999,A Charity,vcse,\n", encoding="utf-8")
    orgs, problems = read_organisations_csv(path, cm)
    assert orgs == []
    assert {(p.code, p.line) for p in problems} >= {("organisation-invalid", 1), ("organisation-invalid", 2)}
    assert any("say which register" in p.reason for p in problems)


# --- against the public registers -------------------------------------------------------------


def test_built_in_footprint_agrees_with_the_ods_and_ons_registers(cm: Footprint) -> None:
    trusts, ccgs = realdata("nhs_ods_etr_trusts.csv"), realdata("nhs_ods_eccg_ccg_subicb.csv")
    icbs, lads = realdata("ons_icb_names_codes_dec2024.csv"), realdata("ons_lad_dec2023_attributes.csv")
    assert check_against_ods(cm, [trusts, ccgs]) == []
    assert check_against_ons(cm, [icbs, lads]) == []
    with trusts.open(encoding="utf-8", errors="replace", newline="") as fh:
        in_icb = {row[0] for row in csv.reader(fh) if row[3] == "QYG"}
    ours = {o.code for o in cm.organisations if o.kind is OrgKind.TRUST}
    assert ours == in_icb  # every trust the register puts in QYG, open or closed, and no other
    with ccgs.open(encoding="utf-8", errors="replace", newline="") as fh:
        ccg_codes = {row[0] for row in csv.reader(fh) if row[3] == "QYG"}
    assert {o.code for o in cm.organisations if o.kind is OrgKind.CCG} == ccg_codes


def test_places_agree_with_the_postcode_directory(cm: Footprint) -> None:
    """Each trust's place is the district most of its postcode sector's sampled postcodes are in.

    (A CCG's place is the area it commissioned for, not where its office was: Vale Royal CCG, in
    Cheshire West and Chester, had its office in Nantwich, Cheshire East.)"""
    sample = realdata("onspd_sample_100k_pcd_lad_pcon_lsoa11.csv")
    sectors: dict[str, Counter[str]] = defaultdict(Counter)
    with sample.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            pcd = row["pcd"].replace(" ", "")
            if len(pcd) >= 5 and row["oslaua"]:
                sectors[f"{pcd[:-3]} {pcd[-3]}"][row["oslaua"]] += 1
    checked = 0
    for o in cm.organisations:
        if o.kind is not OrgKind.TRUST or o.place is None or o.postcode is None:
            continue
        outward, inward = o.postcode.split()
        found = sectors.get(f"{outward} {inward[0]}")
        if found:
            assert found.most_common(1)[0][0] == o.place, (o.code, o.postcode, found)
            checked += 1
    assert checked >= 17  # most postcode sectors are in the sample
