"""Shortening and wrapping text for display: at word boundaries, with an ellipsis where cut, never mid-word without one."""

from __future__ import annotations

import textwrap

_TRAILING_SMALL_WORDS = frozenset(
    ("a", "an", "and", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with")
)


def cut_words(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word boundary to at most ``limit`` characters, with "…" when cut.

    A single word longer than the limit is cut inside it, still with "…".
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if " " not in head:
        return head + "…"
    words = head.rsplit(" ", 1)[0].rstrip(" ,;:-(").split(" ")
    while len(words) > 1 and words[-1].lower() in _TRAILING_SMALL_WORDS:  # "delivered on the…" → "delivered…"
        words.pop()
    return " ".join(words) + "…"


def wrap_words(text: str, width: int, max_lines: int | None = None) -> list[str]:
    """``text`` in lines of at most ``width`` characters, broken between words as a spreadsheet or a chart label
    wraps (a word longer than a line is split). With ``max_lines``, the last line ends "…" where text was left out."""
    lines = textwrap.wrap(" ".join(text.split()), max(width, 4)) or [""]
    if max_lines is not None and len(lines) > max_lines:
        rest = " ".join(lines[max_lines - 1 :])
        lines = [*lines[: max_lines - 1], cut_words(rest, width)]
    return lines
