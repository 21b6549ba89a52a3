"""Successions: which organisation an old record rolls up under, following closures and mergers."""

from __future__ import annotations

from collections.abc import Iterable

from .models import Organisation, Scheme

Key = tuple[Scheme, str]


def rollup_map(organisations: Iterable[Organisation]) -> dict[Key, Key]:
    """Each organisation → the organisation its records roll up under today (itself when it carries on).

    Follows successors as far as they are known (CCG → NHS Cheshire CCG → ICB); a successor outside
    the list stops the chain at the last one known; a circle stops where it would repeat.
    """
    orgs = list(organisations)
    successor = {o.key: o.successor_key for o in orgs}
    out: dict[Key, Key] = {}
    for o in orgs:
        current, seen = o.key, {o.key}
        while (nxt := successor.get(current)) is not None and nxt in successor and nxt not in seen:
            seen.add(nxt)
            current = nxt
        out[o.key] = current
    return out


def successor_cycles(organisations: Iterable[Organisation]) -> list[list[str]]:
    """Successions that go round in a circle, each as the codes in order."""
    successor = {o.key: o.successor_key for o in organisations}
    cycles: list[list[str]] = []
    reported: set[Key] = set()
    for start in successor:
        path: list[Key] = []
        current: Key | None = start
        while current is not None and current in successor and current not in path:
            path.append(current)
            current = successor[current]
        if current is not None and current in path and current not in reported:
            loop = path[path.index(current) :]
            reported.update(loop)
            cycles.append([code for _, code in loop] + [current[1]])
    return cycles
