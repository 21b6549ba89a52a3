"""Awards and their social value as Open Contracting Data Standard (OCDS 1.1) releases, Metrics extension.

One release per contract: the award and the contract, each with its **agreed metrics** (the KPIs the
winning bid committed to: the quantity per quarter and, for measures with a proxy value, the social
value £ per quarter, gross and net as separate observations), and the contract's
**implementation metrics** (what the supplier's returns reported as delivered, per quarter, with the
contract manager's evidence grade). Counts with no proxy value (hours, roles) are published as
quantities only, never with a £ value.

The input is :class:`ContractExport`, plain figures a store query fills; this module knows nothing
of how they were stored. Nothing here is validated against the schema at run time (the schema is not
shipped): the tests validate the output against the OCDS 1.1.5 release schema with the Metrics
extension merged in.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

OCDS_VERSION = "1.1"
METRICS_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_metrics_extension/master/extension.json"
)
SCHEMES = {"ods": "GB-NHS", "company": "GB-COH", "charity": "GB-CHC"}
"""Our organisation code schemes as org-id.guide prefixes. GSS codes (councils) have no org-id list:
such a buyer is named and given a party id, with no ``identifier`` (never a guessed scheme)."""
_OCID_PREFIX = re.compile(r"^ocds-[a-z0-9]{6}$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Organisation(_Model):
    scheme: Literal["ods", "gss", "charity", "company", ""] = ""
    code: str = ""
    name: str

    @property
    def party_id(self) -> str:
        prefix = SCHEMES.get(self.scheme) or (f"GSS-{self.code}" if self.scheme == "gss" else "")
        if prefix and self.scheme != "gss":
            return f"{prefix}-{self.code}"
        return prefix or "name-" + re.sub(r"[^A-Za-z0-9]+", "-", self.name).strip("-").lower()


class PeriodFigures(_Model):
    """One KPI in one quarter: the phased commitment and, once a return reports it, what was delivered."""

    period: str
    """``2026Q3``."""
    start: dt.date
    end: dt.date
    committed_quantity: float
    committed_gross_gbp: float | None = None
    committed_net_gbp: float | None = None
    delivered_quantity: float | None = None
    delivered_gross_gbp: float | None = None
    delivered_net_gbp: float | None = None
    evidence_grade: str | None = None


Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class KpiExport(_Model):
    code: Code
    description: str
    theme: str = ""
    unit: str
    unit_value_gbp: float | None = None
    """£ per unit; None for a count published as a count."""
    value_code: str = ""
    value_source: str = ""
    net_factor: float = 1.0
    periods: list[PeriodFigures] = Field(default_factory=list)


class ContractExport(_Model):
    contract: Code
    """The buyer's contract reference (becomes the OCDS award and contract id)."""
    title: str = ""
    buyer: Organisation
    supplier: Organisation
    awarded_at: dt.datetime
    start: dt.date
    end: dt.date
    contract_value_gbp: float | None = None
    value_set: str = ""
    value_set_version: str = ""
    value_set_illustrative: bool = False
    rubric: str = ""
    kpis: list[KpiExport] = Field(default_factory=list)


def _when(value: dt.date | dt.datetime, end_of_day: bool = False) -> str:
    if isinstance(value, dt.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{value.isoformat()}T{'23:59:59' if end_of_day else '00:00:00'}Z"


def _period(start: dt.date, end: dt.date) -> dict[str, Any]:
    return {"startDate": _when(start), "endDate": _when(end, end_of_day=True), "durationInDays": (end - start).days + 1}


def _gbp(amount: float) -> dict[str, Any]:
    return {"amount": round(amount, 2), "currency": "GBP"}


def _party(org: Organisation, role: str) -> dict[str, Any]:
    party: dict[str, Any] = {"id": org.party_id, "name": org.name, "roles": [role]}
    if org.scheme in SCHEMES and org.code:
        party["identifier"] = {"scheme": SCHEMES[org.scheme], "id": org.code, "legalName": org.name}
    return party


def _value_notes(c: ContractExport, k: KpiExport) -> str:
    assert k.unit_value_gbp is not None
    source = f"value set {c.value_set} {c.value_set_version}".strip() if c.value_set else "the tender's value set"
    row = f" (row {k.value_code})" if k.value_code else ""
    notes = (
        f"£{k.unit_value_gbp:,.2f} per {k.unit} from {source}{row}. Net = gross × {k.net_factor:g} "
        "(deadweight, displacement and attribution)."
    )
    if c.value_set_illustrative:
        notes += " These are illustrative values, not a published value set: do not rely on the £ figures."
    return notes


def _quantity(k: KpiExport, p: PeriodFigures, delivered: bool) -> dict[str, Any]:
    observation: dict[str, Any] = {
        "id": f"{k.code}-{p.period}",
        "period": _period(p.start, p.end),
        "measure": p.delivered_quantity if delivered else p.committed_quantity,
        "unit": {"name": k.unit},
    }
    if delivered and p.evidence_grade:
        observation["dimensions"] = {"evidenceGrade": p.evidence_grade}
    return observation


def _money(k: KpiExport, p: PeriodFigures, delivered: bool) -> list[dict[str, Any]]:
    gross = p.delivered_gross_gbp if delivered else p.committed_gross_gbp
    net = p.delivered_net_gbp if delivered else p.committed_net_gbp
    out = []
    for basis, amount in (("gross", gross), ("net", net)):
        if amount is None:
            continue
        dims = {"basis": basis} | ({"evidenceGrade": p.evidence_grade} if delivered and p.evidence_grade else {})
        out.append({"id": f"{k.code}-gbp-{p.period}-{basis}", "period": _period(p.start, p.end),
                    "value": _gbp(amount), "dimensions": dims})  # fmt: skip
    return out


def _metrics(c: ContractExport, delivered: bool) -> list[dict[str, Any]]:
    metrics: list[dict[str, Any]] = []
    for k in c.kpis:
        periods = [p for p in k.periods if not delivered or p.delivered_quantity is not None]
        if not periods:
            continue
        about = f"Theme: {k.theme}. " if k.theme else ""
        metrics.append({
            "id": k.code,
            "title": k.description,
            "description": f"{about}Quantity in {k.unit}, per quarter"
                           + (" as delivered, from the supplier's quarterly returns." if delivered else " as committed."),
            "observations": [_quantity(k, p, delivered) for p in periods],
        })  # fmt: skip
        if k.unit_value_gbp is None:
            continue  # a count stays a count
        money = [o for p in periods for o in _money(k, p, delivered)]
        if money:
            metrics.append({
                "id": f"{k.code}-gbp",
                "title": f"{k.description}: social value (£)",
                "description": f"{about}Quantity × £ per unit, gross and net kept apart. {_value_notes(c, k)}",
                "observations": money,
            })  # fmt: skip
    return metrics


def _prune(value: Any) -> Any:
    """Empty text and nulls left out (OCDS text fields, where given, are at least one character)."""
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if not _empty(v)}
    if isinstance(value, list):
        return [v for v in map(_prune, value) if not _empty(v)]
    if isinstance(value, str):
        return value if value.strip() else ""
    return value


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | dict) and not value)


def check_prefix(prefix: str) -> str | None:
    """Why ``prefix`` is not an OCID prefix (``ocds-`` and six letters or digits), or None when it is."""
    if _OCID_PREFIX.match(prefix):
        return None
    return f"{prefix!r} is not an OCID prefix: it is 'ocds-' and six lower-case letters or digits, registered with the Open Contracting Partnership"


def release(c: ContractExport, prefix: str, published: dt.datetime) -> dict[str, Any]:
    """One contract as an OCDS release (award, contract and implementation, with the Metrics extension)."""
    ocid = f"{prefix}-{re.sub(r'[^A-Za-z0-9._-]+', '-', c.contract)}"
    agreed, delivered = _metrics(c, delivered=False), _metrics(c, delivered=True)
    status = "active" if published.date() <= c.end else "terminated"
    award: dict[str, Any] = {
        "id": c.contract,
        "title": c.title or None,
        "status": "active",
        "date": _when(c.awarded_at),
        "suppliers": [{"id": c.supplier.party_id, "name": c.supplier.name}],
        "contractPeriod": _period(c.start, c.end),
    }
    contract: dict[str, Any] = {
        "id": c.contract,
        "awardID": c.contract,
        "title": c.title or None,
        "status": status,
        "period": _period(c.start, c.end),
    }
    if c.contract_value_gbp is not None:
        award["value"] = contract["value"] = _gbp(c.contract_value_gbp)
    if agreed:
        award["agreedMetrics"] = contract["agreedMetrics"] = agreed
    if delivered:
        contract["implementation"] = {"metrics": delivered}
    tags = ["award", "contract"] + (["implementation"] if delivered else [])
    made: dict[str, Any] = _prune(
        {
            "ocid": ocid,
            "id": f"{ocid}-{published.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}",
            "date": _when(published),
            "tag": tags,
            "initiationType": "tender",
            "language": "en",
            "parties": [_party(c.buyer, "buyer"), _party(c.supplier, "supplier")],
            "buyer": {"id": c.buyer.party_id, "name": c.buyer.name},
            "awards": [award],
            "contracts": [contract],
        }
    )
    return made


def release_package(
    contracts: list[ContractExport], prefix: str, publisher: str, published: dt.datetime | None = None, uri: str = ""
) -> dict[str, Any]:
    """A release package of one release per contract, declaring the Metrics extension."""
    when = published or dt.datetime.now(dt.UTC)
    package: dict[str, Any] = {
        "uri": uri or None,
        "version": OCDS_VERSION,
        "extensions": [METRICS_EXTENSION],
        "publishedDate": _when(when),
        "publisher": {"name": publisher},
        "releases": [release(c, prefix, when) for c in contracts],
    }
    if package["uri"] is None:
        del package["uri"]
    return package
