"""Writing the letters and the report: one folder holding exactly this run's documents, each as .docx and .html,
and what was written (:class:`Written`), including why any of it cannot be sent yet."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from socialvalue.details import TenderDetails
from socialvalue.problems import Problem
from socialvalue.rubric import Rubric
from socialvalue.scoring.results import BidResult, BidStatus, TenderResult

from ..atomic import atomic_dir
from ..document import write_docx, write_html
from ..scored import LoadedResults
from .letter import NO_WINNER, assessment_summary, draft_reasons
from .report import evaluation_report

if TYPE_CHECKING:
    from socialvalue.panel.record import PanelRecord


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "bid"


@dataclass
class Written:
    summaries: dict[str, tuple[Path, Path]] = field(default_factory=dict)
    """Bid file → (docx, html)."""
    report: tuple[Path, Path] | None = None
    drafts: dict[str, list[str]] = field(default_factory=dict)
    """Bid file → why its letter is marked DRAFT (letters ready to send are not listed)."""
    not_ready: list[str] = field(default_factory=list)
    """Why the documents cannot be sent yet, each reason once (empty: ready to send)."""


def assessed(result: TenderResult) -> list[BidResult]:
    """Bids that were assessed (everything that could be read as a bid)."""
    return [b for b in result.bids if b.status is not BidStatus.UNREADABLE]


SUMMARY_PREFIX = "assessment-summary-"
REPORT_STEM = "evaluation-report"


def is_summaries_file(name: str) -> bool:
    """A file :func:`write_summaries` makes (so a folder of them may be replaced by the next run's)."""
    stem, dot, suffix = name.rpartition(".")
    return bool(dot) and suffix.lower() in ("docx", "html") and (stem.startswith(SUMMARY_PREFIX) or stem == REPORT_STEM)


def write_summaries(
    result: TenderResult,
    rubric: Rubric,
    out_dir: Path,
    checks: Sequence[Problem],
    panel: PanelRecord | None = None,
    source: LoadedResults | None = None,
    inputs: Sequence[Path] = (),
    details: TenderDetails | None = None,
) -> Written:
    """One assessment summary per assessed bidder and the evaluation report, each as .docx and .html.

    The folder is replaced whole (:func:`~socialvalue.output.atomic.atomic_dir`): it holds exactly this
    run's documents, so a withdrawn bidder's earlier letter does not linger beside the others.
    """
    written = Written()
    used: set[str] = set()
    with atomic_dir(out_dir, inputs, own=is_summaries_file) as tmp:
        for b in assessed(result):
            stem = f"{SUMMARY_PREFIX}{_slug(Path(b.file).stem)}"
            n = 2
            base = stem
            while stem in used:
                stem, n = f"{base}-{n}", n + 1
            used.add(stem)
            draft = draft_reasons(result, b, details)
            if draft:
                written.drafts[b.file] = draft
            doc = assessment_summary(result, rubric, b, source.file if source else "", details)
            write_docx(doc, tmp / f"{stem}.docx", inputs)
            write_html(doc, tmp / f"{stem}.html", inputs)
            written.summaries[b.file] = (out_dir / f"{stem}.docx", out_dir / f"{stem}.html")
        report = evaluation_report(result, rubric, checks, panel, source, details)
        write_docx(report, tmp / f"{REPORT_STEM}.docx", inputs)
        write_html(report, tmp / f"{REPORT_STEM}.html", inputs)
        written.report = (out_dir / f"{REPORT_STEM}.docx", out_dir / f"{REPORT_STEM}.html")
    no_winner = [] if result.winner is not None else [NO_WINNER]
    written.not_ready = list(dict.fromkeys([*no_winner, *(r for d in written.drafts.values() for r in d)]))
    return written
