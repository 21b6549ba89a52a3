"""Each distinct supplier of the spend files placed once: matched to the register, its postcode to a district."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .directory import Located, postcode_key
from .models import Category
from .places import LocalArea
from .register import Register, SupplierType

_WITHHELD_EXACT = frozenset(
    {
        "individual", "private individual", "personal data", "personal information", "name withheld", "not disclosed",
        "undisclosed", "confidential", "data protection", "gdpr", "sensitive", "commercially sensitive",
    }
)  # fmt: skip
_WITHHELD_START = re.compile(r"(redacted|withheld|redaction)\b")
_WORDS = re.compile(r"[^a-z0-9]+")


def is_withheld(name: str) -> bool:
    """A supplier name that says the name was withheld: ``REDACTED``, ``Redacted - personal data``, ``Withheld``,
    ``Private individual``, ``Personal data`` (but not ``Redactive Events Ltd``)."""
    words = " ".join(_WORDS.sub(" ", name.casefold()).split())
    return words in _WITHHELD_EXACT or bool(_WITHHELD_START.match(words))


@dataclass(frozen=True)
class Placed:
    """What is known of one spend-file supplier."""

    category: Category
    supplier_type: SupplierType
    register_name: str = ""
    matched_by: str = ""
    postcode: str = ""
    district: str = ""
    terminated: str = ""
    reason: str = ""


def place_suppliers(
    suppliers: Sequence[tuple[str, str]], register: Register, located: dict[str, Located], area: LocalArea
) -> list[Placed]:
    """One :class:`Placed` per spend-file supplier (name, id), in the same order."""
    out: list[Placed] = []
    unknown = SupplierType.UNKNOWN
    for name, supplier_id in suppliers:
        if is_withheld(name):
            out.append(Placed(Category.REDACTED, unknown))
            continue
        entry, how = register.match(name, supplier_id)
        if entry is None:
            out.append(Placed(Category.UNKNOWN_SUPPLIER, unknown))
            continue
        base = {"supplier_type": entry.kind, "register_name": entry.name, "matched_by": how}
        if how == "conflict":
            out.append(Placed(Category.REGISTER_CONFLICT, unknown, entry.name, how))
            continue
        postcode = entry.postcode
        if entry.postcode_issue:
            if not (entry.old_form and entry.old_form in located):
                out.append(Placed(Category.BAD_POSTCODE, reason=entry.postcode_issue, **base))  # type: ignore[arg-type]
                continue
            postcode = entry.old_form  # an old postcode (NPT 4LT) that the directory still holds
        trading = postcode
        postcode = postcode or entry.head_office
        if postcode is None:
            out.append(Placed(Category.NO_POSTCODE, **base))  # type: ignore[arg-type]
            continue
        found = located.get(postcode_key(postcode))
        if found is None:
            category = Category.POSTCODE_NOT_FOUND
        elif not found.lad:
            category = Category.NO_DISTRICT
        elif trading is None:
            category = Category.HEAD_OFFICE_ONLY
        else:
            category = Category.LOCAL if found.lad in area else Category.NOT_LOCAL
        out.append(
            Placed(
                category,
                postcode=postcode,
                district=found.lad if found else "",
                terminated=found.terminated if found else "",
                reason=found.pseudo if found and not found.lad else "",
                **base,  # type: ignore[arg-type]
            )
        )
    return out
