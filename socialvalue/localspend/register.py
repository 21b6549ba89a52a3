"""The supplier register the user keeps: each supplier's trading or delivery postcode, head office, SME and VCSE flags.

Spend-file names are matched to the register by :func:`socialvalue.intake.names.name_key` (case, punctuation,
accents, Ltd/Limited/plc and look-alike letters do not matter), or by supplier id when both sides have one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from socialvalue.intake.names import name_key
from socialvalue.intake.values import is_blank, read_postcode, read_yes_no
from socialvalue.problems import Problem, Severity, define

from .tables import Field, Table, read_tables

REGISTER_FIELDS = (
    Field("name", ("supplier", "supplier name", "name", "payee", "vendor", "vendor name", "organisation name"), required=True, describe="the supplier's name"),
    Field("id", ("supplier id", "supplier number", "supplier code", "vendor id", "vendor number", "supplier ref")),
    Field(
        "postcode",
        (
            "trading postcode", "delivery postcode", "site postcode", "branch postcode", "trading address postcode",
            "postcode", "post code",
        ),
        describe="where the supplier trades or delivers",
    ),
    Field("head_office", ("head office postcode", "registered office postcode", "registered postcode", "hq postcode")),
    Field("sme", ("sme", "is sme", "sme flag", "small or medium enterprise")),
    Field("vcse", ("vcse", "is vcse", "vcse flag", "voluntary community social enterprise", "charity or social enterprise")),
)  # fmt: skip

REGISTER_POSTCODE = define("register-postcode", Severity.WARNING, "{why}")
REGISTER_FLAG = define("register-flag", Severity.WARNING, "{why}: the supplier's type is taken as unknown")
REGISTER_CONFLICT = define(
    "register-conflict",
    Severity.WARNING,
    "'{name}' is also on row {first} with a different postcode or flags: its payments are not placed "
    "until the register says one thing",
)
REGISTER_EMPTY = define("register-empty", Severity.ERROR, "{what}")


class SupplierType(StrEnum):
    """A supplier's type for reporting: VCSE first (a VCSE may also be small), then SME, then other."""

    VCSE = "VCSE"
    SME = "SME"
    OTHER = "Other"
    UNKNOWN = "Unknown"


@dataclass(frozen=True)
class Entry:
    """One supplier of the register, as read."""

    row: int
    name: str
    supplier_id: str
    postcode: str | None
    """Trading or delivery postcode, normalised (``L3 8EN``); None when blank or not a postcode."""
    postcode_issue: str
    """Why the trading postcode is not the shape of a current postcode ('' when it is, or when it was blank)."""
    old_form: str
    """A postcode refused for its shape, as the directory would key it (``NPT4LT``): old and terminated postcodes
    (``NPT 4LT``, ``W1M 5HD``) are still in the directory, and are placed when found there."""
    head_office: str | None
    kind: SupplierType

    def same_as(self, other: Entry) -> bool:
        return (self.postcode, self.head_office, self.kind) == (other.postcode, other.head_office, other.kind)


@dataclass
class Register:
    """The register's entries by name key and by id; keys given twice with different contents are ``conflicts``."""

    file: str = ""
    sha256: str = ""
    by_key: dict[str, Entry] = field(default_factory=dict)
    by_id: dict[str, Entry] = field(default_factory=dict)
    conflicts: set[str] = field(default_factory=set)
    rows: int = 0

    def match(self, name: str, supplier_id: str = "") -> tuple[Entry | None, str]:
        """The entry for a spend-file supplier and how it matched: ``id``, ``name``, ``conflict`` or ``''``."""
        if supplier_id and supplier_id in self.by_id:
            return self.by_id[supplier_id], "id"
        key = name_key(name)
        if not key:
            return None, ""
        if key in self.conflicts:
            return self.by_key.get(key), "conflict"
        entry = self.by_key.get(key)
        return (entry, "name") if entry is not None else (None, "")

    def postcodes(self) -> set[str]:
        """Every postcode the register gives, old forms included, to look up in the directory."""
        entries = [*self.by_key.values(), *self.by_id.values()]
        return {p for e in entries for p in (e.postcode, e.head_office, e.old_form) if p}


def _kind(sme: bool | None, vcse: bool | None) -> SupplierType:
    if vcse:
        return SupplierType.VCSE
    if sme:
        return SupplierType.SME
    if sme is False and vcse is False:
        return SupplierType.OTHER
    return SupplierType.UNKNOWN


_ID_CLEAN = re.compile(r"\s+")


def supplier_id_text(raw: object) -> str:
    """A supplier id as compared: text without spaces (a number cell's ``.0`` dropped)."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return "" if is_blank(raw) else _ID_CLEAN.sub("", str(raw))


def read_register(path: Path, problems: list[Problem], mapping: Mapping[str, str] | None = None) -> Register:
    """Read the supplier register (xlsx or CSV); every row that cannot be used as given is a problem."""
    source = read_tables(path, REGISTER_FIELDS, problems, mapping)
    reg = Register(file=source.name, sha256=source.sha256)
    first_row: dict[str, int] = {}
    for table in source.tables:
        cols = table.columns
        if "postcode" not in cols and "head_office" not in cols:
            problems.append(
                REGISTER_EMPTY(
                    file=table.file,
                    sheet=table.sheet,
                    what="the register has no postcode column (a trading, delivery or head office postcode): "
                    'no supplier can be placed; name it with --column postcode="Header"',
                )
            )
        for rownum, values in table.rows:
            raw_name = table.get(values, "name")
            if is_blank(raw_name):
                continue
            reg.rows += 1
            name = " ".join(str(raw_name).split())
            postcode, issue, old_form = _postcode(table.get(values, "postcode"), table, rownum, "postcode", problems)
            head_office, _, _ = _postcode(table.get(values, "head_office"), table, rownum, "head_office", problems)
            flags = []
            for flag in ("sme", "vcse"):
                got = read_yes_no(table.get(values, flag))
                if got.issue is not None:
                    problems.append(
                        table.problem_at(REGISTER_FLAG, rownum, flag, raw=table.get(values, flag), why=got.issue.reason)
                    )
                flags.append(got.value)
            entry = Entry(
                rownum,
                name,
                supplier_id_text(table.get(values, "id")),
                postcode,
                issue,
                old_form,
                head_office,
                _kind(*flags),
            )
            key = name_key(name)
            known = reg.by_key.get(key)
            if known is not None and not known.same_as(entry) and key not in reg.conflicts:
                reg.conflicts.add(key)
                problems.append(
                    table.problem_at(REGISTER_CONFLICT, rownum, "name", raw=name, name=name, first=first_row[key])
                )
            if known is None:
                reg.by_key[key] = entry
                first_row[key] = rownum
            if entry.supplier_id:
                reg.by_id.setdefault(entry.supplier_id, entry)
    return reg


_OLD_FORM = re.compile(r"[A-Z]{1,3}[0-9][0-9A-Z]?[0-9][A-Z]{2}")


def _postcode(
    raw: object, table: Table, rownum: int, name: str, problems: list[Problem]
) -> tuple[str | None, str, str]:
    """(normalised postcode, why it was refused, the refused text as a directory key if it could be an old postcode)."""
    got = read_postcode(raw)
    if got.issue is None:
        return got.value, "", ""
    key = "".join(str(raw).upper().split())
    old_form = key if _OLD_FORM.fullmatch(key) else ""
    why = got.issue.reason
    if old_form:
        why += " (it is looked for in the postcode directory as an old or terminated postcode)"
    problems.append(table.problem_at(REGISTER_POSTCODE, rownum, name, raw=raw, why=why))
    return None, got.issue.reason, old_form
