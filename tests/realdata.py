"""Where the team's shared real data lives: ``shared/realdata`` beside the repository (in CI, beside the clone;
in an engineer's worktree, beside a folder further up). Tests skip, saying why, where it is absent."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def realdata(*parts: str) -> Path:
    """``shared/realdata/<parts>`` from the nearest folder above the repository that has it (the first
    candidate, beside the repository, when none does: tests then find it missing and skip)."""
    for parent in REPO.parents:
        candidate = parent / "shared" / "realdata"
        if candidate.is_dir():
            return candidate.joinpath(*parts)
    return REPO.parent.joinpath("shared", "realdata", *parts)
