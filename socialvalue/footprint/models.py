"""Footprints, places and organisations, keyed by the public codes that never change.

An organisation is known by its code in one scheme: NHS ODS (trusts ``RBQ``, ICBs ``QYG``, CCGs
``01F``), ONS GSS (councils, by their local authority district ``E06000049``), a charity number or a
company number. Names change and are only shown. A place is a local authority district (GSS code);
a footprint (an integrated care system, known by its ICB's ODS code) holds places, and its
organisations each sit in one place (or none, when they serve the whole footprint).

Organisations close and are succeeded (CCGs by their ICB on 1 July 2022, trusts by mergers): a
closed organisation names its successor so that its records roll up under the one that carries on.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

Percent = Annotated[float, Field(ge=0, le=1000)]


class Scheme(StrEnum):
    """Which register a code belongs to."""

    ODS = "ods"  # NHS Organisation Data Service: trusts, ICBs, CCGs / sub-ICB locations
    GSS = "gss"  # ONS Government Statistical Service codes: councils by their local authority district
    CHARITY = "charity"  # Charity Commission (England and Wales), OSCR (SC...), Northern Ireland (NIC...)
    COMPANY = "company"  # Companies House


CODE_PATTERNS: dict[Scheme, re.Pattern[str]] = {
    Scheme.ODS: re.compile(r"(?=[A-Z0-9]*[A-Z])[A-Z0-9]{3,6}"),
    Scheme.GSS: re.compile(r"[EWSNK][0-9]{8}"),
    Scheme.CHARITY: re.compile(r"[0-9]{6,7}|SC0[0-9]{5}|NIC[0-9]{6}"),
    Scheme.COMPANY: re.compile(r"[0-9]{8}|[A-Z]{2}[0-9]{6}"),
}
"""The shape of a code in each scheme (codes are compared in capitals, without spaces)."""

CODE_EXAMPLES = {
    Scheme.ODS: "RBQ, QYG or 01F",
    Scheme.GSS: "E06000049",
    Scheme.CHARITY: "1234567 or SC012345",
    Scheme.COMPANY: "01234567 or SC123456",
}


class OrgKind(StrEnum):
    ICB = "icb"
    CCG = "ccg"  # closed 30 June 2022; their codes live on as sub-ICB locations
    TRUST = "trust"
    COUNCIL = "council"
    VCSE = "vcse"  # voluntary, community and social enterprise
    OTHER = "other"


SCHEME_OF_KIND = {
    OrgKind.ICB: Scheme.ODS,
    OrgKind.CCG: Scheme.ODS,
    OrgKind.TRUST: Scheme.ODS,
    OrgKind.COUNCIL: Scheme.GSS,
}
"""Kinds that are always coded in one scheme."""


def normalise_code(code: str) -> str:
    return "".join(str(code).upper().split())


def code_problem(scheme: Scheme, code: str) -> str | None:
    """Why ``code`` is not a code of ``scheme`` (None when it is)."""
    if CODE_PATTERNS[scheme].fullmatch(code):
        return None
    return f"{code!r} is not a {scheme.value.upper()} code (such as {CODE_EXAMPLES[scheme]})"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Place(_Model):
    """A local authority district, by its GSS code."""

    gss: str = Field(description="ONS GSS code of the local authority district, e.g. E06000049")
    name: str

    @model_validator(mode="after")
    def _code(self) -> Place:
        why = code_problem(Scheme.GSS, self.gss)
        if why:
            raise ValueError(why)
        return self


class Organisation(_Model):
    """One organisation, by its code; closed ones name their successor."""

    scheme: Scheme
    code: str
    name: str = Field(min_length=1)
    kind: OrgKind
    place: str | None = Field(default=None, description="GSS code of its place; none for footprint-wide bodies")
    postcode: str | None = Field(default=None, description="Postcode of its registered address")
    opened: date | None = None
    closed: date | None = Field(default=None, description="Last day it existed")
    successor: str | None = Field(default=None, description="Code of the organisation that carried on its work")
    successor_scheme: Scheme | None = Field(default=None, description="Scheme of the successor's code (default: same)")
    succeeded_on: date | None = Field(default=None, description="First day of the successor (default: closed + 1 day)")
    former_name: str = Field(default="", description="Its name while open, when the register now shows another")
    note: str = ""

    @field_validator("code")
    @classmethod
    def _code(cls, code: str, info: ValidationInfo) -> str:
        scheme = info.data.get("scheme")
        why = code_problem(scheme, code) if scheme is not None else None
        if why:
            raise ValueError(why)
        return code

    @model_validator(mode="after")
    def _consistent(self) -> Organisation:
        why = None
        wanted = SCHEME_OF_KIND.get(self.kind)
        if wanted is not None and wanted is not self.scheme:
            why = f"a {self.kind.value} is coded in {wanted.value.upper()}, not {self.scheme.value.upper()}"
        if why is None and self.successor is not None:
            why = code_problem(self.successor_scheme or self.scheme, self.successor)
        if why is None and self.opened and self.closed and self.closed < self.opened:
            why = f"it closed ({self.closed}) before it opened ({self.opened})"
        if why is None and self.successor is not None and self.closed is None:
            why = "it names a successor but no closing date"
        if why:
            raise ValueError(why)
        return self

    @property
    def key(self) -> tuple[Scheme, str]:
        return self.scheme, self.code

    @property
    def successor_key(self) -> tuple[Scheme, str] | None:
        return (self.successor_scheme or self.scheme, self.successor) if self.successor else None

    @property
    def successor_from(self) -> date | None:
        if self.succeeded_on is not None:
            return self.succeeded_on
        return self.closed + timedelta(days=1) if self.closed and self.successor else None


class Footprint(_Model):
    """An integrated care system (or any group of organisations that reports together)."""

    code: str = Field(description="The footprint's code: its ICB's ODS code, e.g. QYG")
    gss: str | None = Field(default=None, description="ONS code of the ICB, e.g. E54000008")
    name: str = Field(min_length=1)
    rag_green_pct: Percent = Field(default=90, description="Delivered to date at or above this % is green")
    rag_amber_pct: Percent = Field(default=70, description="At or above this % (and below green) is amber; below, red")
    return_due_days: int = Field(
        default=30, ge=0, le=366, description="Days after a quarter ends that its return is due"
    )
    places: list[Place] = Field(default_factory=list)
    organisations: list[Organisation] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Footprint:
        if self.rag_amber_pct > self.rag_green_pct:
            raise ValueError(f"the amber threshold ({self.rag_amber_pct:g}%) is above green ({self.rag_green_pct:g}%)")
        return self
