"""Supplier names compared the way a person would: same company despite case, suffixes or look-alike letters."""

from __future__ import annotations

import re
import unicodedata

from socialvalue.bid import Bid

_SUFFIXES = re.compile(r"\b(limited|ltd|plc|llp|cic|uk|the|and|co|company|group)\b")
_NON_WORD = re.compile(r"[^a-z0-9]+")
# Letters from other scripts that look like Latin ones (the common cases in names)
_CONFUSABLES = str.maketrans(
    {
        "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s",
        "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T",
        "Х": "X", "Ι": "I", "Ο": "O", "ο": "o", "α": "a", "ν": "v",
    }
)  # fmt: skip


def name_key(name: str) -> str:
    """A comparison key: look-alike letters mapped, accents and punctuation dropped, legal suffixes removed."""
    text = unicodedata.normalize("NFKC", name).translate(_CONFUSABLES)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    text = text.replace("&", " and ")
    return _NON_WORD.sub("", _SUFFIXES.sub(" ", text))


def same_supplier(a: Bid, b: Bid) -> str:
    """Why two bids look like the same organisation ('' when they do not)."""
    if a.company_number and a.company_number == b.company_number:
        return f"company number {a.company_number} is also given"
    if a.supplier_name and b.supplier_name:
        if a.supplier_name.strip().casefold() == b.supplier_name.strip().casefold():
            return f"the supplier name {b.supplier_name!r} is also used"
        ka, kb = name_key(a.supplier_name), name_key(b.supplier_name)
        if ka and ka == kb:
            return f"the supplier name {b.supplier_name!r} looks like {a.supplier_name!r}, used"
    return ""


def supplier_keys(bid: Bid) -> list[str]:
    """Keys under which two bids count as the same organisation (company number; name, look-alikes folded)."""
    keys = [f"company:{bid.company_number}"] if bid.company_number else []
    key = name_key(bid.supplier_name) if bid.supplier_name else ""
    return [*keys, f"name:{key}"] if key else keys
