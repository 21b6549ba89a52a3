"""The figures a footprint or contract report shows, as the store's queries return them (already totalled).

Plain data, no database and no layout: :mod:`.queries` fills these with GROUP BY queries, and
:mod:`.footprint` / :mod:`.contract` lay them out with the report kit. £ figures are only ever for KPIs
with a proxy value; counts (hours, roles) travel separately, in their own unit, and are never priced.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from socialvalue.output.reportkit import Cell

if TYPE_CHECKING:
    from .local import LocalEconomy


@dataclass
class Money:
    """£ committed (phased over the period) and delivered, gross and net kept apart."""

    committed_gross: float = 0.0
    committed_net: float = 0.0
    delivered_gross: float = 0.0
    delivered_net: float = 0.0

    @property
    def rate(self) -> float | None:
        """Delivered ÷ committed, gross (None when nothing was committed)."""
        return self.delivered_gross / self.committed_gross if self.committed_gross else None


@dataclass
class Group:
    """One row of a breakdown: its key as the rows sheet holds it, a name to show, and its £."""

    key: str
    name: str
    money: Money
    detail: str = ""
    """A second column where it helps (an organisation's place, a measure's theme)."""


@dataclass
class CountLine:
    """A measure counted in its own unit (no proxy value): committed and delivered quantities."""

    measure: str
    description: str
    unit: str
    committed: float
    delivered: float


@dataclass
class GradeLine:
    """Evidence behind what was delivered: one grade (verified, documented, self-reported, not yet graded)."""

    grade: str
    lines: int
    delivered_gross: float


@dataclass
class ValueSetUse:
    """A value set the £ figures rest on, and how many contracts' KPIs use it."""

    name: str
    version: str
    illustrative: bool
    contracts: int

    @property
    def label(self) -> str:
        """How the reports name the set: ``id vVERSION`` (as scoring outputs do), else what the store holds."""
        return f"{self.name} v{self.version}" if self.name and self.version else self.name or "not recorded"


@dataclass
class ContractRisk:
    """A contract whose delivery to date is below the footprint's green threshold, or whose returns are overdue."""

    contract: str
    title: str
    organisation: str
    manager: str
    supplier: str
    rate: float | None
    rag: str
    overdue: list[str] = field(default_factory=list)


@dataclass
class FootprintFigures:
    footprint: str
    """``QYG Cheshire and Merseyside``."""
    first: str
    last: str
    """The quarters reported, e.g. ``2026Q1`` to ``2026Q2``."""
    total: Money
    by_organisation: list[Group]
    by_place: list[Group]
    by_theme: list[Group]
    by_measure: list[Group]
    by_quarter: list[Group]
    counts: list[CountLine]
    grades: list[GradeLine]
    value_sets: list[ValueSetUse]
    rag: dict[str, int]
    """Contracts by RAG status (green, amber, red, not due) on the report's date."""
    at_risk: list[ContractRisk]
    overdue_returns: int
    thresholds: tuple[float, float] = (90.0, 70.0)
    """The footprint's green and amber thresholds, in % of the phased commitment to date."""
    as_of: str = ""
    rows: Collection[dict[str, Cell]] | None = None
    """The KPI-quarter rows behind the totals (keys: see :data:`ROW_COLUMNS`), streamed from the store."""
    kpi_periods: int = 0
    code: str = ""
    """The footprint's code (``QYG``)."""
    local: LocalEconomy | None = None
    """Local spend and local employment from the store's local-spend runs (None: not asked for)."""


ROW_COLUMNS: tuple[tuple[str, str, str, float], ...] = (
    ("period", "Quarter", "text", 9),
    ("contract", "Contract", "text", 18),
    ("org_code", "Organisation code", "text", 12),
    ("organisation", "Organisation", "text", 34),
    ("place_gss", "Place code", "text", 11),
    ("place", "Place", "text", 22),
    ("theme", "Theme", "text", 24),
    ("measure_key", "Measure", "text", 12),
    ("description", "Measure description", "text", 36),
    ("unit", "Unit", "text", 12),
    ("committed_quantity", "Committed quantity", "count", 12),
    ("delivered_quantity", "Delivered quantity", "count", 12),
    ("unit_value", "£ per unit", "gbp", 10),
    ("net_factor", "Net factor", "number", 9),
    ("committed_gross", "Committed £ gross", "gbp", 13),
    ("committed_net", "Committed £ net", "gbp", 13),
    ("delivered_gross", "Delivered £ gross", "gbp", 13),
    ("delivered_net", "Delivered £ net", "gbp", 13),
    ("grade", "Evidence grade", "text", 13),
    ("evidence_ref", "Evidence reference", "text", 20),
    ("return_file", "Return file", "text", 26),
    ("return_sha256", "Return SHA-256", "text", 20),
)
"""The rows sheet: (key, heading, kind, width). Every total in the report is a sum over these rows."""


@dataclass
class KpiQuarter:
    """One KPI in one quarter of a contract."""

    kpi: str
    description: str
    unit: str
    period: str
    committed: float
    delivered: float | None
    money: Money | None
    """£ figures; None for a count."""
    grade: str = ""
    evidence_ref: str = ""
    return_file: str = ""


@dataclass
class ReturnRecord:
    period: str
    file: str
    sha256: str
    received: str
    status: str
    changes: str = ""


@dataclass
class ContractFigures:
    contract: str
    title: str
    organisation: str
    supplier: str
    manager: str
    start: str
    end: str
    value_gbp: float | None
    tender: str
    """Rubric id and version, with its fingerprint."""
    value_set: ValueSetUse | None
    rag: str
    rate: float | None
    through: str
    """The last quarter counted in the rate."""
    overdue: list[str]
    by_quarter: list[Group]
    lines: list[KpiQuarter]
    returns: list[ReturnRecord]
