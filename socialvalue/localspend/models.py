"""What a local-spend run found, as tidy tables that can be stored as they are.

Every payment row read ends up in exactly one (kind, category) pair: the kind says what the amount was
(a payment, a credit, zero, unreadable, or a blank row), the category says where the supplier was placed and,
if it was not placed, why. :attr:`LocalSpendResult.spend` holds the counts and £ per organisation, place,
month, supplier type, kind and category; every figure of the report is a sum over it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict

from socialvalue.problems import Problem

from .setaside import SetAsideRows


class Kind(StrEnum):
    """What a row's amount was."""

    PAYMENT = "payment"
    CREDIT = "credit"
    ZERO = "zero"
    NO_AMOUNT = "no-amount"
    BLANK_ROW = "blank-row"


KIND_MEANING: dict[Kind, str] = {
    Kind.PAYMENT: "a payment (an amount above zero)",
    Kind.CREDIT: "a credit or refund (an amount below zero): not netted into the payments, shown apart",
    Kind.ZERO: "an amount of zero: counted as a row, no money",
    Kind.NO_AMOUNT: "the amount is blank or could not be read: not counted (see Problems)",
    Kind.BLANK_ROW: "a blank row inside the table: nothing to count",
}


class Category(StrEnum):
    """Where a row's supplier was placed, or why it could not be."""

    LOCAL = "local"
    NOT_LOCAL = "not-local"
    HEAD_OFFICE_ONLY = "head-office-only"
    NO_DISTRICT = "no-district"
    POSTCODE_NOT_FOUND = "postcode-not-found"
    BAD_POSTCODE = "bad-postcode"
    NO_POSTCODE = "no-postcode"
    REGISTER_CONFLICT = "register-conflict"
    UNKNOWN_SUPPLIER = "unknown-supplier"
    NO_SUPPLIER = "no-supplier"
    REDACTED = "redacted"
    NONE = "none"
    """Blank rows and rows with no readable amount: nothing to place."""


CATEGORY_MEANING: dict[Category, str] = {
    Category.LOCAL: "the supplier's trading or delivery postcode is in a local district",
    Category.NOT_LOCAL: "the supplier's trading or delivery postcode is in a district outside the local area",
    Category.HEAD_OFFICE_ONLY: "the register gives only a head office postcode: where the supplier trades is not known",
    Category.NO_DISTRICT: "the directory gives no district for the postcode (blank, or a pseudo code: "
    "Channel Islands, Isle of Man, or not yet assigned)",
    Category.POSTCODE_NOT_FOUND: "the postcode is not in the postcode directory",
    Category.BAD_POSTCODE: "the register's postcode is not the shape of a UK postcode",
    Category.NO_POSTCODE: "the supplier is in the register without a postcode",
    Category.REGISTER_CONFLICT: "the register lists the supplier more than once, differently",
    Category.UNKNOWN_SUPPLIER: "the supplier is not in the register (see Suppliers to add)",
    Category.NO_SUPPLIER: "the supplier cell is blank",
    Category.REDACTED: "the supplier's name is withheld (REDACTED, personal data, withheld)",
    Category.NONE: "no amount to place",
}

PLACED = (Category.LOCAL, Category.NOT_LOCAL)


class SpendCell(BaseModel):
    """One cell of the spend table: rows and £ for one organisation, month, supplier type, kind and category."""

    model_config = ConfigDict(frozen=True)

    organisation: str
    """The organisation reported: its code (after successions: a closed CCG's payments are its ICB's)."""
    organisation_name: str
    paid_by: str
    """The organisation as the spend file names it (its code, or its name when it could not be mapped),
    before successions: the same as ``organisation`` unless that one closed and rolled up."""
    place: str
    """The paying organisation's place (a LAD code), '' when it has none (footprint-wide) or is not known."""
    month: str
    """``2024-07``, or '' when the payment date is missing or could not be read."""
    supplier_type: str
    kind: Kind
    category: Category
    rows: int
    amount_gbp: float


class LandingCell(NamedTuple):
    """Where placed money lands: £ per paying organisation, month and supplier district (a tuple: a year of a
    footprint's payments lands in tens of thousands of (organisation, month, district) cells)."""

    organisation: str
    paid_by: str
    place: str
    month: str
    supplier_district: str
    local: bool
    kind: Kind
    rows: int
    amount_gbp: float


class SupplierLine(NamedTuple):
    """One supplier as the spend files name it: how it was placed, and what was paid to it by every organisation."""

    supplier: str
    supplier_id: str
    register_name: str
    matched_by: str
    supplier_type: str
    postcode: str
    district: str
    terminated: str
    category: str
    rows: int
    payments_gbp: float
    """Payments above zero (credits are not netted)."""
    organisations: int


class LocalPayment(NamedTuple):
    """Payments by one organisation to one local supplier (LM3 round 3 works supplier by supplier)."""

    organisation: str
    supplier: str
    register_name: str
    amount_gbp: float


class Unmatched(BaseModel):
    """A supplier name the register does not know, with what was paid to it (the register's to-do list)."""

    model_config = ConfigDict(frozen=True)

    supplier: str
    rows: int
    amount_gbp: float
    organisations: int


class Round(BaseModel):
    """One part of an LM3 round: what it is, its £ and how it was worked out."""

    model_config = ConfigDict(frozen=True)

    round: int
    part: str
    amount_gbp: float
    basis: str


class Lm3(BaseModel):
    """Local Multiplier 3 (New Economics Foundation): (R1 + R2 + R3) / R1."""

    model_config = ConfigDict(frozen=True)

    scope: str
    parts: list[Round]
    r1: float
    r2: float
    r3: float | None
    """None when round 3 has no survey results or stated assumptions to work from."""
    lm3: float | None
    assumptions: list[str]


class EmploymentCell(BaseModel):
    """Staff living in one district (or 'not placed'), per organisation; small counts suppressed."""

    model_config = ConfigDict(frozen=True)

    organisation: str
    district: str
    """The district of the home postcode; '' with ``category`` saying why a row was not placed."""
    local: bool
    category: str
    headcount: int | None
    """None when suppressed (fewer than the threshold, or to stop a suppressed count being worked out)."""
    fte: float | None
    suppressed: bool


class Input(BaseModel):
    """One input file: its role, name and SHA-256."""

    model_config = ConfigDict(frozen=True)

    role: str
    file: str
    sha256: str


@dataclass
class LocalSpendResult:
    """Everything a run found, as tables (a dataclass: the detail tables run to hundreds of thousands of rows)."""

    local_area: dict[str, str]
    local_area_label: str
    inputs: list[Input]
    spend: list[SpendCell]
    landing: list[LandingCell]
    suppliers: list[SupplierLine]
    local_payments: list[LocalPayment]
    set_aside: SetAsideRows
    unmatched: list[Unmatched]
    lm3: list[Lm3]
    employment: list[EmploymentCell]
    employment_note: str
    suppression_threshold: int
    problems: list[Problem]
    notes: list[str]
    rows_read: int
    footprint: str = ""
    """The footprint's code when the local area is a footprint's places ('' for an ad-hoc local area)."""
    settings: dict[str, Any] = field(default_factory=dict)
    """What else decided the figures (LM3 shares, suppression, column names, the footprint's digest): with the
    inputs' SHA-256, the run's fingerprint in the store."""

    def total(self, *, kind: Kind | None = None, category: Category | None = None) -> tuple[int, float]:
        """(rows, £) over the spend table, for one kind and/or category."""
        rows, amount = 0, 0.0
        for c in self.spend:
            if (kind is None or c.kind is kind) and (category is None or c.category is category):
                rows += c.rows
                amount += c.amount_gbp
        return rows, amount
