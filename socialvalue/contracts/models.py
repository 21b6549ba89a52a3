"""The award as data: what :func:`socialvalue.contracts.award.plan_award` works out and the store records."""

from __future__ import annotations

import hashlib
import json
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from socialvalue.periods import Period
from socialvalue.problems import Problem, Severity


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SupplierInfo(_Model):
    name: str
    company_number: str = ""
    postcode: str = ""
    is_sme: bool | None = None
    is_vcse: bool | None = None


class TenderAudit(_Model):
    rubric_id: str
    rubric_version: str
    rubric_title: str
    rubric_fingerprint: str
    value_set: str = ""
    value_set_version: str = ""
    value_set_illustrative: bool = False
    results_file: str
    results_sha256: str
    tool: str = ""


class KpiPlan(_Model):
    code: str
    theme: str
    model_theme: str = ""
    description: str
    unit: str
    committed_quantity: float
    counted_quantity: float
    unit_value_gbp: float | None
    value_code: str = ""
    value_source: str = ""
    deadweight_pct: float = 0
    displacement_pct: float = 0
    attribution_pct: float = 0
    net_factor: float = 1
    bid_cell: str = ""
    bid_evidence: str = ""
    phased: list[float] = Field(description="Committed quantity per quarter of the contract, in order")

    @property
    def committed_gross_gbp(self) -> float | None:
        """The whole commitment in £ (gross); None for a count."""
        return None if self.unit_value_gbp is None else self.committed_quantity * self.unit_value_gbp


class AwardPlan(_Model):
    contract: str
    title: str = ""
    organisation: str
    supplier: SupplierInfo
    tender: TenderAudit
    bid_file: str
    bid_sha256: str
    contract_value_gbp: float | None
    start: date
    end: date
    periods: list[str]
    phasing: str
    kpis: list[KpiPlan]
    manager: str = ""
    """Who manages the contract: reviews its returns and grades their evidence."""

    @property
    def first_period(self) -> Period:
        period = Period.parse(self.periods[0])
        assert period is not None
        return period


class ReturnKpi(_Model):
    """One KPI as its return template shows it."""

    code: str
    theme: str
    description: str
    unit: str
    committed: float
    """Phased commitment for the return's quarter."""
    commitment_to_date: float
    """Phased commitment from the contract's first quarter through the return's quarter."""
    delivered_before: float
    """Delivered in earlier quarters, as recorded in the store when the template was made."""
    unit_value_gbp: float | None = None
    value_code: str = ""
    net_factor: float = 1


class ReturnSpec(_Model):
    """What a delivery return for one contract and quarter asks for (made from the store)."""

    contract: str
    title: str = ""
    organisation: str
    supplier: str
    period: str
    first_period: str
    last_period: str
    kpis: list[ReturnKpi]

    @property
    def fingerprint(self) -> str:
        """The KPIs the supplier answers against (codes and units): a template made before they changed no longer fits."""
        text = json.dumps([self.contract, self.period, sorted((k.code, k.unit) for k in self.kpis)])
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ReturnLine(_Model):
    """One KPI's figures in a return, as read (every value checked)."""

    code: str
    delivered: float
    evidence: str = ""
    reference: str = ""
    cell: str = ""
    note: str = ""


class ReturnReading(_Model):
    """One return file read: its lines, or (when ``accepted`` is False) every problem that rejects it."""

    file: str
    sha256: str
    contract: str = ""
    period: str = ""
    lines: list[ReturnLine] = Field(default_factory=list)
    problems: list[Problem] = Field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return bool(self.contract and self.period) and not any(p.severity is Severity.ERROR for p in self.problems)
