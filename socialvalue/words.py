"""Shortening text for display: at a word boundary, with an ellipsis, never mid-word without one."""

from __future__ import annotations

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
