"""Bids that look like the same supplier, or the same bid twice: flagged for an officer, never excluded.

Four signs, each compared the way a person would see them:

- the same company number;
- supplier names that read the same once case, punctuation, legal suffixes (Ltd, Limited, plc…),
  accents and look-alike letters (Cyrillic а for Latin a, 1 for l, 0 for O, rn for m) are set aside;
- the same file, byte for byte (the same SHA-256);
- the same written answer to a question, word for word (case and spacing aside), in answers long
  enough for that to be no accident.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from socialvalue.bid import Bid
from socialvalue.problems import Problem, Severity, define

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
# Latin letters and digits that look alike in most fonts, folded to one of each group (after casefolding)
_LOOK_ALIKE = str.maketrans({"1": "l", "i": "l", "|": "l", "0": "o", "5": "s"})
_LOOK_ALIKE_PAIRS = (("rn", "m"), ("vv", "w"))

MIN_IDENTICAL_WORDS = 20
"""Answers shorter than this are not compared: two bidders may well both write "See attached" or "N/A"."""

DUPLICATE_SUPPLIER = define(
    "duplicate-supplier",
    Severity.WARNING,
    "{why} as {other}: check whether one organisation submitted twice (flagged, not excluded)",
)
IDENTICAL_FILE = define(
    "identical-file",
    Severity.WARNING,
    "this file is byte for byte the same as {other} (SHA-256 {sha}): check whether one bid was sent twice "
    "or by two suppliers (flagged, not excluded)",
)
IDENTICAL_ANSWER = define(
    "identical-answer",
    Severity.WARNING,
    "the answer to {code} ({words} words) is word for word the same as {other}'s (case and spacing aside): "
    "check for a shared or copied bid (flagged, not excluded)",
)


def name_key(name: str) -> str:
    """A comparison key: look-alike letters mapped, accents and punctuation dropped, legal suffixes removed."""
    text = unicodedata.normalize("NFKC", name).translate(_CONFUSABLES)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    text = text.replace("&", " and ")
    return _NON_WORD.sub("", _SUFFIXES.sub(" ", text))


def look_alike_key(name: str) -> str:
    """:func:`name_key` with Latin look-alikes folded too: ``Faci1ities`` and ``Facilities`` give the same key."""
    key = name_key(name).translate(_LOOK_ALIKE)
    for pair, one in _LOOK_ALIKE_PAIRS:
        key = key.replace(pair, one)
    return key


_SPACING = b" \t\n\r\x0b\x0c"


def answer_digest(text: str) -> str:
    """A short hash of an answer with case and spacing set aside (letters lower-cased, spaces and line breaks
    dropped), kept when the text is not. Bytes throughout: this runs on every answer of every bid."""
    return hashlib.blake2b(text.encode().lower().translate(None, _SPACING), digest_size=12).hexdigest()


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
        la, lb = look_alike_key(a.supplier_name), look_alike_key(b.supplier_name)
        if la and la == lb:
            return (
                f"the supplier name {b.supplier_name!r} looks like {a.supplier_name!r} (letters that look alike), used"
            )
    return ""


def supplier_keys(bid: Bid) -> list[str]:
    """Keys under which two bids count as the same organisation (company number; name, look-alikes folded)."""
    keys = [f"company:{bid.company_number}"] if bid.company_number else []
    key = look_alike_key(bid.supplier_name) if bid.supplier_name else ""
    return [*keys, f"name:{key}"] if key else keys


@dataclass(frozen=True, slots=True)
class Alike:
    """One bid (``file``) that looks like an earlier one (``other``): the problem listed for it, and what both
    bids' rows say (``kind``: why they look alike)."""

    file: str
    other: str
    problem: Problem
    kind: str


def look_alikes(bids: Sequence[Bid]) -> list[Alike]:
    """Every bid that looks like an earlier one in ``bids``: same supplier, same file or same answer.

    One entry per bid per sign (the first earlier bid it matches), in the bids' order.
    """
    out: list[Alike] = []
    first_key: dict[str, Bid] = {}
    first_file: dict[str, Bid] = {}
    first_answer: dict[tuple[str, str], Bid] = {}
    for b in bids:
        for key in supplier_keys(b):
            earlier = first_key.setdefault(key, b)
            if earlier is not b:
                why = same_supplier(earlier, b)
                problem = DUPLICATE_SUPPLIER(file=b.file, raw=b.supplier_name, why=why, other=earlier.file)
                kind = "the same company number" if key.startswith("company:") else "a look-alike supplier name"
                out.append(Alike(b.file, earlier.file, problem, kind))
                break
        if b.sha256:
            earlier = first_file.setdefault(b.sha256, b)
            if earlier is not b:
                problem = IDENTICAL_FILE(file=b.file, other=earlier.file, sha=b.sha256[:16])
                out.append(Alike(b.file, earlier.file, problem, "an identical file (the same SHA-256)"))
        for code, answer in sorted(b.answers.items()):
            if not answer.digest or answer.words < MIN_IDENTICAL_WORDS:
                continue
            earlier = first_answer.setdefault((code, answer.digest), b)
            if earlier is not b:
                fields: dict[str, Any] = dict(code=code, words=answer.words, other=earlier.file)
                if answer.cell is None:
                    fields["field"] = code
                problem = IDENTICAL_ANSWER.at(answer.cell, file=b.file, **fields)
                out.append(Alike(b.file, earlier.file, problem, f"the same answer to {code}, word for word"))
    return out
