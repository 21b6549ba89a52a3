"""OCDS export: releases valid against the OCDS 1.1.5 release schema with the Metrics extension merged in.

The schema and codelists are read from the team's shared real data (``../shared/realdata/ocds``), never
copied into the project; the tests skip, saying why, where that folder is absent.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialvalue.reports.ocds import (
    ContractExport,
    KpiExport,
    Organisation,
    PeriodFigures,
    check_prefix,
    release_package,
)

from .realdata import realdata

OCDS = realdata("ocds")
PREFIX = "ocds-x1y2z3"
PUBLISHED = dt.datetime(2026, 10, 20, 9, 30, tzinfo=dt.UTC)
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$")


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON Merge Patch: how an OCDS extension's release-schema.json applies to the release schema."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    merged = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value)
    return merged


@pytest.fixture(scope="module")
def validator() -> Any:
    if not (OCDS / "release-schema.json").exists():
        pytest.skip(f"the OCDS schemas are not at {OCDS} (the team's shared real data, see its SOURCES.md)")
    from jsonschema import Draft4Validator, FormatChecker

    release = json.loads((OCDS / "release-schema.json").read_text(encoding="utf-8"))
    extension = json.loads((OCDS / "metrics-extension" / "release-schema.json").read_text(encoding="utf-8"))
    merged = merge_patch(release, extension)
    assert "agreedMetrics" in merged["definitions"]["Award"]["properties"]
    assert "metrics" in merged["definitions"]["Implementation"]["properties"]
    package = json.loads((OCDS / "release-package-schema.json").read_text(encoding="utf-8"))
    package["properties"]["releases"]["items"] = merged  # resolve the package's $ref to the extended schema, locally
    Draft4Validator.check_schema(package)
    return Draft4Validator(package, format_checker=FormatChecker())


def codes(name: str) -> set[str]:
    with (OCDS / "codelists" / name).open(encoding="utf-8") as fh:
        return {row["Code"] for row in csv.DictReader(fh)}


def quarter(key: str) -> tuple[dt.date, dt.date]:
    year, q = int(key[:4]), int(key[-1])
    start = dt.date(year, 3 * q - 2, 1)
    after = dt.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
    return start, after - dt.timedelta(days=1)


def figures(
    key: str, committed: float, delivered: float | None, unit_value: float | None, net: float, grade: str | None
) -> PeriodFigures:
    start, end = quarter(key)

    def gbp(quantity: float | None, factor: float = 1.0) -> float | None:
        return None if quantity is None or unit_value is None else quantity * unit_value * factor

    return PeriodFigures(
        period=key, start=start, end=end, committed_quantity=committed,
        committed_gross_gbp=gbp(committed), committed_net_gbp=gbp(committed, net),
        delivered_quantity=delivered, delivered_gross_gbp=gbp(delivered), delivered_net_gbp=gbp(delivered, net),
        evidence_grade=grade if delivered is not None else None,
    )  # fmt: skip


def sample_contract() -> ContractExport:
    quarters = ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]
    delivered_jobs = [2.0, 2.5, None, None]
    return ContractExport(
        contract="C&M/2026/0042 <cleaning>",
        title="Estates cleaning, Liverpool sites",
        buyer=Organisation(scheme="ods", code="REM", name="Liverpool University Hospitals NHS Foundation Trust"),
        supplier=Organisation(scheme="company", code="01234567", name="Sefton Cleaning Ltd"),
        awarded_at=dt.datetime(2025, 12, 1, 12, 0, tzinfo=dt.UTC),
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 12, 31),
        contract_value_gbp=1_250_000,
        value_set="illustrative-2026",
        value_set_version="1",
        value_set_illustrative=True,
        kpis=[
            KpiExport(code="LE01", description="Local people employed", theme="Jobs", unit="FTE-years",
                      unit_value_gbp=25_000, value_code="LE01", net_factor=0.7,
                      periods=[figures(q, 3.0, d, 25_000, 0.7, "documented") for q, d in zip(quarters, delivered_jobs, strict=True)]),
            KpiExport(code="VOL", description="Staff volunteering", theme="Communities", unit="hours",
                      periods=[figures(q, 50, d, None, 1, "self-reported") for q, d in zip(quarters, [40, 65, None, None], strict=True)]),
        ],
    )  # fmt: skip


def test_release_package_is_valid_ocds_with_metrics(validator: Any) -> None:
    package = release_package([sample_contract()], PREFIX, "Cheshire and Merseyside ICS", PUBLISHED)
    errors = sorted(validator.iter_errors(package), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])
    (release,) = package["releases"]
    assert release["ocid"] == "ocds-x1y2z3-C-M-2026-0042-cleaning-"
    assert set(release["tag"]) <= codes("releaseTag.csv")
    assert {r for p in release["parties"] for r in p["roles"]} <= codes("partyRole.csv")
    assert release["initiationType"] in codes("initiationType.csv")
    stamps = re.findall(r'"(?:date|startDate|endDate|publishedDate)": "([^"]+)"', json.dumps(package))
    assert stamps and all(DATE_TIME.match(s) for s in stamps)
    buyer = next(p for p in release["parties"] if "buyer" in p["roles"])
    assert buyer["identifier"] == {"scheme": "GB-NHS", "id": "REM", "legalName": buyer["name"]}


def test_targets_and_observed_values_by_period() -> None:
    contract = sample_contract()
    (release,) = release_package([contract], PREFIX, "ICS", PUBLISHED)["releases"]
    agreed = {m["id"]: m for m in release["awards"][0]["agreedMetrics"]}
    assert agreed == {m["id"]: m for m in release["contracts"][0]["agreedMetrics"]}
    assert set(agreed) == {"LE01", "LE01-gbp", "VOL"}  # hours are a count: no £ metric
    jobs = agreed["LE01"]["observations"]
    assert [o["measure"] for o in jobs] == [3.0] * 4 and jobs[0]["unit"] == {"name": "FTE-years"}
    assert (
        jobs[2]["period"]["startDate"] == "2026-07-01T00:00:00Z"
        and jobs[2]["period"]["endDate"] == "2026-09-30T23:59:59Z"
    )
    money = {o["id"]: o["value"]["amount"] for o in agreed["LE01-gbp"]["observations"]}
    assert money["LE01-gbp-2026Q1-gross"] == 75_000 and money["LE01-gbp-2026Q1-net"] == pytest.approx(52_500)
    assert "illustrative values" in agreed["LE01-gbp"]["description"]
    observed = {m["id"]: m for m in release["contracts"][0]["implementation"]["metrics"]}
    assert [o["measure"] for o in observed["LE01"]["observations"]] == [2.0, 2.5]  # only quarters a return reported
    assert observed["LE01"]["observations"][0]["dimensions"] == {"evidenceGrade": "documented"}
    delivered_gross = sum(
        o["value"]["amount"] for o in observed["LE01-gbp"]["observations"] if o["dimensions"]["basis"] == "gross"
    )
    assert delivered_gross == pytest.approx(4.5 * 25_000)
    assert "VOL-gbp" not in observed and [o["measure"] for o in observed["VOL"]["observations"]] == [40, 65]
    assert release["tag"] == ["award", "contract", "implementation"]


def test_a_contract_with_nothing_delivered_has_no_implementation(validator: Any) -> None:
    quiet = sample_contract().model_copy(update={"kpis": [k.model_copy(update={"periods": [
        p.model_copy(update={"delivered_quantity": None, "delivered_gross_gbp": None, "delivered_net_gbp": None})
        for p in k.periods]}) for k in sample_contract().kpis]})  # fmt: skip
    package = release_package([quiet], PREFIX, "ICS", PUBLISHED)
    assert not list(validator.iter_errors(package))
    assert "implementation" not in package["releases"][0]["contracts"][0]
    assert package["releases"][0]["tag"] == ["award", "contract"]


def test_ocid_prefix_is_checked() -> None:
    assert check_prefix("ocds-213czf") is None
    assert check_prefix("ocds-TOO-LONG") and check_prefix("213czf") and check_prefix("")


text = st.text(max_size=30)
amount = st.floats(min_value=0, max_value=1e9, allow_nan=False)


@settings(deadline=None, max_examples=60)
@given(
    title=text, description=text, unit=text, theme=text, supplier=text, grade=st.none() | text,
    committed=amount, delivered=st.none() | amount, unit_value=st.none() | amount,
    scheme=st.sampled_from(["ods", "gss", "charity", "company", ""]),
)  # fmt: skip
def test_any_figures_and_text_make_a_valid_release(validator: Any, title: str, description: str, unit: str, theme: str,
                                                   supplier: str, grade: str | None, committed: float,
                                                   delivered: float | None, unit_value: float | None, scheme: str) -> None:  # fmt: skip
    contract = ContractExport(
        contract="K1", title=title, buyer=Organisation(scheme=scheme, code="X1", name="Buyer"),
        supplier=Organisation(name=supplier), awarded_at=dt.datetime(2026, 1, 1), start=dt.date(2026, 1, 1),
        end=dt.date(2026, 3, 31),
        kpis=[KpiExport(code="M1", description=description, theme=theme, unit=unit, unit_value_gbp=unit_value,
                        periods=[figures("2026Q1", committed, delivered, unit_value, 0.5, grade)])],
    )  # fmt: skip
    package = release_package([contract], PREFIX, "ICS", PUBLISHED)
    errors = list(validator.iter_errors(package))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
