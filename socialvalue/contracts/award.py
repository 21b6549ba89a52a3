"""Award: the winning bid's commitments become the contract's KPIs, phased over its quarters.

Reads the scored tender (``socialvalue score --json``) and the winning bid file: the file's SHA-256
must be the one the results recorded for it, and the rubric must be the one the tender was scored
with. Each commitment keeps its measure, unit, quantity, £ per unit with its value-set row, the net
factor and the cell it came from; the tender keeps its audit trail (rubric fingerprint, results and
bid SHA-256). Nothing here touches the store: :func:`plan_award` returns a plan that
:func:`socialvalue.store.contracts.record_award` records whole.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

from socialvalue.intake.bid_reader import read_bid
from socialvalue.output.scored import LoadedResults, read_results_json, results_rubric, rubric_mismatch
from socialvalue.periods import Period, quarters_between
from socialvalue.problems import Problem, Severity, cell_text, define
from socialvalue.rubric import RubricSource
from socialvalue.scoring.results import BidStatus, MeasureLine

from .models import AwardPlan, KpiPlan, SupplierInfo, TenderAudit

BID_NOT_IN_RESULTS = define(
    "bid-not-in-results", Severity.ERROR,
    "this file (SHA-256 {sha}…) is not one of the bids these results scored: give the bid file exactly as it was scored",
)  # fmt: skip
BID_NOT_RANKED = define("bid-not-ranked", Severity.ERROR, "{supplier} was {status} ({why}): a contract is awarded to a ranked bid")  # fmt: skip
BID_NOT_FIRST = define(
    "bid-not-first", Severity.ERROR, "{supplier} ranked {rank}, not first: give --not-first if the award really goes to it"
)  # fmt: skip
BAD_DATES = define("contract-dates", Severity.ERROR, "{why}")
BAD_PROFILE = define("phasing-profile", Severity.ERROR, "{why}")
NOT_A_KPI = define(
    "commitment-not-kpi", Severity.WARNING, "measure {code} ({quantity}) was not counted when the tender was scored ({why}), so it is not a KPI of the contract"
)  # fmt: skip
NO_KPIS = define("no-kpis", Severity.ERROR, "the bid commits to no measure: there is nothing to record as KPIs")


Profile = Mapping[str, Sequence[float]]
"""Phasing weights per quarter: measure code (or ``*`` for every measure) → one weight per quarter."""


def plan_award(
    loaded: LoadedResults,
    bid_path: Path,
    source: RubricSource,
    *,
    contract: str,
    organisation: str,
    start: date,
    end: date,
    title: str = "",
    profile: Profile | None = None,
    not_first: bool = False,
    manager: str = "",
) -> tuple[AwardPlan | None, list[Problem]]:
    """The contract's KPIs from the winning bid, or the problems that stop the award (every one at once)."""
    result = loaded.result
    problems: list[Problem] = []
    mismatch = rubric_mismatch(loaded, source.rubric)
    if mismatch is not None:
        problems.append(mismatch)
    periods = quarters_between(start, end)
    if not periods:
        problems.append(BAD_DATES(why=f"the contract ends ({end}) before it starts ({start})"))
    try:
        data = bid_path.read_bytes()
    except OSError as exc:
        return None, [*problems, BID_NOT_IN_RESULTS(file=bid_path.name, sha="?", reason=f"the bid file could not be read ({exc.strerror})")]  # fmt: skip
    sha = hashlib.sha256(data).hexdigest()
    bid = next((b for b in result.bids if b.sha256 == sha), None)
    if bid is None:
        return None, [*problems, BID_NOT_IN_RESULTS(file=bid_path.name, sha=sha[:12])]
    if bid.status is not BidStatus.RANKED:
        problems.append(BID_NOT_RANKED(file=bid_path.name, supplier=bid.supplier, status=bid.status.value, why=bid.status_reason or "see the results"))  # fmt: skip
    elif bid.rank != 1 and not not_first:
        problems.append(BID_NOT_FIRST(file=bid_path.name, supplier=bid.supplier, rank=bid.rank))
    reading = read_bid(bid_path, source.rubric)
    if reading.bid is None:
        return None, [*problems, *reading.problems]
    lines = [m for m in result.measures if m.bid_id == bid.bid_id]
    weights, profile_problems = _weights(profile, [m.code for m in lines], len(periods))
    problems += profile_problems
    model_theme = {t.name: t.model_theme.value if t.model_theme else "" for t in source.rubric.themes()}
    kpis: list[KpiPlan] = []
    for m in lines:
        if m.quantity is None or m.quantity <= 0:
            continue
        if not m.counted:
            quantity, why = f"{m.quantity:,g} {m.unit}", m.note or "not counted"
            problems.append(NOT_A_KPI.at(m.cell, file=bid_path.name, code=m.code, quantity=quantity, why=why))
            continue
        kpis.append(_kpi(m, model_theme.get(m.theme, ""), _phase(m.quantity, weights.get(m.code, weights["*"]))))
    if not kpis and not any(p.severity is Severity.ERROR for p in problems):
        problems.append(NO_KPIS(file=bid_path.name))
    if any(p.severity is Severity.ERROR for p in problems):
        return None, problems
    b = reading.bid
    value_set, version = _value_set(result.value_set, source)
    plan = AwardPlan(
        contract=contract, title=title, organisation=organisation,
        supplier=SupplierInfo(name=b.supplier_name or bid.supplier, company_number=b.company_number, postcode=b.postcode,
                              is_sme=b.is_sme, is_vcse=b.is_vcse),
        tender=TenderAudit(
            rubric_id=result.rubric_id, rubric_version=result.rubric_version, rubric_title=result.rubric_title,
            rubric_fingerprint=result.rubric_fingerprint, value_set=value_set, value_set_version=version,
            value_set_illustrative=result.value_set_illustrative, results_file=loaded.file,
            results_sha256=loaded.sha256, tool=loaded.tool,
        ),
        bid_file=bid_path.name, bid_sha256=sha, contract_value_gbp=bid.price, start=start, end=end,
        periods=[p.key for p in periods], phasing="even" if profile is None else "profile", kpis=kpis,
        manager=manager.strip(),
    )  # fmt: skip
    return plan, problems


def _value_set(scored: str, source: RubricSource) -> tuple[str, str]:
    """The value set the tender was scored with, as the store keeps it: its id and version apart (the results
    name it by its label, ``id vVERSION`` with any illustrative warning). A set other than the rubric's own is
    kept as the results name it, with no version rather than the rubric's set's."""
    own = source.value_set
    if own is not None and scored == own.label:
        return own.id, own.version
    return scored, ""


def prepare_award(
    results_json: Path,
    bid_path: Path,
    *,
    rubric: str | None = None,
    profile: str | None = None,
    contract: str,
    organisation: str,
    start: date,
    end: date,
    title: str = "",
    not_first: bool = False,
    manager: str = "",
) -> tuple[AwardPlan | None, list[Problem]]:
    """The award as ``socialvalue award`` asks for it: the results file read, the rubric the tender was
    scored with (``rubric``, else the built-in one the results name), the phasing ``profile`` (weights
    ``1,1,2,2``, or a CSV file of them), then :func:`plan_award`. None with every problem when it cannot be made."""
    loaded, problems = read_results_json(results_json)
    if loaded is None:
        return None, problems
    source, problems = results_rubric(loaded, rubric)
    if source is None:
        return None, problems
    weights = None
    if profile is not None:
        weights, problems = _profile(profile, quarters_between(start, end))
        if weights is None:
            return None, problems
    return plan_award(
        loaded, bid_path, source, contract=contract, organisation=organisation, start=start, end=end, title=title,
        profile=weights, not_first=not_first, manager=manager,
    )  # fmt: skip


def _profile(given: str, periods: Sequence[Period]) -> tuple[Profile | None, list[Problem]]:
    """``--profile``: a CSV file when one of that name exists, else the weights written out."""
    path = Path(given)
    if not path.is_file():
        return read_profile(given, periods)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        why = f"the profile could not be read as UTF-8 text: {exc}"
        return None, [BAD_PROFILE(file=path.name, why=why)]
    return read_profile(text, periods, path.name)


def _kpi(m: MeasureLine, model_theme: str, phased: list[float]) -> KpiPlan:
    assert m.quantity is not None
    factor = (1 - m.deadweight_pct / 100) * (1 - m.displacement_pct / 100) * (1 - m.attribution_pct / 100)
    return KpiPlan(
        code=m.code, theme=m.theme, model_theme=model_theme, description=m.description, unit=m.unit,
        committed_quantity=m.quantity, counted_quantity=m.counted_quantity, unit_value_gbp=m.unit_value,
        value_code=m.value_code, value_source=m.value_source, deadweight_pct=m.deadweight_pct,
        displacement_pct=m.displacement_pct, attribution_pct=m.attribution_pct, net_factor=factor, bid_cell=cell_text(m.cell),
        bid_evidence=m.evidence, phased=phased,
    )  # fmt: skip


def _phase(total: float, weights: Sequence[float]) -> list[float]:
    """``total`` shared in proportion to ``weights``; the last quarter with a weight takes the rounding, so the parts add up exactly."""
    whole = sum(weights)
    parts = [total * w / whole for w in weights]
    last = max(i for i, w in enumerate(weights) if w > 0)
    parts[last] = total - sum(p for i, p in enumerate(parts) if i != last)
    return parts


def _weights(
    profile: Profile | None, codes: Sequence[str], quarters: int
) -> tuple[dict[str, list[float]], list[Problem]]:
    if profile is None:
        return {"*": [1.0] * quarters}, []
    problems: list[Problem] = []
    out: dict[str, list[float]] = {"*": [1.0] * quarters}
    for key, weights in profile.items():
        if key != "*" and key not in codes:
            problems.append(BAD_PROFILE(field=key, why=f"the profile names measure {key}, which the bid does not have"))
        elif len(weights) != quarters:
            problems.append(BAD_PROFILE(field=key, why=f"the profile for {key} has {len(weights)} weight(s); the contract has {quarters} quarter(s)"))  # fmt: skip
        elif any(w < 0 for w in weights) or sum(weights) <= 0:
            problems.append(BAD_PROFILE(field=key, why=f"the profile for {key} needs weights of 0 or more, not all 0"))
        else:
            out[key] = [float(w) for w in weights]
    return out, problems


def read_profile(text: str, periods: Sequence[Period], file: str = "") -> tuple[Profile | None, list[Problem]]:
    """A phasing profile: ``1,2,2,1`` (one weight per quarter, every measure) or CSV text with columns
    ``period,weight`` and optionally ``measure`` (``*`` or blank for every measure; unlisted quarters weigh 0)."""
    if "\n" not in text.strip() and "period" not in text.lower():
        try:
            return {"*": [float(w) for w in text.split(",")]}, []
        except ValueError:
            return None, [BAD_PROFILE(file=file, raw=text, why="write the weights as numbers separated by commas, e.g. 1,1,2,2")]  # fmt: skip
    index = {p.index: i for i, p in enumerate(periods)}
    out: dict[str, list[float]] = {}
    problems: list[Problem] = []
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    for line, row in enumerate(reader, start=2):
        clean = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        period = Period.parse(clean.get("period", ""))
        measure = clean.get("measure") or "*"
        try:
            weight = float(clean.get("weight", ""))
        except ValueError:
            problems.append(BAD_PROFILE(file=file, line=line, field="weight", raw=clean.get("weight", ""), why="the weight is not a number"))  # fmt: skip
            continue
        if period is None or period.index not in index:
            problems.append(BAD_PROFILE(file=file, line=line, field="period", raw=clean.get("period", ""),
                                        why=f"not a quarter of the contract ({periods[0]} to {periods[-1]})" if periods else "no quarters"))  # fmt: skip
            continue
        out.setdefault(measure, [0.0] * len(periods))[index[period.index]] = weight
    return (None, problems) if problems else (out, [])
